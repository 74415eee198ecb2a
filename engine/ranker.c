/*
 * ranker.c - implements ranker.h: span candidates, their features, a
 * linear model over them (a hash table of weights) and its training.
 *
 * A feature's key is a hash of its parts ("hd", the span's last word, the
 * question's wh-words), so that scoring a span builds no strings; only
 * training keeps the names, for the weights file.
 */
#include "ranker.h"
#include "analyse.h"
#include "data.h"
#include "util.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DEFAULT_SENTENCES 3
#define DEFAULT_MAX_WORDS 7
/* The ranker overrules the templates when its best span holds half of the
 * spans' share: measured on articles 22-29 (trained on 0-21) with the
 * news question sets kept; lower, they lose answers. */
#define DEFAULT_SURE 0.5
#define WINDOW 5             /* words each side whose question words a span's context counts */
#define MAX_PARTS 3          /* a feature: its template and up to two values */
#define MIN_SEEN 10          /* questions a feature must be seen in to be learned */
#define SHAPE_MAX 4          /* letters of a span's collapsed shape */
#define SUFFIX 3             /* letters of a word's ending */
#define KEY_SEED 0x51ed270b27a3f8c5ULL   /* key_of's state before a feature's parts */
#define PLACES 4             /* places of a question word told apart: 0, 1, 2, 3 and on */
#if defined(__GNUC__)
#define COLD __attribute__((noinline))   /* kept out of the hot loops that call it */
#else
#define COLD
#endif
#define HOT VZ_ALWAYS_INLINE         /* in the loop over spans */

typedef struct {
    uint64_t key;            /* 0: an empty slot */
    double w, g2;            /* weight; squared gradients so far (training) */
    double seen;             /* questions it was a feature of (vz_ranker_count) */
    size_t last;             /* the last of them, counting from 1; a loaded model's
                              * word endings' features: ENDING (see pack) */
} slot;

#define ENDING SIZE_MAX      /* slot.last of a loaded model's word endings' features */
#define BUCKET 4             /* keys of a packed bucket: a cache line with their weights */

struct vz_ranker {
    slot *slots;
    size_t cap, n;           /* cap a power of 2, at most half full */
    size_t sentences, max_words;
    double sure;             /* its best answer's share from which it overrules the templates */
    size_t counted;          /* questions vz_ranker_count has seen */
    /* A loaded model's weights packed for look-ups (but its word endings',
     * read from endings): each bucket one cache line, filled from its
     * first slot on, its keys first (find_packed). */
    struct bucket {
        uint64_t key[BUCKET];    /* 0: empty */
        double w[BUCKET];
    } *packed;
    size_t nbuckets;         /* about half full */
    /* A loaded model's weights of the features whose values are few and
     * hang on no more of the question than its wh-word, for each wh-word
     * (fixed_build): a question reads its row, a few cache lines, rather
     * than the buckets. */
    double *fixed;
    struct rk_consts *k;     /* what every question's scoring reads alike (consts_new) */
    /* A loaded model's word endings' four weights by ending and wh-word
     * (endings_build), so that a question hashes no ending's feature:
     * an ending no line names weighs 0 in all four. */
    struct suffix_memo *endings;
    size_t ecap;             /* a power of 2, at most half full; 0 none */
    uint64_t *epairs;        /* while loading: the endings' and wh-words' hashes the lines name */
    size_t nepairs, capepairs;
    /* A loaded model's span shapes' weights (shapes_build): a shape's id
     * and "sh" weight by its hash (shape_ids), then in column k of
     * shape_w its weight with thirds[k], a third part (a wh-word, an
     * answer type) the "sh" lines name.  A column is a few KiB that a
     * question reads for each shape new to it, rather than three look-ups
     * in the buckets. */
    struct shape_id {
        uint64_t h;          /* 0: empty */
        size_t id;
        double sh;           /* F_SHAPE's weight */
    } *shape_ids;
    size_t scap;             /* a power of 2, at most half full; 0 none */
    size_t nshapes;
    uint64_t *thirds;
    size_t nthirds;
    double *shape_w;         /* [nthirds * nshapes], by column */
    uint64_t *spairs;        /* while loading: the shapes' and third parts' hashes (0 none) */
    size_t nspairs, capspairs;
    /* A loaded model's weights of the features whose values are few and
     * hang on the question's first two words (wh2, "how many"), a row
     * (W2_ROW of them) for each wh2 the lines name (w2_build), as fixed
     * for the wh-word: a wh2 they do not name weighs 0 in all of them. */
    struct w2_slot {
        uint64_t h;          /* wh2's hash; 0 empty */
        size_t row;
    } *w2_slots;
    size_t w2cap;            /* a power of 2, at most half full; 0 none */
    double *w2_w;
    uint64_t *w2s;           /* while loading: the wh2s' hashes the lines name */
    size_t nw2s, capw2s;
};

static struct rk_consts *consts_new(void);
static int endings_build(vz_ranker *m);
static int fixed_build(vz_ranker *m);
static int shapes_build(vz_ranker *m);
static int w2_build(vz_ranker *m);

struct vz_rk_names {
    struct name_slot {
        uint64_t key;
        char *name;
    } *slots;
    size_t cap, n;
};

/* ---- keys ---------------------------------------------------------------- */

static uint64_t mix64(uint64_t h)
{
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebULL;
    return h ^ (h >> 31);
}

static uint64_t part_hash(const char *s, size_t n)
{
    return vz_fnv1a(s, n, VZ_FNV_SEED);
}

/* The key of a feature from its parts' hashes; never 0 (an empty slot). */
static uint64_t key_of(const uint64_t *parts, size_t n)
{
    uint64_t h = KEY_SEED;
    for (size_t i = 0; i < n; i++)
        h = mix64(h ^ parts[i]);
    return h ? h : 1;
}

/* The hashes of the parts of a feature named "part|part|part" (*n of
 * them, at most MAX_PARTS); *first: the first part's length. */
static void parts_of_name(const char *name, size_t len, uint64_t *parts, size_t *n,
                          size_t *first)
{
    size_t s = 0;
    *n = 0;
    *first = len;
    for (size_t i = 0; i <= len && *n < MAX_PARTS; i++)
        if (i == len || name[i] == '|') {
            parts[(*n)++] = part_hash(name + s, i - s);
            *first = *n == 1 ? i : *first;
            s = i + 1;
        }
}

/* ---- the weight table ---------------------------------------------------- */

static slot *find(const vz_ranker *m, uint64_t key)
{
    size_t mask = m->cap - 1;
    for (size_t i = (size_t)key & mask;; i = (i + 1) & mask)
        if (m->slots[i].key == key || !m->slots[i].key)
            return &m->slots[i];
}

static int grow(vz_ranker *m)
{
    size_t cap = m->cap ? m->cap * 2 : 1024;
    slot *old = m->slots;
    size_t oldcap = m->cap;
    if (!(m->slots = calloc(cap, sizeof *m->slots))) {
        m->slots = old;
        return vz_fail(VZ_ENOMEM, "out of memory");
    }
    m->cap = cap;
    for (size_t i = 0; i < oldcap; i++)
        if (old[i].key)
            *find(m, old[i].key) = old[i];
    free(old);
    return VZ_OK;
}

/* The slot of key, made when missing. */
static int slot_of(vz_ranker *m, uint64_t key, slot **out)
{
    if (2 * (m->n + 1) > m->cap && grow(m))
        return VZ_ENOMEM;
    slot *s = find(m, key);
    if (!s->key) {
        *s = (slot){key, 0, 0, 0, 0};
        m->n++;
    }
    *out = s;
    return VZ_OK;
}

/* The first bucket of key's: its high bits scaled to the buckets (their
 * number need not be a power of 2). */
static size_t bucket_of(const vz_ranker *m, uint64_t key)
{
    return (size_t)(((key >> 32) * (uint64_t)m->nbuckets) >> 32);
}

/* The weight of key in the packed buckets; 0 when missing: the first
 * bucket not full holds every key that ever overflowed it. */
static double find_packed(const vz_ranker *m, uint64_t key)
{
    for (size_t b = bucket_of(m, key);; b = b + 1 < m->nbuckets ? b + 1 : 0) {
        const struct bucket *p = &m->packed[b];
        for (size_t k = 0; k < BUCKET; k++) {
            if (p->key[k] == key)
                return p->w[k];
            if (!p->key[k])
                return 0;
        }
    }
}

/* The weight of key in the whole table (training's, or a loaded model's
 * word endings' too). */
static double slot_w(const vz_ranker *m, uint64_t key)
{
    if (!m->n)
        return 0;
    const slot *s = find(m, key);
    return s->key ? s->w : 0;
}

/* The weight of key, but a loaded model's word endings' (ending_of). */
static double weight_of(const vz_ranker *m, uint64_t key)
{
    return m->packed ? find_packed(m, key) : slot_w(m, key);
}

/* The weights of keys[0, n) in out: every key's slot asked of the memory
 * first, so that their cache misses overlap instead of following one
 * another. */
static void weights_of(const vz_ranker *m, const uint64_t *keys, size_t n, double *out)
{
#if defined(__GNUC__)
    for (size_t k = 0; m->packed && k < n; k++)
        __builtin_prefetch(&m->packed[bucket_of(m, keys[k])]);
#endif
    for (size_t k = 0; k < n; k++)
        out[k] = weight_of(m, keys[k]);
}

int vz_ranker_new(vz_ranker **out)
{
    *out = calloc(1, sizeof **out);
    if (!*out)
        return vz_fail(VZ_ENOMEM, "out of memory");
    (*out)->sentences = DEFAULT_SENTENCES;
    (*out)->max_words = DEFAULT_MAX_WORDS;
    (*out)->sure = DEFAULT_SURE;
    int rc = ((*out)->k = consts_new()) ? grow(*out) : vz_fail(VZ_ENOMEM, "out of memory");
    if (rc) {
        free((*out)->k);
        free(*out);
        *out = NULL;
        return rc;
    }
    return VZ_OK;
}

void vz_ranker_free(vz_ranker *m)
{
    if (!m)
        return;
    free(m->slots);
    free(m->packed);
    free(m->fixed);
    free(m->k);
    free(m->endings);
    free(m->epairs);
    free(m->shape_ids);
    free(m->thirds);
    free(m->shape_w);
    free(m->spairs);
    free(m->w2_slots);
    free(m->w2_w);
    free(m->w2s);
    free(m);
}

int vz_ranker_empty(const vz_ranker *m)
{
    return !m || !m->n;
}

size_t vz_ranker_sentences(const vz_ranker *m)
{
    return m->sentences;
}

double vz_ranker_sure(const vz_ranker *m)
{
    return m->sure;
}



/* Is a feature's template, name[0, n), one of a word ending's (with a
 * wh-word: suffix_weights)? */
static int is_ending(const char *name, size_t n)
{
    return n == 2 && (!memcmp(name, "fx", 2) || !memcmp(name, "ls", 2) ||
                      !memcmp(name, "hs", 2) || !memcmp(name, "rs", 2));
}

/* A line names an ending's feature with a wh-word: endings_build weighs
 * that pair. */
static int ending_named(vz_ranker *m, uint64_t ending, uint64_t wh)
{
    void *p = m->epairs;
    if (vz_grow(&p, &m->capepairs, m->nepairs + 2, sizeof *m->epairs))
        return vz_fail(VZ_ENOMEM, "out of memory");
    m->epairs = p;
    m->epairs[m->nepairs++] = ending;
    m->epairs[m->nepairs++] = wh;
    return VZ_OK;
}

/* A line names a span shape's feature, with a third part or not (0):
 * shapes_build weighs the shape. */
static int shape_named(vz_ranker *m, uint64_t shape, uint64_t third)
{
    void *p = m->spairs;
    if (vz_grow(&p, &m->capspairs, m->nspairs + 2, sizeof *m->spairs))
        return vz_fail(VZ_ENOMEM, "out of memory");
    m->spairs = p;
    m->spairs[m->nspairs++] = shape;
    m->spairs[m->nspairs++] = third;
    return VZ_OK;
}

/* The part of a feature named name (its template first long) that is a
 * question's wh2, of the templates w2_build weighs; 0 none. */
static int w2_part(const char *name, size_t first, size_t nparts)
{
    static const char *const second[] = {"fin", "fnext", "fprev", "ql", "qr"};
    if (nparts == 3 && ((first == 3 && !memcmp(name, "len", 3)) ||
                        (first == 2 && !memcmp(name, "se", 2))))
        return 2;
    for (size_t k = 0; nparts == 2 && k < sizeof second / sizeof *second; k++)
        if (first == strlen(second[k]) && !memcmp(name, second[k], first))
            return 1;
    return 0;
}

/* A line names a wh2 of one of w2_build's templates. */
static int w2_named(vz_ranker *m, uint64_t w2)
{
    void *p = m->w2s;
    if (vz_grow(&p, &m->capw2s, m->nw2s + 1, sizeof *m->w2s))
        return vz_fail(VZ_ENOMEM, "out of memory");
    m->w2s = p;
    m->w2s[m->nw2s++] = w2;
    return VZ_OK;
}

