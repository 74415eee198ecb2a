/*
 * analyse.c - implements analyse.h: the analyser that turns UTF-8 text into
 * index and query terms.  One pass validates the UTF-8; the tokeniser then
 * finds each token's exact byte span (joining numbers, apostrophes and
 * dotted acronyms), normalises it (NFKC, case fold, accents stripped, with
 * utf8proc; plain ASCII only needs lower-casing), flags stop words from a
 * shared read-only hash set, and stems with Snowball English (libstemmer).
 *
 * Token rules (the tests in tests/test_analyse.c and tests/data/analyse.cases
 * show each one):
 *   - token characters are letters, digits and other numbers (Unicode L*,
 *     N*) and combining marks (M*); everything else separates tokens;
 *   - ',' between digits joins only when exactly three digits follow
 *     ("4,054", "1,000,000"; not the list "1,2"), and is dropped from the
 *     norm; '.' between digits joins and is kept ("3.5");
 *   - an apostrophe (' U+2019 U+2018 U+02BC) joins a letter or digit to a
 *     following letter and becomes ' in the norm ("Gödel's", "hasn’t");
 *     quotes around words are not part of them;
 *   - a soft hyphen (U+00AD) between letters joins and is dropped;
 *   - two or more single letters each followed by '.' (the last dot
 *     optional) form an acronym whose norm drops the dots ("U.S." -> "us");
 *   - a hyphen (- U+2010 U+2011) splits, and the token right after it is
 *     flagged JOINED when the hyphen touches the previous token.
 */
#include "analyse.h"
#include "data.h"
#include "util.h"

#include <libstemmer.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* utf8proc_map's options for NFKC + case fold + accents stripped. */
#define NORM_OPTIONS ((utf8proc_option_t)(UTF8PROC_STABLE | UTF8PROC_COMPOSE | \
    UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK))

/* ---------------------------------------------------------------- classes */

/* What a character is to the tokeniser.  Everything from C_APOS on is a
 * joiner: part of a token only between the right neighbours. */
enum {
    C_SEP, C_UPPER, C_LOWER, C_LETTER, C_DIGIT, C_NUM, C_MARK,
    C_APOS, C_DOT, C_COMMA, C_SOFT, C_AMP
};

typedef struct {
    size_t len;   /* bytes of the UTF-8 sequence */
    int cls;      /* C_* */
} cp_info;

static int is_tok(int cls) { return cls >= C_UPPER && cls <= C_MARK; }
static int is_letter(int cls) { return cls >= C_UPPER && cls <= C_LETTER; }
static int is_alnum(int cls) { return cls >= C_UPPER && cls <= C_NUM; }

/* The ASCII classes as a table: the scanner looks up every byte of the
 * text, and most bytes are ASCII. */
#define S_ C_SEP
#define U_ C_UPPER
#define L_ C_LOWER
#define D_ C_DIGIT
static const unsigned char ascii_class[128] = {
    S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_,   /* controls */
    S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_,
    S_, S_, S_, S_, S_, S_, C_AMP, C_APOS, S_, S_, S_, S_, C_COMMA, S_, C_DOT, S_,   /*  !"#$%&'()*+,-./ */
    D_, D_, D_, D_, D_, D_, D_, D_, D_, D_, S_, S_, S_, S_, S_, S_,   /* 0-9 :;<=>? */
    S_, U_, U_, U_, U_, U_, U_, U_, U_, U_, U_, U_, U_, U_, U_, U_,   /* @A-O */
    U_, U_, U_, U_, U_, U_, U_, U_, U_, U_, U_, S_, S_, S_, S_, S_,   /* P-Z [\]^_ */
    S_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_,   /* `a-o */
    L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, S_, S_, S_, S_, S_,   /* p-z {|}~ DEL */
};
#undef S_
#undef U_
#undef L_
#undef D_

/* U+02BC is a letter (Lm) to Unicode, but news text uses it as an
 * apostrophe, as it does the curly quotes: all join like one, not start a
 * token, and normalise to '. */
static int is_apostrophe(utf8proc_int32_t cp)
{
    return cp == 0x2019 || cp == 0x2018 || cp == 0x02BC;
}

static char lower_ascii(char c)
{
    return (char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
}

static int class_of_cp(utf8proc_int32_t cp)
{
    if (is_apostrophe(cp))
        return C_APOS;
    if (cp == 0x00AD)
        return C_SOFT;
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LT: return C_UPPER;
    case UTF8PROC_CATEGORY_LL: return C_LOWER;
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO: return C_LETTER;
    case UTF8PROC_CATEGORY_ND: return C_DIGIT;
    case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO: return C_NUM;
    case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME: return C_MARK;
    default: return C_SEP;
    }
}

/* A non-ASCII character at t[i].  The text has been validated, so decoding
 * cannot fail (a failure would only make it a one-byte separator). */
