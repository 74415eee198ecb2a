/*
 * rules.c - implements rules.h: the small rule language of the data files
 * ("directive pattern" lines, "define NAME pattern" and {NAME} references,
 * '#' comments) compiled into read-only PCRE2 rule sets.
 */
#include "rules.h"
#include "required.h"
#include "data.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

/* Per pcre2_match call, i.e. per start position tried.  Rules are
 * line-shaped and bounded, so a legitimate match needs a few thousand steps;
 * the limits only stop a pathological pattern from running away. */
#define VZ_MATCH_LIMIT 1000000u
#define VZ_DEPTH_LIMIT 10000u

/* vz_rule_find tries the allowed positions one by one when at most this
 * many ASCII bytes may begin a match, or stand before one.  Measured on
 * SQuAD sentences: names (26-29 bytes: capitals) and rules after a space
 * (6) gain 2-20 times; numbers (40: digits and number words) lose. */
#define VZ_SELECTIVE_FIRST 32u
#define VZ_SELECTIVE_PRE 16u
/* ... or when at most this many of the 676 pairs of lower-case letters
 * may begin one: most positions of a text are inside lower-case words.
 * Measured (tests/rulebench): counts and quantities (50 pairs: digits
 * and number words) and roles (48) gain 1.1-2.3 times; lists (676) lose. */
#define VZ_SELECTIVE_PAIRS 64u

typedef struct {
    char *name, *pattern;   /* pattern already expanded */
} define;

typedef struct {
    vz_ruleset *rs;
    const vz_directive *dirs;
    uint32_t options;
    uint64_t find, whole;   /* kinds (bit k: kind k) to compile anchored forms for */
    uint64_t req;           /* kinds that only ask for their literals (vz_ruleset_build_req) */
    size_t ndirs;
    define *defs;
    size_t ndefs, defcap;
} parser;

void vz_ruleset_free(vz_ruleset *rs)
{
    for (size_t i = 0; i < rs->n; i++) {
        pcre2_code_free(rs->items[i].code);
        pcre2_code_free(rs->items[i].anchored);
        pcre2_code_free(rs->items[i].whole);
        vz_required_free(&rs->items[i].req);
        free(rs->items[i].starts.second);
        for (size_t k = 0; k < rs->items[i].nall; k++)
            vz_required_free(&rs->items[i].all[k]);
    }
    free(rs->items);
    pcre2_match_context_free(rs->mctx);
    memset(rs, 0, sizeof *rs);
}

