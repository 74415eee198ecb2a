/*
 * required.c - implements required.h: a small reader of PCRE2 patterns
 * that finds literals every match must hold.
 *
 * Each item of a pattern is read for two sets of strings: "exact", the
 * strings it can match when they are few (a literal, a short alternation),
 * and "req", strings one of which any match of it holds.  Consecutive
 * exact items join into longer strings; an item that is not exact ends
 * the run, and the run and the item's own requirement are candidates for
 * the sequence's requirement, the longest of which is kept.  Optional
 * items (?, *, {0,n}) require nothing; an alternation requires the union
 * of its branches' requirements.  Lookarounds consume nothing: a positive
 * one still requires its literals somewhere in the subject (a lookbehind's
 * before the match, which is why the whole subject is scanned).
 *
 * Caseless parts: ASCII letters compare in either case, except k and s,
 * which PCRE2 with UCP also matches to U+212A KELVIN SIGN and U+017F LONG
 * S: they, and any non-ASCII character, end a caseless literal.  Anything
 * not understood here (back references, \Q..\E, conditions, verbs,
 * callouts, (?x)) leaves the whole pattern unfiltered.
 */
#include "required.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

#define SET_MAX 64               /* strings a set may hold */
/* The shortest literal worth a scan: one pass over a text looks for all
 * the literals of a kind's rules (vz_litset), so even "," is. */
#define REQ_MIN 1

typedef struct {
    int ok;                      /* 0: nothing known */
    size_t n;
    vz_literal v[SET_MAX];
} lset;

/* What a piece of pattern may match. */
typedef struct {
    lset exact, req;
} lits;

#define SETS_MAX 16              /* requirements gathered, the best VZ_REQUIRED_SETS kept */
/* ... of strings of two bytes or more: a one-byte string ("a", "i") is in
 * nearly every text and costs the one-pass scan a memchr of its own. */
#define ALL_MIN 2

typedef struct {
    const char *p, *end;
    int caseless;
    int bad;
    int need;                    /* every match passes through sc->p */
    lset *sets;                  /* NULL, or requirements every match needs ... */
    size_t nsets;                /* ... (up to SETS_MAX) */
} rscan;

static void set_none(lset *s) { s->ok = 0; s->n = 0; }

static void set_empty(lset *s)
{
    s->ok = 1;
    s->n = 1;
    s->v[0].len = 0;
    s->v[0].caseless = 0;
}

static void lits_none(lits *l)
{
    set_none(&l->exact);
    set_none(&l->req);
}

/* Matches nothing but requires nothing either (an assertion, a comment). */
static void lits_empty(lits *l)
{
    set_empty(&l->exact);
    set_none(&l->req);
}

static char lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c; }
static int is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static int is_word(char c) { return is_alpha(c) || (c >= '0' && c <= '9') || c == '_'; }

/* The shortest string's length: 0 for an unknown set or one holding "". */
static size_t set_min(const lset *s)
{
    size_t m = s->ok && s->n ? VZ_LITERAL_MAX + 1 : 0;
    for (size_t i = 0; s->ok && i < s->n; i++)
        if (s->v[i].len < m)
            m = s->v[i].len;
    return m;
}

/* Is c a better requirement than b: longer shortest string, then fewer
 * strings? */
static int better(const lset *c, const lset *b)
{
    size_t mc = set_min(c), mb = set_min(b);
    return mc > mb || (mc && mc == mb && c->n < b->n);
}

/* Keep the better of *best and c as a requirement. */
static void consider(lset *best, const lset *c)
{
    if (better(c, best))
        *best = *c;
}

static int same_set(const lset *a, const lset *b)
{
    if (a->ok != b->ok || a->n != b->n)
        return 0;
    for (size_t i = 0; i < a->n; i++)
        if (a->v[i].len != b->v[i].len || a->v[i].caseless != b->v[i].caseless ||
            memcmp(a->v[i].s, b->v[i].s, a->v[i].len))
            return 0;
    return 1;
}