static cp_info decode_utf8(const char *t, size_t n, size_t i)
{
    utf8proc_int32_t cp;
    utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)t + i,
                                          (utf8proc_ssize_t)(n - i), &cp);
    if (k <= 0)
        return (cp_info){1, C_SEP};
    return (cp_info){(size_t)k, class_of_cp(cp)};
}

/* The character at t[i]: a table look-up for ASCII, inlined. */
static inline cp_info decode(const char *t, size_t n, size_t i)
{
    unsigned char c = (unsigned char)t[i];
    if (c < 0x80)
        return (cp_info){1, ascii_class[c]};
    return decode_utf8(t, n, i);
}

/* Validate all of the text before any token is reported, so that a caller
 * building an index never sees half a document. */
static int check_utf8(const char *t, size_t n)
{
    size_t bad = vz_utf8_invalid_at(t, n);
    return bad < n ? vz_fail(VZ_EINVAL, "invalid UTF-8 at byte %zu", bad) : VZ_OK;
}

/* -------------------------------------------------------------- scanning */

/* One token's span as found by the scanner. */
typedef struct {
    size_t start, end;
    int acronym;
} tok_span;

/* The end of one letter and its combining marks at t[i], or 0 if t[i] is
 * not a letter. */
static size_t one_letter(const char *t, size_t n, size_t i)
{
    cp_info u = decode(t, n, i);
    if (!is_letter(u.cls))
        return 0;
    for (i += u.len; i < n && (u = decode(t, n, i)).cls == C_MARK; i += u.len)
        ;
    return i;
}

/* "U.S.", "e.g.", "U.S": two or more single letters, each followed by a
 * dot except perhaps the last.  Returns the acronym's end, or 0. */
static size_t scan_acronym(const char *t, size_t n, size_t i)
{
    size_t letters = 0, end = 0, j;
    while (i < n && (j = one_letter(t, n, i)) != 0) {
        if (j < n && t[j] == '.') {
            letters++;
            end = i = j + 1;
            continue;
        }
        /* A last letter without its dot must end the word ("U.S"), else it
         * starts a longer word ("U.S.Army" is "U.S." + "Army"). */
        if (j == n || !is_tok(decode(t, n, j).cls)) {
            letters++;
            end = j;
        }
        break;
    }
    return letters >= 2 ? end : 0;
}

/* Exactly three digits at t[i], then no digit: a thousands group. */
static int thousands_group(const char *t, size_t n, size_t i)
{
    for (int k = 0; k < 3; k++) {
        if (i >= n)
            return 0;
        cp_info u = decode(t, n, i);
        if (u.cls != C_DIGIT)
            return 0;
        i += u.len;
    }
    return i >= n || decode(t, n, i).cls != C_DIGIT;
}

/* Does the joiner of class cls, after a character of class prev, keep the
 * token going into the character at t[next]? */
static int joins(const char *t, size_t n, size_t next, int cls, int prev)
{
    if (next >= n)
        return 0;
    int nc = decode(t, n, next).cls;
    switch (cls) {
    case C_APOS: return is_alnum(prev) && is_letter(nc);
    case C_SOFT: return is_letter(prev) && is_letter(nc);
    case C_AMP: return is_letter(prev) && is_letter(nc);   /* "A&E", "AT&T" */
    case C_DOT: return prev == C_DIGIT && nc == C_DIGIT;
    case C_COMMA: return prev == C_DIGIT && thousands_group(t, n, next);
    default: return 0;
    }
}

/* The end of the word starting at the token character t[i]. */
static size_t scan_word(const char *t, size_t n, size_t i)
{
    int prev = C_SEP;   /* the last non-mark token character */
    while (i < n) {
        cp_info u = decode(t, n, i);
        if (is_tok(u.cls)) {
            if (u.cls != C_MARK)
                prev = u.cls;
        } else if (u.cls < C_APOS || !joins(t, n, i + u.len, u.cls, prev)) {
            break;
        }
        i += u.len;
    }
    return i;
}

static tok_span scan_token(const char *t, size_t n, size_t i)
{
    size_t end = scan_acronym(t, n, i);
    if (end)
        return (tok_span){i, end, 1};
    return (tok_span){i, scan_word(t, n, i), 0};
}

/* Is [prev_end, start) exactly one hyphen (-, U+2010 or U+2011)? */
static inline int after_hyphen(const char *t, size_t prev_end, size_t start)
{
    if (prev_end == SIZE_MAX || start < prev_end)
        return 0;
    const char *g = t + prev_end;
    size_t gap = start - prev_end;
    if (gap == 1)
        return *g == '-';
    return gap == 3 && (memcmp(g, "\xE2\x80\x90", 3) == 0 || memcmp(g, "\xE2\x80\x91", 3) == 0);
}