/* "@sentences 3": a setting; "NAME<TAB>WEIGHT": a weight. */
static int load_line(const char *line, size_t len, unsigned lineno, void *ctx)
{
    vz_ranker *m = ctx;
    const char *tab = memchr(line, '\t', len);
    char num[64];
    const char *v = line[0] == '@' ? memchr(line, ' ', len) : tab;
    size_t n = v ? len - (size_t)(v + 1 - line) : 0;
    if (!v || !n || n >= sizeof num)
        return vz_fail(VZ_EINVAL, "line %u: want NAME<TAB>WEIGHT or @SETTING VALUE", lineno);
    memcpy(num, v + 1, n);
    num[n] = '\0';
    char *end;
    double x = strtod(num, &end);
    if (*end || !isfinite(x))
        return vz_fail(VZ_EINVAL, "line %u: '%s' is not a number", lineno, num);
    if (!strncmp(line, "@sure ", 6)) {
        if (x < 0 || x > 1)
            return vz_fail(VZ_EINVAL, "line %u: @sure takes a share from 0 to 1", lineno);
        m->sure = x;
        return VZ_OK;
    }
    if (line[0] == '@') {
        size_t *setting = !strncmp(line, "@sentences ", 11)   ? &m->sentences
                          : !strncmp(line, "@max_words ", 11) ? &m->max_words
                                                              : NULL;
        if (!setting || x < 1 || x > 64)
            return vz_fail(VZ_EINVAL, "line %u: unknown setting or a value outside 1..64",
                           lineno);
        *setting = (size_t)x;
        return VZ_OK;
    }
    uint64_t parts[MAX_PARTS];
    size_t nparts, first;
    parts_of_name(line, (size_t)(tab - line), parts, &nparts, &first);
    slot *s;
    int rc = slot_of(m, key_of(parts, nparts), &s);
    if (rc)
        return rc;
    s->w = x;
    if (nparts == 3 && is_ending(line, first)) {
        s->last = ENDING;
        rc = ending_named(m, parts[1], parts[2]);
    }
    int w2 = w2_part(line, first, nparts);
    if (!rc && w2)
        rc = w2_named(m, parts[w2]);
    if (!rc && nparts >= 2 && first == 2 && !memcmp(line, "sh", 2))
        rc = shape_named(m, parts[1], nparts == 3 ? parts[2] : 0);
    return rc;
}

/* The weights, packed for scoring (a loaded model is never trained): its
 * word endings' apart, the rest half the buckets' slots, so that the
 * table is small enough to stay in a core's cache.  Fuller, more keys
 * spill into the next bucket, a second line: 4% of look-ups half full,
 * 10% at 0.6, 13% at 0.7 (SQuAD, oracle). */
static int pack(vz_ranker *m)
{
    size_t n = 0;
    for (size_t i = 0; i < m->cap; i++)
        n += m->slots[i].key && m->slots[i].last != ENDING;
    m->nbuckets = 2 * n / BUCKET + 1;
    if (!(m->packed = aligned_alloc(sizeof *m->packed, m->nbuckets * sizeof *m->packed)))
        return vz_fail(VZ_ENOMEM, "out of memory");
    memset(m->packed, 0, m->nbuckets * sizeof *m->packed);
    for (size_t i = 0; i < m->cap; i++) {
        const slot *s = &m->slots[i];
        if (!s->key || s->last == ENDING)
            continue;
        size_t b = bucket_of(m, s->key), k = 0;
        while (m->packed[b].key[k])
            if (++k == BUCKET) {
                k = 0;
                b = b + 1 < m->nbuckets ? b + 1 : 0;
            }
        m->packed[b].key[k] = s->key;
        m->packed[b].w[k] = s->w;
    }
    return VZ_OK;
}

int vz_ranker_load(vz_ranker **out, const char *data_dir)
{
    vz_data d;
    int rc = vz_ranker_new(out);
    if (rc || (rc = vz_data_load(data_dir, "ranker.weights", &d)) != VZ_OK)
        goto fail;
    rc = vz_data_lines(d.text, d.len, load_line, *out);
    if (rc)
        vz_fail_context(rc, "%s", d.origin);
    else if (!(rc = pack(*out)) && !(rc = endings_build(*out)) && !(rc = fixed_build(*out)) &&
             !(rc = shapes_build(*out)))
        rc = w2_build(*out);
    vz_data_release(&d);
    if (!rc)
        return VZ_OK;
fail:
    vz_ranker_free(*out);
    *out = NULL;
    return rc;
}

/* ---- names ----------------------------------------------------------------- */

int vz_rk_names_new(vz_rk_names **out)
{
    *out = calloc(1, sizeof **out);
    if (*out && !((*out)->slots = calloc((*out)->cap = 1 << 16, sizeof *(*out)->slots))) {
        free(*out);
        *out = NULL;
    }
    return *out ? VZ_OK : vz_fail(VZ_ENOMEM, "out of memory");
}

void vz_rk_names_free(vz_rk_names *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->cap; i++)
        free(n->slots[i].name);
    free(n->slots);
    free(n);
}

static struct name_slot *find_name(const vz_rk_names *n, uint64_t key)
{
    size_t mask = n->cap - 1;
    for (size_t i = (size_t)key & mask;; i = (i + 1) & mask)
        if (n->slots[i].key == key || !n->slots[i].key)
            return &n->slots[i];
}

const char *vz_rk_names_get(const vz_rk_names *n, uint64_t key)
{
    return find_name(n, key)->name;
}

static int names_grow(vz_rk_names *n)
{
    struct name_slot *old = n->slots;
    size_t oldcap = n->cap;
    if (!(n->slots = calloc(oldcap * 2, sizeof *n->slots))) {
        n->slots = old;
        return vz_fail(VZ_ENOMEM, "out of memory");
    }
    n->cap = oldcap * 2;
    for (size_t i = 0; i < oldcap; i++)
        if (old[i].key)
            *find_name(n, old[i].key) = old[i];
    free(old);
    return VZ_OK;
}

/* ---- a sentence's words ------------------------------------------------------ */

/* A value of a feature: its text (for names) and hash. */
typedef struct {
    const char *s;
    size_t n;
    uint64_t h;
} value;

static value value_of(const char *s)
{
    size_t n = strlen(s);
    return (value){s, n, part_hash(s, n)};
}

/* Templates of features; their names are the first part of each. */
enum {
    F_LEN, F_LEN_W, F_SHAPE, F_SHAPE_Q, F_SHAPE_W, F_EDGE_W, F_LPUNCT_W, F_RPUNCT_W, F_INQ_W,
    F_FOCUS_IN, F_FOCUS_NEXT, F_FOCUS_PREV, F_WINL, F_WINR, F_WINL_W, F_WINR_W, F_DISTL_W,
    F_DISTR_W, F_DIST, F_SRANK, F_SSCORE, F_SCOVER, F_SBEST, F_SWORDS, F_SPAIRS, F_MARK,
    F_MARK_Q, F_MARK_PART, F_QLEFT_W, F_QRIGHT_W, F_LSHAPE_W, F_RSHAPE_W, F_HSUF_W, F_FSUF_W,
    F_LSUF_W, F_RSUF_W, F_PLACEL_W, F_PLACER_W, F_PRE_W, NFEATURES
};

static const char *const template_name[NFEATURES] = {
    "len", "len", "sh", "sh", "sh", "se", "lp", "rp", "inq",
    "fin", "fnext", "fprev", "wl", "wr", "wl", "wr", "dl",
    "dr", "dist", "sr", "ss", "sc", "sb", "sw", "sp", "tp",
    "tp", "tpo", "ql", "qr", "lsh", "rsh", "hs", "fx",
    "ls", "rs", "pl", "pr", "pre",
};

/* A question's wh-word: the first of its words that is one of these but
 * the last, else the last (vz_rk_question_init). */
static const char *const wh_words[] = {"what", "which", "who", "whom", "whose",
                                       "when", "where", "why", "how", "other"};
#define NWH (sizeof wh_words / sizeof *wh_words)

/* Small numbers as values: buckets, ranks. */
static const char *const small[] = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
#define NSMALL (sizeof small / sizeof *small)
/* A span's words of the question: none, some or all of them. */
static const char *const inq_name[] = {"none", "some", "all"};
#define NINQ (sizeof inq_name / sizeof *inq_name)
#define NDIST 8              /* bucket_distance's values */
#define NMARK 5              /* a template mark's values: 0 none, 1, 2, 3, 4 and on */
#define NSHARE 6             /* bucket_share's values */
/* The letters of shape_of (and '^', '$': the sentence's edges) and of
 * gap_of, in the order of their memos' index. */
static const char shape_letters[] = "YNcsUCl^$";
static const char gap_letters[] = " ,-()\".o";
#define NLETTERS 8           /* the most letters two of which a memo's index holds */
#define NMEMO 64             /* values memoised a feature */
#define SHAPE_MEMO 256       /* a power of 2: span shapes memoised a question */
#define SUFFIX_MEMO 256      /* a power of 2: word endings memoised a question */

/* Scoring only: the weights of features whose values are few in a
 * question, each looked up once: w[t][v] for feature t with the v-th of
 * its values (memo_w); span shapes and word endings by their hashes.
 * Which are known is kept in bits, so that a question clears a few
 * hundred bytes of it rather than all of it. */
typedef struct {
    uint64_t known[NFEATURES];   /* bit v of known[t]: w[t][v] is looked up */
    uint64_t shape_used[SHAPE_MEMO / 64], suffix_used[SUFFIX_MEMO / 64];
    size_t nshapes, nsuffixes;
    double w[NFEATURES][NMEMO];
    struct shape_memo {
        uint64_t code;       /* the shape's letters packed */
        double sh, sh_q, sh_w;
    } shapes[SHAPE_MEMO];
    struct suffix_memo {
        uint64_t h;          /* the ending's hash (value) */
        double w[4];         /* F_FSUF_W, F_LSUF_W, F_HSUF_W, F_RSUF_W */
    } suffixes[SUFFIX_MEMO];
} memos;

static void memos_clear(memos *mm)
{
    memset(mm->known, 0, sizeof mm->known);
    memset(mm->shape_used, 0, sizeof mm->shape_used);
    memset(mm->suffix_used, 0, sizeof mm->suffix_used);
    mm->nshapes = mm->nsuffixes = 0;
}

/* A question's scoring room, kept by its spans (vz_rk_spans) from one
 * question to the next: made afresh each question, the memos and arrays
 * were new pages each time (a page fault every 4 KiB). */
struct rk_room {
    memos memo;
    char *block;             /* the per-word arrays (room_for) */
    size_t cap;
};

static int bit_of(const uint64_t *bits, size_t k)
{
    return (int)(bits[k / 64] >> (k % 64) & 1);
}

/* An alphabet's letters as values, and each byte's place in it (NMEMO
 * none): a word's shape or the punctuation before it, read once a word. */
typedef struct {
    unsigned char ix[256];
    value v[NMEMO];
} letters;

static void letters_init(letters *l, const char *alphabet)
{
    memset(l->ix, NMEMO, sizeof l->ix);
    for (size_t k = 0; alphabet[k] && k < NMEMO; k++) {
        l->ix[(unsigned char)alphabet[k]] = (unsigned char)k;
        l->v[k] = (value){&alphabet[k], 1, part_hash(&alphabet[k], 1)};
    }
}

/* The value of the one-letter string s, and its place in l (*ix). */
static value letter_value(const letters *l, const char *s, size_t *ix)
{
    *ix = l->ix[(unsigned char)s[0]];
    return *ix < NMEMO ? l->v[*ix] : value_of(s);
}

/* The fixed templates: those whose values are few and hang on no more of
 * the question than its wh-word; n values, the v-th the memo index
 * memo_w is given.  Kinds of their two values: 'n' small[v], 'i'
 * inq_name[v], 'g' gap_letters[v], 's' shape_letters[v], 'w' the
 * wh-word, 'p' small[v / NDIST] and small[v % NDIST] (a place and a
 * distance), 0 none. */
static const struct fixed_template {
    int t;
    char a, b;
    size_t n;
} fixed_tmpl[] = {
    {F_LEN, 'n', 0, NSMALL},           {F_INQ_W, 'i', 'w', NINQ},
    {F_DIST, 'n', 0, NDIST},           {F_MARK, 'n', 0, NMARK},
    {F_MARK_PART, 0, 0, 1},            {F_LPUNCT_W, 'g', 'w', sizeof gap_letters - 1},
    {F_RPUNCT_W, 'g', 'w', sizeof gap_letters - 1},
    {F_LSHAPE_W, 's', 'w', sizeof shape_letters - 1},
    {F_RSHAPE_W, 's', 'w', sizeof shape_letters - 1},
    {F_WINL, 'n', 0, NSHARE},          {F_WINR, 'n', 0, NSHARE},
    {F_WINL_W, 'n', 'w', NSHARE},      {F_WINR_W, 'n', 'w', NSHARE},
    {F_DISTL_W, 'n', 'w', NDIST},      {F_DISTR_W, 'n', 'w', NDIST},
    {F_PLACEL_W, 'p', 0, PLACES * NDIST}, {F_PLACER_W, 'p', 0, PLACES * NDIST},
    {F_SRANK, 'n', 0, NSMALL},         {F_SSCORE, 'n', 0, NSHARE},
    {F_SCOVER, 'n', 0, NSHARE},        {F_SBEST, 0, 0, 1},
    {F_SWORDS, 'n', 0, NSMALL},        {F_SPAIRS, 'n', 0, 5},
};
#define NFIXED (sizeof fixed_tmpl / sizeof *fixed_tmpl)

/* What scoring reads alike for every question, hashed once with the
 * model: the templates' keys so far (key_for), small numbers, alphabets. */