/* Append the bytes b[0, n) to every string of s; 0 when one would grow
 * too long (s unchanged). */
static int set_append(lset *s, const char *b, size_t n, int caseless)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i].len + n > VZ_LITERAL_MAX)
            return 0;
    for (size_t i = 0; i < s->n; i++) {
        vz_literal *l = &s->v[i];
        for (size_t k = 0; k < n; k++)
            l->s[l->len + k] = caseless ? lower(b[k]) : b[k];
        l->len = (unsigned char)(l->len + n);
        l->caseless |= (unsigned char)caseless;
    }
    return 1;
}

/* s = every string of s followed by every string of t; 0 when there
 * would be too many or too long (s unchanged).  A caseless half makes the
 * whole string compare caselessly: a superset of what matches. */
static int set_cat(lset *s, const lset *t)
{
    if (s->n * t->n > SET_MAX)
        return 0;
    for (size_t i = 0; i < s->n; i++)
        for (size_t j = 0; j < t->n; j++)
            if (s->v[i].len + t->v[j].len > VZ_LITERAL_MAX)
                return 0;
    lset r = {1, 0, {{0, 0, {0}}}};
    for (size_t i = 0; i < s->n; i++)
        for (size_t j = 0; j < t->n; j++) {
            vz_literal *l = &r.v[r.n++];
            const vz_literal *a = &s->v[i], *b = &t->v[j];
            int ci = a->caseless || b->caseless;
            for (size_t k = 0; k < a->len; k++)
                l->s[k] = ci ? lower(a->s[k]) : a->s[k];
            for (size_t k = 0; k < b->len; k++)
                l->s[a->len + k] = ci ? lower(b->s[k]) : b->s[k];
            l->len = (unsigned char)(a->len + b->len);
            l->caseless = (unsigned char)ci;
        }
    *s = r;
    return 1;
}

/* s = s or t; unknown when either is, or when there would be too many. */
static void set_union(lset *s, const lset *t)
{
    if (!s->ok || !t->ok || s->n + t->n > SET_MAX) {
        set_none(s);
        return;
    }
    for (size_t j = 0; j < t->n; j++) {
        size_t i = 0;
        while (i < s->n && !(s->v[i].len == t->v[j].len && s->v[i].caseless == t->v[j].caseless &&
                             !memcmp(s->v[i].s, t->v[j].s, t->v[j].len)))
            i++;
        if (i == s->n)   /* not a duplicate */
            s->v[s->n++] = t->v[j];
    }
}

/* The best requirement a piece offers: its own, or its exact strings. */
static lset req_of(const lits *l)
{
    lset r = l->req;
    consider(&r, &l->exact);
    return r;
}

static void alternation(rscan *sc, lits *out);

/* One character matched as itself: a one-string exact set, or nothing
 * known for a caseless k, s or non-ASCII character. */
static void one_char(rscan *sc, lits *it, const char *b, size_t n)
{
    if (sc->caseless && (n > 1 || strchr("kKsS", b[0]))) {
        lits_none(it);
        return;
    }
    set_empty(&it->exact);
    set_none(&it->req);
    (void)set_append(&it->exact, b, n, sc->caseless && n == 1 && is_alpha(b[0]));
}

/* Skip \p{...} / \pL style arguments after the letter. */
static void skip_braces(rscan *sc)
{
    if (sc->p < sc->end && *sc->p == '{') {
        while (sc->p < sc->end && *sc->p != '}')
            sc->p++;
        if (sc->p >= sc->end)
            sc->bad = 1;
        else
            sc->p++;
    } else if (sc->p < sc->end) {
        sc->p++;
    } else {
        sc->bad = 1;
    }
}

