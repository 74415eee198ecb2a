/*
 * extract.c - implements extract.h: the gazetteer's defines and the answer
 * templates are compiled as one rule set whose directives are the answer
 * types; extraction runs the rules of one type over a sentence.
 */
#include "extract.h"
#include "question.h"
#include "rules.h"
#include "util.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define WEAK VZ_NTYPES        /* the kind of "weak" rules */
#define HEDGE (VZ_NTYPES + 1) /* ... and of "hedge" rules */
#define KEEP (VZ_NTYPES + 2)  /* ... and of "keep" rules */
#define DATELINE (VZ_NTYPES + 3) /* ... and of "dateline" rules */
#define CLASS (VZ_NTYPES + 4) /* ... and of "class" rules */
#define EXCLUDE (VZ_NTYPES + 5) /* ... and of "exclude" rules */
#define NEGATION (VZ_NTYPES + 6) /* ... and of "negation" rules */
#define REFER (VZ_NTYPES + 7) /* ... and of "refer" rules */
#define KINDS (VZ_NTYPES + 7)   /* directives in all */
#define BIT(k) ((uint64_t)1 << (k))
/* The kinds searched for in a text, and those matched against all of one. */
#define FOUND ((BIT(VZ_NTYPES) - 2) | BIT(HEDGE) | BIT(DATELINE) | BIT(EXCLUDE) | BIT(NEGATION) | \
               BIT(REFER))
#define WHOLE (BIT(WEAK) | BIT(KEEP) | BIT(CLASS))

/* The rules by kind, so that a kind's are found without passing the
 * others; each searched kind's literals in one table, looked for in one
 * pass over a text; each rule's answer group, looked up once. */
struct vz_extractor {
    vz_ruleset rs;
    size_t *byk;                 /* rule numbers, by kind and then in order */
    size_t first[KINDS + 2];     /* kind k's: byk[first[k], first[k + 1]) */
    vz_litset lits[KINDS + 1];   /* a searched kind's rules' literals (rule j: its j-th) */
    int *answer;                 /* per rule: its group "answer", 0 when none */
};

/* The index of x->rs by kind: byk, first, answer and lits. */
static int index_rules(vz_extractor *x)
{
    size_t n = x->rs.n;
    x->byk = malloc((n ? n : 1) * sizeof *x->byk);
    x->answer = calloc(n ? n : 1, sizeof *x->answer);
    if (!x->byk || !x->answer)
        return vz_fail(VZ_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const vz_rule *r = &x->rs.items[i];
        int g = pcre2_substring_number_from_name(r->code, (PCRE2_SPTR) "answer");
        x->answer[i] = g > 0 ? g : 0;
        if (r->kind >= 0 && r->kind <= KINDS)
            x->first[r->kind + 1]++;
    }
    for (int k = 0; k <= KINDS; k++)
        x->first[k + 1] += x->first[k];
    size_t fill[KINDS + 1];
    memcpy(fill, x->first, sizeof fill);
    for (size_t i = 0; i < n; i++)
        if (x->rs.items[i].kind >= 0 && x->rs.items[i].kind <= KINDS)
            x->byk[fill[x->rs.items[i].kind]++] = i;
    for (int k = 0; k <= KINDS; k++) {
        size_t nk = x->first[k + 1] - x->first[k];
        if (!vz_extract_searched(k) || !nk)
            continue;
        const vz_required **rq = malloc(nk * sizeof *rq);
        if (!rq)
            return vz_fail(VZ_ENOMEM, "out of memory");
        for (size_t j = 0; j < nk; j++)
            rq[j] = &x->rs.items[x->byk[x->first[k] + j]].req;
        int rc = vz_litset_build(&x->lits[k], rq, nk);
        free(rq);
        if (rc)
            return rc;
    }
    return VZ_OK;
}

int vz_extract_searched(int kind)
{
    return kind >= 0 && kind < 64 && (FOUND >> kind & 1);
}

int vz_extract_ruleset(vz_ruleset *rs, const char *gazetteer, size_t glen,
                       const char *templates, size_t tlen)
{
    vz_directive dirs[KINDS];
    for (int t = 1; t < VZ_NTYPES; t++)
        dirs[t - 1] = (vz_directive){vz_type_name(t), t};
    dirs[VZ_NTYPES - 1] = (vz_directive){"weak", WEAK};
    dirs[VZ_NTYPES] = (vz_directive){"hedge", HEDGE};
    dirs[VZ_NTYPES + 1] = (vz_directive){"keep", KEEP};
    dirs[VZ_NTYPES + 2] = (vz_directive){"dateline", DATELINE};
    dirs[VZ_NTYPES + 3] = (vz_directive){"class", CLASS};
    dirs[VZ_NTYPES + 4] = (vz_directive){"exclude", EXCLUDE};
    dirs[VZ_NTYPES + 5] = (vz_directive){"negation", NEGATION};
    dirs[VZ_NTYPES + 6] = (vz_directive){"refer", REFER};
    /* One text, so the templates see the gazetteer's defines; line numbers
     * in messages count from the gazetteer's first line. */
    vz_buf text = {0};
    int rc = vz_buf_append(&text, gazetteer, glen);
    if (!rc && glen && gazetteer[glen - 1] != '\n')
        rc = vz_buf_append(&text, "\n", 1);
    if (!rc)
        rc = vz_buf_append(&text, templates, tlen);
    if (!rc)
        rc = vz_ruleset_build_for(rs, "gazetteer.rules + templates.rules", text.data, text.len,
                                  dirs, KINDS, 0, FOUND, WHOLE);
    vz_buf_free(&text);
    return rc;
}

int vz_extractor_new(vz_extractor **out, const char *gazetteer, size_t glen,
                     const char *templates, size_t tlen)
{
    *out = NULL;
    vz_extractor *x = calloc(1, sizeof *x);
    if (!x)
        return vz_fail(VZ_ENOMEM, "out of memory");
    int rc = vz_extract_ruleset(&x->rs, gazetteer, glen, templates, tlen);
    if (rc) {
        free(x);
        return rc;
    }
    if ((rc = index_rules(x))) {
        vz_extractor_free(x);
        return rc;
    }
    *out = x;
    return VZ_OK;
}