struct rk_consts {
    uint64_t tmpl[NFEATURES];    /* key_of's state after a template's name */
    size_t fixed_at[NFEATURES];  /* where a fixed template's weights start in a row */
    size_t fixed_row;            /* a wh-word's row: every fixed template's weights */
    uint64_t wh[NWH];            /* wh_words' hashes */
    value num[NSMALL], inq[NINQ];
    letters shapel, gapl;        /* shape_letters, gap_letters */
};

static struct rk_consts *consts_new(void)
{
    struct rk_consts *k = calloc(1, sizeof *k);
    if (!k)
        return NULL;
    for (int t = 0; t < NFEATURES; t++) {
        uint64_t part = part_hash(template_name[t], strlen(template_name[t]));
        k->tmpl[t] = mix64(KEY_SEED ^ part);
    }
    for (size_t v = 0; v < NSMALL; v++)
        k->num[v] = value_of(small[v]);
    for (size_t v = 0; v < NINQ; v++)
        k->inq[v] = value_of(inq_name[v]);
    letters_init(&k->shapel, shape_letters);
    letters_init(&k->gapl, gap_letters);
    for (size_t t = 0; t < NFIXED; t++) {
        k->fixed_at[fixed_tmpl[t].t] = k->fixed_row;
        k->fixed_row += fixed_tmpl[t].n;
    }
    for (size_t h = 0; h < NWH; h++)
        k->wh[h] = value_of(wh_words[h]).h;
    return k;
}

/* The value of kind `kind` (see fixed_tmpl) of index v; NULL none. */
static const value *fixed_value(const struct rk_consts *k, char kind, size_t v, const value *wh)
{
    switch (kind) {
    case 'n': return &k->num[v];
    case 'i': return &k->inq[v];
    case 'g': return &k->gapl.v[v];
    case 's': return &k->shapel.v[v];
    case 'w': return wh;
    default: return NULL;
    }
}

/* Each fixed template's weights for each wh-word, as memo_w would read
 * them: its v-th value's, the values of fixed_tmpl. */
static int fixed_build(vz_ranker *m)
{
    const struct rk_consts *k = m->k;
    if (!(m->fixed = malloc(NWH * k->fixed_row * sizeof *m->fixed)))
        return vz_fail(VZ_ENOMEM, "out of memory");
    for (size_t h = 0; h < NWH; h++) {
        value wh = value_of(wh_words[h]);
        double *row = m->fixed + h * k->fixed_row;
        for (size_t f = 0; f < NFIXED; f++) {
            int t = fixed_tmpl[f].t;
            for (size_t v = 0; v < fixed_tmpl[f].n; v++) {
                const struct fixed_template *ft = &fixed_tmpl[f];
                int place = ft->a == 'p';   /* v = place * NDIST + distance */
                const value *a = place ? &k->num[v / NDIST] : fixed_value(k, ft->a, v, &wh);
                const value *b = place ? &k->num[v % NDIST] : fixed_value(k, ft->b, 0, &wh);
                uint64_t key = k->tmpl[t];
                key = a ? mix64(key ^ a->h) : key;   /* key_for's */
                key = b ? mix64(key ^ b->h) : key;
                row[k->fixed_at[t] + v] = weight_of(m, key ? key : 1);
            }
        }
    }
    return VZ_OK;
}

#define MAX_THIRDS 64        /* third parts shapes_build keeps columns for; more: none */

/* The slot of a shape of hash h in shape_ids: its own or the empty one
 * it would have. */
static size_t shape_slot(const vz_ranker *m, uint64_t h)
{
    size_t mask = m->scap - 1, i = (size_t)h & mask;
    while (m->shape_ids[i].h && m->shape_ids[i].h != h)
        i = (i + 1) & mask;
    return i;
}

/* shape_ids with cap slots, every shape the "sh" lines name given an id
 * (m->nshapes of them). */
static int shape_ids_fill(vz_ranker *m, size_t cap)
{
    free(m->shape_ids);
    m->nshapes = 0;
    if (!(m->shape_ids = calloc(cap, sizeof *m->shape_ids)))
        return vz_fail(VZ_ENOMEM, "out of memory");
    m->scap = cap;
    for (size_t p = 0; p < m->nspairs / 2; p++) {
        uint64_t h = m->spairs[2 * p];
        size_t i = shape_slot(m, h);
        if (h && !m->shape_ids[i].h)
            m->shape_ids[i] = (struct shape_id){h, m->nshapes++, 0};
    }
    return VZ_OK;
}

/* The weights of the span shapes the "sh" lines name (see shape_ids): a
 * shape they do not name weighs 0 in every column, and so does a third
 * part they do not name with any shape. */
static int shapes_build(vz_ranker *m)
{
    size_t pairs = m->nspairs / 2, cap = 16;
    for (size_t p = 0; p < pairs && m->nthirds <= MAX_THIRDS; p++) {
        uint64_t third = m->spairs[2 * p + 1];
        size_t k = 0;
        while (third && k < m->nthirds && m->thirds[k] != third)
            k++;
        if (!third || k < m->nthirds)
            continue;
        if (!m->thirds && !(m->thirds = malloc(MAX_THIRDS * sizeof *m->thirds)))
            return vz_fail(VZ_ENOMEM, "out of memory");
        if (m->nthirds < MAX_THIRDS)
            m->thirds[m->nthirds] = third;
        m->nthirds++;
    }
    if (!pairs || m->nthirds > MAX_THIRDS)
        return VZ_OK;   /* no table: each shape looked up in the buckets */
    while (cap < 2 * pairs)
        cap *= 2;
    int rc = shape_ids_fill(m, cap);   /* counts the shapes, a few lines each */
    for (cap = 16; !rc && cap < 2 * m->nshapes;)
        cap *= 2;
    if (rc || (rc = shape_ids_fill(m, cap)))
        return rc;
    size_t n = m->nshapes;
    if (!(m->shape_w = malloc((m->nthirds ? m->nthirds : 1) * (n ? n : 1) * sizeof *m->shape_w)))
        return vz_fail(VZ_ENOMEM, "out of memory");
    uint64_t tmpl = m->k->tmpl[F_SHAPE];   /* F_SHAPE_Q's and F_SHAPE_W's too: "sh" */
    for (size_t i = 0; i < cap; i++) {
        struct shape_id *si = &m->shape_ids[i];
        if (!si->h)
            continue;
        uint64_t key = mix64(tmpl ^ si->h);   /* key_for's */
        si->sh = weight_of(m, key ? key : 1);
        for (size_t k = 0; k < m->nthirds; k++) {
            uint64_t key3 = mix64(key ^ m->thirds[k]);
            m->shape_w[k * n + si->id] = weight_of(m, key3 ? key3 : 1);
        }
    }
    free(m->spairs);
    m->spairs = NULL;
    m->nspairs = m->capspairs = 0;
    return VZ_OK;
}

/* The column of shape_w of the third part of hash h; NULL none (its
 * weights 0). */
static const double *shape_column(const vz_ranker *m, uint64_t h)
{
    for (size_t k = 0; k < m->nthirds; k++)
        if (m->thirds[k] == h)
            return m->shape_w + k * m->nshapes;
    return NULL;
}

/* A wh2's row of w2_w: its weights with F_LEN_W's values, F_EDGE_W's
 * (memo_w's index), and the features of the wh2 alone. */
enum { W2_LEN = 0, W2_EDGE = W2_LEN + NSMALL, W2_FOCUS_IN = W2_EDGE + NLETTERS * NLETTERS,
       W2_FOCUS_NEXT, W2_FOCUS_PREV, W2_QLEFT, W2_QRIGHT, W2_ROW };

/* The weights of a row's features with the wh2 of hash w2. */
static void w2_row(const vz_ranker *m, uint64_t w2, double *row)
{
    const struct rk_consts *k = m->k;
    static const int alone[] = {F_FOCUS_IN, F_FOCUS_NEXT, F_FOCUS_PREV, F_QLEFT_W, F_QRIGHT_W};
    uint64_t key;
    for (size_t v = 0; v < NSMALL; v++) {   /* key_for's keys */
        key = mix64(mix64(k->tmpl[F_LEN_W] ^ k->num[v].h) ^ w2);
        row[W2_LEN + v] = weight_of(m, key ? key : 1);
    }
    for (size_t e = 0; e < NLETTERS * NLETTERS; e++) {
        char ends[3] = {shape_letters[e / NLETTERS], shape_letters[e % NLETTERS], 0};
        key = mix64(mix64(k->tmpl[F_EDGE_W] ^ part_hash(ends, 2)) ^ w2);
        row[W2_EDGE + e] = weight_of(m, key ? key : 1);
    }
    for (size_t a = 0; a < sizeof alone / sizeof *alone; a++) {
        key = mix64(k->tmpl[alone[a]] ^ w2);
        row[W2_FOCUS_IN + a] = weight_of(m, key ? key : 1);
    }
}

/* The slot of the wh2 of hash h in w2_slots: its own or the empty one. */
static size_t w2_slot(const vz_ranker *m, uint64_t h)
{
    size_t mask = m->w2cap - 1, i = (size_t)h & mask;
    while (m->w2_slots[i].h && m->w2_slots[i].h != h)
        i = (i + 1) & mask;
    return i;
}

static int w2_build(vz_ranker *m)
{
    size_t cap = 16, rows = 0;
    if (!m->nw2s)
        return VZ_OK;
    while (cap < 2 * m->nw2s)
        cap *= 2;
    if (!(m->w2_slots = calloc(cap, sizeof *m->w2_slots)))
        return vz_fail(VZ_ENOMEM, "out of memory");
    m->w2cap = cap;
    for (size_t k = 0; k < m->nw2s; k++) {
        size_t i = w2_slot(m, m->w2s[k]);
        if (m->w2s[k] && !m->w2_slots[i].h)
            m->w2_slots[i] = (struct w2_slot){m->w2s[k], rows++};
    }
    if (!(m->w2_w = malloc((rows ? rows : 1) * W2_ROW * sizeof *m->w2_w)))
        return vz_fail(VZ_ENOMEM, "out of memory");
    for (size_t i = 0; i < cap; i++)
        if (m->w2_slots[i].h)
            w2_row(m, m->w2_slots[i].h, m->w2_w + m->w2_slots[i].row * W2_ROW);
    free(m->w2s);
    m->w2s = NULL;
    m->nw2s = m->capw2s = 0;
    return VZ_OK;
}

/* The weights of a wh2 no line of w2_build's templates names. */
static const double no_w2[W2_ROW] = {0};

/* The row of the wh2 of hash h; NULL none (memo_w). */
static const double *w2_row_of(const vz_ranker *m, uint64_t h)
{
    if (!m->w2cap || !h)
        return NULL;
    const struct w2_slot *s = &m->w2_slots[w2_slot(m, h)];
    return s->h ? m->w2_w + s->row * W2_ROW : no_w2;
}

typedef struct {
    const vz_ranker *m;
    vz_rk_names *names;
    vz_rk_spans *out;
    const uint64_t *tmpl;    /* rk_consts' */
    const value *num, *inq;
    const letters *shapel, *gapl;
    value q, w, w2, pre;
    uint64_t whseed;         /* wh_seed of w */
    const double *fixed;     /* the model's fixed weights of w; NULL none (memo_w) */
    const double *w2row;     /* the model's row of w2; NULL none (memo_w) */
    int shape_table;         /* shape_look reads the model's shape_w */
    const double *shcol_q, *shcol_w;   /* its columns of q and w; NULL none */
    const size_t *fixed_at;  /* rk_consts' */
    /* The sentence being read. */
    const vz_rk_sentence *s;
    size_t sent;
    char *shape;             /* a letter per word */
    char *gap;               /* the punctuation before each word; [ntok]: after the last */
    value *suffix;           /* each word's last letters, lower case: a part of speech's trace */
    char *sufbuf;
    const struct suffix_memo **sufm;   /* each word's ending's weights (scoring); NULL none */
    /* Of the words before word k: the question's, its own, its focus'
     * (a span's count is a difference of two). */
    size_t *asked_before, *own_before, *focus_before;
    vz_rk_marked *mk;        /* the template marks in the sentence, by their start */
    size_t nmk;
    vz_rk_marked *live;      /* of them, those that may overlap a chunk (sentence_spans) */
    double cover;            /* the question's IDF the sentence holds, over all of it */
    double *covers;          /* each sentence's cover, found once */
    double best_cover;       /* the most any sentence read holds */
    size_t words, pairs;     /* the question's words it holds; of them, side by side */
    double sentence, *left, *right;   /* see sentence_parts */
    /* The question's words around each word k (see reach_of): before
     * it, for a span opening on k; from it on, for one closing before k. */
    struct reach {
        double wl, wr;       /* their IDF within WINDOW words, over the question's */
        size_t dl, dr;       /* the nearest one's distance; 0 none */
        int pl, pr;          /* ... and its place in the question (vz_rk_token) */
    } *reach;
    double *acc;             /* the score features add to */
    memos *memo;             /* scoring only; NULL training */
    /* Scoring only: span_part's weights by value, read once a question
     * (span_weights): the loop over spans reads them with no test of
     * which table holds them. */
    struct span_w {
        double len[NSMALL], lenw[NSMALL], inq[NINQ], dist[NDIST], mark[NMARK], markq[NMARK];
        double focus, part;
        double edge[NLETTERS * NLETTERS];   /* by the first and last words' shix */
    } sw;
    unsigned char *shix;     /* each word's shape letter's place in shape_letters */
    /* Scoring only: left_part's and right_part's weights by value (side_weights):
     * the model's fixed row where it has one, else store's. */
    struct side_w {
        const double *punct, *shape, *win, *win_w, *dist_w, *place;
        double focus, q;     /* the word beside the span is of the focus, of the question */
        double store[(sizeof gap_letters - 1) + (sizeof shape_letters - 1) + 2 * NSHARE +
                     NDIST + PLACES * NDIST];
    } lw, rw;
} scoring;