/* An escape outside a class: sc->p at the character after '\'. */
static void escape(rscan *sc, lits *it)
{
    if (sc->p >= sc->end) {
        sc->bad = 1;
        return;
    }
    char c = *sc->p++;
    static const char controls[] = "n\nt\tr\rf\fe\033a\007";
    const char *k;
    if ((unsigned char)c < 0x80 && !is_word(c)) {
        one_char(sc, it, &c, 1);   /* an escaped punctuation mark is itself */
    } else if (c && (k = strchr(controls, c)) && (k - controls) % 2 == 0) {
        one_char(sc, it, k + 1, 1);
    } else if (c && strchr("dDwWsShHvVRX", c)) {
        lits_none(it);             /* a class of characters */
    } else if (c == 'N' && !(sc->p < sc->end && *sc->p == '{')) {
        lits_none(it);             /* any character but a newline */
    } else if (c && strchr("bBAzZG", c)) {
        lits_empty(it);            /* assertions */
    } else if (c == 'p' || c == 'P') {
        skip_braces(sc);
        lits_none(it);
    } else {
        sc->bad = 1;               /* back references, \Q, \x, \K...: not followed */
    }
}

/* A class [...]: sc->p after '['.  A few plain ASCII characters, in a
 * case-sensitive part ("[Tt]"), are a set of one-character strings; any
 * other class is a character not known. */
static void char_class(rscan *sc, lits *it)
{
    int plain = !sc->caseless;
    lset s = {1, 0, {{0, 0, {0}}}};
    if (sc->p < sc->end && *sc->p == '^') {
        plain = 0;
        sc->p++;
    }
    for (int first = 1; sc->p < sc->end && (first || *sc->p != ']'); first = 0) {
        char c = *sc->p;
        if (c == '[' && sc->p + 1 < sc->end && strchr(":.=", sc->p[1])) {
            const char *e = sc->p + 2;    /* [:alpha:] */
            while (e + 1 < sc->end && !(e[0] == sc->p[1] && e[1] == ']'))
                e++;
            if (e + 1 >= sc->end) {
                sc->bad = 1;
                return;
            }
            sc->p = e + 2;
            plain = 0;
            continue;
        }
        if (c == '\\') {
            if (sc->p + 1 >= sc->end || sc->p[1] == 'Q' || sc->p[1] == 'E') {
                sc->bad = 1;
                return;
            }
            sc->p += 2;
            if (sc->p[-1] == 'p' || sc->p[-1] == 'P' || sc->p[-1] == 'x' || sc->p[-1] == 'o' ||
                sc->p[-1] == 'N')
                skip_braces(sc);
            plain = 0;
            continue;
        }
        if ((unsigned char)c >= 0x80 || c == '-' || s.n == SET_MAX)
            plain = 0;
        else if (plain)
            s.v[s.n++] = (vz_literal){1, 0, {c}};
        sc->p++;
    }
    if (sc->p >= sc->end) {
        sc->bad = 1;
        return;
    }
    sc->p++;   /* ']' */
    if (plain && s.n > 0 && s.n <= 4) {
        it->exact = s;
        set_none(&it->req);
    } else {
        lits_none(it);
    }
}

/* Option letters "(?i-m" up to ':' or ')': *p after "(?", moved past
 * them.  1: a group follows (':' read), 0: they hold for the rest of the
 * enclosing group (')' read), -1: not understood (x, free spacing, changes
 * how the pattern reads; or the pattern ends). */
int vz_pattern_options(const char **p, const char *end, int *caseless)
{
    int on = 1;
    while (*p < end && **p != ':' && **p != ')') {
        char c = *(*p)++;
        if (c == '-')
            on = 0;
        else if (c == 'i')
            *caseless = on;
        else if (c == '^')
            *caseless = 0;
        else if (!strchr("msnUJ", c))
            return -1;
    }
    if (*p >= end)
        return -1;
    return *(*p)++ == ':';
}

static int options(rscan *sc)
{
    int o = vz_pattern_options(&sc->p, sc->end, &sc->caseless);
    sc->bad |= o < 0;
    return o > 0;
}