void vz_extractor_free(vz_extractor *x)
{
    if (!x)
        return;
    vz_ruleset_free(&x->rs);
    free(x->byk);
    free(x->answer);
    for (int k = 0; k <= KINDS; k++)
        vz_litset_free(&x->lits[k]);
    free(x);
}

/* The answer group's span (group n), or the whole match's. */
static void answer_span(int n, pcre2_match_data *md, size_t *s, size_t *e)
{
    const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
    if (n > 0 && (uint32_t)n < pcre2_get_ovector_count(md) && ov[2 * n] != PCRE2_UNSET) {
        *s = ov[2 * n];
        *e = ov[2 * n + 1];
    } else {
        *s = ov[0];
        *e = ov[1];
    }
}

/* Rule i's matches in text; filtered: the caller has ruled the text in on
 * the rule's literals. */
static int run_rule(const vz_extractor *x, size_t i, int filtered, const char *text, size_t len,
                    pcre2_match_data *md, vz_candidate_fn fn, void *ctx)
{
    const vz_ruleset *rs = &x->rs;
    const vz_rule *r = &rs->items[i];
    size_t off = 0;
    while (off <= len) {
        int m = filtered ? vz_rule_search(rs, r, text, len, off, md)
                         : vz_rule_find(rs, r, text, len, off, md);
        if (m == PCRE2_ERROR_NOMATCH)
            return VZ_OK;
        if (m < 0)
            return vz_ruleset_match_error(rs, r, m, off);
        size_t s, e;
        answer_span(x->answer[i], md, &s, &e);
        int rc = e > s ? fn(s, e, r->label, ctx) : 0;
        if (rc)
            return rc;
        const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
        /* Move past the match; an empty one moves one character on. */
        off = ov[1] > off ? ov[1] : off + 1;
        while (off < len && ((unsigned char)text[off] & 0xC0) == 0x80)
            off++;
    }
    return VZ_OK;
}

#define MD_PAIRS 32               /* match data: whole match and groups */
#define MAYBE_WORDS 4            /* a kind of up to 256 rules is filtered in one pass */

/* The rules of kind `kind` over text, in order; md: match data to use
 * (NULL: its own). */
static int extract_kind(const vz_extractor *x, int kind, const char *text, size_t len,
                        pcre2_match_data *md, vz_candidate_fn fn, void *ctx)
{
    if (kind < 0 || kind > KINDS || x->first[kind] == x->first[kind + 1])
        return VZ_OK;
    pcre2_match_data *own = md ? NULL : pcre2_match_data_create(MD_PAIRS, NULL);
    if (!md && !(md = own))
        return vz_fail(VZ_ENOMEM, "out of memory");
    const vz_litset *ls = &x->lits[kind];
    uint64_t maybe[MAYBE_WORDS];
    int filtered = ls->nrules && ls->words <= MAYBE_WORDS;
    if (filtered)
        vz_litset_scan(ls, text, len, maybe);
    int rc = VZ_OK;
    for (size_t j = 0; rc == VZ_OK && j < x->first[kind + 1] - x->first[kind]; j++) {
        if (filtered && !(maybe[j / 64] >> (j & 63) & 1))
            continue;   /* the same as no match: the text lacks its literals */
        rc = run_rule(x, x->byk[x->first[kind] + j], filtered, text, len, md, fn, ctx);
    }
    pcre2_match_data_free(own);
    return rc;
}

int vz_extract(const vz_extractor *x, int type, const char *text, size_t len,
               vz_candidate_fn fn, void *ctx)
{
    return extract_kind(x, type, text, len, NULL, fn, ctx);
}

/* ---- the cache ---------------------------------------------------------- */

/* Each cache empties itself when full.  SQuAD --open over its 2,430
 * paragraphs (11,877 questions, some 10,000 sentences read) filled the
 * entry counts of 8,192 texts and 16,384 verdicts first, with a few MB,
 * and emptied them 15 to 30 times a run, each time to match and analyse
 * the same sentences again: the counts are now sized so that the byte
 * limits bind, and those hold such a collection's sentences for the
 * kinds its questions ask.
 * Sentences are a few hundred bytes with their candidates, one entry per
 * sentence and kind of rule (some 230 bytes). */
#define XSLOTS 262144            /* a power of 2, twice XENTRIES */
#define XENTRIES 131072
#define XBYTES ((size_t)32 << 20)
/* Analysed texts: sentences, and the whole articles and their parts that
 * references and names are looked up in; about seven bytes a text byte,
 * some 1,300 bytes a sentence. */
#define ASLOTS 65536             /* a power of 2, twice AENTRIES; per generation */
#define AENTRIES 32768
#define ABYTES ((size_t)32 << 20)   /* per generation */
/* Whole-text verdicts (weak, keep, class): words and short spans, asked
 * of again for every candidate an answer is built from; 32 bytes each,
 * and a text longer than WINLINE beside. */
#define WSLOTS 262144            /* a power of 2, twice WENTRIES */
#define WENTRIES 131072
#define WBYTES ((size_t)8 << 20)
/* Memos: some 500 bytes per sentence read (its text and packed tokens)
 * and a few bytes more (what its references stand for); SQuAD --open
 * reads some 10,000 sentences over its 2,430 paragraphs, and with 20,000
 * distractor paragraphs beside them some 120,000 (two memos each, some
 * 70 MB): a generation holds them all, so that none is read twice. */
#define MSLOTS 524288            /* a power of 2, twice MENTRIES; per generation */
#define MENTRIES 262144
#define MBYTES ((size_t)80 << 20)   /* per generation */

/* The analyses and the memos are kept in two generations each, rather
 * than emptied whole when full: new entries go to the young one, and when
 * it is full the old one is emptied and the young one becomes old.  An
 * entry found in the old generation moves to the young one, so what the
 * questions of one article read again survives; emptying everything at
 * once made a SQuAD --open run with 20,000 distractors empty the memos 21
 * times and read the same sentences again each time.  A generation's
 * blocks come from its own chunks of 1 MB, freed together when it is
 * emptied: hundreds of thousands of blocks of a few kB, each malloc'd and
 * freed on its own, had scattered the heap that every question allocates
 * from.  Blocks are freed only where a whole-table clear used to free them
 * (when an entry is added), so what callers hold stays valid as long as it
 * did before. */