static int grow_keys(vz_rk_spans *o)
{
    void *p = o->keys;
    if (vz_grow(&p, &o->capkeys, o->nkeys + 1, sizeof *o->keys))
        return vz_fail(VZ_ENOMEM, "out of memory");
    o->keys = p;
    return VZ_OK;
}

static int remember(scoring *x, uint64_t key, int t, const value *a, const value *b)
{
    struct name_slot *ns = find_name(x->names, key);
    if (ns->key)
        return VZ_OK;
    vz_buf name = {0};
    int rc = vz_buf_printf(&name, "%s", template_name[t]);
    if (!rc && a)
        rc = vz_buf_printf(&name, "|%.*s", (int)a->n, a->s);
    if (!rc && b)
        rc = vz_buf_printf(&name, "|%.*s", (int)b->n, b->s);
    if (rc)
        return rc;
    *ns = (struct name_slot){key, name.data};
    if (2 * ++x->names->n > x->names->cap)
        return names_grow(x->names);
    return VZ_OK;
}

/* The key of feature t with values a and b (either may be NULL): key_of
 * of its parts, the template's step taken once with the model. */
static uint64_t key_for(const scoring *x, int t, const value *a, const value *b)
{
    uint64_t h = x->tmpl[t];
    if (a)
        h = mix64(h ^ a->h);
    if (b)
        h = mix64(h ^ b->h);
    return h ? h : 1;
}

/* Add feature t with values a and b (either may be NULL) to the last
 * span, and keep it (training). */
static int feature(scoring *x, int t, const value *a, const value *b)
{
    uint64_t key = key_for(x, t, a, b);
    vz_rk_spans *o = x->out;
    *x->acc += x->names ? slot_w(x->m, key) : weight_of(x->m, key);
    if (!x->names)
        return VZ_OK;
    if (grow_keys(o))
        return VZ_ENOMEM;
    o->keys[o->nkeys++] = key;
    o->span[o->n - 1].nfeat++;
    return remember(x, key, t, a, b);
}

/* The weight of feature t with its v-th value (v < NMEMO), a and b, the
 * first time a question asks for it (memo_w). */
static COLD double memo_look(const scoring *x, int t, size_t v, const value *a, const value *b)
{
    memos *mm = x->memo;
    mm->w[t][v] = weight_of(x->m, key_for(x, t, a, b));
    mm->known[t] |= (uint64_t)1 << v;
    return mm->w[t][v];
}

/* The weight of feature t with its v-th value (v < NMEMO), a and b,
 * looked up the first time a question asks for it only: its spans and
 * words share most of their values, and each look-up in the large weight
 * table is a cache miss. */
static inline double memo_w(const scoring *x, int t, size_t v, const value *a, const value *b)
{
    const memos *mm = x->memo;
    return mm->known[t] >> v & 1 ? mm->w[t][v] : memo_look(x, t, v, a, b);
}

/* memo_w of feature t whose first value is letter c of alphabet l. */
static inline double letter_w(const scoring *x, int t, const letters *l, char c, const value *b)
{
    size_t ix = l->ix[(unsigned char)c];
    if (ix < NMEMO)
        return memo_w(x, t, ix, &l->v[ix], b);
    char one[2] = {c, 0};
    value v = value_of(one);
    return weight_of(x->m, key_for(x, t, &v, b));
}

/* The weight of fixed template t with its v-th value, a and b: the
 * model's, read once with it, or memo_w's. */
static inline double fixed_w(const scoring *x, int t, size_t v, const value *a, const value *b)
{
    return x->fixed ? x->fixed[x->fixed_at[t] + v] : memo_w(x, t, v, a, b);
}

/* The weight at of a wh2's row (template t, memo_w's v, a and b). */
static inline double w2_w(const scoring *x, size_t at, int t, size_t v, const value *a,
                          const value *b)
{
    return x->w2row ? x->w2row[at] : memo_w(x, t, v, a, b);
}

/* letter_w of a fixed template. */
static inline double fixed_letter_w(const scoring *x, int t, const letters *l, char c,
                                    const value *b)
{
    size_t ix = l->ix[(unsigned char)c];
    return x->fixed && ix < NMEMO ? x->fixed[x->fixed_at[t] + ix] : letter_w(x, t, l, c, b);
}

/* The memo of word ending suf's features, made when new (*made); NULL
 * when the question's table is half full. */
static struct suffix_memo *suffix_slot(const scoring *x, const value *suf, int *made)
{
    memos *mm = x->memo;
    size_t mask = SUFFIX_MEMO - 1, i = (size_t)suf->h & mask;
    while (bit_of(mm->suffix_used, i) && mm->suffixes[i].h != suf->h)
        i = (i + 1) & mask;
    *made = !bit_of(mm->suffix_used, i);
    if (*made) {
        if (2 * (mm->nsuffixes + 1) > SUFFIX_MEMO)
            return NULL;
        mm->suffix_used[i / 64] |= (uint64_t)1 << (i % 64);
        mm->suffixes[i].h = suf->h;
        mm->nsuffixes++;
    }
    return &mm->suffixes[i];
}

/* The four ending features' weights of the words of a question with
 * the wh-word of hash wh: their table's keys start from wh_seed. */
static uint64_t wh_seed(uint64_t wh)
{
    return mix64(KEY_SEED ^ wh);
}

static uint64_t ending_key(uint64_t seed, uint64_t ending)
{
    uint64_t h = mix64(seed ^ ending);
    return h ? h : 1;
}

/* The weights of an ending no line names. */
static const struct suffix_memo no_ending = {0, {0, 0, 0, 0}};

static const int ending_tmpl[] = {F_FSUF_W, F_LSUF_W, F_HSUF_W, F_RSUF_W};   /* suffix_memo's w[] */

static int endings_build(vz_ranker *m)
{
    size_t pairs = m->nepairs / 2;
    if (!pairs)
        return VZ_OK;
    size_t cap = 16;
    while (cap < 2 * pairs)
        cap *= 2;
    if (!(m->endings = calloc(cap, sizeof *m->endings)))
        return vz_fail(VZ_ENOMEM, "out of memory");
    m->ecap = cap;
    for (size_t p = 0; p < pairs; p++) {
        uint64_t ending = m->epairs[2 * p], wh = m->epairs[2 * p + 1];
        uint64_t key = ending_key(wh_seed(wh), ending);
        size_t i = (size_t)key & (cap - 1);
        while (m->endings[i].h && m->endings[i].h != key)
            i = (i + 1) & (cap - 1);
        if (m->endings[i].h)
            continue;   /* named by another of the four */
        m->endings[i].h = key;
        for (size_t f = 0; f < 4; f++) {   /* key_for's key */
            uint64_t h = mix64(mix64(m->k->tmpl[ending_tmpl[f]] ^ ending) ^ wh);
            m->endings[i].w[f] = slot_w(m, h ? h : 1);
        }
    }
    free(m->epairs);
    m->epairs = NULL;
    m->nepairs = m->capepairs = 0;
    return VZ_OK;
}

/* The weights of the ending of hash `ending` in a question (whseed). */
static const struct suffix_memo *ending_of(const vz_ranker *m, uint64_t seed, uint64_t ending)
{
    uint64_t key = ending_key(seed, ending);
    size_t mask = m->ecap - 1;
    for (size_t i = (size_t)key & mask;; i = (i + 1) & mask)
        if (m->endings[i].h == key)
            return &m->endings[i];
        else if (!m->endings[i].h)
            return &no_ending;
}

/* Each word's ending's weights (x->sufm): a loaded model's from its
 * table; else the new ones looked up together (weights_of): an ending is
 * more often new to a question than not. */
static void suffix_weights(scoring *x)
{
    if (x->m->ecap) {
        for (size_t k = 0; k < x->s->ntok; k++)
            x->sufm[k] = ending_of(x->m, x->whseed, x->suffix[k].h);
        return;
    }
    const int *tmpl = ending_tmpl;
    enum { PER = sizeof ending_tmpl / sizeof *ending_tmpl, BATCH = 16 };
    struct suffix_memo *at[BATCH];
    uint64_t keys[BATCH * PER];
    double w[BATCH * PER];
    size_t n = 0;
    for (size_t k = 0; k <= x->s->ntok; k++) {
        int made = 0;
        struct suffix_memo *sm = k < x->s->ntok ? suffix_slot(x, &x->suffix[k], &made) : NULL;
        if (k < x->s->ntok)
            x->sufm[k] = sm;
        if (sm && made) {   /* an ending met twice in the batch is looked up once */
            for (size_t f = 0; f < PER; f++)
                keys[n * PER + f] = key_for(x, tmpl[f], &x->suffix[k], &x->w);
            at[n++] = sm;
        }
        if (n == BATCH || (k == x->s->ntok && n)) {
            weights_of(x->m, keys, n * PER, w);
            for (size_t b = 0; b < n; b++)
                for (size_t f = 0; f < PER; f++)
                    at[b]->w[f] = w[b * PER + f];
            n = 0;
        }
    }
}

/* The weight of word k's ending's feature f (of struct suffix_memo's
 * four, template t). */
static double suffix_w(const scoring *x, size_t k, size_t f, int t)
{
    const struct suffix_memo *sm = x->sufm[k];
    return sm ? sm->w[f] : weight_of(x->m, key_for(x, t, &x->suffix[k], &x->w));
}

static int year_like(const char *text, const vz_rk_token *t)
{
    if (t->end - t->start != 4)
        return 0;
    for (uint32_t k = t->start; k < t->end; k++)
        if (!isdigit((unsigned char)text[k]))
            return 0;
    return text[t->start] == '1' || text[t->start] == '2';
}

static char shape_of(const char *text, const vz_rk_token *t)
{
    if (t->flags & VZ_TOK_NUMBER)
        return year_like(text, t) ? 'Y' : 'N';
    if (t->flags & VZ_TOK_STOP)
        return t->flags & VZ_TOK_CAPITAL ? 'c' : 's';
    if ((t->flags & VZ_TOK_UPPER) && t->end - t->start > 1)
        return 'U';
    return t->flags & VZ_TOK_CAPITAL ? 'C' : 'l';
}

/* The punctuation between two words, as one letter: ' ' none, ',' a
 * comma, '-' a hyphen, dash or slash, '(' or ')' a bracket, '"' a quote,
 * '.' what ends a clause, 'o' anything else. */
static char gap_of(const char *p, size_t n)
{
    char g = ' ';
    for (size_t k = 0; k < n; k++) {
        unsigned char c = (unsigned char)p[k];
        char h = c == ' ' || c == '\t' || c == '\n' || c == '\r' ? ' '
               : c == ','                                        ? ','
               : c == '-' || c == '/'                            ? '-'
               : c == '(' || c == '['                            ? '('
               : c == ')' || c == ']'                            ? ')'
               : c == '"' || c == '\''                           ? '"'
               : c == '.' || c == ';' || c == ':' || c == '!' || c == '?' ? '.'
                                                                 : 'o';
        if (c == 0xe2 && k + 2 < n && (unsigned char)p[k + 1] == 0x80) {
            unsigned char d = (unsigned char)p[k + 2];
            h = d == 0x93 || d == 0x94 ? '-' : d >= 0x98 && d <= 0x9f ? '"' : 'o';
            k += 2;
        }
        if (h != ' ' && (g == ' ' || h == '.'))
            g = h;
    }
    return g;
}

/* Where a span may not run on: between two words parted by a clause's
 * end, a bracket or a quotation mark. */
static int breaks(char g)
{
    return g == '.' || g == '(' || g == ')' || g == '"';
}

/* 0 none; 1, 2, 3; 4-5; 6-8; 9-13; 14 and on (a table: nearest's
 * distances are under WINDOW * 3 + 1). */
static size_t bucket_distance(size_t d)
{
    static const unsigned char bucket[] = {0, 1, 2, 3, 4, 4, 5, 5, 5, 6, 6, 6, 6, 6, 7, 7};
    return d < sizeof bucket ? bucket[d] : 7;
}

static size_t bucket_share(double x)
{
    size_t b = (size_t)(x * 5 + 0.5);
    return b > 5 ? 5 : b;
}

/* A word's last SUFFIX letters in lower case ("ted" of "borrowed"); a
 * number's is "#". */
static value suffix_of(const char *text, const vz_rk_token *t, char *buf)
{
    size_t n = t->end - t->start, m = n < SUFFIX ? n : SUFFIX;
    /* Whole characters only. */
    while (m && ((unsigned char)text[t->end - m] & 0xc0) == 0x80)
        m--;
    if (t->flags & VZ_TOK_NUMBER)
        m = 0;
    for (size_t k = 0; k < m; k++)
        buf[k] = (char)tolower((unsigned char)text[t->end - m + k]);
    if (!m)
        buf[m++] = '#';
    buf[m] = '\0';
    return (value){buf, m, part_hash(buf, m)};
}

/* Is t the word w (lower case), whatever its case? */
static int same_word(const char *text, const vz_rk_token *t, const char *w)
{
    size_t n = t->end - t->start;
    return strlen(w) == n && !strncasecmp(text + t->start, w, n);
}