/* A parenthesised item: sc->p after '('. */
static void group(rscan *sc, lits *it)
{
    int caseless = sc->caseless;
    const char *p = sc->p;
    size_t left = (size_t)(sc->end - p);
    lits in;
    lits_empty(it);
    if (left >= 2 && p[0] == '?' && p[1] == '#') {
        while (sc->p < sc->end && *sc->p != ')')
            sc->p++;
    } else if (left >= 2 && p[0] == '?' && (p[1] == '=' || p[1] == '!')) {
        sc->p += 2;
        int need = sc->need;
        sc->need &= p[1] == '=';
        alternation(sc, &in);
        sc->need = need;
        if (p[1] == '=')
            it->req = req_of(&in);
    } else if (left >= 3 && p[0] == '?' && p[1] == '<' && (p[2] == '=' || p[2] == '!')) {
        sc->p += 3;
        int need = sc->need;
        sc->need &= p[2] == '=';
        alternation(sc, &in);
        sc->need = need;
        if (p[2] == '=')
            it->req = req_of(&in);
    } else if (left >= 9 && !memcmp(p, "?(DEFINE)", 9)) {
        sc->p += 9;
        int need = sc->need;
        sc->need = 0;
        alternation(sc, &in);     /* definitions match nothing here */
        sc->need = need;
    } else if (left >= 2 && p[0] == '?' && strchr(":|>", p[1])) {
        sc->p += 2;
        alternation(sc, it);
    } else if (left >= 3 && p[0] == '?' &&
               (p[1] == '<' || p[1] == '\'' || (p[1] == 'P' && p[2] == '<'))) {
        sc->p += p[1] == 'P' ? 3 : 2;   /* a named group */
        while (sc->p < sc->end && is_word(*sc->p))
            sc->p++;
        if (sc->p >= sc->end || (*sc->p != '>' && *sc->p != '\'')) {
            sc->bad = 1;
            return;
        }
        sc->p++;
        alternation(sc, it);
    } else if (left >= 2 && p[0] == '?' &&
               (strchr("&R0123456789", p[1]) || (left >= 3 && p[1] == 'P' && p[2] == '>') ||
                (left >= 3 && (p[1] == '+' || p[1] == '-') && p[2] >= '0' && p[2] <= '9'))) {
        lits_none(it);            /* a subroutine call: anything, or nothing */
        while (sc->p < sc->end && *sc->p != ')')
            sc->p++;
    } else if (left >= 1 && p[0] == '?' && left >= 2 && strchr("imsnUJx-^", p[1])) {
        sc->p++;
        if (options(sc) == 0)
            return;               /* "(?i)": sc->p past ')', the options stay */
        alternation(sc, it);
    } else if (left >= 1 && (p[0] == '?' || p[0] == '*')) {
        sc->bad = 1;              /* conditions, callouts, verbs, (?P=name) */
        return;
    } else {
        alternation(sc, it);      /* a capturing group */
    }
    sc->caseless = caseless;
    if (sc->p >= sc->end || *sc->p != ')') {
        sc->bad = 1;
        return;
    }
    sc->p++;
}

/* One item without its quantifier. */
static void atom(rscan *sc, lits *it)
{
    char c = *sc->p;
    if (c == '(') {
        sc->p++;
        group(sc, it);
    } else if (c == '^' || c == '$') {
        sc->p++;
        lits_empty(it);
    } else if (c == '.') {
        sc->p++;
        lits_none(it);
    } else if (c == '[') {
        sc->p++;
        char_class(sc, it);
    } else if (c == '\\') {
        sc->p++;
        escape(sc, it);
    } else if (strchr("*+?{}", c)) {
        sc->bad = 1;              /* a literal brace, or a quantifier of nothing */
    } else {
        const char *s = sc->p++;
        while (sc->p < sc->end && ((unsigned char)*sc->p & 0xC0) == 0x80)
            sc->p++;
        one_char(sc, it, s, (size_t)(sc->p - s));
    }
}

/* The item's quantifier, if any: its minimum (1 without one), or -1 for
 * "{" that is not a quantifier. */