#define CHUNK ((size_t)1 << 20)

typedef struct chunk {
    struct chunk *next;
    size_t used, cap;
    max_align_t data[];
} chunk;

/* size bytes (8-aligned) from the chunks at *head; NULL when out of memory. */
static void *chunk_alloc(chunk **head, size_t size)
{
    size = (size + 7) & ~(size_t)7;
    chunk *k = *head;
    if (!k || k->cap - k->used < size) {
        size_t cap = size > CHUNK ? size : CHUNK;
        if (!(k = malloc(sizeof *k + cap)))
            return NULL;
        *k = (chunk){*head, 0, cap};
        *head = k;
    }
    void *p = (char *)k->data + k->used;
    k->used += size;
    return p;
}

/* Give back the end of the last block chunk_alloc made, p of size bytes,
 * past its first keep bytes. */
static void chunk_trim(chunk **head, void *p, size_t size, size_t keep)
{
    chunk *k = *head;
    size = (size + 7) & ~(size_t)7;
    keep = (keep + 7) & ~(size_t)7;
    if (k && (char *)p + size == (char *)k->data + k->used && keep <= size)
        k->used -= size - keep;
}

static void chunks_free(chunk **head)
{
    while (*head) {
        chunk *k = *head;
        *head = k->next;
        free(k);
    }
}

typedef struct {
    size_t s, e;
    const char *label;           /* the rule's, owned by the extractor */
} xcand;

typedef struct {
    char *text;                  /* NULL: an empty slot */
    size_t len, first, n;        /* candidates cands[first, first + n) */
    uint64_t hash;
    int kind;
} xentry;

typedef vz_atoken atoken;

/* An analysed text: one block holding the text, then its tokens' norm and
 * stem strings, then the tokens. */
typedef struct {
    char *block;                 /* NULL: an empty slot */
    size_t len, ntok;
    const atoken *tok;
    uint64_t hash;
} aentry;

/* Whether a rule of a kind (and label) matches all of a text.  A lookup
 * touches one 32-byte slot: the label is kept as the number of the kind's
 * first rule of that label, and texts of up to WINLINE bytes (most: they
 * are words) inside the slot, longer ones in the cache's chunks.  Keys
 * malloc'd one by one, beside 40-byte slots, had cost two cache misses a
 * lookup. */
#define WINLINE 16

typedef struct {
    uint64_t hash;
    uint32_t len;                /* of the text */
    uint16_t sel;                /* 0: any label; j + 1: that of the kind's j-th rule */
    uint8_t kind;                /* the kind + 1; 0: an empty slot */
    uint8_t whole;
    union {
        char in[WINLINE];        /* len <= WINLINE */
        const char *out;         /* longer: in the cache's wchunks */
    } text;
} wentry;
_Static_assert(KINDS < UINT8_MAX, "a kind + 1 fits a wentry's kind");

/* A block of bytes a caller keeps under a number of its own. */
typedef struct {
    void *data;                  /* NULL: an empty slot */
    size_t len;
    uint64_t id;
} mentry;

/* An old generation's slot whose entry moved to the young one: probes go
 * on past it (the old generation takes no new entries). */
static const char moved_mark = 0;   /* read-only: only its address is used */
#define MOVED ((void *)&moved_mark)

/* An analysis being made: its tokens, and their norm and stem strings. */
typedef struct {
    vz_buf strings;
    atoken *toks;
    size_t ntoks, captoks;
} ascratch;

/* One generation of analysed texts, or of memos. */
typedef struct {
    aentry slots[ASLOTS];
    size_t n, bytes;
    chunk *chunks;               /* the blocks of its entries */
} agen;

typedef struct {
    mentry *slots;               /* MSLOTS; NULL until the first is kept */
    size_t n, bytes;
    chunk *chunks;
} mgen;

struct vz_xcache {
    xentry slots[XSLOTS];
    size_t nentries, bytes;
    chunk *xchunks;              /* the entries' texts */
    xcand *cands;
    size_t ncands, capcands;
    agen agens[2];               /* analysed texts: young agens[ayoung], old the other */
    int ayoung;
    ascratch scratch;            /* the analysis being kept */
    ascratch joined;             /* ... and a text's made of its parts' */
    wentry wslots[WSLOTS];       /* whole-text verdicts */
    size_t wnentries, wbytes;
    chunk *wchunks;              /* their texts longer than WINLINE */
    uint16_t wsel[KINDS + 1];    /* per kind: the label number last asked for */
    mgen mgens[2];               /* memos: young mgens[myoung], old the other */
    int myoung;
    pcre2_match_data *md;        /* the reader's, for the cached matches; NULL until one */
};

vz_xcache *vz_xcache_new(void)
{
    return calloc(1, sizeof(vz_xcache));
}

static void xcache_clear(vz_xcache *c)
{
    chunks_free(&c->xchunks);
    memset(c->slots, 0, sizeof c->slots);
    c->nentries = c->bytes = c->ncands = 0;
}

static void agen_clear(agen *g)
{
    chunks_free(&g->chunks);
    memset(g->slots, 0, sizeof g->slots);
    g->n = g->bytes = 0;
}

static void mgen_clear(mgen *g)
{
    chunks_free(&g->chunks);
    if (g->slots)
        memset(g->slots, 0, MSLOTS * sizeof *g->slots);
    g->n = g->bytes = 0;
}

static void wcache_clear(vz_xcache *c)
{
    chunks_free(&c->wchunks);
    memset(c->wslots, 0, sizeof c->wslots);
    c->wnentries = c->wbytes = 0;
}

void vz_xcache_free(void *p)
{
    vz_xcache *c = p;
    if (!c)
        return;
    xcache_clear(c);
    wcache_clear(c);
    free(c->cands);
    for (int g = 0; g < 2; g++) {
        agen_clear(&c->agens[g]);
        mgen_clear(&c->mgens[g]);
        free(c->mgens[g].slots);
    }
    for (int k = 0; k < 2; k++) {
        ascratch *a = k ? &c->joined : &c->scratch;
        vz_buf_free(&a->strings);
        free(a->toks);
    }
    pcre2_match_data_free(c->md);
    free(c);
}

