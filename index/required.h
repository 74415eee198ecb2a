/*
 * required.h - the literals a rule's every match needs: worked out from its
 * pattern when it is compiled, looked for in a text before the pattern is
 * run over it.  A text that holds none of them cannot match, so skipping
 * it gives the same result as running the pattern and failing.
 */
#ifndef VZ_REQUIRED_H
#define VZ_REQUIRED_H

#include <stddef.h>
#include <stdint.h>

#define VZ_LITERAL_MAX 32     /* bytes of one literal */

typedef struct {
    unsigned char len;        /* 1..VZ_LITERAL_MAX */
    unsigned char caseless;   /* ASCII letters match either case (s holds lower case) */
    char s[VZ_LITERAL_MAX];
} vz_literal;

/* Every match of the rule, or what its lookarounds look at, holds one of
 * v[0, n) somewhere in the subject; n == 0: nothing known (never filter). */
typedef struct {
    size_t n;
    vz_literal *v;
} vz_required;

/* The required literals of pattern pat as PCRE2 compiles it with UTF, UCP
 * and options (only PCRE2_CASELESS is followed; any other leaves nothing
 * known, as does any construct not understood).  VZ_OK or VZ_ENOMEM; out
 * is {0} when nothing useful is known. */
int vz_required_of(const char *pat, size_t len, uint32_t options, vz_required *out);
void vz_required_free(vz_required *rq);
/* Option letters of a group "(?i-m:" or "(?i)", *p just after "(?": 1 a
 * group follows, 0 they hold for the rest of the enclosing one, -1 not
 * understood; *caseless follows 'i'. */
int vz_pattern_options(const char **p, const char *end, int *caseless);

/* May text[0, len) hold a match: does it hold one of the literals (always,
 * when none are known)? */
int vz_required_in(const vz_required *rq, const char *text, size_t len);

/* vz_required_in, given also folded: text with its ASCII letters in
 * lower case (a caller that asks of many rules folds it once). */
int vz_required_in_folded(const vz_required *rq, const char *text, const char *folded, size_t len);

#endif