static int quantifier(rscan *sc, int *quantified)
{
    *quantified = 0;
    if (sc->p >= sc->end)
        return 1;
    int min = 1;
    char c = *sc->p;
    if (c == '*' || c == '?') {
        min = 0;
        sc->p++;
    } else if (c == '+') {
        sc->p++;
    } else if (c == '{') {
        const char *q = sc->p + 1;
        int n = 0, digits = 0;
        while (q < sc->end && *q >= '0' && *q <= '9' && n < 100000)
            n = n * 10 + (*q++ - '0'), digits++;
        if (q < sc->end && *q == ',')
            for (q++; q < sc->end && *q >= '0' && *q <= '9';)
                q++;
        if (!digits || q >= sc->end || *q != '}')
            return -1;
        min = n;
        sc->p = q + 1;
    } else {
        return 1;
    }
    *quantified = 1;
    if (sc->p < sc->end && (*sc->p == '?' || *sc->p == '+'))
        sc->p++;   /* lazy or possessive: the same characters */
    return min;
}

/* A plain ASCII character that is one item on its own, unquantified. */
static int plain_char(const rscan *sc)
{
    char c = *sc->p;
    if ((unsigned char)c >= 0x80 || strchr("\\[](){}.^$|*+?", c) || c == '\0')
        return 0;
    if (sc->caseless && strchr("kKsS", c))
        return 0;
    return sc->p + 1 >= sc->end || !strchr("*+?{", sc->p[1]);
}

/* consider(), and where every match passes also keep c among the
 * requirements a match needs every one of: each set a sequence considers
 * is one its every match holds a string of.  What an item turns out not
 * to need (an optional one, an alternative) is dropped again. */
static void consider_in(rscan *sc, lset *best, const lset *c)
{
    consider(best, c);
    if (!sc->sets || !sc->need || set_min(c) < ALL_MIN || sc->nsets == SETS_MAX)
        return;
    for (size_t i = 0; i < sc->nsets; i++)
        if (same_set(&sc->sets[i], c))
            return;
    sc->sets[sc->nsets++] = *c;
}

/* A sequence of items, up to '|', ')' or the end. */
static void sequence(rscan *sc, lits *out)
{
    lset run, best;
    set_empty(&run);
    set_none(&best);
    int exact = 1;            /* every item so far exact, the run all of them */
    lits it;
    while (!sc->bad && sc->p < sc->end && *sc->p != '|' && *sc->p != ')') {
        if (plain_char(sc)) {
            /* most of a pattern: one letter onto the run */
            char c = *sc->p++;
            if (!set_append(&run, &c, 1, sc->caseless && is_alpha(c))) {
                consider_in(sc, &best, &run);
                exact = 0;
                set_empty(&run);
                (void)set_append(&run, &c, 1, sc->caseless && is_alpha(c));
            }
            continue;
        }
        size_t kept = sc->nsets;
        atom(sc, &it);
        if (sc->bad)
            break;
        int quantified;
        int min = quantifier(sc, &quantified);
        if (min < 0) {
            sc->bad = 1;
            break;
        }
        if (min == 0)
            sc->nsets = kept;   /* an optional item needs nothing */
        if (quantified) {
            if (min == 0)
                lits_none(&it);
            else
                it.req = req_of(&it), set_none(&it.exact);
        }
        consider_in(sc, &best, &it.req);   /* a lookaround's, or a repeated item's */
        if (it.exact.ok && set_cat(&run, &it.exact))
            continue;
        consider_in(sc, &best, &run);
        exact = 0;
        if (it.exact.ok)
            run = it.exact;
        else
            set_empty(&run);
    }
    consider_in(sc, &best, &run);
    if (exact)
        out->exact = run;
    else
        set_none(&out->exact);
    out->req = best;
}

/* Alternatives, up to ')' or the end. */
static void alternation(rscan *sc, lits *out)
{
    size_t kept = sc->nsets;
    int need = sc->need;
    sequence(sc, out);
    lset req = req_of(out);
    while (!sc->bad && sc->p < sc->end && *sc->p == '|') {
        sc->nsets = kept;       /* no branch is needed on its own */
        sc->need = 0;
        sc->p++;
        lits b;
        sequence(sc, &b);
        set_union(&out->exact, &b.exact);
        lset r = req_of(&b);
        set_union(&req, &r);
    }
    sc->need = need;
    out->req = req;
}