static int is_name_char(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'; }

static const define *find_define(const parser *p, const char *name, size_t len)
{
    for (size_t i = 0; i < p->ndefs; i++)
        if (strlen(p->defs[i].name) == len && memcmp(p->defs[i].name, name, len) == 0)
            return &p->defs[i];
    return NULL;
}

/* Length of a "{NAME}" reference at pat[i], or 0.  Not a reference: an
 * escaped brace (\{), the brace of a PCRE2 escape that takes one (\p{Lu},
 * \x{A0}, \g{N}...), a quantifier ({2,} starts with a digit, not A-Z). */
static size_t name_ref(const char *pat, size_t len, size_t i)
{
    if (pat[i] != '{' || i + 1 >= len || pat[i + 1] < 'A' || pat[i + 1] > 'Z')
        return 0;
    if (i > 0 && pat[i - 1] == '\\')
        return 0;
    if (i > 1 && pat[i - 2] == '\\' && pat[i - 1] && strchr("pPxogkN", pat[i - 1]))
        return 0;
    size_t j = i + 1;
    while (j < len && is_name_char(pat[j]))
        j++;
    return j < len && pat[j] == '}' ? j + 1 - i : 0;
}

/* Replace each {NAME} of pat by "(?:definition)" into out. */
static int expand(const parser *p, const char *pat, size_t len, unsigned lineno, vz_buf *out)
{
    int rc = VZ_OK;
    for (size_t i = 0; rc == VZ_OK && i < len; i++) {
        size_t n = name_ref(pat, len, i);
        if (n == 0) {
            rc = vz_buf_append(out, pat + i, 1);
            continue;
        }
        const define *d = find_define(p, pat + i + 1, n - 2);
        if (!d)
            return vz_fail(VZ_EINVAL, "%s line %u: undefined %.*s", p->rs->file, lineno,
                           (int)n, pat + i);
        rc = vz_buf_printf(out, "(?:%s)", d->pattern);
        i += n - 1;
    }
    return rc ? rc : vz_buf_append(out, "", 0);   /* NUL-terminated even when empty */
}

/* The label of a pattern that begins "(?#label)". */
static int read_label(const vz_ruleset *rs, const char *pat, size_t len, unsigned lineno,
                      char label[VZ_LABEL_MAX])
{
    label[0] = '\0';
    if (len < 4 || memcmp(pat, "(?#", 3))
        return VZ_OK;
    size_t n = 0;
    while (3 + n < len && pat[3 + n] != ')' && n < VZ_LABEL_MAX - 1 &&
           strchr("abcdefghijklmnopqrstuvwxyz_", pat[3 + n]))
        n++;
    if (n == 0 || 3 + n >= len || pat[3 + n] != ')')
        return vz_fail(VZ_EINVAL, "%s line %u: a label is (?#word) with at most %d lower-case "
                       "letters", rs->file, lineno, VZ_LABEL_MAX - 1);
    memcpy(label, pat + 3, n);
    label[n] = '\0';
    return VZ_OK;
}

/* ---- start sets ----------------------------------------------------------
 *
 * PCRE2 tries a pattern at every start position unless it can tell, from
 * a first code unit or a first-byte bitmap, where a match may begin; with
 * UCP properties (\p{Lu}), leading lookbehinds and long alternations it
 * cannot, and every byte of a sentence costs a full attempt.  We work the
 * bytes out from the pattern text instead: which bytes a match may begin
 * and end with, and which may stand just before it (leading lookbehinds,
 * \b).  A set is always a superset: a position it rejects cannot start a
 * match, so trying only the positions it allows finds the same matches.
 * Anything the scanner does not understand makes the set "anything".
 * Non-ASCII characters are never told apart: their bytes are always in. */

typedef struct {
    uint64_t w[4];
} byteset;

static void bs_add(byteset *s, unsigned b) { s->w[b >> 6] |= (uint64_t)1 << (b & 63); }
static int bs_has(const byteset *s, unsigned b) { return (int)(s->w[b >> 6] >> (b & 63) & 1); }

static void bs_range(byteset *s, unsigned lo, unsigned hi)
{
    for (unsigned b = lo; b <= hi; b++)
        bs_add(s, b);
}

static void bs_or(byteset *d, const byteset *s)
{
    for (int i = 0; i < 4; i++)
        d->w[i] |= s->w[i];
}

static void bs_and(byteset *d, const byteset *s)
{
    for (int i = 0; i < 4; i++)
        d->w[i] &= s->w[i];
}

static byteset bs_all(void) { return (byteset){{~0ull, ~0ull, ~0ull, ~0ull}}; }

/* One character: its ASCII members, and whether it may be any non-ASCII
 * character.  exact: the ASCII members are exactly these (a negative
 * lookbehind needs that). */
typedef struct {
    byteset ascii;
    int nonascii, exact;
} charset;

/* What a piece of pattern may match. */
typedef struct {
    byteset first, last;     /* first byte of its first character, last byte of its last */
    byteset one;             /* the bytes it may match as its whole match (ASCII ones) */
    byteset pre, pre_na;     /* bytes allowed just before it, when it begins with an
                                ASCII byte / a non-ASCII one */
    int at_start;            /* may it begin at offset 0 */
    int nullable;            /* may it match nothing */
    int zero;                /* does it never consume (an assertion) */
    int wordb;               /* it is \b */
    int single;              /* exactly one character, charset cs */
    charset cs;
} shape;

/* Pairs of bytes a match may begin with, gathered while a pattern is
 * scanned: next[c] holds the bytes that may follow a first byte c
 * (ASCII).  The second byte of a match is the first of the item after
 * the one that matched one byte at its start, so each item is scanned
 * knowing whether it may stand at the start of the match (start) and
 * which single bytes may precede it there (one). */
typedef struct {
    byteset next[128];
    int start;               /* all before this item may be empty */
    byteset one;             /* ... or exactly one of these bytes */
    int bad;                 /* a construct we cannot follow here: no pairs */
} pairs;

typedef struct {
    const char *p, *end;
    int caseless;
    int bad;                 /* a construct we do not follow: no start set */
    pairs *pr;               /* NULL: pairs are not gathered */
} scanner;

static shape shape_any(void)
{
    shape s = {bs_all(), bs_all(), bs_all(), bs_all(), bs_all(), 1, 1, 0, 0, 0, {{{0}}, 1, 0}};
    return s;
}

/* Nothing consumed and nothing required: an empty sequence. */
static shape shape_empty(void)
{
    shape s = {{{0}}, {{0}}, {{0}}, bs_all(), bs_all(), 1, 1, 1, 0, 0, {{{0}}, 0, 0}};
    return s;
}

static shape shape_char(const charset *cs)
{
    shape s = shape_empty();
    s.nullable = s.zero = 0;
    s.first = s.last = s.one = cs->ascii;
    if (cs->nonascii) {
        bs_range(&s.first, 0xC0, 0xFF);   /* UTF-8 lead bytes */
        bs_range(&s.last, 0x80, 0xBF);    /* continuation bytes */
    }
    s.single = 1;
    s.cs = *cs;
    return s;
}

static int bs_empty(const byteset *s) { return !(s->w[0] | s->w[1] | s->w[2] | s->w[3]); }

/* May the item about to be scanned stand at a match's start, or just
 * after its first byte? */
static int pairs_live(const pairs *pr) { return pr && (pr->start || !bs_empty(&pr->one)); }

/* Bytes of first may follow each byte of one (ASCII bytes). */
static void pairs_add(pairs *pr, const byteset *one, const byteset *first)
{
    for (unsigned w = 0; w < 2; w++)
        for (uint64_t m = one->w[w]; m; m &= m - 1)
            bs_or(&pr->next[w * 64 + (unsigned)__builtin_ctzll(m)], first);
}

/* An item that may begin with the bytes of first follows pr's context. */
static void pairs_follow(pairs *pr, const byteset *first) { pairs_add(pr, &pr->one, first); }

/* The context after item t, from the context before it (start0, one0). */
static void pairs_after(pairs *pr, int start0, const byteset *one0, const shape *t)
{
    pr->start = start0 && t->nullable;
    pr->one = start0 ? t->one : (byteset){{0}};
    if (t->nullable)
        bs_or(&pr->one, one0);
}

static int is_word_byte(unsigned c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* Caseless: both cases of every ASCII letter, and a non-ASCII character
 * for a letter (the Kelvin sign folds to k, the long s to s) and the
 * other way round.  A set about to be negated must stay a subset: it
 * gets only the other case of its ASCII letters. */
static void fold(charset *cs, int negated)
{
    int letters = 0;
    for (unsigned c = 'a'; c <= 'z'; c++)
        if (bs_has(&cs->ascii, c) || bs_has(&cs->ascii, c - 32)) {
            bs_add(&cs->ascii, c);
            bs_add(&cs->ascii, c - 32);
            letters = 1;
        }
    if (negated)
        return;
    if (cs->nonascii)
        for (unsigned c = 'a'; c <= 'z'; c++) {
            bs_add(&cs->ascii, c);
            bs_add(&cs->ascii, c - 32);
        }
    cs->nonascii |= letters;
}

static void cs_add_class(charset *cs, const char *members)
{
    for (; *members; members++)
        bs_add(&cs->ascii, (unsigned char)*members);
}

static const char WORD[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_";
static const char SPACE[] = " \t\n\v\f\r";

/* \p{NAME} or \pN: the ASCII members of the Unicode property. */
static int property(scanner *sc, charset *cs)
{
    char name[16];
    size_t n = 0;
    if (sc->p < sc->end && *sc->p == '{') {
        sc->p++;
        while (sc->p < sc->end && *sc->p != '}' && n < sizeof name - 1)
            name[n++] = *sc->p++;
        if (sc->p >= sc->end || *sc->p != '}')
            return -1;
        sc->p++;
    } else if (sc->p < sc->end) {
        name[n++] = *sc->p++;
    }
    name[n] = '\0';
    static const struct { const char *name, *ascii; } props[] = {
        {"L", "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"},
        {"L&", "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"},
        {"Lc", "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"},
        {"Lu", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}, {"Ll", "abcdefghijklmnopqrstuvwxyz"},
        {"Lt", ""}, {"Lm", ""}, {"Lo", ""}, {"M", ""}, {"Mn", ""}, {"Mc", ""}, {"Me", ""},
        {"N", "0123456789"}, {"Nd", "0123456789"}, {"Nl", ""}, {"No", ""},
    };
    for (size_t i = 0; i < sizeof props / sizeof *props; i++)
        if (!strcmp(props[i].name, name)) {
            cs_add_class(cs, props[i].ascii);
            cs->nonascii = 1;
            return 0;
        }
    return -1;
}

/* Append the bytes of code point c (as UTF-8, its lead byte stands for it). */
static void cs_add_code(charset *cs, unsigned long c)
{
    if (c < 0x80)
        bs_add(&cs->ascii, (unsigned)c);
    else
        cs->nonascii = 1;
}

static int hex_escape(scanner *sc, unsigned long *c)
{
    *c = 0;
    if (sc->p < sc->end && *sc->p == '{') {
        sc->p++;
        const char *s = sc->p;
        while (sc->p < sc->end && strchr("0123456789abcdefABCDEF", *sc->p) && *sc->p)
            *c = *c * 16 + (unsigned long)(*sc->p <= '9' ? *sc->p - '0' : (*sc->p | 32) - 'a' + 10), sc->p++;
        if (sc->p == s || sc->p >= sc->end || *sc->p != '}' || sc->p - s > 6)
            return -1;
        sc->p++;
        return 0;
    }
    for (int i = 0; i < 2 && sc->p < sc->end && *sc->p && strchr("0123456789abcdefABCDEF", *sc->p); i++)
        *c = *c * 16 + (unsigned long)(*sc->p <= '9' ? *sc->p - '0' : (*sc->p | 32) - 'a' + 10), sc->p++;
    return 0;
}

/* A character escape after '\' (sc->p at the letter), into cs; in a class
 * or not.  1: an assertion (\b and the like; not in a class), 2: \b,
 * 0: a character, -1: not followed. */
static int char_escape(scanner *sc, charset *cs, int in_class)
{
    if (sc->p >= sc->end)
        return -1;
    unsigned char c = (unsigned char)*sc->p++;
    int neg = 0;
    charset one = {{{0}}, 0, 1};
    switch (c) {
    case 'd': case 'D': cs_add_class(&one, "0123456789"); one.nonascii = 1; neg = c == 'D'; break;
    case 'w': case 'W': cs_add_class(&one, WORD); one.nonascii = 1; neg = c == 'W'; break;
    case 's': case 'S': cs_add_class(&one, SPACE); one.nonascii = 1; neg = c == 'S'; break;
    case 'h': case 'H': cs_add_class(&one, " \t"); one.nonascii = 1; neg = c == 'H'; break;
    case 'v': case 'V': cs_add_class(&one, "\n\v\f\r"); one.nonascii = 1; neg = c == 'V'; break;
    case 'p': case 'P':
        if (property(sc, &one))
            return -1;
        neg = c == 'P';
        break;
    case 'x': {
        unsigned long code;
        if (hex_escape(sc, &code))
            return -1;
        cs_add_code(&one, code);
        break;
    }
    case 'n': bs_add(&one.ascii, '\n'); break;
    case 't': bs_add(&one.ascii, '\t'); break;
    case 'r': bs_add(&one.ascii, '\r'); break;
    case 'f': bs_add(&one.ascii, '\f'); break;
    case 'e': bs_add(&one.ascii, 27); break;
    case 'a': bs_add(&one.ascii, 7); break;
    case 'b':
        if (in_class) {
            bs_add(&one.ascii, 8);
            break;
        }
        return 2;
    case 'B': case 'A': case 'z': case 'Z':
        return in_class ? -1 : 1;
    default:
        if (c < 0x80 && !is_word_byte(c)) {   /* an escaped punctuation mark is itself */
            bs_add(&one.ascii, c);
            break;
        }
        return -1;   /* \G, \K, \Q, back references, \N, \R, \X...: not followed */
    }
    if (neg) {
        for (unsigned b = 0; b < 0x80; b++)
            if (bs_has(&one.ascii, b))
                one.ascii.w[b >> 6] &= ~((uint64_t)1 << (b & 63));
            else
                bs_add(&one.ascii, b);
        one.nonascii = 1;
    }
    bs_or(&cs->ascii, &one.ascii);
    cs->nonascii |= one.nonascii;
    return 0;
}

/* A UTF-8 character of the pattern, taken literally. */
static void literal(scanner *sc, charset *cs)
{
    unsigned char c = (unsigned char)*sc->p++;
    if (c < 0x80) {
        bs_add(&cs->ascii, c);
        return;
    }
    while (sc->p < sc->end && ((unsigned char)*sc->p & 0xC0) == 0x80)
        sc->p++;
    cs->nonascii = 1;
}

/* [...]: sc->p just after '['. */
static int char_class(scanner *sc, charset *cs)
{
    int neg = sc->p < sc->end && *sc->p == '^';
    sc->p += neg;
    int prev = -1;   /* the last ASCII literal, for a range */
    for (int first = 1; sc->p < sc->end && (first || *sc->p != ']'); first = 0) {
        if (*sc->p == '[' && sc->p + 1 < sc->end && sc->p[1] == ':')
            return -1;   /* POSIX classes: not followed */
        if (*sc->p == '-' && prev >= 0 && sc->p + 1 < sc->end && sc->p[1] != ']') {
            sc->p++;
            charset hi = {{{0}}, 0, 1};
            unsigned char h = (unsigned char)*sc->p;
            if (h == '\\') {
                sc->p++;
                if (sc->p < sc->end && (*sc->p == 'x' || !is_word_byte((unsigned char)*sc->p))) {
                    if (char_escape(sc, &hi, 1))
                        return -1;
                } else {
                    return -1;
                }
            } else {
                literal(sc, &hi);
            }
            unsigned top = 0x7F;
            for (unsigned b = 0; b < 0x80; b++)
                if (bs_has(&hi.ascii, b))
                    top = b;
            if (!hi.nonascii && top < (unsigned)prev)
                return -1;
            bs_range(&cs->ascii, (unsigned)prev, hi.nonascii ? 0x7F : top);
            cs->nonascii |= hi.nonascii;
            prev = -1;
            continue;
        }
        if (*sc->p == '\\') {
            sc->p++;
            charset one = {{{0}}, 0, 1};
            int single = sc->p < sc->end && !strchr("dDwWsShHvVpP", *sc->p);
            if (char_escape(sc, &one, 1))
                return -1;
            bs_or(&cs->ascii, &one.ascii);
            cs->nonascii |= one.nonascii;
            prev = -1;
            for (unsigned b = 0; single && !one.nonascii && b < 0x80; b++)
                if (bs_has(&one.ascii, b))
                    prev = (int)b;
            continue;
        }
        unsigned char c = (unsigned char)*sc->p;
        literal(sc, cs);
        prev = c < 0x80 ? c : -1;
    }
    if (sc->p >= sc->end)
        return -1;
    sc->p++;   /* ']' */
    if (sc->caseless)
        fold(cs, neg);
    if (neg) {
        for (unsigned b = 0; b < 0x80; b++)
            if (bs_has(&cs->ascii, b))
                cs->ascii.w[b >> 6] &= ~((uint64_t)1 << (b & 63));
            else
                bs_add(&cs->ascii, b);
        cs->nonascii = 1;
    }
    return 0;
}

static shape scan_alt(scanner *sc);

/* sc->p after '{': a quantifier {n}, {n,} or {n,m}?  Sets its minimum. */
static int quantifier_braces(const char *p, const char *end, unsigned *min, const char **after)
{
    const char *s = p;
    unsigned n = 0;
    while (p < end && *p >= '0' && *p <= '9')
        n = n * 10 + (unsigned)(*p++ - '0');
    if (p == s || p >= end)
        return 0;
    if (*p == ',') {
        p++;
        while (p < end && *p >= '0' && *p <= '9')
            p++;
    }
    if (p >= end || *p != '}')
        return 0;
    *min = n;
    *after = p + 1;
    return 1;
}

/* A lookbehind's body b constrains the byte before: positive, to b's last
 * bytes; negative and one character, to bytes that are not it. */
static shape lookbehind(const shape *b, int negative)
{
    shape s = shape_empty();
    if (!negative && !b->nullable) {
        s.pre = s.pre_na = b->last;
        s.at_start = 0;
    } else if (negative && b->single && b->cs.exact) {
        byteset allowed = {{0}};
        for (unsigned c = 0; c < 0x80; c++)
            if (!bs_has(&b->cs.ascii, c))
                bs_add(&allowed, c);
        bs_range(&allowed, 0x80, 0xFF);
        s.pre = s.pre_na = allowed;
    }
    return s;
}


/* A parenthesised item: sc->p after '('. */
static shape group(scanner *sc)
{
    int caseless = sc->caseless;
    shape s;
    const char *p = sc->p;
    size_t left = (size_t)(sc->end - p);
    if (left >= 1 && *p == '*') {
        sc->bad = 1;   /* verbs change how the search moves on */
        return shape_any();
    }
    if (left >= 2 && p[0] == '?' && p[1] == '#') {
        while (sc->p < sc->end && *sc->p != ')')
            sc->p++;
        sc->p += sc->p < sc->end;
        return shape_empty();
    }
    /* What lookarounds and definitions hold is not part of the match. */
    pairs *pr = sc->pr;
    if (left >= 2 && p[0] == '?' && (p[1] == '=' || p[1] == '!')) {
        sc->p += 2;
        sc->pr = NULL;
        (void)scan_alt(sc);   /* a lookahead: parsed, not used */
        s = shape_empty();
    } else if (left >= 3 && p[0] == '?' && p[1] == '<' && (p[2] == '=' || p[2] == '!')) {
        sc->p += 3;
        sc->pr = NULL;
        shape b = scan_alt(sc);
        s = lookbehind(&b, p[2] == '!');
    } else if (left >= 9 && !memcmp(p, "?(DEFINE)", 9)) {
        sc->p += 9;
        sc->pr = NULL;
        (void)scan_alt(sc);   /* definitions match nothing here */
        s = shape_empty();
    } else if (left >= 2 && p[0] == '?' && strchr(":|>", p[1])) {
        sc->p += 2;
        s = scan_alt(sc);
    } else if (left >= 3 && p[0] == '?' && (p[1] == '<' || p[1] == '\'' ||
                                            (p[1] == 'P' && p[2] == '<'))) {
        sc->p += p[1] == 'P' ? 3 : 2;
        while (sc->p < sc->end && (is_word_byte((unsigned char)*sc->p)))
            sc->p++;
        if (sc->p >= sc->end || (*sc->p != '>' && *sc->p != '\'')) {
            sc->bad = 1;
            return shape_any();
        }
        sc->p++;
        s = scan_alt(sc);
    } else if (left >= 2 && p[0] == '?' &&
               (strchr("&R0123456789+", p[1]) || (p[1] == 'P' && left >= 3 && p[2] == '>') ||
                (p[1] == '-' && left >= 3 && p[2] >= '0' && p[2] <= '9'))) {
        /* a subroutine call: it may match anything (and nothing) */
        if (pairs_live(pr))
            pr->bad = 1;
        while (sc->p < sc->end && *sc->p != ')')
            sc->p++;
        if (sc->p >= sc->end) {
            sc->bad = 1;
            return shape_any();
        }
        sc->p++;
        return shape_any();
    } else if (left >= 1 && p[0] == '?') {
        sc->p++;
        int o = vz_pattern_options(&sc->p, sc->end, &sc->caseless);
        if (o < 0) {
            sc->bad = 1;
            return shape_any();
        }
        if (o == 0) {
            /* "(?i)": for the rest of the enclosing group; sc->p is past ')' */
            shape e = shape_empty();
            return e;
        }
        s = scan_alt(sc);
    } else {
        s = scan_alt(sc);   /* a capturing group */
    }
    sc->pr = pr;
    sc->caseless = caseless;
    if (sc->p >= sc->end || *sc->p != ')') {
        sc->bad = 1;
        return shape_any();
    }
    sc->p++;
    return s;
}

/* One item without its quantifier; NULL-free: sets sc->bad when lost. */
static shape atom(scanner *sc)
{
    char c = *sc->p;
    charset cs = {{{0}}, 0, 1};
    if (c == '(') {
        sc->p++;
        return group(sc);
    }
    if (c == '^' || c == '$') {
        sc->p++;
        return shape_empty();
    }
    if (c == '.') {
        sc->p++;
        cs.ascii = bs_all();
        cs.exact = 0;
        cs.nonascii = 1;
        return shape_char(&cs);
    }
    if (c == '[') {
        sc->p++;
        if (char_class(sc, &cs)) {
            sc->bad = 1;
            return shape_any();
        }
        if (sc->caseless)
            cs.exact = 0;
        return shape_char(&cs);
    }
    if (c == '\\') {
        sc->p++;
        int e = char_escape(sc, &cs, 0);
        if (e < 0) {
            sc->bad = 1;
            return shape_any();
        }
        if (e > 0) {
            shape s = shape_empty();
            s.wordb = e == 2;
            return s;
        }
    } else {
        literal(sc, &cs);
    }
    if (sc->caseless) {
        fold(&cs, 0);
        cs.exact = 0;
    }
    return shape_char(&cs);
}

/* The item's quantifier, if any: its minimum (1 without one); *again:
 * may the item match more than once. */
static unsigned quantifier(scanner *sc, int *again)
{
    unsigned min = 1;
    const char *after;
    *again = 0;
    if (sc->p >= sc->end)
        return 1;
    *again = *sc->p != '?';
    if (*sc->p == '*' || *sc->p == '?') {
        min = 0;
        sc->p++;
    } else if (*sc->p == '+') {
        sc->p++;
    } else if (*sc->p == '{' && quantifier_braces(sc->p + 1, sc->end, &min, &after)) {
        sc->p = after;
    } else {
        *again = 0;
        return 1;
    }
    if (sc->p < sc->end && (*sc->p == '?' || *sc->p == '+'))
        sc->p++;   /* lazy or possessive: the same characters */
    return min == 1 ? 2 : min;   /* 2: "one or more", quantified */
}

/* Is the next item one ASCII letter or digit, matched as itself? */
static int plain_letter(const scanner *sc)
{
    unsigned char c = (unsigned char)*sc->p;
    if (sc->caseless || c >= 0x80 || !is_word_byte(c) || c == '_')
        return 0;
    return sc->p + 1 >= sc->end || !strchr("*+?{", sc->p[1]);
}

/* A sequence of items, up to '|' or ')' or the end. */
static shape scan_seq(scanner *sc)
{
    shape s = shape_empty();
    int leading = 1;         /* only assertions so far */
    int wordb = 0;           /* ... and one of them is \b */
    size_t items = 0;
    pairs *pr = sc->pr;
    while (!sc->bad && sc->p < sc->end && *sc->p != '|' && *sc->p != ')') {
        if (plain_letter(sc)) {
            /* Most of a pattern is letters: the same as below, for one
             * character of its own, without a shape to build and merge. */
            unsigned c = (unsigned char)*sc->p++;
            if (pairs_live(pr)) {
                byteset b = {{0}};
                bs_add(&b, c);
                pairs_follow(pr, &b);
                pr->one = pr->start ? b : (byteset){{0}};
                pr->start = 0;
            }
            s.one = (byteset){{0}};
            if (s.nullable) {
                bs_add(&s.first, c);
                bs_add(&s.one, c);
            }
            s.last = (byteset){{0}};
            bs_add(&s.last, c);
            s.single = ++items == 1;
            s.cs = (charset){{{0}}, 0, 1};
            bs_add(&s.cs.ascii, c);
            if (wordb)
                for (unsigned b = 0; b < 0x80; b++)
                    if (is_word_byte(b))
                        s.pre.w[b >> 6] &= ~((uint64_t)1 << (b & 63));
            s.nullable = s.zero = leading = wordb = 0;
            continue;
        }
        int start0 = pr && pr->start, again;
        byteset one0 = pr ? pr->one : (byteset){{0}};
        int grp = *sc->p == '(';   /* a group follows the context itself */
        shape t = atom(sc);
        unsigned min = quantifier(sc, &again);
        if (pr && !grp)
            pairs_follow(pr, &t.first);
        if (pr && again && start0)   /* a second round after a first of one byte */
            pairs_add(pr, &t.one, &t.first);
        if (min != 1) {      /* quantified: no longer one character */
            t.single = 0;
            if (min == 0) {
                t.nullable = 1;
                t.pre = t.pre_na = bs_all();
                t.at_start = 1;
                t.wordb = 0;
            }
        }
        if (pr)
            pairs_after(pr, start0, &one0, &t);
        byteset one = t.nullable ? s.one : (byteset){{0}};
        if (s.nullable)
            bs_or(&one, &t.one);
        s.one = one;
        if (s.nullable)
            bs_or(&s.first, &t.first);
        if (t.nullable)
            bs_or(&s.last, &t.last);
        else
            s.last = t.last;
        if (leading) {
            bs_and(&s.pre, &t.pre);
            bs_and(&s.pre_na, &t.pre_na);
            s.at_start &= t.at_start;
            wordb |= t.wordb;
        }
        items++;
        s.single = items == 1 && t.single;
        s.cs = t.cs;
        s.nullable &= t.nullable;
        s.zero &= t.zero;
        leading &= t.zero;
        /* \b and then a word character: the byte before is none. */
        if (wordb && !t.zero) {
            if (!t.nullable) {
                int words = 1;
                for (unsigned b = 0; b < 0x80; b++)
                    if (bs_has(&t.first, b) && !is_word_byte(b))
                        words = 0;
                for (unsigned b = 0; words && b < 0x80; b++)
                    if (is_word_byte(b))
                        s.pre.w[b >> 6] &= ~((uint64_t)1 << (b & 63));
            }
            wordb = 0;
        }
    }
    return s;
}

/* Alternatives, up to ')' or the end. */
static shape scan_alt(scanner *sc)
{
    /* Every alternative begins where the group does. */
    int start0 = sc->pr && sc->pr->start;
    byteset one0 = sc->pr ? sc->pr->one : (byteset){{0}};
    shape s = scan_seq(sc);
    while (!sc->bad && sc->p < sc->end && *sc->p == '|') {
        sc->p++;
        if (sc->pr) {
            sc->pr->start = start0;
            sc->pr->one = one0;
        }
        shape t = scan_seq(sc);
        bs_or(&s.first, &t.first);
        bs_or(&s.one, &t.one);
        bs_or(&s.last, &t.last);
        bs_or(&s.pre, &t.pre);
        bs_or(&s.pre_na, &t.pre_na);
        s.at_start |= t.at_start;
        s.nullable |= t.nullable;
        s.zero &= t.zero;
        s.single = s.single && t.single;
        s.cs.exact = s.cs.exact && t.cs.exact;
        bs_or(&s.cs.ascii, &t.cs.ascii);
        s.cs.nonascii |= t.cs.nonascii;
    }
    s.wordb = 0;
    return s;
}

/* out->second and out->row from the pairs gathered over a pattern of
 * shape s: one row per distinct set of followers of a first byte.  A
 * first byte the match may be all of may be followed by anything. */
static int keep_pairs(pairs *pr, const shape *s, vz_starts *out)
{
    byteset rows[128];
    unsigned n = 0;
    for (unsigned c = 0; c < 0x80; c++) {
        if (!bs_has(&s->first, c))
            continue;
        if (bs_has(&s->one, c))
            pr->next[c] = bs_all();
        unsigned r = 0;
        while (r < n && memcmp(&rows[r], &pr->next[c], sizeof rows[r]))
            r++;
        if (r == n)
            rows[n++] = pr->next[c];
        out->row[c] = (unsigned char)r;
    }
    if (!n)
        return VZ_OK;
    if (!(out->second = malloc(n * sizeof *out->second)))
        return vz_fail(VZ_ENOMEM, "out of memory");
    for (unsigned r = 0; r < n; r++)
        memcpy(out->second[r], rows[r].w, sizeof rows[r].w);
    return VZ_OK;
}

/* The start set of a pattern compiled with options (only PCRE2_CASELESS
 * is followed; others leave it unknown).  VZ_OK or VZ_ENOMEM. */
static int find_starts(const char *pat, size_t len, uint32_t options, vz_starts *out)
{
    memset(out, 0, sizeof *out);
    if (options & ~(uint32_t)PCRE2_CASELESS)
        return VZ_OK;
    pairs *pr = calloc(1, sizeof *pr);
    if (!pr)
        return vz_fail(VZ_ENOMEM, "out of memory");
    pr->start = 1;
    scanner sc = {pat, pat + len, (options & PCRE2_CASELESS) != 0, 0, pr};
    shape s = scan_alt(&sc);
    int rc = VZ_OK;
    if (!sc.bad && sc.p == sc.end && !s.nullable && !pr->bad)
        rc = keep_pairs(pr, &s, out);
    free(pr);
    if (rc || sc.bad || sc.p != sc.end || s.nullable)
        return rc;
    for (int i = 0; i < 4; i++) {
        out->first[i] = s.first.w[i];
        out->last[i] = s.last.w[i];
        out->pre[i] = s.pre.w[i];
        out->pre_na[i] = s.pre_na.w[i];
    }
    out->first[2] = 0;   /* a match never begins inside a character */
    out->at_start = s.at_start;
    out->known = 1;
    return VZ_OK;
}

/* ---- alternations factored by their first letter -------------------------
 *
 * PCRE2 tries the alternatives of a group one after another: a list of two
 * hundred country names costs two hundred comparisons at every position
 * it is tried.  Alternatives that begin with different literal letters
 * cannot match at one position, so grouping them by their first letter
 * ("A(?:fghanistan|lbania)|B(?:...)") keeps every match and the order in
 * which they are tried, and a position fails after one comparison per
 * letter.  Only alternations whose alternatives all begin with a letter
 * or digit (or, not caseless, any one character: "Åland Islands" among
 * the countries), hold no capturing group (their numbers follow their order)
 * and are not in a lookbehind (whose branches must keep fixed lengths)
 * are rewritten; a pattern that does not compile rewritten is compiled as
 * written. */

#define FACTOR_MIN 3            /* alternatives worth grouping */
#define FACTOR_DEPTH 6          /* levels of letters */

typedef struct {
    const char *pat;
    size_t len;
    size_t *close;              /* close[i]: the end of the class or group opened at i */
    vz_buf *out;
    int bad;                    /* not rewritable: compile as written */
} factorer;

/* The end of a class "[...]" opened at i, or len. */
static size_t class_end(const char *s, size_t len, size_t i)
{
    size_t j = i + 1;
    if (j < len && s[j] == '^')
        j++;
    if (j < len && s[j] == ']')
        j++;
    while (j < len && s[j] != ']') {
        if (s[j] == '\\')
            j++;
        else if (s[j] == '[' && j + 1 < len && s[j + 1] == ':') {
            const char *e = strstr(s + j, ":]");
            if (!e || (size_t)(e - s) >= len)
                return len;
            j = (size_t)(e - s) + 1;
        }
        j++;
    }
    return j < len ? j + 1 : len;
}

/* One pass over the pattern: where each class and group ends. */
static int find_closes(factorer *f)
{
    const char *s = f->pat;
    size_t len = f->len, *open = malloc((len + 1) * sizeof *open), depth = 0;
    f->close = calloc(len + 1, sizeof *f->close);
    if (!open || !f->close) {
        free(open);
        return 1;
    }
    for (size_t i = 0; i < len;) {
        if (s[i] == '\\') {
            i += 2;
        } else if (s[i] == '[') {
            i = f->close[i] = class_end(s, len, i);
        } else if (s[i] == '(' && i + 2 < len && s[i + 1] == '?' && s[i + 2] == '#') {
            const char *e = memchr(s + i, ')', len - i);
            i = f->close[i] = e ? (size_t)(e - s) + 1 : len;
        } else if (s[i] == '(') {
            open[depth++] = i++;
        } else if (s[i] == ')' && depth) {
            f->close[open[--depth]] = ++i;
        } else {
            i++;
        }
    }
    while (depth)
        f->close[open[--depth]] = len;   /* unbalanced: PCRE2 will say so */
    free(open);
    return 0;
}

/* The end of the item at i (an escape, a class, a group or a byte). */
static size_t item_end(const factorer *f, size_t i)
{
    char c = f->pat[i];
    if (c == '\\')
        return i + 2 <= f->len ? i + 2 : f->len;
    if (c == '[' || c == '(')
        return f->close[i] > i ? f->close[i] : f->len;
    return i + 1;
}

static void put(factorer *f, const char *s, size_t n)
{
    if (!f->bad && vz_buf_append(f->out, s, n))
        f->bad = 1;
}

static int is_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static char lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c; }

/* The bytes of the character alternative s[0, len) begins with, of its own
 * (not quantified), when grouping by it keeps the matches: a letter or a
 * digit, or a non-ASCII character when not caseless (caseless, Å matches
 * å too, which another group may hold); 0 when none.  A name list that
 * holds one non-ASCII name ("Åland Islands" among the countries) is then
 * grouped all the same. */
static size_t literal_start(const char *s, size_t len, int caseless)
{
    unsigned char b = len > 0 ? (unsigned char)s[0] : 0;
    size_t n = is_alnum((char)b) ? 1 : caseless || b < 0xC2 ? 0 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    for (size_t i = 1; i < n; i++)
        if (i >= len || ((unsigned char)s[i] & 0xC0) != 0x80)
            return 0;
    return n && (len == n || !strchr("*+?{", s[n])) ? n : 0;
}

/* Do alternatives s and t begin with the same character, of n bytes? */
static int same_start(const char *s, const char *t, size_t n, int caseless)
{
    return n == 1 ? (caseless ? lower(s[0]) == lower(t[0]) : s[0] == t[0]) : memcmp(s, t, n) == 0;
}

typedef struct {
    const char *s;
    size_t n;
} piece;

/* Emit alternatives alt[0, n) (rewritten already) as one alternation,
 * grouped by first letter (caseless: either case) when they allow it. */
static void put_alternatives(factorer *f, const piece *alt, size_t n, int caseless, int depth)
{
    int group = n >= FACTOR_MIN && depth < FACTOR_DEPTH;
    for (size_t k = 0; group && k < n; k++)
        group = literal_start(alt[k].s, alt[k].n, caseless) > 0;
    if (!group) {
        for (size_t k = 0; k < n; k++) {
            if (k)
                put(f, "|", 1);
            put(f, alt[k].s, alt[k].n);
        }
        return;
    }
    char *done = calloc(n, 1);
    piece *rest = malloc(n * sizeof *rest);
    if (!done || !rest)
        f->bad = 1;
    for (size_t k = 0; !f->bad && k < n; k++) {
        if (done[k])
            continue;
        size_t w = literal_start(alt[k].s, alt[k].n, caseless), m = 0;
        for (size_t q = k; q < n; q++)
            if (!done[q] && literal_start(alt[q].s, alt[q].n, caseless) == w &&
                same_start(alt[q].s, alt[k].s, w, caseless)) {
                done[q] = 1;
                rest[m++] = (piece){alt[q].s + w, alt[q].n - w};
            }
        if (k)
            put(f, "|", 1);
        if (m == 1) {
            put(f, alt[k].s, alt[k].n);
            continue;
        }
        put(f, alt[k].s, w);
        put(f, "(?:", 3);
        put_alternatives(f, rest, m, caseless, depth + 1);
        put(f, ")", 1);
    }
    free(done);
    free(rest);
}

static void rewrite_body(factorer *f, size_t from, size_t to, int caseless);

/* Options "i", "-i", "x"... in s[0, len): the case-blindness they leave,
 * or f->bad for free spacing, which changes how a pattern reads. */
static int options_case(factorer *f, const char *s, size_t len, int caseless)
{
    int on = 1;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '-')
            on = 0;
        else if (s[i] == 'i')
            caseless = on;
        else if (s[i] == '^')
            caseless = 0;
        else if (s[i] == 'x')
            f->bad = 1;
    }
    return caseless;
}