/* fmin(1.0, v) without a call to the library: a NaN gives 1 too. */
static double at_most_one(double v)
{
    return v < 1.0 ? v : 1.0;
}

/* fmax(best, v) of two covers (never NaN) without a call to the library. */
static double best_of(double best, double v)
{
    return v > best ? v : best;
}

/* The question's IDF a sentence holds, over all of it. */
static double cover_of(const vz_rk_sentence *s)
{
    double held = 0;
    for (size_t k = 0; k < s->ntok; k++)
        held += s->tok[k].asked ? s->tok[k].idf : 0;
    return s->total_idf > 0 ? at_most_one(held / s->total_idf) : 0;
}

/* The arrays of a sentence, placed once a question for the longest of
 * its sentences (n words), of its marks and of its sentences, in kept's
 * block (grown when too small). */
static int room_for(scoring *x, struct rk_room *kept, size_t n, size_t nmk, size_t nsent)
{
    size_t room = n + 1;
    char *block = NULL;
    for (size_t at = 0, pass = 0; pass < 2; pass++, at = 0) {
        /* The first pass measures, the second places each array. */
#define CARVE(a, count)                                                                      \
    do {                                                                                     \
        at = (at + 15) & ~(size_t)15;                                                        \
        if (block)                                                                           \
            (a) = (void *)(block + at);                                                      \
        at += (count) * sizeof *(a);                                                         \
    } while (0)
        CARVE(x->shape, room);
        CARVE(x->shix, room);
        CARVE(x->gap, room);
        CARVE(x->suffix, room);
        CARVE(x->sufm, room);
        CARVE(x->reach, room);
        CARVE(x->left, room);
        CARVE(x->right, room);
        CARVE(x->asked_before, room);
        CARVE(x->own_before, room);
        CARVE(x->focus_before, room);
        CARVE(x->sufbuf, room * (SUFFIX + 1));
        CARVE(x->mk, nmk + 1);
        CARVE(x->live, nmk + 1);
        CARVE(x->covers, nsent + 1);
#undef CARVE
        if (!pass && at > kept->cap) {
            free(kept->block);
            kept->cap = 0;
            if (!(kept->block = malloc(at)))
                return vz_fail(VZ_ENOMEM, "out of memory");
            kept->cap = at;
        }
        block = kept->block;
    }
    return VZ_OK;
}

static void prepare_sentence(scoring *x, const vz_rk_sentence *s, size_t sent,
                             const vz_rk_marked *mk, size_t nmk)
{
    x->s = s;
    x->sent = sent;
    x->words = x->pairs = 0;
    x->asked_before[0] = x->own_before[0] = x->focus_before[0] = 0;
    for (size_t k = 0; k < s->ntok; k++) {
        const vz_rk_token *t = &s->tok[k];
        x->shape[k] = shape_of(s->text, t);
        x->shix[k] = x->shapel->ix[(unsigned char)x->shape[k]];
        size_t prev = k ? s->tok[k - 1].end : 0;
        x->gap[k] = gap_of(s->text + prev, t->start - prev);
        x->suffix[k] = suffix_of(s->text, t, x->sufbuf + k * (SUFFIX + 1));
        if (t->asked) {
            x->words++;
            x->pairs += k && s->tok[k - 1].asked;
        }
        x->asked_before[k + 1] = x->asked_before[k] + (t->asked != 0);
        x->own_before[k + 1] = x->own_before[k] + (t->own != 0);
        x->focus_before[k + 1] = x->focus_before[k] + (t->focus != 0);
    }
    x->nmk = 0;
    for (size_t k = 0; k < nmk; k++) {
        if (mk[k].sent != sent)
            continue;
        size_t at = x->nmk++;   /* kept by their start: mark_of stops at the span's end */
        for (; at && x->mk[at - 1].start > mk[k].start; at--)
            x->mk[at] = x->mk[at - 1];
        x->mk[at] = mk[k];
    }
    size_t last = s->ntok ? s->tok[s->ntok - 1].end : 0;
    x->gap[s->ntok] = gap_of(s->text + last, s->len - last);
    x->cover = x->covers[sent];
}

/* The IDF of the question's words among words from + step, from + 2
 * step, ... (WINDOW of them, within the sentence's n), nearest first,
 * over the question's. */
static double window_share(const vz_rk_sentence *s, size_t from, int step)
{
    double idf = 0;
    for (size_t d = 1; d <= WINDOW; d++) {
        size_t k = from + (size_t)step * d;   /* wraps past 0 to a large k */
        if (k >= s->ntok)
            break;
        if (s->tok[k].asked)
            idf += s->tok[k].idf;
    }
    return s->total_idf > 0 ? at_most_one(idf / s->total_idf) : 0;
}

/* The distance of word near, a question word (none: SIZE_MAX), from word
 * k, counted when within WINDOW * 3 words; and its place in the question. */
static void nearest(const vz_rk_token *t, size_t near, size_t k, size_t *d, int *place)
{
    size_t far = near == SIZE_MAX ? 0 : near > k ? near - k : k - near;
    *d = far && far <= WINDOW * 3 ? far : 0;
    *place = *d ? (t[near].place < PLACES ? t[near].place : PLACES - 1) : 0;
}

/* Each word's reach: the question's words before word k (for a span
 * opening on k) and from word k on (for one closing before k), the
 * nearest found by one pass each way. */
static void reach_of(scoring *x)
{
    const vz_rk_sentence *s = x->s;
    const vz_rk_token *t = s->tok;
    size_t n = s->ntok, near = SIZE_MAX;
    memset(x->reach, 0, (n + 1) * sizeof *x->reach);
    for (size_t k = 0; k < n; k++) {
        struct reach *r = &x->reach[k];
        /* Most windows hold no question word: their share is 0. */
        if (x->asked_before[k] != x->asked_before[k > WINDOW ? k - WINDOW : 0])
            r->wl = window_share(s, k, -1);
        nearest(t, near, k, &r->dl, &r->pl);
        near = t[k].asked ? k : near;
    }
    near = SIZE_MAX;
    for (size_t k = n; k-- > 0;) {
        struct reach *r = &x->reach[k + 1];
        size_t end = k + 1 + WINDOW < n ? k + 1 + WINDOW : n;
        if (x->asked_before[end] != x->asked_before[k + 1])
            r->wr = window_share(s, k, 1);
        nearest(t, near, k, &r->dr, &r->pr);
        near = t[k].asked ? k : near;
    }
}

/* The template mark of [start, end): 1.. its rank, 0 none; *part when a
 * mark overlaps it without being it.  The marks are the sentence's, by
 * their start (prepare_sentence). */
static HOT int mark_of(const vz_rk_marked *mk, size_t nmk, size_t start, size_t end, int *part)
{
    int rank = 0;
    *part = 0;
    for (size_t k = 0; k < nmk && mk[k].start < end; k++) {
        if (mk[k].end <= start)
            continue;
        if (mk[k].start == start && mk[k].end == end)
            rank = rank && rank < mk[k].rank ? rank : mk[k].rank;
        else
            *part = 1;
    }
    return rank;
}

/* The features of a span's sentence alone. */
static int sentence_features(scoring *x, size_t srank)
{
    int rc = feature(x, F_SRANK, &x->num[srank < NSMALL ? srank : NSMALL - 1], NULL);
    if (!rc) rc = feature(x, F_SSCORE, &x->num[bucket_share(x->s->score)], NULL);
    if (!rc) rc = feature(x, F_SCOVER, &x->num[bucket_share(x->cover)], NULL);
    if (!rc && x->cover >= x->best_cover) rc = feature(x, F_SBEST, NULL, NULL);
    if (!rc) rc = feature(x, F_SWORDS, &x->num[x->words < NSMALL ? x->words : NSMALL - 1], NULL);
    if (!rc) rc = feature(x, F_SPAIRS, &x->num[x->pairs < 4 ? x->pairs : 4], NULL);
    return rc;
}

/* sentence_features' weights summed (scoring), in their order. */
static double sentence_part(const scoring *x, size_t srank)
{
    const value *num = x->num;
    size_t v = srank < NSMALL ? srank : NSMALL - 1;
    double acc = 0;
    acc += fixed_w(x, F_SRANK, v, &num[v], NULL);
    v = bucket_share(x->s->score);
    acc += fixed_w(x, F_SSCORE, v, &num[v], NULL);
    v = bucket_share(x->cover);
    acc += fixed_w(x, F_SCOVER, v, &num[v], NULL);
    if (x->cover >= x->best_cover)
        acc += fixed_w(x, F_SBEST, 0, NULL, NULL);
    v = x->words < NSMALL ? x->words : NSMALL - 1;
    acc += fixed_w(x, F_SWORDS, v, &num[v], NULL);
    v = x->pairs < 4 ? x->pairs : 4;
    acc += fixed_w(x, F_SPAIRS, v, &num[v], NULL);
    return acc;
}

/* The features of a span that opens on word i, whatever its end; kept
 * (training).  left_part adds the same, in the same order. */
static int left_features(scoring *x, size_t i)
{
    const vz_rk_token *t = x->s->tok;
    const value *w = &x->w, *w2 = &x->w2;
    char lp[2] = {x->gap[i], 0}, ls[2] = {i ? x->shape[i - 1] : '^', 0};
    size_t ilp, ils;
    value vlp = letter_value(x->gapl, lp, &ilp), vls = letter_value(x->shapel, ls, &ils);
    size_t wl = bucket_share(x->reach[i].wl), dl = x->reach[i].dl, bl = bucket_distance(dl);
    size_t pl = (size_t)x->reach[i].pl;
    int rc = feature(x, F_LPUNCT_W, &vlp, w);
    if (!rc) rc = feature(x, F_LSHAPE_W, &vls, w);
    if (!rc && i && t[i - 1].focus) rc = feature(x, F_FOCUS_PREV, w2, NULL);
    if (!rc) rc = feature(x, F_WINL, &x->num[wl], NULL);
    if (!rc) rc = feature(x, F_WINL_W, &x->num[wl], w);
    if (!rc) rc = feature(x, F_DISTL_W, &x->num[bl], w);
    if (!rc) rc = feature(x, F_FSUF_W, &x->suffix[i], w);
    if (!rc && i) rc = feature(x, F_LSUF_W, &x->suffix[i - 1], w);
    if (!rc && i && t[i - 1].asked) rc = feature(x, F_QLEFT_W, w2, NULL);
    if (!rc && i && x->pre.n && same_word(x->s->text, &t[i - 1], x->pre.s))
        rc = feature(x, F_PRE_W, &x->pre, w);
    if (!rc && dl) rc = feature(x, F_PLACEL_W, &x->num[pl], &x->num[bl]);
    return rc;
}

/* The features of a span that closes before word j, wherever it opens;
 * kept (training).  right_part adds the same, in the same order. */
static int right_features(scoring *x, size_t j)
{
    const vz_rk_token *t = x->s->tok;
    const value *w = &x->w, *w2 = &x->w2;
    char rp[2] = {x->gap[j], 0}, rs[2] = {j < x->s->ntok ? x->shape[j] : '$', 0};
    size_t irp, irs;
    value vrp = letter_value(x->gapl, rp, &irp), vrs = letter_value(x->shapel, rs, &irs);
    size_t wr = bucket_share(x->reach[j].wr), dr = x->reach[j].dr, br = bucket_distance(dr);
    size_t pr = (size_t)x->reach[j].pr;
    int rc = feature(x, F_RPUNCT_W, &vrp, w);
    if (!rc) rc = feature(x, F_RSHAPE_W, &vrs, w);
    if (!rc && j < x->s->ntok && t[j].focus) rc = feature(x, F_FOCUS_NEXT, w2, NULL);
    if (!rc) rc = feature(x, F_WINR, &x->num[wr], NULL);
    if (!rc) rc = feature(x, F_WINR_W, &x->num[wr], w);
    if (!rc) rc = feature(x, F_DISTR_W, &x->num[br], w);
    if (!rc) rc = feature(x, F_HSUF_W, &x->suffix[j - 1], w);
    if (!rc && j < x->s->ntok) rc = feature(x, F_RSUF_W, &x->suffix[j], w);
    if (!rc && j < x->s->ntok && t[j].asked) rc = feature(x, F_QRIGHT_W, w2, NULL);
    if (!rc && dr) rc = feature(x, F_PLACER_W, &x->num[pr], &x->num[br]);
    return rc;
}

/* One side's weights (see side_w) of the templates t[0, 6): punctuation,
 * shape, window, window with the wh-word, distance, place; focus and q
 * are w2 row's at. */