int vz_required_of(const char *pat, size_t len, uint32_t options, vz_required *out)
{
    out->n = 0;
    out->v = NULL;
    if (options & ~(uint32_t)0x00000008u)   /* PCRE2_CASELESS */
        return VZ_OK;
    rscan sc = {pat, pat + len, (options & 0x00000008u) != 0, 0, 0, NULL, 0};
    lits *all = malloc(sizeof *all);
    if (!all)
        return vz_fail(VZ_ENOMEM, "out of memory");
    alternation(&sc, all);
    lset r = req_of(all);
    free(all);
    if (sc.bad || sc.p != sc.end || set_min(&r) < REQ_MIN)
        return VZ_OK;
    out->v = malloc(r.n * sizeof *out->v);
    if (!out->v)
        return vz_fail(VZ_ENOMEM, "out of memory");
    memcpy(out->v, r.v, r.n * sizeof *out->v);
    out->n = r.n;
    return VZ_OK;
}

int vz_required_all(const char *pat, size_t len, uint32_t options, vz_required *sets,
                    size_t *n)
{
    *n = 0;
    if (options & ~(uint32_t)0x00000008u)   /* PCRE2_CASELESS */
        return VZ_OK;
    rscan sc = {pat, pat + len, (options & 0x00000008u) != 0, 0, 1, NULL, 0};
    lits *all = malloc(sizeof *all);
    sc.sets = malloc(SETS_MAX * sizeof *sc.sets);
    if (!all || !sc.sets) {
        free(all);
        free(sc.sets);
        return vz_fail(VZ_ENOMEM, "out of memory");
    }
    alternation(&sc, all);
    free(all);
    int rc = VZ_OK;
    size_t k = 0;
    if (!sc.bad && sc.p == sc.end)
        for (; k < sc.nsets && k < VZ_REQUIRED_SETS; k++) {
            size_t b = k;   /* the best of those left */
            for (size_t i = k + 1; i < sc.nsets; i++)
                if (better(&sc.sets[i], &sc.sets[b]))
                    b = i;
            lset t = sc.sets[b];
            sc.sets[b] = sc.sets[k];
            sc.sets[k] = t;
            sets[k].n = t.n;
            if (!(sets[k].v = malloc(t.n * sizeof *sets[k].v))) {
                rc = vz_fail(VZ_ENOMEM, "out of memory");
                break;
            }
            memcpy(sets[k].v, t.v, t.n * sizeof *sets[k].v);
        }
    free(sc.sets);
    if (rc) {
        for (size_t i = 0; i < k; i++)
            vz_required_free(&sets[i]);
        return rc;
    }
    *n = k;
    return VZ_OK;
}

void vz_required_free(vz_required *rq)
{
    if (!rq)
        return;
    free(rq->v);
    rq->v = NULL;
    rq->n = 0;
}

/* Does text hold l, its ASCII letters in either case? */
static int find_caseless(const char *text, size_t len, const vz_literal *l)
{
    if (l->len > len)
        return 0;
    char c0 = l->s[0], u0 = c0 >= 'a' && c0 <= 'z' ? (char)(c0 - 32) : c0;
    for (size_t i = 0; i + l->len <= len; i++) {
        if (text[i] != c0 && text[i] != u0)
            continue;
        size_t k = 1;
        while (k < l->len && lower(text[i + k]) == l->s[k])
            k++;
        if (k == l->len)
            return 1;
    }
    return 0;
}

/* Does text hold l exactly?  (memmem is not in C11 and POSIX 2008.) */
static int find_exact(const char *text, size_t len, const vz_literal *l)
{
    const char *p = text, *end = text + len;
    while ((size_t)(end - p) >= l->len && (p = memchr(p, l->s[0], (size_t)(end - p) - l->len + 1))) {
        if (!memcmp(p + 1, l->s + 1, l->len - 1u))
            return 1;
        p++;
    }
    return 0;
}