/* Rewrite the group pat[i, e) (with its parentheses) into f. */
static void rewrite_group(factorer *f, size_t i, size_t e, int caseless)
{
    const char *s = f->pat + i;
    size_t len = e - i, head;
    if (len < 2 || s[len - 1] != ')' || s[1] == '*') {
        f->bad = 1;   /* unbalanced, or verbs */
        return;
    }
    if (s[1] != '?') {
        head = 1;   /* capturing */
    } else if (len >= 4 && s[2] == '<' && (s[3] == '=' || s[3] == '!')) {
        put(f, s, len);   /* lookbehind: as written */
        return;
    } else if (strchr("#(&R0123456789+-P|", s[2]) && !(s[2] == '-' && len > 3 && s[3] == 'i') &&
               !(s[2] == 'P' && len > 3 && s[3] == '<')) {
        put(f, s, len);   /* comment, condition, call, branch reset: as written */
        return;
    } else if (strchr(":>=!", s[2])) {
        head = 3;
    } else if (s[2] == '<' || s[2] == '\'' || s[2] == 'P') {
        const char *n = memchr(s + 3, s[2] == '\'' ? '\'' : '>', len - 3);
        if (!n) {
            f->bad = 1;
            return;
        }
        head = (size_t)(n - s) + 1;   /* a named group */
    } else {
        const char *c = memchr(s, ':', len);   /* "(?i:" ("(?i)" is the caller's) */
        if (!c) {
            f->bad = 1;
            return;
        }
        head = (size_t)(c - s) + 1;
        caseless = options_case(f, s + 2, head - 3, caseless);
    }
    put(f, s, head);
    rewrite_body(f, i + head, e - 1, caseless);
    put(f, ")", 1);
}