/* A text's look-ups of its several kinds start in one group of XGROUP
 * slots (1.5 kB), chosen by the text's hash, the kind choosing the slot
 * in it: one page of the 12 MB table to find rather than one a kind (the
 * page walks cost as much as the misses), and the text hashed once for
 * them all (xcache_kind_hash). */
#define XGROUP 32

static uint64_t xcache_text_hash(const char *text, size_t len)
{
    return vz_hash_bytes(text, len, VZ_FNV_SEED);
}

static uint64_t xcache_kind_hash(uint64_t text_hash, int kind)
{
    uint64_t h = (text_hash ^ (uint64_t)kind) * 0x9E3779B97F4A7C15ull;
    return h ^ h >> 32;
}

static size_t xcache_first(uint64_t text_hash, uint64_t h)
{
    return ((size_t)(text_hash >> 32) * XGROUP + (size_t)(h & (XGROUP - 1))) & (XSLOTS - 1);
}

static xentry *xcache_slot(vz_xcache *c, int kind, uint64_t th, uint64_t h, const char *text,
                           size_t len)
{
    for (size_t i = xcache_first(th, h);; i = (i + 1) & (XSLOTS - 1)) {
        xentry *x = &c->slots[i];
        if (!x->text || (x->hash == h && x->kind == kind && x->len == len &&
                         !memcmp(x->text, text, len)))
            return x;
    }
}

static int collect(size_t s, size_t e, const char *label, void *ctx)
{
    vz_xcache *c = ctx;
    void *p = c->cands;
    if (vz_grow(&p, &c->capcands, c->ncands + 1, sizeof *c->cands))
        return VZ_ENOMEM;
    c->cands = p;
    c->cands[c->ncands++] = (xcand){s, e, label};
    return 0;
}

static int extract_cached(const vz_extractor *x, vz_xcache *c, int kind, const char *text,
                          size_t len, vz_candidate_fn fn, void *ctx)
{
    if (!c)
        return extract_kind(x, kind, text, len, NULL, fn, ctx);
    uint64_t th = xcache_text_hash(text, len), h = xcache_kind_hash(th, kind);
    xentry *e = xcache_slot(c, kind, th, h, text, len);
    if (!e->text) {
        if (c->nentries >= XENTRIES || c->bytes >= XBYTES) {
            xcache_clear(c);
            e = xcache_slot(c, kind, th, h, text, len);
        }
        size_t first = c->ncands;
        /* A failure (memory, a match limit) leaves the cache as it was and
         * reports as the plain extraction does. */
        if (!c->md)
            c->md = pcre2_match_data_create(MD_PAIRS, NULL);
        if (!c->md || extract_kind(x, kind, text, len, c->md, collect, c) != VZ_OK ||
            !(e->text = chunk_alloc(&c->xchunks, len + 1))) {
            c->ncands = first;
            return extract_kind(x, kind, text, len, NULL, fn, ctx);
        }
        memcpy(e->text, text, len);
        e->text[len] = '\0';
        *e = (xentry){e->text, len, first, c->ncands - first, h, kind};
        c->nentries++;
        c->bytes += len + 1 + e->n * sizeof *c->cands + sizeof *e;
    }
    int rc = VZ_OK;
    for (size_t i = 0; rc == VZ_OK && i < e->n; i++) {
        const xcand *k = &c->cands[e->first + i];
        rc = fn(k->s, k->e, k->label, ctx);
    }
    return rc;
}

int vz_extract_cached(const vz_extractor *x, vz_xcache *c, int type, const char *text, size_t len,
                      vz_candidate_fn fn, void *ctx)
{
    return extract_cached(x, c, type, text, len, fn, ctx);
}

int vz_extract_references_cached(const vz_extractor *x, vz_xcache *c, const char *text,
                                 size_t len, vz_candidate_fn fn, void *ctx)
{
    return extract_cached(x, c, REFER, text, len, fn, ctx);
}

int vz_extract_hedges_cached(const vz_extractor *x, vz_xcache *c, const char *text, size_t len,
                             vz_candidate_fn fn, void *ctx)
{
    return extract_cached(x, c, HEDGE, text, len, fn, ctx);
}

int vz_extract_datelines_cached(const vz_extractor *x, vz_xcache *c, const char *text,
                                size_t len, vz_candidate_fn fn, void *ctx)
{
    return extract_cached(x, c, DATELINE, text, len, fn, ctx);
}

int vz_extract_exclusions_cached(const vz_extractor *x, vz_xcache *c, const char *text,
                                 size_t len, vz_candidate_fn fn, void *ctx)
{
    return extract_cached(x, c, EXCLUDE, text, len, fn, ctx);
}

/* A look-up of text by kind asked for ahead (vz_xcache_prefetch_sentence):
 * the slots are 12 MB probed at random, a miss each.  Only hints: nothing
 * kept changes. */
static void xcache_prefetch_slot(const vz_xcache *c, vz_xprefetch *p, int kind)
{
    uint64_t h = xcache_kind_hash(p->text_hash, kind);
    __builtin_prefetch(&c->slots[xcache_first(p->text_hash, h)]);
    p->hash[p->n] = h;
    p->kind[p->n++] = kind;
}

void vz_xcache_prefetch_sentence(const vz_xcache *c, int type, int hedges, const char *text,
                                 size_t len, vz_xprefetch *p)
{
    p->n = 0;
    p->len = len;
    if (!c)
        return;
    p->text_hash = xcache_text_hash(text, len);
    xcache_prefetch_slot(c, p, DATELINE);
    xcache_prefetch_slot(c, p, EXCLUDE);
    if (hedges)
        xcache_prefetch_slot(c, p, HEDGE);
    xcache_prefetch_slot(c, p, type);
}

/* The text and the first candidates of the entry a look-up will likely
 * find (its hash, kind and length; the text is not compared, which is
 * the miss this saves). */
static void xcache_prefetch_entry(const vz_xcache *c, int kind, uint64_t th, uint64_t h,
                                  size_t len)
{
    for (size_t i = xcache_first(th, h);; i = (i + 1) & (XSLOTS - 1)) {
        const xentry *x = &c->slots[i];
        if (!x->text)
            return;
        if (x->hash == h && x->kind == kind && x->len == len) {
            __builtin_prefetch(x->text);
            if (x->n)
                __builtin_prefetch(&c->cands[x->first]);
            return;
        }
    }
}