static void side_weights(scoring *x, struct side_w *sw, const int *t, size_t focus, size_t q)
{
    const value *w = &x->w, *w2 = &x->w2, *num = x->num;
    sw->focus = w2_w(x, focus, t[6], 0, w2, NULL);
    sw->q = w2_w(x, q, t[7], 0, w2, NULL);
    if (x->fixed) {   /* every value of these is in the row */
        const double **col[] = {&sw->punct, &sw->shape, &sw->win, &sw->win_w, &sw->dist_w,
                                &sw->place};
        for (size_t k = 0; k < 6; k++)
            *col[k] = x->fixed + x->fixed_at[t[k]];
        return;
    }
    double *at = sw->store;
    sw->punct = at;
    for (size_t v = 0; v < sizeof gap_letters - 1; v++)
        *at++ = fixed_letter_w(x, t[0], x->gapl, gap_letters[v], w);
    sw->shape = at;
    for (size_t v = 0; v < sizeof shape_letters - 1; v++)
        *at++ = fixed_letter_w(x, t[1], x->shapel, shape_letters[v], w);
    sw->win = at;
    for (size_t v = 0; v < NSHARE; v++)
        *at++ = fixed_w(x, t[2], v, &num[v], NULL);
    sw->win_w = at;
    for (size_t v = 0; v < NSHARE; v++)
        *at++ = fixed_w(x, t[3], v, &num[v], w);
    sw->dist_w = at;
    for (size_t v = 0; v < NDIST; v++)
        *at++ = fixed_w(x, t[4], v, &num[v], w);
    sw->place = at;
    for (size_t v = 0; v < PLACES * NDIST; v++)
        *at++ = fixed_w(x, t[5], v, &num[v / NDIST], &num[v % NDIST]);
}

/* left_features' weights summed (scoring), from the question's side_w
 * (every letter of gap_of and shape_of, and '^', has its place in them;
 * wl <= 5, bl < NDIST, pl < PLACES) and memos. */
static double left_part(const scoring *x, size_t i)
{
    const vz_rk_token *t = x->s->tok;
    const struct side_w *sw = &x->lw;
    const struct reach *r = &x->reach[i];
    size_t wl = bucket_share(r->wl), bl = bucket_distance(r->dl), pl = (size_t)r->pl;
    double acc = 0;
    acc += sw->punct[x->gapl->ix[(unsigned char)x->gap[i]]];
    acc += sw->shape[i ? x->shix[i - 1] : x->shapel->ix['^']];
    if (i && t[i - 1].focus)
        acc += sw->focus;
    acc += sw->win[wl];
    acc += sw->win_w[wl];
    acc += sw->dist_w[bl];
    acc += suffix_w(x, i, 0, F_FSUF_W);
    if (i)
        acc += suffix_w(x, i - 1, 1, F_LSUF_W);
    if (i && t[i - 1].asked)
        acc += sw->q;
    if (i && x->pre.n && same_word(x->s->text, &t[i - 1], x->pre.s))
        acc += memo_w(x, F_PRE_W, 0, &x->pre, &x->w);
    if (r->dl)
        acc += sw->place[pl * NDIST + bl];
    return acc;
}

/* right_features' weights summed (scoring), from the question's memos. */
static double right_part(const scoring *x, size_t j)
{
    const vz_rk_token *t = x->s->tok;
    const struct side_w *sw = &x->rw;
    const struct reach *r = &x->reach[j];
    size_t wr = bucket_share(r->wr), br = bucket_distance(r->dr), pr = (size_t)r->pr;
    int inside = j < x->s->ntok;
    double acc = 0;
    acc += sw->punct[x->gapl->ix[(unsigned char)x->gap[j]]];
    acc += sw->shape[inside ? x->shix[j] : x->shapel->ix['$']];
    if (inside && t[j].focus)
        acc += sw->focus;
    acc += sw->win[wr];
    acc += sw->win_w[wr];
    acc += sw->dist_w[br];
    acc += suffix_w(x, j - 1, 2, F_HSUF_W);
    if (inside)
        acc += suffix_w(x, j, 3, F_RSUF_W);
    if (inside && t[j].asked)
        acc += sw->q;
    if (r->dr)
        acc += sw->place[pr * NDIST + br];
    return acc;
}

/* The collapsed shape of a span's words, read word by word: "CsC" for
 * "Bank of England", at most SHAPE_MAX letters and then '+'; its letters
 * packed in a number too (shape_weights' memo). */
typedef struct {
    char buf[SHAPE_MAX + 2];
    size_t n;
    uint64_t code;
} shape_run;

/* The shape with one more word of shape letter c; whether it changed. */
static int shape_grow(shape_run *r, char c)
{
    unsigned char last = (unsigned char)r->code;   /* its last letter; 0 none */
    if (last == (unsigned char)c || last == '+')
        return 0;
    if (r->n == SHAPE_MAX)
        c = '+';
    r->buf[r->n++] = c;
    r->buf[r->n] = '\0';
    r->code = r->code << 8 | (unsigned char)c;
    return 1;
}

static shape_run span_shape(const scoring *x, size_t i, size_t j)
{
    shape_run r = {{0}, 0, 0};
    for (size_t k = i; k < j; k++)
        shape_grow(&r, x->shape[k]);
    return r;
}

/* What the features of words [i, j) together say of them, but their
 * shape. */
typedef struct {
    size_t len;              /* words, NSMALL - 1 and more alike */
    size_t inq;              /* of inq_name */
    size_t focus;            /* words of the question's focus in it */
    size_t dist;             /* bucket_distance of the nearest question word */
    int mark, part;          /* mark_of; mark at most NMARK - 1 */
} span_facts;

/* The facts of words [i, j); mk[0, nmk) holds every mark of the
 * sentence that may overlap them, by their start. */
static HOT void span_facts_of(const scoring *x, size_t i, size_t j, const vz_rk_marked *mk,
                          size_t nmk, span_facts *f)
{
    const vz_rk_token *t = x->s->tok;
    f->len = j - i < NSMALL ? j - i : NSMALL - 1;
    size_t asked = x->asked_before[j] - x->asked_before[i];
    f->focus = x->focus_before[j] - x->focus_before[i];
    f->inq = !asked ? 0 : asked == j - i ? 2 : 1;
    size_t dl = x->reach[i].dl, dr = x->reach[j].dr;
    f->dist = bucket_distance(!dl ? dr : !dr ? dl : dl < dr ? dl : dr);
    int mark = mark_of(mk, nmk, t[i].start, t[j - 1].end, &f->part);
    f->mark = mark < NMARK - 1 ? mark : NMARK - 1;
}

/* The features of words [i, j) together, each kept (training).  The same
 * features, in the same order, as span_part adds. */
static int span_features(scoring *x, size_t i, size_t j)
{
    const value *w = &x->w, *w2 = &x->w2, *q = &x->q;
    span_facts f;
    span_facts_of(x, i, j, x->mk, x->nmk, &f);
    shape_run r = span_shape(x, i, j);
    char ends[3] = {x->shape[i], x->shape[j - 1], 0};
    value sh = value_of(r.buf), edges = value_of(ends);
    int rc = feature(x, F_LEN, &x->num[f.len], NULL);
    if (!rc) rc = feature(x, F_LEN_W, &x->num[f.len], w2);
    if (!rc) rc = feature(x, F_SHAPE, &sh, NULL);
    if (!rc) rc = feature(x, F_SHAPE_Q, &sh, q);
    if (!rc) rc = feature(x, F_SHAPE_W, &sh, w);
    if (!rc) rc = feature(x, F_EDGE_W, &edges, w2);
    if (!rc) rc = feature(x, F_INQ_W, &x->inq[f.inq], w);
    if (!rc && f.focus) rc = feature(x, F_FOCUS_IN, w2, NULL);
    if (!rc) rc = feature(x, F_DIST, &x->num[f.dist], NULL);
    if (!rc && f.mark) rc = feature(x, F_MARK, &x->num[f.mark], NULL);
    if (!rc && f.mark) rc = feature(x, F_MARK_Q, &x->num[f.mark], q);
    if (!rc && f.part) rc = feature(x, F_MARK_PART, NULL, NULL);
    return rc;
}

/* shape_weights' memo of a shape new to the question, made in its empty
 * slot k; in *spare when the table is too full to keep it. */
static COLD const struct shape_memo *shape_look(const scoring *x, const shape_run *r, size_t k,
                                                struct shape_memo *spare)
{
    memos *mm = x->memo;
    value sh = {r->buf, r->n, part_hash(r->buf, r->n)};
    double w[3] = {0, 0, 0};
    if (x->shape_table && sh.h) {
        const struct shape_id *si = &x->m->shape_ids[shape_slot(x->m, sh.h)];
        if (si->h) {
            w[0] = si->sh;
            w[1] = x->shcol_q ? x->shcol_q[si->id] : 0;
            w[2] = x->shcol_w ? x->shcol_w[si->id] : 0;
        }
    } else {
        uint64_t keys[3] = {key_for(x, F_SHAPE, &sh, NULL), key_for(x, F_SHAPE_Q, &sh, &x->q),
                            key_for(x, F_SHAPE_W, &sh, &x->w)};
        weights_of(x->m, keys, 3, w);
    }
    struct shape_memo m = {r->code, w[0], w[1], w[2]};
    if (2 * (mm->nshapes + 1) > SHAPE_MEMO) {   /* not kept: the table stays half empty */
        *spare = m;
        return spare;
    }
    mm->shape_used[k / 64] |= (uint64_t)1 << (k % 64);
    mm->shapes[k] = m;
    mm->nshapes++;
    return &mm->shapes[k];
}

/* The weights of a span shape's three features, memoised by its code (a
 * memo is never moved nor overwritten while the question is scored);
 * spare: room for one not kept. */
static HOT const struct shape_memo *shape_weights(const scoring *x, const shape_run *r,
                                                 struct shape_memo *spare)
{
    const memos *mm = x->memo;
    /* The code's top bits after a multiplication by 2^64 over the golden
     * ratio (Fibonacci hashing): a shape's letters vary in its low bytes. */
    size_t mask = SHAPE_MEMO - 1, k = (size_t)((r->code * 0x9e3779b97f4a7c15ULL) >> 56) & mask;
    while (bit_of(mm->shape_used, k) && mm->shapes[k].code != r->code)
        k = (k + 1) & mask;
    return bit_of(mm->shape_used, k) ? &mm->shapes[k] : shape_look(x, r, k, spare);
}

/* Every weight span_part adds, by its feature's value, as fixed_w, w2_w
 * and memo_w read them (shape_of's letters are the first NLETTERS of
 * shape_letters: every pair of a span's edges has a place in sw.edge). */
static void span_weights(scoring *x)
{
    struct span_w *sw = &x->sw;
    const value *w = &x->w, *w2 = &x->w2, *q = &x->q, *num = x->num;
    for (size_t v = 0; v < NSMALL; v++) {
        sw->len[v] = fixed_w(x, F_LEN, v, &num[v], NULL);
        sw->lenw[v] = w2_w(x, W2_LEN + v, F_LEN_W, v, &num[v], w2);
    }
    for (size_t v = 0; v < NINQ; v++)
        sw->inq[v] = fixed_w(x, F_INQ_W, v, &x->inq[v], w);
    for (size_t v = 0; v < NDIST; v++)
        sw->dist[v] = fixed_w(x, F_DIST, v, &num[v], NULL);
    sw->mark[0] = sw->markq[0] = 0;   /* no mark: neither added */
    for (size_t v = 1; v < NMARK; v++) {
        sw->mark[v] = fixed_w(x, F_MARK, v, &num[v], NULL);
        sw->markq[v] = memo_w(x, F_MARK_Q, v, &num[v], q);
    }
    sw->focus = w2_w(x, W2_FOCUS_IN, F_FOCUS_IN, 0, w2, NULL);
    sw->part = fixed_w(x, F_MARK_PART, 0, NULL, NULL);
    if (x->w2row) {   /* the row read as is: no edge's letters hashed */
        memcpy(sw->edge, x->w2row + W2_EDGE, sizeof sw->edge);
        return;
    }
    for (size_t e = 0; e < NLETTERS * NLETTERS; e++) {
        char ends[3] = {shape_letters[e / NLETTERS], shape_letters[e % NLETTERS], 0};
        value v = value_of(ends);
        sw->edge[e] = memo_w(x, F_EDGE_W, e, &v, w2);
    }
}

/* score plus span_features' weights (scoring), added one by one in
 * their order, so that the sum is the same to the last bit; the span's
 * shape's weights are sh. */
static HOT double span_part(const scoring *x, size_t i, size_t j, const vz_rk_marked *mk,
                               size_t nmk, const struct shape_memo *sh, double score)
{
    const struct span_w *sw = &x->sw;
    span_facts f;
    span_facts_of(x, i, j, mk, nmk, &f);
    size_t mark = (size_t)f.mark;
    score += sw->len[f.len];
    score += sw->lenw[f.len];
    score += sh->sh;
    score += sh->sh_q;
    score += sh->sh_w;
    score += sw->edge[x->shix[i] * NLETTERS + x->shix[j - 1]];
    score += sw->inq[f.inq];
    if (f.focus)
        score += sw->focus;
    score += sw->dist[f.dist];
    if (mark)
        score += sw->mark[mark];
    if (mark)
        score += sw->markq[mark];
    if (f.part)
        score += sw->part;
    return score;
}

/* Scoring reads the parts of a span's score that hang on its sentence,
 * its first word or its last alone once for each: sentence, left[i] and
 * right[j].  Training, which keeps each span's features, reads them all
 * for every span. */
static int sentence_parts(scoring *x, size_t srank)
{
    size_t n = x->s->ntok;
    suffix_weights(x);
    x->sentence = sentence_part(x, srank);
    for (size_t i = 0; i < n; i++)
        x->left[i] = left_part(x, i);
    for (size_t j = 1; j <= n; j++)
        x->right[j] = right_part(x, j);
    return VZ_OK;
}

/* Room for n more spans. */
static int spans_room(vz_rk_spans *o, size_t n)
{
    void *p = o->span;
    if (vz_grow(&p, &o->cap, o->n + n, sizeof *o->span))
        return vz_fail(VZ_ENOMEM, "out of memory");
    o->span = p;
    return VZ_OK;
}