/* --------------------------------------------------------- normalising */

/* Per-analyser (or per-call) buffers, reused from token to token so that
 * normalising needs no allocation once they have grown. */
typedef struct {
    vz_buf pre;                /* the surface, joiners dropped or mapped */
    utf8proc_int32_t *ucs;     /* utf8proc_decompose's output, re-encoded in place */
    size_t ucs_cap;            /* code points; one spare for reencode's NUL */
} scratch;

static void scratch_free(scratch *sc)
{
    vz_buf_free(&sc->pre);
    free(sc->ucs);
    sc->ucs = NULL;
    sc->ucs_cap = 0;
}

/* How the token's characters are spelled, for its flags. */
typedef struct {
    unsigned upper, lower, digits, others;
    int first_upper;
} shape;

static void count_class(shape *sh, int cls, int first)
{
    if (first)
        sh->first_upper = cls == C_UPPER;
    if (cls == C_UPPER)
        sh->upper++;
    else if (cls == C_LOWER)
        sh->lower++;
    else if (cls == C_DIGIT)
        sh->digits++;
    else if (is_tok(cls))
        sh->others++;
}

/* Copy the span into sc->pre: ASCII lower-cased, ',' dropped (inside a
 * token it can only join a number), '.' dropped in acronyms, apostrophes
 * made ', soft hyphens dropped.  *ascii says whether utf8proc is needed. */
static int copy_surface(scratch *sc, const char *t, const tok_span *s, shape *sh, int *ascii)
{
    /* Nothing grows: every mapping is as short as its source. */
    sc->pre.len = 0;
    if (vz_buf_reserve(&sc->pre, s->end - s->start))
        return VZ_ENOMEM;
    char *o = sc->pre.data;
    *ascii = 1;
    for (size_t i = s->start; i < s->end;) {
        cp_info u = decode(t, s->end, i);
        count_class(sh, u.cls, i == s->start);
        unsigned char c = (unsigned char)t[i];
        if (u.cls == C_APOS) {
            *o++ = '\'';
        } else if (u.cls == C_COMMA || u.cls == C_SOFT || (u.cls == C_DOT && s->acronym)) {
            /* dropped */
        } else if (c < 0x80) {
            *o++ = lower_ascii((char)c);
        } else {
            memcpy(o, t + i, u.len);
            o += u.len;
            *ascii = 0;
        }
        i += u.len;
    }
    sc->pre.len = (size_t)(o - sc->pre.data);
    sc->pre.data[sc->pre.len] = '\0';
    return VZ_OK;
}

/* NFKC + case fold + strip marks of s[0, n) into sc->ucs, without the
 * malloc that utf8proc_map makes on every call. */