void vz_xcache_prefetch_entries(const vz_xcache *c, const vz_xprefetch *p)
{
    for (size_t k = 0; c && k < p->n; k++)
        xcache_prefetch_entry(c, p->kind[k], p->text_hash, p->hash[k], p->len);
}

/* Does a rule of kind `kind` (and of label `label`, unless NULL) match
 * all of text[0, len)? */
static int matches_whole_md(const vz_extractor *x, int kind, const char *label,
                            const char *text, size_t len, pcre2_match_data *md, int *whole)
{
    *whole = 0;
    if (kind < 0 || kind > KINDS)
        return VZ_OK;
    pcre2_match_data *own = md ? NULL : pcre2_match_data_create(MD_PAIRS, NULL);
    if (!md && !(md = own))
        return vz_fail(VZ_ENOMEM, "out of memory");
    int rc = VZ_OK;
    for (size_t j = x->first[kind]; rc == VZ_OK && !*whole && j < x->first[kind + 1]; j++) {
        const vz_rule *r = &x->rs.items[x->byk[j]];
        if (label && strcmp(r->label, label))
            continue;
        /* The texts are words and short spans: the first and last bytes
         * rule most out, and looking for a class's many literals (one
         * per name) costs more than the anchored match it would save. */
        int m = vz_rule_whole_search(&x->rs, r, text, len, md);
        if (m >= 0)
            *whole = 1;
        else if (m != PCRE2_ERROR_NOMATCH)
            rc = vz_ruleset_match_error(&x->rs, r, m, 0);
    }
    pcre2_match_data_free(own);
    return rc;
}

static int matches_whole(const vz_extractor *x, int kind, const char *label, const char *text,
                         size_t len, int *whole)
{
    return matches_whole_md(x, kind, label, text, len, NULL, whole);
}

int vz_extract_weak(const vz_extractor *x, const char *text, size_t len, int *weak)
{
    return matches_whole(x, WEAK, NULL, text, len, weak);
}

/* The label's number among kind's rules (label_sel: j + 1 for the first
 * rule j of that label; 0 for NULL, any label), in *sel; 0 when no rule of
 * the kind has it (nothing can match) or the number does not fit.  The
 * number last asked for is tried first: callers ask for a few labels many
 * times over. */
static int label_sel(const vz_extractor *x, vz_xcache *c, int kind, const char *label,
                     uint16_t *sel)
{
    *sel = 0;
    if (!label)
        return 1;
    size_t first = x->first[kind], n = x->first[kind + 1] - first;
    size_t last = c->wsel[kind];
    if (last && last <= n && !strcmp(x->rs.items[x->byk[first + last - 1]].label, label)) {
        *sel = (uint16_t)last;
        return 1;
    }
    for (size_t j = 0; j < n && j < UINT16_MAX; j++)
        if (!strcmp(x->rs.items[x->byk[first + j]].label, label)) {
            *sel = c->wsel[kind] = (uint16_t)(j + 1);
            return 1;
        }
    return 0;
}

static const char *wentry_text(const wentry *w)
{
    return w->len <= WINLINE ? w->text.in : w->text.out;
}

static wentry *wcache_slot(vz_xcache *c, int kind, uint64_t h, uint16_t sel, const char *text,
                           uint32_t len)
{
    for (size_t i = (size_t)h & (WSLOTS - 1);; i = (i + 1) & (WSLOTS - 1)) {
        wentry *w = &c->wslots[i];
        if (!w->kind || (w->hash == h && w->kind == kind + 1 && w->sel == sel && w->len == len &&
                         !memcmp(wentry_text(w), text, len)))
            return w;
    }
}

/* May a rule of kind `kind` (and of label `label`, unless NULL) match all
 * of text[0, len), by the bytes it may begin and end with?  Most words
 * asked of ("the", "of" for the keep rules) are ruled out so, without a
 * look-up in the cache's large table. */
static int may_match_whole(const vz_extractor *x, int kind, const char *label, const char *text,
                           size_t len)
{
    for (size_t j = x->first[kind]; j < x->first[kind + 1]; j++) {
        const vz_rule *r = &x->rs.items[x->byk[j]];
        if ((!label || !strcmp(r->label, label)) && vz_rule_may_be_whole(r, text, len))
            return 1;
    }
    return 0;
}

/* matches_whole, remembered in c (NULL: plain).  The verdict depends only
 * on the rules, the kind, the label and the text; a failure is not kept
 * and reports as the plain match does. */
static int matches_whole_cached(const vz_extractor *x, vz_xcache *c, int kind, const char *label,
                                const char *text, size_t len, int *whole)
{
    if (!c || kind < 0 || kind > KINDS || len > UINT32_MAX)
        return matches_whole(x, kind, label, text, len, whole);
    uint16_t sel;
    if (!label_sel(x, c, kind, label, &sel) || !may_match_whole(x, kind, label, text, len)) {
        *whole = 0;              /* no rule of the kind (with the label) can match */
        return VZ_OK;
    }
    uint64_t h = vz_hash_bytes(text, len, VZ_FNV_SEED ^ ((uint64_t)sel << 8 | (uint64_t)kind));
    wentry *w = wcache_slot(c, kind, h, sel, text, (uint32_t)len);
    if (w->kind) {
        *whole = w->whole;
        return VZ_OK;
    }
    if (!c->md)
        c->md = pcre2_match_data_create(MD_PAIRS, NULL);
    int rc = matches_whole_md(x, kind, label, text, len, c->md, whole);
    if (rc)
        return rc;
    if (c->wnentries >= WENTRIES || c->wbytes >= WBYTES) {
        wcache_clear(c);
        w = wcache_slot(c, kind, h, sel, text, (uint32_t)len);
    }
    wentry e = {h, (uint32_t)len, sel, (uint8_t)(kind + 1), (uint8_t)*whole, {{0}}};
    if (len <= WINLINE) {
        memcpy(e.text.in, text, len);
    } else {
        char *out = chunk_alloc(&c->wchunks, len);
        if (!out)
            return VZ_OK;        /* the verdict stands; it is only not kept */
        memcpy(out, text, len);
        e.text.out = out;
        c->wbytes += len;
    }
    *w = e;
    c->wnentries++;
    c->wbytes += sizeof *w;
    return VZ_OK;
}

