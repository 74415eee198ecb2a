/*
 * rules.h - the rule language of the data files, compiled to PCRE2.
 *
 * A rules file holds one rule per line, "directive pattern", where the
 * caller names the directives it knows; "define NAME pattern" names a
 * sub-pattern that later patterns write as {NAME}; '#' starts a comment.
 * A pattern may begin with a PCRE2 comment "(?#label)" that labels the rule
 * (a word of letters, at most VZ_LABEL_MAX - 1 bytes) for the caller.
 * Patterns are compiled with UTF and UCP (and the caller's options), with
 * JIT when available.  A built rule set is read-only: threads share it and
 * bring their own match data.
 */
#ifndef VZ_RULES_H
#define VZ_RULES_H

#include <stddef.h>
#include <stdint.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#define VZ_LABEL_MAX 24

typedef struct {
    int kind;               /* the directive's kind */
    unsigned line;          /* in the rules file, for messages */
    pcre2_code *code;
    char label[VZ_LABEL_MAX];  /* from a leading "(?#label)" comment; "" when none */
} vz_rule;

typedef struct {
    const char *file;       /* "furniture.rules", for messages */
    vz_rule *items;
    size_t n, cap;
    pcre2_match_context *mctx;   /* match and depth limits; never changed once built */
} vz_ruleset;

typedef struct {
    const char *name;       /* the directive as written in the file */
    int kind;
} vz_directive;

/* Compile text (a rules file called file, for messages).  VZ_EINVAL with
 * "file line N: ..." for an unknown directive, an undefined {NAME} or a bad
 * pattern; VZ_ENOMEM. */
int  vz_ruleset_build(vz_ruleset *rs, const char *file, const char *text, size_t len,
                      const vz_directive *dirs, size_t ndirs, uint32_t options);
void vz_ruleset_free(vz_ruleset *rs);

/* Record a failed pcre2_match (err < 0, not NOMATCH) of rule r from byte
 * off as the last error; returns VZ_ENOMEM or VZ_EINTERNAL. */
int vz_ruleset_match_error(const vz_ruleset *rs, const vz_rule *r, int err, size_t off);

#endif