static int unicode_fold(scratch *sc, const char *s, size_t n, const char **out, size_t *out_len)
{
    for (;;) {
        utf8proc_ssize_t k = utf8proc_decompose((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n,
                                                sc->ucs, (utf8proc_ssize_t)sc->ucs_cap, NORM_OPTIONS);
        if (k < 0)
            return vz_fail(VZ_EINVAL, "cannot normalise text: %s", utf8proc_errmsg(k));
        /* Even an empty result needs the buffer: reencode writes a NUL. */
        if (sc->ucs && (size_t)k <= sc->ucs_cap) {
            k = utf8proc_reencode(sc->ucs, k, NORM_OPTIONS);
            if (k < 0)
                return vz_fail(VZ_EINVAL, "cannot normalise text: %s", utf8proc_errmsg(k));
            *out = (const char *)sc->ucs;
            *out_len = (size_t)k;
            return VZ_OK;
        }
        void *p = sc->ucs;
        size_t cap = p ? sc->ucs_cap + 1 : 0;   /* the real size, spare included */
        if (vz_grow(&p, &cap, (size_t)k + 1, sizeof *sc->ucs))
            return VZ_ENOMEM;
        sc->ucs = p;
        sc->ucs_cap = cap - 1;
    }
}

/* The norm of a span (pointing into sc) and its spelling. */
static int normalise_span(scratch *sc, const char *t, const tok_span *s, shape *sh,
                          const char **norm, size_t *norm_len)
{
    int ascii;
    int rc = copy_surface(sc, t, s, sh, &ascii);
    if (rc || !ascii)
        return rc ? rc : unicode_fold(sc, sc->pre.data, sc->pre.len, norm, norm_len);
    *norm = sc->pre.data;
    *norm_len = sc->pre.len;
    return VZ_OK;
}

static inline unsigned flags_of(const shape *sh, int acronym, int joined)
{
    unsigned f = 0;
    if (sh->first_upper)
        f |= VZ_TOK_CAPITAL;
    /* "every letter is upper case": one capital ("I", "A") is not enough. */
    if (sh->upper >= 2 && sh->lower == 0)
        f |= VZ_TOK_UPPER;
    if (acronym)
        f |= VZ_TOK_ACRONYM;
    if (sh->digits && !sh->upper && !sh->lower && !sh->others)
        f |= VZ_TOK_NUMBER;
    if (joined)
        f |= VZ_TOK_JOINED;
    return f;
}

/* ---------------------------------------------------------- stop words */

typedef struct {
    const char *word;   /* into the list's pool, NUL-terminated */
    size_t len;
} stop_entry;

struct vz_stoplist {
    char *pool;               /* the normalised words, each NUL-terminated */
    stop_entry *words;        /* sorted, distinct */
    size_t count;
    uint32_t *slots;          /* open addressing: index into words + 1, 0 empty */
    size_t mask;
    size_t maxlen;            /* longer norms cannot be stop words */
    unsigned long long hash;
};

/* While building: the words as offsets, since the pool still moves. */
typedef struct {
    scratch sc;
    vz_buf pool;
    size_t *offs;
    size_t count, cap;
} stop_builder;

static int add_stop_word(stop_builder *b, const char *w, size_t n)
{
    if (!n)
        return VZ_OK;
    void *p = b->offs;
    if (vz_grow(&p, &b->cap, b->count + 1, sizeof *b->offs))
        return VZ_ENOMEM;
    b->offs = p;
    b->offs[b->count++] = b->pool.len;
    return vz_buf_append(&b->pool, w, n + 1) ? VZ_ENOMEM : VZ_OK;
}

/* Each line's tokens, normalised exactly as vz_analyse would, are stop
 * words: so "U.S." in the list would match the token "U.S.". */
static int stop_line(const char *line, size_t len, unsigned lineno, void *ctx)
{
    stop_builder *b = ctx;
    if (check_utf8(line, len))
        return vz_fail_context(VZ_EINVAL, "stop words, line %u", lineno);
    for (size_t i = 0; i < len;) {
        cp_info u = decode(line, len, i);
        if (!is_tok(u.cls)) {
            i += u.len;
            continue;
        }
        tok_span s = scan_token(line, len, i);
        shape sh = {0};
        const char *norm;
        size_t n;
        int rc = normalise_span(&b->sc, line, &s, &sh, &norm, &n);
        if (!rc)
            rc = add_stop_word(b, norm, n);
        if (rc)
            return rc;
        i = s.end;
    }
    return VZ_OK;
}

static int cmp_entry(const void *x, const void *y)
{
    return strcmp(((const stop_entry *)x)->word, ((const stop_entry *)y)->word);
}

/* Sort and deduplicate, so that the hash does not depend on the file's order. */
static void sort_words(vz_stoplist *s)
{
    qsort(s->words, s->count, sizeof *s->words, cmp_entry);
    size_t k = 0;
    for (size_t i = 0; i < s->count; i++)
        if (k == 0 || strcmp(s->words[k - 1].word, s->words[i].word) != 0)
            s->words[k++] = s->words[i];
    s->count = k;
    s->hash = VZ_FNV_SEED;
    for (size_t i = 0; i < s->count; i++) {
        s->hash = vz_fnv1a(s->words[i].word, s->words[i].len + 1, s->hash);
        if (s->words[i].len > s->maxlen)
            s->maxlen = s->words[i].len;
    }
}

/* The hash table: a power of two at most half full, so probes are short
 * and always reach an empty slot. */
static int build_slots(vz_stoplist *s)
{
    size_t cap = 16;
    while (cap < 2 * s->count)
        cap *= 2;
    if (s->count >= UINT32_MAX || !(s->slots = calloc(cap, sizeof *s->slots)))
        return vz_fail(VZ_ENOMEM, "out of memory");
    s->mask = cap - 1;
    for (size_t i = 0; i < s->count; i++) {
        size_t h = (size_t)vz_hash_word(s->words[i].word, s->words[i].len);
        while (s->slots[h & s->mask])
            h++;
        s->slots[h & s->mask] = (uint32_t)(i + 1);
    }
    return VZ_OK;
}

/* Turn the builder's pool and offsets into the list (taking the pool). */
static int finish_stoplist(vz_stoplist *s, stop_builder *b)
{
    s->pool = b->pool.data;
    b->pool.data = NULL;
    s->words = calloc(b->count ? b->count : 1, sizeof *s->words);
    if (!s->words)
        return vz_fail(VZ_ENOMEM, "out of memory");
    for (size_t i = 0; i < b->count; i++) {
        s->words[i].word = s->pool + b->offs[i];
        s->words[i].len = strlen(s->words[i].word);
    }
    s->count = b->count;
    sort_words(s);
    return build_slots(s);
}

int vz_stoplist_new(vz_stoplist **out, const char *text, size_t len)
{
    *out = NULL;
    if (!text && len)
        return vz_fail(VZ_EINVAL, "stop words: no text");
    vz_stoplist *s = calloc(1, sizeof *s);
    if (!s)
        return vz_fail(VZ_ENOMEM, "out of memory");
    stop_builder b = {0};
    int rc = text ? vz_data_lines(text, len, stop_line, &b) : VZ_OK;
    if (rc == VZ_OK)
        rc = finish_stoplist(s, &b);
    scratch_free(&b.sc);
    vz_buf_free(&b.pool);
    free(b.offs);
    if (rc) {
        vz_stoplist_free(s);
        return rc == VZ_ENOMEM ? vz_fail(VZ_ENOMEM, "out of memory") : rc;
    }
    *out = s;
    return VZ_OK;
}

void vz_stoplist_free(vz_stoplist *s)
{
    if (!s)
        return;
    free(s->pool);
    free(s->words);
    free(s->slots);
    free(s);
}

/* The look-up with the word's hash already known (the analyser computes it
 * once per token, for the stem cache too). */
static int stoplist_has_hashed(const vz_stoplist *s, const char *norm, size_t len, uint64_t hash)
{
    if (!s || !s->count || len > s->maxlen)
        return 0;
    for (size_t h = (size_t)hash;; h++) {
        uint32_t k = s->slots[h & s->mask];
        if (!k)
            return 0;
        const stop_entry *e = &s->words[k - 1];
        if (e->len == len && memcmp(e->word, norm, len) == 0)
            return 1;
    }
}

int vz_stoplist_has(const vz_stoplist *s, const char *norm, size_t len)
{
    return stoplist_has_hashed(s, norm, len, vz_hash_word(norm, len));
}

unsigned long long vz_stoplist_hash(const vz_stoplist *s)
{
    return s ? s->hash : VZ_FNV_SEED;
}

/* ------------------------------------------------------------ analyser */

/* A cache of recent stems.  Word frequencies follow Zipf's law, so a few
 * thousand slots catch most tokens, and Snowball was more than half of the
 * analyser's time without it.  An index build of SQuAD's 22,000 paragraphs
 * and distractors (22,500 distinct words) still spent a tenth of its
 * instructions in Snowball with 8,192 direct-mapped slots, on words that
 * had pushed each other out, and 127,000 calls for 1.7 million look-ups
 * with 65,536: so the slots go in pairs, a word in either slot of the pair
 * its hash picks (the newer first).  A look-up is a cache miss more often
 * than not (the build's other tables push the slots out), so a slot is 32
 * bytes and a pair one 64-byte line. */
#define STEM_SLOTS 65536  /* a power of two; 2 MB an analyser */
#define STEM_PAIR_BITS 15 /* log2 of STEM_SLOTS / STEM_WAYS */
#define STEM_WAYS 2
#define STEM_WORD 16      /* longer words are stemmed every time */
#define STEM_STEM 14      /* and longer stems too */
#define STEM_STOP 0x80u   /* in slen: the word is a stop word */

_Static_assert(STEM_SLOTS == STEM_WAYS << STEM_PAIR_BITS, "the pair bits index every pair");

/* A slot also remembers whether its word is a stop word, so that a hit
 * answers both questions a token asks with one look-up. */
typedef struct {
    uint64_t word[2];           /* the word's NUL-padded bytes (a norm holds no NUL); 0: empty */
    unsigned char slen;         /* the stem's length, | STEM_STOP */
    char stem[STEM_STEM + 1];   /* NUL-terminated, as Snowball's own result */
} stem_slot;

_Static_assert(sizeof(stem_slot) == 32, "a stem slot is half a cache line");

struct vz_analyser {
    const vz_stoplist *stop;       /* borrowed, shared read-only */
    struct sb_stemmer *stemmer;    /* not thread-safe: hence one analyser per thread */
    scratch sc;
    void *cache_block;             /* calloc'd: pages are zero until used */
    stem_slot *cache;              /* STEM_SLOTS slots, aligned in cache_block */
};

int vz_analyser_new(vz_analyser **out, const vz_stoplist *stop)
{
    *out = NULL;
    vz_analyser *a = calloc(1, sizeof *a);
    if (a)
        a->cache_block = calloc(STEM_SLOTS + STEM_WAYS, sizeof *a->cache);
    if (!a || !a->cache_block) {
        free(a);
        return vz_fail(VZ_ENOMEM, "out of memory");
    }
    uintptr_t p = (uintptr_t)a->cache_block;
    size_t line = STEM_WAYS * sizeof(stem_slot);
    a->cache = (stem_slot *)(p + (line - p % line) % line);
    a->stop = stop;
    /* "english" is always compiled into libstemmer, so NULL means no memory. */
    a->stemmer = sb_stemmer_new("english", "UTF_8");
    if (!a->stemmer) {
        free(a->cache_block);
        free(a);
        return vz_fail(VZ_ENOMEM, "cannot create the Snowball English stemmer: out of memory");
    }
    *out = a;
    return VZ_OK;
}

void vz_analyser_free(vz_analyser *a)
{
    if (!a)
        return;
    sb_stemmer_delete(a->stemmer);
    scratch_free(&a->sc);
    free(a->cache_block);
    free(a);
}

static const char *snowball(vz_analyser *a, const char *word, size_t len, size_t *stem_len)
{
    /* libstemmer takes an int length; a "word" that long is not a word. */
    if (len > INT_MAX) {
        *stem_len = len;
        return word;
    }
    const sb_symbol *s = sb_stemmer_stem(a->stemmer, (const sb_symbol *)word, (int)len);
    if (!s)
        return NULL;
    *stem_len = (size_t)sb_stemmer_length(a->stemmer);
    return (const char *)s;
}

/* The pair of slots a key picks: the high bits of a multiplicative hash,
 * which every byte of the key reaches. */
static stem_slot *stem_pair(vz_analyser *a, const uint64_t key[2])
{
    uint64_t h = key[0] * 0x9E3779B97F4A7C15ull ^ key[1] * 0xC2B2AE3D27D4EB4Full;
    return &a->cache[(size_t)(h >> (64 - STEM_PAIR_BITS)) * STEM_WAYS];
}

/* The slot holding key, or NULL. */
static inline const stem_slot *stem_lookup(vz_analyser *a, const uint64_t key[2])
{
    const stem_slot *e = stem_pair(a, key);
    for (int w = 0; w < STEM_WAYS; w++)
        if (e[w].word[0] == key[0] && e[w].word[1] == key[1])
            return &e[w];
    return NULL;
}

/* Remember a word's stem, when it fits, and whether it is a stop word: the
 * newer word first in its pair. */
static void stem_remember(vz_analyser *a, const uint64_t key[2], const char *stem,
                          size_t stem_len, int stop)
{
    if (stem_len > STEM_STEM)
        return;
    stem_slot *e = stem_pair(a, key);
    memmove(e + 1, e, (STEM_WAYS - 1) * sizeof *e);
    e->word[0] = key[0];
    e->word[1] = key[1];
    e->slen = (unsigned char)(stem_len | (stop ? STEM_STOP : 0));
    memcpy(e->stem, stem, stem_len);
    e->stem[stem_len] = '\0';
}

/* The cache key of a word: its bytes, NUL-padded.  0 when the cache cannot
 * hold the word (empty, too long, or with a NUL that would make two words
 * one key). */
static int stem_key(const char *word, size_t len, uint64_t key[2])
{
    if (!len || len > STEM_WORD || memchr(word, '\0', len))
        return 0;
    char b[STEM_WORD] = {0};
    memcpy(b, word, len);
    memcpy(key, b, sizeof b);
    return 1;
}

const char *vz_analyser_stem(vz_analyser *a, const char *word, size_t len, size_t *stem_len)
{
    uint64_t key[2];
    int keyed = stem_key(word, len, key);
    const stem_slot *e = keyed ? stem_lookup(a, key) : NULL;
    if (e) {
        *stem_len = e->slen & (STEM_STOP - 1);
        return e->stem;
    }
    const char *s = snowball(a, word, len, stem_len);
    if (s && keyed)
        stem_remember(a, key, s, *stem_len, vz_stoplist_has(a->stop, word, len));
    return s;
}

/* The stop flag and stem of a token the cache does not hold (key is its
 * key, or NULL), remembered for the next time.  A skipped stop word is
 * stemmed too when the cache can keep it, so that a hit answers for it. */
static int stem_miss(vz_analyser *a, vz_token *tok, const uint64_t *key, int skip_stop,
                     int *stop)
{
    *stop = stoplist_has_hashed(a->stop, tok->norm, tok->norm_len,
                                vz_hash_word(tok->norm, tok->norm_len));
    if (tok->flags & VZ_TOK_NUMBER) {
        tok->stem = tok->norm;   /* "1990" must not lose anything to a suffix rule */
        tok->stem_len = tok->norm_len;
        return VZ_OK;
    }
    if (*stop && skip_stop && !key)
        return VZ_OK;
    tok->stem = snowball(a, tok->norm, tok->norm_len, &tok->stem_len);
    if (!tok->stem)
        return VZ_ENOMEM;
    if (key)
        stem_remember(a, key, tok->stem, tok->stem_len, *stop);
    return VZ_OK;
}

/* Stem a token whose norm and shape flags are known, flag a stop word, then
 * hand it to fn.  key is the norm's cache key, or NULL.  A token whose norm
 * is empty (a lone combining mark) is not reported, nor a stop word when
 * skip_stop (it still takes its index). */
static int emit_norm(vz_analyser *a, vz_token *tok, const uint64_t *key, int skip_stop,
                     size_t *index, vz_token_fn fn, void *ctx)
{
    if (tok->norm_len == 0)
        return VZ_OK;
    /* A number's stem is its norm: only words go through the cache. */
    const stem_slot *e = key && !(tok->flags & VZ_TOK_NUMBER) ? stem_lookup(a, key) : NULL;
    int stop;
    if (e) {
        stop = (e->slen & STEM_STOP) != 0;
        tok->stem = e->stem;
        tok->stem_len = e->slen & (STEM_STOP - 1);
    } else if (stem_miss(a, tok, key, skip_stop, &stop) && !(stop && skip_stop)) {
        return vz_fail(VZ_ENOMEM, "out of memory stemming a word");
    }
    if (stop) {
        tok->flags |= VZ_TOK_STOP;
        if (skip_stop) {
            (*index)++;
            return VZ_OK;
        }
    }
    tok->index = (*index)++;
    return fn(tok, ctx);
}

static int emit(vz_analyser *a, const char *t, const tok_span *s, int joined, int skip_stop,
                size_t *index, vz_token_fn fn, void *ctx)
{
    vz_token tok = {.start = s->start, .end = s->end};
    shape sh = {0};
    uint64_t key[2];
    int rc = normalise_span(&a->sc, t, s, &sh, &tok.norm, &tok.norm_len);
    if (rc)
        return rc;
    tok.flags = flags_of(&sh, s->acronym, joined);
    return emit_norm(a, &tok, stem_key(tok.norm, tok.norm_len, key) ? key : NULL, skip_stop,
                     index, fn, ctx);
}

/* The ASCII bytes as plain_word sees them: the byte lower-cased in the low
 * eight bits and its class above them for letters and digits, 0 for every
 * other byte (and every byte of a longer UTF-8 sequence). */
enum { P_ALNUM = 1u << 8, P_UPPER = 1u << 9, P_LOWER = 1u << 10, P_DIGIT = 1u << 11 };
#define P_(c) ((c) >= 'A' && (c) <= 'Z' ? ((c) + ('a' - 'A')) | P_ALNUM | P_UPPER : \
               (c) >= 'a' && (c) <= 'z' ? (c) | P_ALNUM | P_LOWER :                 \
               (c) >= '0' && (c) <= '9' ? (c) | P_ALNUM | P_DIGIT : 0)