int vz_required_in(const vz_required *rq, const char *text, size_t len)
{
    if (!rq->n)
        return 1;
    for (size_t i = 0; i < rq->n; i++) {
        const vz_literal *l = &rq->v[i];
        if (l->caseless ? find_caseless(text, len, l) : find_exact(text, len, l))
            return 1;
    }
    return 0;
}

/* ---- many rules' literals in one table ---------------------------------- */

/* ASCII letters in lower case, without a branch: this runs per byte. */
static unsigned fold_byte(unsigned char c) { return c + ((unsigned)(c - 'A') < 26u) * 32u; }

static unsigned pair_of(unsigned char a, unsigned char b) { return fold_byte(a) << 8 | fold_byte(b); }

static unsigned bucket_of(unsigned pair) { return (pair * 0x9E3779B1u) >> 21 & (VZ_LITSET_BUCKETS - 1); }

static unsigned literal_pair(const vz_literal *l)
{
    return pair_of((unsigned char)l->s[0], (unsigned char)l->s[1]);
}

static int same_literal(const vz_literal *a, const vz_literal *b)
{
    return a->len == b->len && a->caseless == b->caseless && !memcmp(a->s, b->s, a->len);
}

/* The number of literal l in ls, added when new (its masks cleared);
 * (size_t)-1 when out of memory. */
static size_t litset_add(vz_litset *ls, size_t *cap, const vz_literal *l)
{
    for (size_t k = 0; k < ls->n; k++)
        if (same_literal(&ls->v[k], l))
            return k;
    if (ls->n == *cap) {
        size_t ncap = *cap ? 2 * *cap : 64;
        vz_literal *v = realloc(ls->v, ncap * sizeof *v);
        if (v)
            ls->v = v;
        uint64_t *m = v ? realloc(ls->masks, ncap * ls->words * sizeof *m) : NULL;
        if (!m)
            return (size_t)-1;
        ls->masks = m;
        *cap = ncap;
    }
    ls->v[ls->n] = *l;
    memset(ls->masks + ls->n * ls->words, 0, ls->words * sizeof *ls->masks);
    return ls->n++;
}

/* The pairs of bytes a text may hold where literal l begins: both cases
 * of a caseless letter, so that a scan tests the bytes as they stand. */
static void add_raw_pairs(vz_litset *ls, const vz_literal *l)
{
    unsigned char a[2] = {(unsigned char)l->s[0], (unsigned char)l->s[1]};
    for (unsigned ua = 0; ua < 2; ua++)
        for (unsigned ub = 0; ub < 2; ub++) {
            unsigned x = a[0], y = a[1];
            if (ua && !(l->caseless && x >= 'a' && x <= 'z'))
                continue;
            if (ub && !(l->caseless && y >= 'a' && y <= 'z'))
                continue;
            unsigned w = (ua ? x - 32 : x) | (ub ? y - 32 : y) << 8;
            ls->pairs[w >> 6] |= (uint64_t)1 << (w & 63);
        }
}

/* Are all of ls's rules in maybe (when it has few enough to tell)? */
static int all_in(const vz_litset *ls, const uint64_t *maybe)
{
    if (ls->words > VZ_LITSET_FULL || !ls->words)
        return 0;
    for (size_t w = 0; w < ls->words; w++)
        if ((maybe[w] & ls->full[w]) != ls->full[w])
            return 0;
    return 1;
}