int vz_extract_weak_cached(const vz_extractor *x, vz_xcache *c, const char *text, size_t len,
                           int *weak)
{
    return matches_whole_cached(x, c, WEAK, NULL, text, len, weak);
}

int vz_extract_kept_cached(const vz_extractor *x, vz_xcache *c, const char *text, size_t len,
                           int *kept)
{
    return matches_whole_cached(x, c, KEEP, NULL, text, len, kept);
}

int vz_extract_in_class_cached(const vz_extractor *x, vz_xcache *c, const char *label,
                               const char *text, size_t len, int *in)
{
    return matches_whole_cached(x, c, CLASS, label, text, len, in);
}

int vz_extract_kept(const vz_extractor *x, const char *text, size_t len, int *kept)
{
    return matches_whole(x, KEEP, NULL, text, len, kept);
}

int vz_extract_hedges(const vz_extractor *x, const char *text, size_t len,
                      vz_candidate_fn fn, void *ctx)
{
    return extract_kind(x, HEDGE, text, len, NULL, fn, ctx);
}

int vz_extract_datelines(const vz_extractor *x, const char *text, size_t len,
                         vz_candidate_fn fn, void *ctx)
{
    return extract_kind(x, DATELINE, text, len, NULL, fn, ctx);
}

int vz_extract_exclusions(const vz_extractor *x, const char *text, size_t len,
                          vz_candidate_fn fn, void *ctx)
{
    return extract_kind(x, EXCLUDE, text, len, NULL, fn, ctx);
}

int vz_extract_negations(const vz_extractor *x, const char *text, size_t len,
                         vz_candidate_fn fn, void *ctx)
{
    return extract_kind(x, NEGATION, text, len, NULL, fn, ctx);
}

int vz_extract_references(const vz_extractor *x, const char *text, size_t len,
                          vz_candidate_fn fn, void *ctx)
{
    return extract_kind(x, REFER, text, len, NULL, fn, ctx);
}

int vz_extract_is_class(const vz_extractor *x, const char *label)
{
    for (size_t j = x->first[CLASS]; j < x->first[CLASS + 1]; j++)
        if (!strcmp(x->rs.items[x->byk[j]].label, label))
            return 1;
    return 0;
}

int vz_extract_in_class(const vz_extractor *x, const char *label, const char *text, size_t len,
                        int *in)
{
    return matches_whole(x, CLASS, label, text, len, in);
}

/* ---- analysed texts ------------------------------------------------------ */

static aentry *acache_slot(agen *g, uint64_t h, const char *text, size_t len)
{
    for (size_t i = (size_t)h & (ASLOTS - 1);; i = (i + 1) & (ASLOTS - 1)) {
        aentry *x = &g->slots[i];
        if (!x->block || (x->block != MOVED && x->hash == h && x->len == len &&
                          !memcmp(x->block, text, len)))
            return x;
    }
}

static int agen_full(const agen *g) { return g->n >= AENTRIES || g->bytes >= ABYTES; }

/* Make room for an entry in the young generation: when it is full, empty
 * the old one and make it the young one. */
static agen *acache_room(vz_xcache *c)
{
    if (agen_full(&c->agens[c->ayoung])) {
        c->ayoung ^= 1;
        agen_clear(&c->agens[c->ayoung]);
    }
    return &c->agens[c->ayoung];
}

/* Keep a token in the scratch: its strings, then its fields.  The room
 * for both strings is made at once and they are copied in place: a
 * vz_buf_append each was a third of the analyser's cost in +20k.  A stem
 * that is its norm (most stop words and numbers, many short words) is
 * kept once, at the norm's offset: a copy less, and a reader tells it
 * from the offsets. */
static int keep_token(const vz_token *t, void *ctx)
{
    ascratch *c = ctx;
    int same = t->stem_len == t->norm_len &&
               (t->stem == t->norm || !memcmp(t->stem, t->norm, t->norm_len));
    size_t need = t->norm_len + 1 + (same ? 0 : t->stem_len + 1);
    if (t->end > UINT32_MAX || c->strings.len + need > UINT32_MAX)
        return VZ_ENOMEM;
    if (c->ntoks >= c->captoks) {
        void *p = c->toks;
        if (vz_grow(&p, &c->captoks, c->ntoks + 1, sizeof *c->toks))
            return VZ_ENOMEM;
        c->toks = p;
    }
    if (c->strings.len + need >= c->strings.cap && vz_buf_reserve(&c->strings, need))
        return VZ_ENOMEM;
    atoken *a = &c->toks[c->ntoks++];
    char *at = c->strings.data + c->strings.len;
    a->start = (uint32_t)t->start;
    a->end = (uint32_t)t->end;
    a->flags = t->flags;
    a->norm = (uint32_t)c->strings.len;
    a->norm_len = (uint32_t)t->norm_len;
    a->stem = same ? a->norm : (uint32_t)(c->strings.len + t->norm_len + 1);
    a->stem_len = (uint32_t)t->stem_len;
    memcpy(at, t->norm, t->norm_len);
    at[t->norm_len] = '\0';
    if (!same) {
        memcpy(at + t->norm_len + 1, t->stem, t->stem_len);
        at[need - 1] = '\0';
    }
    c->strings.len += need;
    c->strings.data[c->strings.len] = '\0';
    return 0;
}

/* Make room in the young generation and keep there, as text's entry, the
 * analysis in a (its strings, then its tokens, after the text); NULL
 * when out of memory. */
static const aentry *acache_keep(vz_xcache *c, uint64_t h, const char *text, size_t len,
                                 const ascratch *a)
{
    agen *young = acache_room(c);
    aentry *e = acache_slot(young, h, text, len);
    if (e->block)    /* kept while its parts were: a part that is all of it */
        return e;
    size_t toks = (len + a->strings.len + 7) & ~(size_t)7;   /* aligned for the tokens */
    size_t size = toks + a->ntoks * sizeof *a->toks;
    char *block = chunk_alloc(&young->chunks, size ? size : 1);
    if (!block)
        return NULL;
    memcpy(block, text, len);
    if (a->strings.len)
        memcpy(block + len, a->strings.data, a->strings.len);
    if (a->ntoks)
        memcpy(block + toks, a->toks, a->ntoks * sizeof *a->toks);
    *e = (aentry){block, len, a->ntoks, (const atoken *)(void *)(block + toks), h};
    young->n++;
    young->bytes += size + sizeof *e;
    return e;
}