#define P4_(c) P_(c), P_((c) + 1), P_((c) + 2), P_((c) + 3)
#define P16_(c) P4_(c), P4_((c) + 4), P4_((c) + 8), P4_((c) + 12)
static const uint16_t plain_byte[256] = {
    P16_(0), P16_(16), P16_(32), P16_(48), P16_(64), P16_(80), P16_(96), P16_(112),
    P16_(128), P16_(144), P16_(160), P16_(176), P16_(192), P16_(208), P16_(224), P16_(240),
};
#undef P_
#undef P4_
#undef P16_

/* Does the ASCII word t[i, e) end at e as scan_token would end it?  Not
 * when a token character follows, nor a joiner that joins, nor when it is
 * one letter before a dot (perhaps an acronym, "U.S."). */
static int plain_end(const char *t, size_t n, size_t i, size_t e)
{
    if (e == n)
        return 1;
    cp_info u = decode(t, n, e);
    if (u.cls == C_SEP)
        return 1;
    if (u.cls < C_APOS)
        return 0;
    int prev = ascii_class[(unsigned char)t[e - 1]];
    if (u.cls == C_DOT && e - i == 1 && prev != C_DIGIT)
        return 0;
    return !joins(t, n, e + u.len, u.cls, prev);
}

/* Most tokens are plain ASCII words: letters and digits that the next
 * character neither extends nor joins (a separator, or a joiner that does
 * not join there, as the full stop after a sentence's last word).  Such a
 * word is no acronym unless it is one letter, and copy_surface would only
 * lower-case it: so one pass scans, lower-cases and counts it, and pads it
 * with NULs into its stem cache key.  Returns 0 when the word at t[i] is
 * not one, and the general path must take it; SIZE_MAX when out of memory. */