/* A new span, words [i, j), the room for it made. */
static HOT vz_rk_span *new_span(scoring *x, size_t i, size_t j)
{
    vz_rk_spans *o = x->out;
    const vz_rk_token *t = x->s->tok;
    vz_rk_span *sp = &o->span[o->n++];
    *sp = (vz_rk_span){x->sent, i, j, t[i].start, t[j - 1].end, 0, 0, o->nkeys, 0};
    return sp;
}

static int add_span(scoring *x, size_t i, size_t j, size_t srank)
{
    if (spans_room(x->out, 1))
        return VZ_ENOMEM;
    vz_rk_span *sp = new_span(x, i, j);
    x->acc = &sp->score;
    if (!x->names) {
        shape_run r = span_shape(x, i, j);
        struct shape_memo spare;
        const struct shape_memo *sh = shape_weights(x, &r, &spare);
        sp->score = span_part(x, i, j, x->mk, x->nmk, sh, x->sentence + x->left[i] + x->right[j]);
        return VZ_OK;
    }
    int rc = sentence_features(x, srank);
    if (!rc) rc = left_features(x, i);
    if (!rc) rc = right_features(x, j);
    if (!rc) rc = span_features(x, i, j);
    return rc;
}

/* May a span open or close on word k? Not on a stop word. */
static int edge(const vz_rk_token *t)
{
    return !(t->flags & VZ_TOK_STOP) || (t->flags & VZ_TOK_NUMBER);
}

/* The question's own words are never its answer. */
static int all_asked(const scoring *x, size_t i, size_t j)
{
    return x->own_before[j] - x->own_before[i] == j - i;
}

/* A mark whose words no chunk covers (longer, or across punctuation). */
static int marked_spans(scoring *x, const vz_rk_marked *mk, size_t nmk, size_t srank)
{
    const vz_rk_sentence *s = x->s;
    for (size_t k = 0; k < nmk; k++) {
        if (mk[k].sent != x->sent)
            continue;
        size_t i = 0, j = s->ntok;
        while (i < j) {   /* the first word not before the mark: words come in order */
            size_t mid = i + (j - i) / 2;
            if (s->tok[mid].start < mk[k].start)
                i = mid + 1;
            else
                j = mid;
        }
        for (j = i; j < s->ntok && s->tok[j].end < mk[k].end; j++)
            ;
        if (i >= s->ntok || j >= s->ntok || s->tok[i].start != mk[k].start ||
            s->tok[j].end != mk[k].end)
            continue;
        j++;
        int crosses = 0;
        for (size_t b = i + 1; b < j; b++)
            crosses |= breaks(x->gap[b]);
        if ((j - i <= x->m->max_words && !crosses && edge(&s->tok[i]) &&
             edge(&s->tok[j - 1])) || all_asked(x, i, j))
            continue;   /* a chunk already, or no answer */
        int rc = add_span(x, i, j, srank);
        if (rc)
            return rc;
    }
    return VZ_OK;
}

/* The chunks of the sentence, then its marks that are none.  Scoring
 * reads each chunk's shape on from the one before, which opens on the
 * same word. */
static int sentence_spans(scoring *x, const vz_rk_marked *mk, size_t nmk, size_t srank)
{
    const vz_rk_sentence *s = x->s;
    size_t most = x->m->max_words;
    int rc = x->names ? VZ_OK : sentence_parts(x, srank);
    if (!rc && !x->names)
        rc = spans_room(x->out, s->ntok * most);   /* at most most chunks open on a word */
    size_t nlive = 0;        /* the marks that do not end before word i */
    size_t gone = 0;         /* the first of them to end: until word i opens there, all stay */
    for (size_t i = 0; !rc && i < s->ntok; i++) {
        if (!edge(&s->tok[i]))
            continue;
        shape_run r = {{0}, 0, 0};
        struct shape_memo spare;
        const struct shape_memo *sh = NULL;
        int stale = 1;       /* sh is not r's */
        double base = x->names ? 0 : x->sentence + x->left[i];
        if (s->tok[i].start >= gone) {
            nlive = 0;
            gone = SIZE_MAX;
            for (size_t k = 0; k < x->nmk; k++)
                if (x->mk[k].end > s->tok[i].start) {
                    x->live[nlive++] = x->mk[k];
                    gone = x->mk[k].end < gone ? x->mk[k].end : gone;
                }
        }
        for (size_t j = i + 1; !rc && j <= s->ntok && j - i <= most; j++) {
            stale |= shape_grow(&r, x->shape[j - 1]);
            if (j > i + 1 && breaks(x->gap[j - 1]))
                break;
            if (!edge(&s->tok[j - 1]) || all_asked(x, i, j))
                continue;
            if (x->names) {
                rc = add_span(x, i, j, srank);
                continue;
            }
            if (stale)
                sh = shape_weights(x, &r, &spare);
            stale = 0;
            new_span(x, i, j)->score = span_part(x, i, j, x->live, nlive, sh, base + x->right[j]);
        }
    }
    if (x->out->open)
        x->out->open[2 * x->sent + 1] = x->out->n;
    return rc ? rc : marked_spans(x, mk, nmk, srank);
}

static int by_span_score(const void *a, const void *b)
{
    const vz_rk_span *x = a, *y = b;
    if (x->score != y->score)
        return x->score < y->score ? 1 : -1;
    if (x->sent != y->sent)
        return x->sent < y->sent ? -1 : 1;
    if (x->i != y->i)
        return x->i < y->i ? -1 : 1;
    return (x->j > y->j) - (x->j < y->j);
}

/* A number that orders like score, best first. */
static uint64_t order_key(double score)
{
    uint64_t u;
    score = score == 0 ? 0 : score;   /* -0 ties with 0, as it compares */
    memcpy(&u, &score, sizeof u);
    u = u >> 63 ? ~u : u | (uint64_t)1 << 63;   /* a double's bits, ordered as it */
    return ~u;
}

#define RUN 8                /* sort_spans' first runs, sorted by insertion */

/* Each run of RUN numbers of a[0, n) sorted, by insertion. */
static void sort_runs(uint64_t *a, size_t n)
{
    for (size_t lo = 0; lo < n; lo += RUN)
        for (size_t k = lo + 1; k < n && k < lo + RUN; k++) {
            uint64_t v = a[k];
            size_t at = k;
            for (; at > lo && a[at - 1] > v; at--)
                a[at] = a[at - 1];
            a[at] = v;
        }
}

/* Merge sort: runs of width w in a merged into b. */
static void merge_pass(const uint64_t *a, uint64_t *b, size_t n, size_t w)
{
    for (size_t lo = 0; lo < n; lo += 2 * w) {
        size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
        size_t i = lo, j = mid, k = lo;
        while (i < mid && j < hi)
            b[k++] = a[j] < a[i] ? a[j++] : a[i++];
        while (i < mid)
            b[k++] = a[i++];
        while (j < hi)
            b[k++] = a[j++];
    }
}

/* The spans in by_span_score's order, as qsort would leave them (glibc's
 * is a stable merge sort).  Sorting whole numbers costs a third of qsort:
 * each span's order_key with its index in its low bits (unique numbers,
 * and the index of a span among near ties); then spans whose keys differ
 * in those bits alone, in index order, put in by_span_score's by a
 * stable insertion. */
static int sort_spans(vz_rk_spans *o)
{
    size_t n = o->n, bits = 1;
    while (bits < 63 && (size_t)1 << bits < n)
        bits++;
    uint64_t low = ((uint64_t)1 << bits) - 1;
    uint64_t *a = malloc((2 * n + 1) * sizeof *a), *b = a + n;
    vz_rk_span *sorted = malloc((n + 1) * sizeof *sorted);
    if (!a || !sorted) {
        free(a);
        free(sorted);
        return vz_fail(VZ_ENOMEM, "out of memory");
    }
    for (size_t k = 0; k < n; k++)
        a[k] = (order_key(o->span[k].score) & ~low) | k;
    sort_runs(a, n);
    for (size_t w = RUN; w < n; w *= 2) {
        merge_pass(a, b, n, w);
        uint64_t *t = a;
        a = b;
        b = t;
    }
    for (size_t k = 0; k < n; k++)
        sorted[k] = o->span[a[k] & low];
    for (size_t k = 1, first = 0; k < n; k++) {
        if ((a[k] & ~low) != (a[k - 1] & ~low)) {
            first = k;
            continue;
        }
        vz_rk_span t = sorted[k];
        size_t at = k;
        for (; at > first && by_span_score(&sorted[at - 1], &t) > 0; at--)
            sorted[at] = sorted[at - 1];
        sorted[at] = t;
    }
    free(a < b ? a : b);
    free(o->span);
    o->span = sorted;
    o->cap = n + 1;
    return VZ_OK;
}

static void softmax(vz_rk_spans *o)
{
    double top = -INFINITY, sum = 0;
    for (size_t k = 0; k < o->n; k++)
        top = o->span[k].score > top ? o->span[k].score : top;
    for (size_t k = 0; k < o->n; k++)
        sum += (o->span[k].prob = exp(o->span[k].score - top));
    for (size_t k = 0; k < o->n; k++)
        o->span[k].prob /= sum;
}

void vz_rk_question_init(vz_rk_question *q, const char *text, size_t len, const char *type,
                         const char *label)
{
    *q = (vz_rk_question){type, label ? label : "", "other", "other", ""};
    char word[16], prev[16] = "", before[16] = "";
    for (size_t k = 0; k < len;) {
        while (k < len && !isalnum((unsigned char)text[k]))
            k++;
        size_t n = 0;
        for (; k < len && isalnum((unsigned char)text[k]); k++)
            if (n + 1 < sizeof word)
                word[n++] = (char)tolower((unsigned char)text[k]);
        word[n] = '\0';
        if (!n)
            break;
        if (prev[0]) {
            size_t p = strlen(prev);   /* under 16, as n: both fit wh2 */
            memcpy(q->wh2, prev, p);
            q->wh2[p] = ' ';
            memcpy(q->wh2 + p + 1, word, n + 1);
            return;
        }
        /* word and before fit every field they are copied to (n < 16). */
        for (size_t i = 0; i < NWH - 1; i++)   /* but "other" */
            if (!strcmp(word, wh_words[i])) {
                memcpy(q->wh, word, n + 1);
                memcpy(q->wh2, word, n + 1);
                memcpy(q->pre, before, strlen(before) + 1);
                memcpy(prev, word, n + 1);
                break;
            }
        memcpy(before, word, n + 1);
    }
}

/* s put after buf[0, *n), cut as snprintf cuts it: buf[0, size - 1) at
 * most, NUL-terminated. */
static void append_cut(char *buf, size_t size, size_t *n, const char *s)
{
    size_t k = strlen(s);
    k = k < size - 1 - *n ? k : size - 1 - *n;
    memcpy(buf + *n, s, k);
    *n += k;
    buf[*n] = '\0';
}

/* Every span of sentences[0, nsent) scored, in reading order, with names
 * kept when training (names). */
static int score_spans(const vz_ranker *m, const vz_rk_question *q, const vz_rk_sentence *sent,
                       size_t nsent, const vz_rk_marked *marked, size_t nmarked,
                       vz_rk_names *names, vz_rk_spans *out)
{
    const struct rk_consts *c = m->k;
    scoring x = {.m = m, .names = names, .out = out, .tmpl = c->tmpl, .num = c->num,
                 .inq = c->inq, .shapel = &c->shapel, .gapl = &c->gapl};
    char qname[64];
    size_t nq = 0;
    append_cut(qname, sizeof qname, &nq, q->type);
    if (q->label[0]) {
        append_cut(qname, sizeof qname, &nq, ":");
        append_cut(qname, sizeof qname, &nq, q->label);
    }
    x.q = (value){qname, nq, part_hash(qname, nq)};
    x.w = value_of(q->wh);
    x.whseed = wh_seed(x.w.h);
    x.fixed_at = c->fixed_at;
    for (size_t h = 0; m->fixed && h < NWH; h++)
        x.fixed = c->wh[h] == x.w.h && !strcmp(q->wh, wh_words[h])
                      ? m->fixed + h * c->fixed_row : x.fixed;
    x.w2 = value_of(q->wh2);
    x.pre = value_of(q->pre);
    x.w2row = w2_row_of(m, x.w2.h);
    x.shape_table = m->scap && x.q.h && x.w.h;   /* 0: no third part's hash */
    x.shcol_q = x.shape_table ? shape_column(m, x.q.h) : NULL;
    x.shcol_w = x.shape_table ? shape_column(m, x.w.h) : NULL;
    if (!out->room && !(out->room = calloc(1, sizeof *out->room)))
        return vz_fail(VZ_ENOMEM, "out of memory");
    if (!names) {
        x.memo = &out->room->memo;
        memos_clear(x.memo);
        span_weights(&x);
        static const int left[] = {F_LPUNCT_W, F_LSHAPE_W, F_WINL, F_WINL_W, F_DISTL_W,
                                   F_PLACEL_W, F_FOCUS_PREV, F_QLEFT_W};
        static const int right[] = {F_RPUNCT_W, F_RSHAPE_W, F_WINR, F_WINR_W, F_DISTR_W,
                                    F_PLACER_W, F_FOCUS_NEXT, F_QRIGHT_W};
        side_weights(&x, &x.lw, left, W2_FOCUS_PREV, W2_QLEFT);
        side_weights(&x, &x.rw, right, W2_FOCUS_NEXT, W2_QRIGHT);
    }
    size_t most = 0;
    for (size_t k = 0; k < nsent; k++)
        most = sent[k].ntok > most ? sent[k].ntok : most;
    int rc = room_for(&x, out->room, most, nmarked, nsent);
    for (size_t k = 0; !rc && k < nsent; k++)
        x.best_cover = best_of(x.best_cover, x.covers[k] = cover_of(&sent[k]));
    for (size_t k = 0; !rc && k < nsent; k++) {
        prepare_sentence(&x, &sent[k], k, marked, nmarked);
        reach_of(&x);
        if (out->open)
            out->open[2 * k] = out->n;
        rc = sentence_spans(&x, marked, nmarked, k);
    }
    if (out->open)
        out->open[2 * nsent] = out->n;
    return rc;
}