/* Does pat[i, e) hold a capturing group? */
static int captures(const factorer *f, size_t i, size_t e)
{
    const char *s = f->pat;
    for (; i < e; i = s[i] == '(' && (i + 2 >= e || s[i + 2] != '#') ? i + 1 : item_end(f, i))
        if (s[i] == '(' && (i + 1 >= e || s[i + 1] != '?' ||
                            (i + 2 < e && (s[i + 2] == '\'' || s[i + 2] == 'P' ||
                                           (s[i + 2] == '<' && i + 3 < e &&
                                            s[i + 3] != '=' && s[i + 3] != '!')))))
            return 1;
    return 0;
}

/* Rewrite one alternative pat[i, e) into f; *caseless follows its "(?i)". */
static void rewrite_alternative(factorer *f, size_t i, size_t e, int *caseless, int *same_case)
{
    const char *s = f->pat;
    while (!f->bad && i < e) {
        size_t n = item_end(f, i);
        if (s[i] == '(' && n - i >= 3 && s[i + 1] == '?' && s[n - 1] == ')' &&
            strspn(s + i + 2, "imsxnUJ-^") == n - i - 3) {
            *caseless = options_case(f, s + i + 2, n - i - 3, *caseless);   /* "(?i)" */
            *same_case = 0;
            put(f, s + i, n - i);
        } else if (s[i] == '(') {
            rewrite_group(f, i, n, *caseless);
        } else {
            put(f, s + i, n - i);
        }
        i = n;
    }
}