static size_t plain_word(scratch *sc, const char *t, size_t n, size_t i, shape *sh)
{
    /* Room for the longest word the rest of the text can hold, and the padding. */
    sc->pre.len = 0;
    if (sc->pre.cap <= n - i + STEM_WORD && vz_buf_reserve(&sc->pre, n - i + STEM_WORD))
        return SIZE_MAX;
    char *o = sc->pre.data;
    unsigned seen = 0;
    size_t e = i;
    for (; e < n; e++) {
        unsigned v = plain_byte[(unsigned char)t[e]];
        if (!(v & P_ALNUM))
            break;
        o[e - i] = (char)(v & 0xff);
        seen |= v;
    }
    if (e == i || !plain_end(t, n, i, e))
        return 0;
    memset(o + (e - i), 0, STEM_WORD);
    /* flags_of asks only whether there are lower-case letters and digits,
     * and how many capitals a word without lower-case letters has. */
    sh->first_upper = (plain_byte[(unsigned char)t[i]] & P_UPPER) != 0;
    sh->upper = (seen & P_UPPER) != 0;
    sh->lower = (seen & P_LOWER) != 0;
    sh->digits = (seen & P_DIGIT) != 0;
    if (sh->upper && !sh->lower) {
        sh->upper = 0;
        for (size_t k = i; k < e && sh->upper < 2; k++)
            sh->upper += (plain_byte[(unsigned char)t[k]] & P_UPPER) != 0;
    }
    sc->pre.len = e - i;
    return e;
}