int vz_rk_score(const vz_ranker *m, const vz_rk_question *q, const vz_rk_sentence *sent,
                size_t nsent, const vz_rk_marked *marked, size_t nmarked, vz_rk_names *names,
                vz_rk_spans *out)
{
    int rc = score_spans(m, q, sent, nsent, marked, nmarked, names, out);
    if (rc)
        return rc;
    softmax(out);
    return sort_spans(out);
}

/* Is span a before span b in vz_rk_score's order?  Spans alike in score
 * and words (a mark's twice) keep the order of the array they are in. */
static int ranks_before(const vz_rk_span *a, const vz_rk_span *b)
{
    int c = by_span_score(a, b);
    return c ? c < 0 : a < b;
}

/* The best want spans of o, best first, into o->best: each span goes in
 * after those it ties with, as the stable sort leaves it. */
static int select_best(vz_rk_spans *o, size_t want)
{
    size_t nb = 0, n = o->n;
    const vz_rk_span *span = o->span;
    vz_rk_span *best;
    if (!want || !n)
        return VZ_OK;
    if (!(o->best = best = malloc(want * sizeof *best)))
        return vz_fail(VZ_ENOMEM, "out of memory");
    double floor = -INFINITY;   /* the last kept's score once want are kept */
    for (size_t k = 0; k < n; k++) {
        const vz_rk_span *s = &span[k];
        if (s->score < floor)
            continue;   /* most spans: below the last kept, not one of the best */
        size_t at = nb;
        for (; at && by_span_score(s, &best[at - 1]) < 0; at--)
            ;
        if (at == want)
            continue;
        size_t last = nb < want ? nb : want - 1;
        memmove(&best[at + 1], &best[at], (last - at) * sizeof *best);
        best[at] = *s;
        nb = last + 1;
        floor = nb == want ? best[want - 1].score : floor;
    }
    o->nbest = nb;
    return VZ_OK;
}

int vz_rk_rank(const vz_ranker *m, const vz_rk_question *q, const vz_rk_sentence *sent,
               size_t nsent, const vz_rk_marked *marked, size_t nmarked, size_t want,
               vz_rk_spans *out)
{
    if (!(out->open = malloc((2 * nsent + 1) * sizeof *out->open)))
        return vz_fail(VZ_ENOMEM, "out of memory");
    out->nsent = nsent;
    out->widest = m->max_words;
    int rc = score_spans(m, q, sent, nsent, marked, nmarked, NULL, out);
    if (rc)
        return rc;
    out->reading = 1;
    softmax(out);
    return select_best(out, want);
}

/* The F1 span a scores where span b is the answer: their words' overlap. */
static double overlap_f1(const vz_rk_span *a, const vz_rk_span *b)
{
    if (a->sent != b->sent)
        return 0;
    size_t lo = a->i > b->i ? a->i : b->i, hi = a->j < b->j ? a->j : b->j;
    return hi > lo ? 2.0 * (double)(hi - lo) / (double)(a->j - a->i + b->j - b->i) : 0;
}

/* Where sentence sent's spans open in a reading-ordered sp (they run on
 * while their sentence is sent). */
static size_t sentence_first(const vz_rk_spans *sp, size_t sent)
{
    size_t a = 0, b = sp->n;
    while (a < b) {
        size_t mid = a + (b - a) / 2;
        if (sp->span[mid].sent < sent)
            a = mid + 1;
        else
            b = mid;
    }
    return a;
}

/* Does span t share a word with span s (both of one sentence)? */
static int shares_words(const vz_rk_span *s, const vz_rk_span *t)
{
    return t->sent == s->sent && t->i < s->j && s->i < t->j;
}

/* Span t put among list[0, n) (kept in vz_rk_score's order, t after each
 * of them in the array). */
static void insert_ranked(const vz_rk_span **list, size_t n, const vz_rk_span *t)
{
    size_t at = n;
    for (; at && ranks_before(t, list[at - 1]); at--)
        list[at] = list[at - 1];
    list[at] = t;
}

#define NEAR_MAX 256         /* spans near one kept on the stack (vz_rk_expected_f1) */
#define NEAR_LOW ((uint64_t)NEAR_MAX - 1)

/* vz_rk_expected_f1 of a reading-ordered sp: the spans that share words
 * with s added in vz_rk_score's order, so that the sum is the same to the
 * last bit.  They are of s's sentence: their order is order_key's, then
 * their words', then the array's.  Sorted as whole numbers (order_key's
 * bits above NEAR_LOW, their place in who[] below: a stable insertion),
 * then those alike in the bits above put in by_span_score's order. */
static double expected_f1_reading(const vz_rk_spans *sp, const vz_rk_span *s)
{
    uint64_t below[NEAR_MAX + 1], *near = below + 1;
    const vz_rk_span *who[NEAR_MAX];
    below[0] = 0;   /* near[-1]: above no number, the insertion's stop */
    if (s->sent >= sp->nsent)
        return 0;
    const size_t *open = &sp->open[2 * s->sent];
    size_t lo = open[0], hi = open[2], n = 0;
    /* The chunks that may reach s: from the first whose widest reach
     * does, until one opens after s; then every mark. */
    size_t a = lo, b = open[1];
    while (a < b) {
        size_t mid = a + (b - a) / 2;
        if (sp->span[mid].i + sp->widest <= s->i)
            a = mid + 1;
        else
            b = mid;
    }
    for (size_t k = a; k < hi; k++) {
        const vz_rk_span *t = &sp->span[k];
        if (k < open[1] && t->i >= s->j) {
            k = open[1] - 1;   /* no chunk after this one reaches s */
            continue;
        }
        if (!(t->i < s->j && s->i < t->j) || n > NEAR_MAX)
            continue;
        if (n == NEAR_MAX) {
            n++;
            continue;   /* too many: see below */
        }
        uint64_t v = (order_key(t->score) & ~NEAR_LOW) | n;
        size_t at = n;
        for (; near[at - 1] > v; at--)
            near[at] = near[at - 1];
        near[at] = v;
        who[n++] = t;
    }
    for (size_t k = 1, first = 0; k < n && n <= NEAR_MAX; k++) {
        if ((near[k] & ~NEAR_LOW) != (near[k - 1] & ~NEAR_LOW)) {
            first = k;
            continue;
        }
        uint64_t v = near[k];
        size_t at = k;
        for (; at > first && by_span_score(who[near[at - 1] & NEAR_LOW], who[v & NEAR_LOW]) > 0;
             at--)
            near[at] = near[at - 1];
        near[at] = v;
    }
    double gain = 0;
    if (n <= NEAR_MAX) {
        for (size_t k = 0; k < n; k++)
            gain += who[near[k] & NEAR_LOW]->prob * overlap_f1(s, who[near[k] & NEAR_LOW]);
        return gain;
    }
    /* Too many to keep: each next one found by a pass of its own. */
    for (const vz_rk_span *prev = NULL;;) {
        const vz_rk_span *next = NULL;
        for (size_t k = lo; k < hi; k++) {
            const vz_rk_span *t = &sp->span[k];
            if (shares_words(s, t) && (!prev || ranks_before(prev, t)) &&
                (!next || ranks_before(t, next)))
                next = t;
        }
        if (!next)
            return gain;
        gain += next->prob * overlap_f1(s, next);
        prev = next;
    }
}

double vz_rk_expected_f1(const vz_rk_spans *sp, const vz_rk_span *s)
{
    if (sp->reading)
        return expected_f1_reading(sp, s);
    /* A span apart from s adds nothing to the sum, not even a rounding. */
    double gain = 0;
    for (size_t k = 0; k < sp->n; k++) {
        const vz_rk_span *t = &sp->span[k];
        if (shares_words(s, t))
            gain += t->prob * overlap_f1(s, t);
    }
    return gain;
}

int vz_rk_overlapping(const vz_rk_spans *sp, size_t sent, size_t start, size_t end,
                      const vz_rk_span ***out, size_t *n)
{
    size_t lo = 0, hi = sp->n;
    if (sp->reading)
        for (hi = lo = sentence_first(sp, sent); hi < sp->n && sp->span[hi].sent == sent;)
            hi++;
    *n = 0;
    if (!(*out = malloc((hi - lo + 1) * sizeof **out)))
        return vz_fail(VZ_ENOMEM, "out of memory");
    for (size_t k = lo; k < hi; k++) {
        const vz_rk_span *t = &sp->span[k];
        if (t->sent != sent || t->start >= end || t->end <= start)
            continue;
        if (sp->reading)
            insert_ranked(*out, (*n)++, t);
        else
            (*out)[(*n)++] = t;
    }
    return VZ_OK;
}

void vz_rk_spans_free(vz_rk_spans *s)
{
    free(s->span);
    free(s->keys);
    free(s->best);
    free(s->open);
    if (s->room)
        free(s->room->block);
    free(s->room);
    *s = (vz_rk_spans){0};
}

/* Emptied for the next question, the room of its spans and keys kept:
 * a reader's spans grow once, not once a question. */
void vz_rk_spans_empty(vz_rk_spans *s)
{
    free(s->best);
    free(s->open);
    *s = (vz_rk_spans){.span = s->span, .cap = s->cap, .keys = s->keys, .capkeys = s->capkeys,
                       .room = s->room};
}

/* ---- training ----------------------------------------------------------------- */

int vz_ranker_count(vz_ranker *m, const vz_rk_spans *s)
{
    m->counted++;
    for (size_t k = 0; k < s->nkeys; k++) {
        slot *w;
        if (slot_of(m, s->keys[k], &w))
            return VZ_ENOMEM;
        if (w->last != m->counted) {
            w->last = m->counted;
            w->seen++;
        }
    }
    return VZ_OK;
}

/* A feature seen in few questions has a weight that says little, and
 * learning one lets the model learn those questions by heart. */
static slot *learnable(const vz_ranker *m, uint64_t key)
{
    slot *w = find(m, key);
    return w->key && w->seen >= MIN_SEEN ? w : NULL;
}

int vz_ranker_train_step(vz_ranker *m, const vz_rk_spans *s, const unsigned char *gold,
                         double rate, double l2, double *loss)
{
    double right = 0;
    for (size_t k = 0; k < s->n; k++)
        right += gold[k] ? s->span[k].prob : 0;
    *loss = right > 0 ? -log(right) : 0;
    if (right <= 0)
        return VZ_OK;
    for (size_t k = 0; k < s->n; k++) {
        const vz_rk_span *sp = &s->span[k];
        /* d loss / d score: its share minus its share of the right ones. */
        double g = sp->prob - (gold[k] ? sp->prob / right : 0);
        if (fabs(g) < 1e-5)
            continue;
        for (size_t f = 0; f < sp->nfeat; f++) {
            slot *w = learnable(m, s->keys[sp->first + f]);
            if (!w)
                continue;
            double gw = g + l2 * w->w, step = rate * gw / sqrt(w->g2 + gw * gw + 1e-8);
            w->g2 += gw * gw;
            w->w -= step;
        }
    }
    return VZ_OK;
}

typedef struct {
    const char *name;
    double w;
} named_weight;

static int by_name(const void *a, const void *b)
{
    return strcmp(((const named_weight *)a)->name, ((const named_weight *)b)->name);
}

int vz_ranker_save(const vz_ranker *m, const vz_rk_names *names, const char *header,
                   double min_weight, const char *path)
{
    named_weight *list = malloc((m->n ? m->n : 1) * sizeof *list);
    if (!list)
        return vz_fail(VZ_ENOMEM, "out of memory");
    size_t n = 0;
    for (size_t i = 0; i < m->cap; i++) {
        const char *name = m->slots[i].key ? vz_rk_names_get(names, m->slots[i].key) : NULL;
        double w = m->slots[i].w;
        if (name && fabs(w) >= min_weight && m->slots[i].seen >= MIN_SEEN)
            list[n++] = (named_weight){name, w};
    }
    qsort(list, n, sizeof *list, by_name);
    vz_buf b = {0};
    int rc = vz_buf_printf(&b, "%s@sentences %zu\n@max_words %zu\n@sure %g\n", header,
                           m->sentences, m->max_words, m->sure);
    for (size_t i = 0; !rc && i < n; i++)
        rc = vz_buf_printf(&b, "%s\t%.4g\n", list[i].name, list[i].w);
    free(list);
    if (rc)
        return rc;
    FILE *f = fopen(path, "w");
    int bad = !f;
    if (f) {
        bad = fwrite(b.data, 1, b.len, f) != b.len;
        bad |= fclose(f) != 0;
    }
    vz_buf_free(&b);
    return bad ? vz_fail(VZ_EIO, "cannot write %s: check the folder exists and is writable", path)
               : VZ_OK;
}