/* Rewrite the alternatives of the group body pat[from, to) into f. */
static void rewrite_body(factorer *f, size_t from, size_t to, int caseless)
{
    vz_buf *out = f->out, all = {0};   /* the alternatives rewritten, one after another */
    piece *alt = NULL;
    size_t nalt = 0, cap = 0;
    int start_case = caseless, same_case = caseless >= 0, capture = 0;
    f->out = &all;
    for (size_t start = from; !f->bad && start <= to;) {
        size_t end = start;
        while (end < to && f->pat[end] != '|')
            end = item_end(f, end);
        void *p = alt;
        if (vz_grow(&p, &cap, nalt + 1, sizeof *alt)) {
            f->bad = 1;
            break;
        }
        alt = p;
        size_t before = all.len;
        rewrite_alternative(f, start, end, &caseless, &same_case);
        alt[nalt++] = (piece){NULL, all.len - before};   /* placed once all stops moving */
        capture = capture || captures(f, start, end);
        start = end + 1;
    }
    f->out = out;
    for (size_t k = 0, at = 0; !f->bad && k < nalt; at += alt[k++].n)
        alt[k].s = all.data + at;
    if (!f->bad)
        put_alternatives(f, alt, nalt, start_case, same_case && !capture ? 0 : FACTOR_DEPTH);
    vz_buf_free(&all);
    free(alt);
}