static int analyse(vz_analyser *a, const char *text, size_t len, int skip_stop, vz_token_fn fn,
                   void *ctx)
{
    if (!a || !fn || (!text && len))
        return vz_fail(VZ_EINVAL, "vz_analyse: NULL argument");
    int rc = check_utf8(text, len);
    size_t i = 0, prev_end = SIZE_MAX, index = 0;
    while (rc == VZ_OK && i < len) {
        cp_info u = decode(text, len, i);
        if (!is_tok(u.cls)) {
            i += u.len;
            continue;
        }
        shape sh = {0};
        size_t e = plain_word(&a->sc, text, len, i, &sh);
        if (e == SIZE_MAX)
            return vz_fail(VZ_ENOMEM, "out of memory");
        if (e) {
            vz_token tok = {.start = i, .end = e, .norm = a->sc.pre.data, .norm_len = e - i,
                            .flags = flags_of(&sh, 0, after_hyphen(text, prev_end, i))};
            uint64_t key[2];
            memcpy(key, a->sc.pre.data, sizeof key);   /* plain_word padded it */
            rc = emit_norm(a, &tok, e - i <= STEM_WORD ? key : NULL, skip_stop, &index, fn, ctx);
            prev_end = i = e;
            continue;
        }
        tok_span s = scan_token(text, len, i);
        rc = emit(a, text, &s, after_hyphen(text, prev_end, s.start), skip_stop, &index, fn,
                  ctx);
        prev_end = i = s.end;
    }
    return rc;
}