/* The entry of text in c, or NULL.  One found in the old generation moves
 * to the young one when there is room. */
static const aentry *acache_find(vz_xcache *c, uint64_t h, const char *text, size_t len)
{
    agen *young = &c->agens[c->ayoung], *old = &c->agens[c->ayoung ^ 1];
    aentry *e = acache_slot(young, h, text, len);
    if (e->block)
        return e;
    aentry *o = acache_slot(old, h, text, len);
    if (!o->block)
        return NULL;
    size_t size = (size_t)((const char *)o->tok - o->block) + o->ntok * sizeof *o->tok;
    char *block = !agen_full(young) ? chunk_alloc(&young->chunks, size) : NULL;
    if (!block)
        return o;
    /* moves up; the old block lives on until its generation is emptied */
    memcpy(block, o->block, size);
    *e = (aentry){block, o->len, o->ntok,
                  (const atoken *)(void *)(block + ((const char *)o->tok - o->block)), o->hash};
    o->block = MOVED;
    young->n++;
    young->bytes += size + sizeof *e;
    return e;
}

/* Analyse text, of hash h, which c lacks, and keep it: NULL when it
 * cannot be kept (invalid UTF-8, or no memory). */
static const aentry *analyse_into(vz_xcache *c, vz_analyser *an, uint64_t h, const char *text,
                                  size_t len)
{
    c->scratch.ntoks = 0;
    c->scratch.strings.len = 0;
    if (vz_analyse(an, text, len, keep_token, &c->scratch) != VZ_OK)
        return NULL;
    return acache_keep(c, h, text, len, &c->scratch);
}

/* The entry of text in c, analysed now when it is not there yet: NULL
 * when it cannot be kept (invalid UTF-8, or no memory).  Valid until the
 * next call on c. */
static const aentry *analysed(vz_xcache *c, vz_analyser *an, const char *text, size_t len)
{
    uint64_t h = vz_hash_bytes(text, len, VZ_FNV_SEED);
    const aentry *e = acache_find(c, h, text, len);
    return e ? e : analyse_into(c, an, h, text, len);
}

static int is_blank(char b)
{
    return b == ' ' || b == '\n' || b == '\t' || b == '\r' || b == '\f' || b == '\v';
}

/* Append text[from, to)'s analysis (cached) to c->joined, its offsets
 * moved to where it stands in the text: 0 when it cannot be (not
 * bounded by blanks, or not analysed). */
static int join_part(vz_xcache *c, vz_analyser *an, const char *text, size_t len, size_t from,
                     size_t to)
{
    if ((from > 0 && !is_blank(text[from - 1])) || (to < len && !is_blank(text[to])))
        return 0;
    const aentry *e = analysed(c, an, text + from, to - from);
    if (!e)
        return 0;
    ascratch *j = &c->joined;
    const char *strings = e->block + e->len;
    size_t slen = (size_t)((const char *)e->tok - strings), base = j->strings.len;
    if (base + slen > UINT32_MAX || to > UINT32_MAX)
        return 0;
    if (j->ntoks + e->ntok > j->captoks) {
        void *p = j->toks;
        if (vz_grow(&p, &j->captoks, j->ntoks + e->ntok, sizeof *j->toks))
            return 0;
        j->toks = p;
    }
    if (vz_buf_append(&j->strings, strings, slen))
        return 0;
    for (size_t i = 0; i < e->ntok; i++) {
        atoken t = e->tok[i];
        t.start += (uint32_t)from;
        t.end += (uint32_t)from;
        t.norm += (uint32_t)base;
        t.stem += (uint32_t)base;
        j->toks[j->ntoks++] = t;
    }
    return 1;
}

/* The analysis of text made of its parts' in c->joined: the parts, and
 * the non-blank runs between them, each bounded by blanks.  A blank is a
 * separator that no token takes or looks across (a token is read from its
 * start to the character after it; a hyphen's joining looks back only to
 * the token before it), so such a part's own tokens are the text's inside
 * it, and the blanks between hold none.  0 when it cannot be made so. */
static int join_parts(vz_xcache *c, vz_analyser *an, const char *text, size_t len,
                      const uint32_t (*parts)[2], size_t n)
{
    c->joined.ntoks = 0;
    c->joined.strings.len = 0;
    size_t at = 0;
    for (size_t i = 0; i <= n; i++) {
        size_t from = i < n ? parts[i][0] : len, to = i < n ? parts[i][1] : len;
        if (from < at || to < from || to > len)
            return 0;
        size_t gs = at, ge = from;     /* the run between: its blanks trimmed */
        while (gs < ge && is_blank(text[gs]))
            gs++;
        while (ge > gs && is_blank(text[ge - 1]))
            ge--;
        if ((gs < ge && !join_part(c, an, text, len, gs, ge)) ||
            (from < to && !join_part(c, an, text, len, from, to)))
            return 0;
        at = to;
    }
    return 1;
}

int vz_analysed_of_parts(vz_xcache *c, vz_analyser *an, const char *text, size_t len,
                         const uint32_t (*parts)[2], size_t n, vz_analysed *out)
{
    if (!c || !text)
        return VZ_ENOMEM;
    uint64_t h = vz_hash_bytes(text, len, VZ_FNV_SEED);
    const aentry *e = acache_find(c, h, text, len);
    if (!e)   /* made of its parts, or else analysed whole */
        e = join_parts(c, an, text, len, parts, n) ? acache_keep(c, h, text, len, &c->joined)
                                                   : analyse_into(c, an, h, text, len);
    if (!e)
        return VZ_ENOMEM;
    *out = (vz_analysed){e->tok, e->ntok, e->block + e->len};
    return VZ_OK;
}