/* pat[0, len) with its alternations factored, into out (NUL-terminated);
 * non-zero when it could not be: then compile pat as it is. */
static int factor(const char *pat, size_t len, uint32_t options, vz_buf *out)
{
    factorer f = {pat, len, NULL, out, 0};
    if ((options & ~(uint32_t)PCRE2_CASELESS) || strstr(pat, "\\Q") || strstr(pat, "\\c"))
        return 1;   /* quoting and \c( would hide parentheses from the scan */
    f.bad = find_closes(&f);
    if (!f.bad)
        rewrite_body(&f, 0, len, (options & PCRE2_CASELESS) != 0);
    put(&f, "", 0);
    free(f.close);
    return f.bad;
}

/* One compiled form of pattern pat, JIT-compiled when jit; NULL with err
 * set on failure. */
static pcre2_code *compile_form(const char *pat, size_t len, uint32_t options, int jit, int *err,
                                PCRE2_SIZE *erroff)
{
    pcre2_code *code = pcre2_compile((PCRE2_SPTR)pat, len, PCRE2_UTF | PCRE2_UCP | options, err,
                                     erroff, NULL);
    /* Without JIT (unsupported CPU, no executable memory) the interpreter
     * gives the same results, only slower. */
#ifndef VZ_NO_PCRE2_JIT   /* valgrind cannot follow JIT code: `make valgrind` sets it */
    if (code && jit)
        (void)pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
#else
    (void)jit;
#endif
    return code;
}