int vz_analyse(vz_analyser *a, const char *text, size_t len, vz_token_fn fn, void *ctx)
{
    return analyse(a, text, len, 0, fn, ctx);
}

/* Stop words are nearly half of a text's tokens, and an index has no use
 * for their stems. */
int vz_analyse_terms(vz_analyser *a, const char *text, size_t len, vz_token_fn fn, void *ctx)
{
    return analyse(a, text, len, 1, fn, ctx);
}

/* ----------------------------------------------------------- whole text */

static utf8proc_int32_t map_apostrophe(utf8proc_int32_t cp, void *data)
{
    (void)data;
    return is_apostrophe(cp) ? '\'' : cp;
}

static char *ascii_lower(const char *text, size_t len, size_t *out_len)
{
    char *d = malloc(len + 1);
    if (!d) {
        vz_fail(VZ_ENOMEM, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < len; i++)
        d[i] = lower_ascii(text[i]);
    d[len] = '\0';
    *out_len = len;
    return d;
}

/* utf8proc_map_custom mallocs its result, which is what vz_normalise returns. */
static char *unicode_fold_copy(const char *text, size_t len, size_t *out_len)
{
    utf8proc_uint8_t *d = NULL;
    utf8proc_ssize_t k = utf8proc_map_custom((const utf8proc_uint8_t *)text, (utf8proc_ssize_t)len,
                                             &d, NORM_OPTIONS, map_apostrophe, NULL);
    if (k < 0) {
        vz_fail(k == UTF8PROC_ERROR_NOMEM ? VZ_ENOMEM : VZ_EINVAL, "cannot normalise text: %s",
                utf8proc_errmsg(k));
        return NULL;
    }
    *out_len = (size_t)k;
    return (char *)d;
}

/* Character by character, as a token's characters are: no joiner is
 * dropped here, since a whole string is not one token. */
char *vz_normalise(const char *text, size_t len, size_t *out_len)
{
    if (!text && len) {
        vz_fail(VZ_EINVAL, "vz_normalise: NULL text");
        return NULL;
    }
    /* ASCII is valid UTF-8: only a text with another byte is checked. */
    size_t i = 0, n = 0;
    while (i < len && (unsigned char)text[i] < 0x80)
        i++;
    if (i < len && check_utf8(text, len))
        return NULL;
    char *d = i == len ? ascii_lower(text, len, &n) : unicode_fold_copy(text, len, &n);
    if (d && out_len)
        *out_len = n;
    return d;
}
