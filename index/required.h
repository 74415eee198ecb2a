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
/* Requirements a match needs every one of (a string of each somewhere in
 * the subject), from the pattern's outer sequence: "(?:what|which)\s+
 * (?:city|town)" needs one of what/which and one of city/town.  Up to
 * VZ_REQUIRED_SETS in sets[0, *n); *n == 0 when none are known or the
 * pattern is an alternation.  VZ_OK or VZ_ENOMEM. */
#define VZ_REQUIRED_SETS 4
int vz_required_all(const char *pat, size_t len, uint32_t options, vz_required *sets,
                    size_t *n);
/* Option letters of a group "(?i-m:" or "(?i)", *p just after "(?": 1 a
 * group follows, 0 they hold for the rest of the enclosing one, -1 not
 * understood; *caseless follows 'i'. */
int vz_pattern_options(const char **p, const char *end, int *caseless);

/* May text[0, len) hold a match: does it hold one of the literals (always,
 * when none are known)? */
int vz_required_in(const vz_required *rq, const char *text, size_t len);


/* The literals of many rules in one table, so that one pass over a text
 * tells which rules it may hold a match of, rather than a pass per rule
 * and literal (vz_required_in).  Literals are bucketed by a hash of their
 * first two bytes, folded (those of one byte are looked for on their
 * own); each carries the rules (bit i: rule i) that it lets through. */
#define VZ_LITSET_BUCKETS 2048u
#define VZ_LITSET_FULL 4u   /* words of rules a scan stops early for, when all are in */

typedef struct {
    size_t nrules, words;     /* rules, and the 64-bit words of a set of them */
    size_t n;                 /* distinct literals */
    vz_literal *v;
    uint64_t *masks;          /* n * words: the rules each literal lets through */
    uint64_t *always;         /* words: the rules no literal filters */
    uint64_t pairs[1024];     /* bit a | b << 8: a literal may begin with the bytes a, b as
                                 they stand in a text (either case of a caseless letter) */
    uint64_t full[VZ_LITSET_FULL];   /* every rule: no text can rule more in */
    uint32_t *order;          /* literal numbers by bucket */
    uint32_t start[VZ_LITSET_BUCKETS + 1];   /* bucket b: order[start[b], start[b + 1]) */
} vz_litset;

/* The set of rq[0, nrules)'s literals (rq[i] of rule i; NULL or n == 0:
 * the rule is never filtered).  VZ_OK or VZ_ENOMEM. */
int vz_litset_build(vz_litset *ls, const vz_required *const *rq, size_t nrules);
void vz_litset_free(vz_litset *ls);

/* Set maybe[0, ls->words) to the rules whose every match text[0, len)
 * may hold: rule i is in it unless vz_required_in(rq[i], text, len) is 0. */
void vz_litset_scan(const vz_litset *ls, const char *text, size_t len, uint64_t *maybe);

#endif