/* Most of opening an engine is JIT compilation: the plain form of a rule
 * that only ever runs anchored (vz_rule_find's, vz_rule_whole's) needs
 * none. */
static void jit_plain(pcre2_code *code)
{
#ifndef VZ_NO_PCRE2_JIT
    (void)pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
#else
    (void)code;
#endif
}

static int in_set(const uint64_t *set, unsigned char b) { return (int)(set[b >> 6] >> (b & 63) & 1); }

/* Is trying each allowed start on its own worth it?  Not when PCRE2 skips
 * to likely starts itself (a first code unit, or a first-byte bitmap that
 * rules out half the ASCII bytes), nor when the start set leaves most
 * positions (then a call per position costs more than PCRE2's own scan):
 * only when few bytes may begin a match, few may stand before one or few
 * pairs of letters may begin one. */
static unsigned ascii_count(const uint64_t *set)
{
    return (unsigned)(__builtin_popcountll(set[0]) + __builtin_popcountll(set[1]));
}

static unsigned lower_pairs(const vz_starts *st)
{
    unsigned n = 0;
    for (unsigned c = 'a'; c <= 'z'; c++)
        if (in_set(st->first, (unsigned char)c))
            for (unsigned d = 'a'; d <= 'z'; d++)
                n += !st->second || in_set(st->second[st->row[c]], (unsigned char)d);
    return n;
}

static int selective(const vz_starts *st, const pcre2_code *code)
{
    uint32_t first = 0;
    const uint8_t *map = NULL;
    pcre2_pattern_info(code, PCRE2_INFO_FIRSTCODETYPE, &first);
    pcre2_pattern_info(code, PCRE2_INFO_FIRSTBITMAP, &map);
    unsigned mapped = 0;
    for (unsigned b = 0; map && b < 16; b++)
        mapped += (unsigned)__builtin_popcount(map[b]);
    if (first != 0 || (map && mapped <= 64))
        return 0;
    return st->known && (ascii_count(st->first) <= VZ_SELECTIVE_FIRST ||
                         ascii_count(st->pre) <= VZ_SELECTIVE_PRE ||
                         lower_pairs(st) <= VZ_SELECTIVE_PAIRS);
}

/* The anchored forms of rule r that p asks for its kind, and the JIT
 * compilation of its plain form when that is what runs.  Failing to
 * compile a form the plain one compiled from is out of memory. */
static int compile_forms(const parser *p, vz_rule *r, const char *pat, size_t len)
{
    int err;
    PCRE2_SIZE erroff;
    int find = r->kind < 64 && (p->find >> r->kind & 1) && selective(&r->starts, r->code);
    int whole = r->kind < 64 && (p->whole >> r->kind & 1);
    if (!find && !whole)
        jit_plain(r->code);
    if (find && !(r->anchored = compile_form(pat, len, p->options | PCRE2_ANCHORED, 1, &err,
                                             &erroff)))
        return vz_fail(VZ_ENOMEM, "out of memory");
    if (whole && !(r->whole = compile_form(pat, len, p->options | PCRE2_ANCHORED |
                                           PCRE2_ENDANCHORED, 1, &err, &erroff)))
        return vz_fail(VZ_ENOMEM, "out of memory");
    return VZ_OK;
}

static int compile_rule(parser *p, int kind, const char *pat, size_t len, unsigned lineno)
{
    vz_ruleset *rs = p->rs;
    char label[VZ_LABEL_MAX];
    if (read_label(rs, pat, len, lineno, label))
        return VZ_EINVAL;
    int err;
    PCRE2_SIZE erroff;
    /* Rules that run often (find, whole) are compiled factored. */
    vz_buf fx = {0};
    const char *src = pat;
    size_t slen = len;
    if ((p->find || p->whole) && factor(pat, len, p->options, &fx) == 0) {
        src = fx.data;
        slen = fx.len;
    }
    pcre2_code *code = compile_form(src, slen, p->options, 0, &err, &erroff);
    if (!code && src != pat) {
        src = pat;
        slen = len;
        code = compile_form(pat, len, p->options, 0, &err, &erroff);
    }
    if (!code) {
        vz_buf_free(&fx);
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(err, msg, sizeof msg);
        return vz_fail(err == PCRE2_ERROR_HEAP_FAILED ? VZ_ENOMEM : VZ_EINVAL,
                       "%s line %u: %s at offset %zu of the pattern", rs->file, lineno,
                       (const char *)msg, (size_t)erroff);
    }
    void *items = rs->items;
    if (vz_grow(&items, &rs->cap, rs->n + 1, sizeof *rs->items)) {
        vz_buf_free(&fx);
        pcre2_code_free(code);
        return VZ_ENOMEM;
    }
    rs->items = items;
    vz_rule *r = &rs->items[rs->n++];   /* freed with the set from here on */
    *r = (vz_rule){kind, lineno, code, {0}, {{0}, {0}, {0}, {0}, 0, 0, {0}, NULL}, NULL, NULL, {0, NULL}, {{0, NULL}}, 0};
    memcpy(r->label, label, sizeof label);
    int rc = find_starts(pat, len, p->options, &r->starts);
    if (!rc)
        rc = compile_forms(p, r, src, slen);
    /* Only the rules searched through (find, whole) and those asked for
     * (req) get their literals. */
    if (!rc && r->kind < 64 && ((p->find | p->whole | p->req) >> r->kind & 1))
        rc = vz_required_of(pat, len, p->options, &r->req);
    if (!rc && r->kind < 64 && (p->req >> r->kind & 1))
        rc = vz_required_all(pat, len, p->options, r->all, &r->nall);
    vz_buf_free(&fx);
    return rc;
}

/* "define NAME pattern": pattern is expanded now, so definitions may use
 * earlier ones. */
static int add_define(parser *p, const char *rest, size_t len, unsigned lineno)
{
    size_t n = 0;
    while (n < len && is_name_char(rest[n]))
        n++;
    size_t pat = n;
    while (pat < len && (rest[pat] == ' ' || rest[pat] == '\t'))
        pat++;
    if (n == 0 || rest[0] < 'A' || rest[0] > 'Z' || pat == n || pat == len)
        return vz_fail(VZ_EINVAL, "%s line %u: expected 'define NAME pattern'", p->rs->file, lineno);
    vz_buf body = {0};
    int rc = expand(p, rest + pat, len - pat, lineno, &body);
    void *defs = p->defs;
    if (rc == VZ_OK)
        rc = vz_grow(&defs, &p->defcap, p->ndefs + 1, sizeof *p->defs);
    p->defs = defs;
    char *name = rc == VZ_OK ? vz_strndup(rest, n) : NULL;
    if (rc == VZ_OK && !name)
        rc = vz_fail(VZ_ENOMEM, "out of memory");
    if (rc) {
        vz_buf_free(&body);
        return rc;
    }
    p->defs[p->ndefs++] = (define){name, body.data};
    return VZ_OK;
}