int vz_litset_build(vz_litset *ls, const vz_required *const *rq, size_t nrules)
{
    memset(ls, 0, sizeof *ls);
    ls->nrules = nrules;
    ls->words = (nrules + 63) / 64;
    size_t cap = 0;
    if (!(ls->always = calloc(ls->words ? ls->words : 1, sizeof *ls->always)))
        goto nomem;
    for (size_t i = 0; i < nrules; i++) {
        uint64_t bit = (uint64_t)1 << (i & 63);
        if (!rq[i] || !rq[i]->n) {
            ls->always[i / 64] |= bit;
            continue;
        }
        for (size_t k = 0; k < rq[i]->n; k++) {
            size_t id = litset_add(ls, &cap, &rq[i]->v[k]);
            if (id == (size_t)-1)
                goto nomem;
            ls->masks[id * ls->words + i / 64] |= bit;
        }
    }
    if (!(ls->order = malloc((ls->n ? ls->n : 1) * sizeof *ls->order)))
        goto nomem;
    /* Literals of one byte have no pair to bucket by: they are looked for
     * on their own, after all others (order[start[BUCKETS], n)). */
    /* Counting sort of the literals by bucket. */
    for (size_t k = 0; k < ls->n; k++) {
        if (ls->v[k].len < 2)
            continue;
        add_raw_pairs(ls, &ls->v[k]);
        ls->start[bucket_of(literal_pair(&ls->v[k])) + 1]++;
    }
    for (size_t i = 0; i < nrules && ls->words <= VZ_LITSET_FULL; i++)
        ls->full[i / 64] |= (uint64_t)1 << (i & 63);
    for (unsigned b = 0; b < VZ_LITSET_BUCKETS; b++)
        ls->start[b + 1] += ls->start[b];
    uint32_t fill[VZ_LITSET_BUCKETS];
    memcpy(fill, ls->start, sizeof fill);
    size_t single = ls->start[VZ_LITSET_BUCKETS];
    for (size_t k = 0; k < ls->n; k++)
        ls->order[ls->v[k].len < 2 ? single++ : fill[bucket_of(literal_pair(&ls->v[k]))]++] =
            (uint32_t)k;
    return VZ_OK;
nomem:
    vz_litset_free(ls);
    return vz_fail(VZ_ENOMEM, "out of memory");
}

void vz_litset_free(vz_litset *ls)
{
    if (!ls)
        return;
    free(ls->v);
    free(ls->masks);
    free(ls->always);
    free(ls->order);
    memset(ls, 0, sizeof *ls);
}

static void add_rules(const vz_litset *ls, uint32_t k, uint64_t *maybe)
{
    const uint64_t *m = ls->masks + (size_t)k * ls->words;
    for (size_t w = 0; w < ls->words; w++)
        maybe[w] |= m[w];
}

/* Does text[0, len) hold l at i (i + l->len <= len)? */
static int literal_at(const char *text, size_t i, const vz_literal *l)
{
    if (!l->caseless)
        return !memcmp(text + i, l->s, l->len);
    for (size_t k = 0; k < l->len; k++)
        if ((char)fold_byte((unsigned char)text[i + k]) != l->s[k])
            return 0;
    return 1;
}

void vz_litset_scan(const vz_litset *ls, const char *text, size_t len, uint64_t *maybe)
{
    memcpy(maybe, ls->always, ls->words * sizeof *maybe);
    if (all_in(ls, maybe))
        return;
    const unsigned char *t = (const unsigned char *)text;
    for (size_t i = 0; i + 1 < len; i++) {
        unsigned w = t[i] | (unsigned)t[i + 1] << 8;
        if (!(ls->pairs[w >> 6] >> (w & 63) & 1))
            continue;
        unsigned b = bucket_of(pair_of(t[i], t[i + 1]));
        int added = 0;
        for (uint32_t j = ls->start[b]; j < ls->start[b + 1]; j++) {
            const vz_literal *l = &ls->v[ls->order[j]];
            if (l->len > len - i || !literal_at(text, i, l))
                continue;
            add_rules(ls, ls->order[j], maybe);
            added = 1;
        }
        /* Once every rule is in, no literal can add one. */
        if (added && all_in(ls, maybe))
            return;
    }
    for (size_t j = ls->start[VZ_LITSET_BUCKETS]; j < ls->n; j++) {
        const vz_literal *l = &ls->v[ls->order[j]];
        unsigned char c = (unsigned char)l->s[0];
        if (memchr(text, c, len) ||
            (l->caseless && c >= 'a' && c <= 'z' && memchr(text, c - 32, len)))
            add_rules(ls, ls->order[j], maybe);
    }
}
