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

#include "required.h"

#define VZ_LABEL_MAX 24

/* Where a match of a rule may begin and end, worked out from its pattern
 * (bit b of a set: byte b).  Supersets: a byte outside them rules a
 * position out, so skipping such positions finds the same matches. */
typedef struct {
    uint64_t first[4];      /* bytes a match may begin with */
    uint64_t last[4];       /* bytes a match may end with */
    uint64_t pre[4];        /* bytes that may stand before a match that begins with ASCII */
    uint64_t pre_na[4];     /* ... that begins with a non-ASCII character */
    int at_start;           /* may a match begin at offset 0 */
    int known;              /* 0: the sets were not worked out (anything goes) */
    /* The bytes a match that begins with ASCII byte c may go on with:
     * second[row[c]] (second == NULL: not worked out).  Rows are shared,
     * most first bytes having the same followers. */
    unsigned char row[128];
    uint64_t (*second)[4];
} vz_starts;

typedef struct {
    int kind;               /* the directive's kind */
    unsigned line;          /* in the rules file, for messages */
    pcre2_code *code;
    char label[VZ_LABEL_MAX];  /* from a leading "(?#label)" comment; "" when none */
    vz_starts starts;
    pcre2_code *anchored;   /* code compiled anchored (vz_ruleset_prepare), or NULL */
    pcre2_code *whole;      /* ... anchored at both ends, or NULL */
    vz_required req;        /* literals a match needs, for vz_rule_find and vz_rule_whole */
    vz_required all[VZ_REQUIRED_SETS];  /* rules asked for (req): requirements ... */
    size_t nall;            /* ... a match needs every one of (vz_required_all) */
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

/* vz_ruleset_build, and for the rules of the kinds in find (bit k: kind k)
 * and in whole, the anchored forms that make vz_rule_find and vz_rule_whole
 * fast: PCRE2's JIT does not take PCRE2_ANCHORED at match time (the
 * interpreter runs instead), so those forms are compiled anchored. */
int vz_ruleset_build_for(vz_ruleset *rs, const char *file, const char *text, size_t len,
                         const vz_directive *dirs, size_t ndirs, uint32_t options, uint64_t find,
                         uint64_t whole);

/* vz_ruleset_build, and for the rules of the kinds in req (bit k: kind
 * k) their required literals (r->req), for a caller that runs the plain
 * code itself and may skip a text vz_required_in rules out. */
int vz_ruleset_build_req(vz_ruleset *rs, const char *file, const char *text, size_t len,
                         const vz_directive *dirs, size_t ndirs, uint32_t options, uint64_t req);

/* pcre2_match of rule r over text[0, len) from byte off (a character
 * boundary), unanchored, with PCRE2_NO_UTF_CHECK: the same result and
 * ovector, but only the start positions r's start set allows are tried,
 * and none when off is 0 and text lacks every literal r needs. */
int vz_rule_find(const vz_ruleset *rs, const vz_rule *r, const char *text, size_t len, size_t off,
                 pcre2_match_data *md);

/* vz_rule_find for a caller that has already ruled texts out on r's
 * literals (a vz_litset): the same, without looking for them. */
int vz_rule_search(const vz_ruleset *rs, const vz_rule *r, const char *text, size_t len,
                   size_t off, pcre2_match_data *md);

/* pcre2_match of rule r anchored at both ends of text[0, len) (all of it),
 * with PCRE2_NO_UTF_CHECK; returns as pcre2_match (no match without
 * running it when text lacks every literal r needs). */
int vz_rule_whole(const vz_ruleset *rs, const vz_rule *r, const char *text, size_t len,
                  pcre2_match_data *md);

/* 0 when a match of rule r cannot be all of text[0, len): its first bytes
 * cannot begin one or its last byte end one (r's start set); 1 when one
 * may be. */
int vz_rule_may_be_whole(const vz_rule *r, const char *text, size_t len);

/* vz_rule_whole for a caller that has already ruled texts out on r's
 * literals (a vz_litset). */
int vz_rule_whole_search(const vz_ruleset *rs, const vz_rule *r, const char *text, size_t len,
                         pcre2_match_data *md);

/* Record a failed pcre2_match (err < 0, not NOMATCH) of rule r from byte
 * off as the last error; returns VZ_ENOMEM or VZ_EINTERNAL. */
int vz_ruleset_match_error(const vz_ruleset *rs, const vz_rule *r, int err, size_t off);

#endif