/* One line of a rules file: "directive pattern". */
static int parse_line(const char *line, size_t len, unsigned lineno, void *ctx)
{
    parser *p = ctx;
    size_t d = 0;
    while (d < len && line[d] != ' ' && line[d] != '\t')
        d++;
    size_t rest = d;
    while (rest < len && (line[rest] == ' ' || line[rest] == '\t'))
        rest++;
    if (d == 6 && memcmp(line, "define", 6) == 0)
        return add_define(p, line + rest, len - rest, lineno);
    size_t k = 0;
    while (k < p->ndirs && !(strlen(p->dirs[k].name) == d && memcmp(p->dirs[k].name, line, d) == 0))
        k++;
    if (k == p->ndirs)
        return vz_fail(VZ_EINVAL, "%s line %u: unknown directive '%.*s'", p->rs->file, lineno,
                       (int)d, line);
    if (rest == len)
        return vz_fail(VZ_EINVAL, "%s line %u: '%s' needs a pattern", p->rs->file, lineno,
                       p->dirs[k].name);
    vz_buf pat = {0};
    int rc = expand(p, line + rest, len - rest, lineno, &pat);
    if (rc == VZ_OK)
        rc = compile_rule(p, p->dirs[k].kind, pat.data, pat.len, lineno);
    vz_buf_free(&pat);
    return rc;
}

int vz_ruleset_build(vz_ruleset *rs, const char *file, const char *text, size_t len,
                     const vz_directive *dirs, size_t ndirs, uint32_t options)
{
    return vz_ruleset_build_for(rs, file, text, len, dirs, ndirs, options, 0, 0);
}

static int build(vz_ruleset *rs, const char *file, const char *text, size_t len,
                 const vz_directive *dirs, size_t ndirs, uint32_t options, uint64_t find,
                 uint64_t whole, uint64_t req)
{
    memset(rs, 0, sizeof *rs);
    rs->file = file;
    rs->mctx = pcre2_match_context_create(NULL);
    if (!rs->mctx)
        return vz_fail(VZ_ENOMEM, "out of memory");
    pcre2_set_match_limit(rs->mctx, VZ_MATCH_LIMIT);
    pcre2_set_depth_limit(rs->mctx, VZ_DEPTH_LIMIT);
    parser p = {.rs = rs, .dirs = dirs, .ndirs = ndirs, .options = options, .find = find,
                .whole = whole, .req = req};
    int rc = text ? vz_data_lines(text, len, parse_line, &p) : VZ_OK;
    for (size_t i = 0; i < p.ndefs; i++) {
        free(p.defs[i].name);
        free(p.defs[i].pattern);
    }
    free(p.defs);
    if (rc)
        vz_ruleset_free(rs);
    return rc;
}

int vz_ruleset_build_for(vz_ruleset *rs, const char *file, const char *text, size_t len,
                         const vz_directive *dirs, size_t ndirs, uint32_t options, uint64_t find,
                         uint64_t whole)
{
    return build(rs, file, text, len, dirs, ndirs, options, find, whole, 0);
}

int vz_ruleset_build_req(vz_ruleset *rs, const char *file, const char *text, size_t len,
                         const vz_directive *dirs, size_t ndirs, uint32_t options, uint64_t req)
{
    return build(rs, file, text, len, dirs, ndirs, options, 0, 0, req);
}

int vz_ruleset_match_error(const vz_ruleset *rs, const vz_rule *r, int err, size_t off)
{
    PCRE2_UCHAR msg[256];
    pcre2_get_error_message(err, msg, sizeof msg);
    return vz_fail(err == PCRE2_ERROR_NOMEMORY ? VZ_ENOMEM : VZ_EINTERNAL,
                   "%s line %u: matching from byte %zu failed: %s", rs->file, r->line, off,
                   (const char *)msg);
}


/* May a match of a rule with start set st begin at text[p] (p < len)? */
static inline int may_start(const vz_starts *st, const char *text, size_t len, size_t p)
{
    unsigned char c = (unsigned char)text[p];
    if (!in_set(st->first, c))
        return 0;
    if (st->second && c < 0x80 && p + 1 < len &&
        !in_set(st->second[st->row[c]], (unsigned char)text[p + 1]))
        return 0;
    if (p == 0)
        return st->at_start;
    return in_set(c < 0x80 ? st->pre : st->pre_na, (unsigned char)text[p - 1]);
}

int vz_rule_find(const vz_ruleset *rs, const vz_rule *r, const char *text, size_t len, size_t off,
                 pcre2_match_data *md)
{
    /* The literals may lie anywhere in the text (a lookbehind's before
     * the match): only a search of all of it can skip on them. */
    if (off == 0 && !vz_required_in(&r->req, text, len))
        return PCRE2_ERROR_NOMATCH;
    return vz_rule_search(rs, r, text, len, off, md);
}

/* r's anchored attempt at p.  Its JIT code is called directly: pcre2_match
 * would check the same arguments again before calling it, at each of the
 * many starts a text has; the same code gives the same result. */
static int match_anchored(const vz_ruleset *rs, const vz_rule *r, const char *text, size_t len,
                          size_t p, pcre2_match_data *md)
{
#ifndef VZ_NO_PCRE2_JIT
    int m = pcre2_jit_match(r->anchored, (PCRE2_SPTR)text, len, p, PCRE2_NO_UTF_CHECK, md,
                            rs->mctx);
    if (m != PCRE2_ERROR_JIT_BADOPTION)   /* else not compiled by the JIT */
        return m;
#endif
    return pcre2_match(r->anchored, (PCRE2_SPTR)text, len, p, PCRE2_NO_UTF_CHECK, md, rs->mctx);
}

int vz_rule_search(const vz_ruleset *rs, const vz_rule *r, const char *text, size_t len,
                   size_t off, pcre2_match_data *md)
{
    if (!r->anchored)
        return pcre2_match(r->code, (PCRE2_SPTR)text, len, off, PCRE2_NO_UTF_CHECK, md, rs->mctx);
    /* An unanchored search tries each start in turn with an anchored
     * attempt; the positions skipped here are those that cannot start. */
    for (size_t p = off; p < len; p++) {
        if (!may_start(&r->starts, text, len, p))
            continue;
        int m = match_anchored(rs, r, text, len, p, md);
        if (m != PCRE2_ERROR_NOMATCH)
            return m;
    }
    return PCRE2_ERROR_NOMATCH;
}

int vz_rule_whole(const vz_ruleset *rs, const vz_rule *r, const char *text, size_t len,
                  pcre2_match_data *md)
{
    if (!vz_required_in(&r->req, text, len))
        return PCRE2_ERROR_NOMATCH;
    return vz_rule_whole_search(rs, r, text, len, md);
}

int vz_rule_may_be_whole(const vz_rule *r, const char *text, size_t len)
{
    const vz_starts *st = &r->starts;
    return !st->known || (len > 0 && may_start(st, text, len, 0) &&
                          in_set(st->last, (unsigned char)text[len - 1]));
}

int vz_rule_whole_search(const vz_ruleset *rs, const vz_rule *r, const char *text, size_t len,
                         pcre2_match_data *md)
{
    if (!vz_rule_may_be_whole(r, text, len))
        return PCRE2_ERROR_NOMATCH;
    if (r->whole)
        return pcre2_match(r->whole, (PCRE2_SPTR)text, len, 0, PCRE2_NO_UTF_CHECK, md, rs->mctx);
    return pcre2_match(r->code, (PCRE2_SPTR)text, len, 0,
                       PCRE2_NO_UTF_CHECK | PCRE2_ANCHORED | PCRE2_ENDANCHORED, md, rs->mctx);
}