int vz_analyse_cached(vz_xcache *c, vz_analyser *an, const char *text, size_t len,
                      vz_token_fn fn, void *ctx)
{
    vz_analysed v;
    /* Invalid UTF-8, or no memory: as vz_analyse does it, uncached. */
    if (vz_analysed_of(c, an, text, len, &v) != VZ_OK)
        return vz_analyse(an, text, len, fn, ctx);
    int rc = 0;
    for (size_t i = 0; !rc && i < v.n; i++) {
        vz_token t;
        vz_analysed_token(&v, i, &t);
        rc = fn(&t, ctx);
    }
    return rc;
}

int vz_analysed_of(vz_xcache *c, vz_analyser *an, const char *text, size_t len, vz_analysed *out)
{
    const aentry *e = c && text ? analysed(c, an, text, len) : NULL;
    if (!e)
        return VZ_ENOMEM;
    *out = (vz_analysed){e->tok, e->ntok, e->block + e->len};
    return VZ_OK;
}

/* ---- memos ------------------------------------------------------------- */

/* Ids are a caller's dense numbers (sentence ids), looked up in runs (a
 * passage's sentences): MGROUP ids in a row start in a group of as many
 * slots, the groups mixed over the table, so that a run's look-ups find
 * one page of the 12 MB table rather than one each (the page walks cost
 * as much as the misses). */
#define MGROUP 8

static size_t mcache_first(uint64_t id)
{
    size_t group = (size_t)(((id / MGROUP + 1) * 0x9E3779B97F4A7C15ull) >> 40);
    return (group * MGROUP + (size_t)(id % MGROUP)) & (MSLOTS - 1);
}

static mentry *mcache_slot(mentry *slots, uint64_t id)
{
    for (size_t i = mcache_first(id);; i = (i + 1) & (MSLOTS - 1)) {
        mentry *m = &slots[i];
        if (!m->data || (m->data != MOVED && m->id == id))
            return m;
    }
}

/* Bytes of a memo vz_xcache_memo_prefetch_data asks for: a sentence's
 * memo is some 500 bytes, read from its start. */
#define MEMO_PREFETCH 512

static int mgen_full(const mgen *g) { return g->n >= MENTRIES || g->bytes >= MBYTES; }

/* The memo kept under id, moved to the young generation when found in the
 * old one and there is room (its block unchanged); NULL when none. */
static const mentry *memo_find(vz_xcache *c, uint64_t id)
{
    mgen *young = &c->mgens[c->myoung], *old = &c->mgens[c->myoung ^ 1];
    mentry *m = young->slots ? mcache_slot(young->slots, id) : NULL;
    if (m && m->data)
        return m;
    mentry *o = old->slots ? mcache_slot(old->slots, id) : NULL;
    if (!o || !o->data)
        return NULL;
    void *copy = m && !mgen_full(young) ? chunk_alloc(&young->chunks, o->len ? o->len : 1) : NULL;
    if (copy) {     /* moves up; the old block lives on until its generation is emptied */
        memcpy(copy, o->data, o->len);
        *m = (mentry){copy, o->len, o->id};
        o->data = MOVED;
        young->n++;
        young->bytes += o->len + sizeof *m;
        return m;
    }
    return o;
}

const void *vz_xcache_memo(vz_xcache *c, uint64_t id, size_t *len)
{
    const mentry *m = c ? memo_find(c, id) : NULL;
    if (!m)
        return NULL;
    *len = m->len;
    return m->data;
}

/* The young generation of memos, with room for one more: the other one
 * emptied and made young when it is full.  NULL without memory. */
static mgen *memo_young(vz_xcache *c)
{
    mgen *young = &c->mgens[c->myoung];
    if (mgen_full(young)) {
        c->myoung ^= 1;
        young = &c->mgens[c->myoung];
        mgen_clear(young);
    }
    if (!young->slots && !(young->slots = calloc(MSLOTS, sizeof *young->slots)))
        return NULL;
    return young;
}

/* Keep data[0, len), in the young generation's chunks, as memo id. */
static void memo_enter(mgen *young, uint64_t id, void *data, size_t len)
{
    *mcache_slot(young->slots, id) = (mentry){data, len, id};
    young->n++;
    young->bytes += len + sizeof(mentry);
}

int vz_xcache_memo_keep(vz_xcache *c, uint64_t id, const void *data, size_t len)
{
    if (!c || memo_find(c, id))
        return VZ_OK;            /* kept already: the same bytes */
    mgen *young = memo_young(c);
    void *copy = young ? chunk_alloc(&young->chunks, len ? len : 1) : NULL;
    if (!copy)
        return VZ_ENOMEM;
    if (len)
        memcpy(copy, data, len);
    memo_enter(young, id, copy, len);
    return VZ_OK;
}

void *vz_xcache_memo_room(vz_xcache *c, size_t size)
{
    mgen *young = c ? memo_young(c) : NULL;
    return young ? chunk_alloc(&young->chunks, size ? size : 1) : NULL;
}

void vz_xcache_memo_commit(vz_xcache *c, uint64_t id, void *room, size_t size, size_t len)
{
    mgen *young = &c->mgens[c->myoung];
    if (!len || mcache_slot(young->slots, id)->data) {
        chunk_trim(&young->chunks, room, size ? size : 1, 0);
        return;
    }
    chunk_trim(&young->chunks, room, size, len);
    memo_enter(young, id, room, len);
}

/* The slots a look-up of id probes first, into the cache: a generation's
 * slots are 12 MB probed at random, a miss each.  Only a hint. */
void vz_xcache_memo_prefetch(const vz_xcache *c, uint64_t id)
{
    for (int g = 0; c && g < 2; g++)
        if (c->mgens[g].slots)
            __builtin_prefetch(&c->mgens[g].slots[mcache_first(id)]);
}

/* The first bytes of the memo kept under id, into the cache, its slot
 * looked up (best after vz_xcache_memo_prefetch) as memo_find looks it up
 * but left where it is. */
void vz_xcache_memo_prefetch_data(vz_xcache *c, uint64_t id)
{
    const mentry *m = NULL;
    for (int g = 0; c && g < 2 && !m; g++) {
        mentry *slots = c->mgens[c->myoung ^ g].slots;
        if (slots && !(m = mcache_slot(slots, id))->data)
            m = NULL;
    }
    if (m)
        for (size_t at = 0; at < m->len && at < MEMO_PREFETCH; at += 64)
            __builtin_prefetch((const char *)m->data + at);
}
