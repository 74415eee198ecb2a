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
#define PLACES 4             /* places of a question word told apart: 0, 1, 2, 3 and on */

typedef struct {
    uint64_t key;            /* 0: an empty slot */
    double w, g2;            /* weight; squared gradients so far (training) */
    double seen;             /* questions it was a feature of (vz_ranker_count) */
    size_t last;             /* the last of them, counting from 1 */
} slot;

struct vz_ranker {
    slot *slots;
    size_t cap, n;           /* cap a power of 2, at most half full */
    size_t sentences, max_words;
    double sure;             /* its best answer's share from which it overrules the templates */
    size_t counted;          /* questions vz_ranker_count has seen */
    /* A loaded model's weights packed for look-ups: a quarter the size. */
    struct packed {
        uint64_t key;        /* 0: empty */
        double w;
    } *packed;
    size_t pcap;             /* a power of 2, at most half full */
};

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
    uint64_t h = 0x51ed270b27a3f8c5ULL;
    for (size_t i = 0; i < n; i++)
        h = mix64(h ^ parts[i]);
    return h ? h : 1;
}

/* The key of a feature named "part|part|part". */
static uint64_t key_of_name(const char *name, size_t len)
{
    uint64_t parts[MAX_PARTS];
    size_t n = 0, s = 0;
    for (size_t i = 0; i <= len && n < MAX_PARTS; i++)
        if (i == len || name[i] == '|') {
            parts[n++] = part_hash(name + s, i - s);
            s = i + 1;
        }
    return key_of(parts, n);
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

static double weight_of(const vz_ranker *m, uint64_t key)
{
    if (m->packed) {
        size_t mask = m->pcap - 1;
        for (size_t i = (size_t)key & mask;; i = (i + 1) & mask)
            if (m->packed[i].key == key || !m->packed[i].key)
                return m->packed[i].w;
    }
    if (!m->n)
        return 0;
    const slot *s = find(m, key);
    return s->key ? s->w : 0;
}

int vz_ranker_new(vz_ranker **out)
{
    *out = calloc(1, sizeof **out);
    if (!*out)
        return vz_fail(VZ_ENOMEM, "out of memory");
    (*out)->sentences = DEFAULT_SENTENCES;
    (*out)->max_words = DEFAULT_MAX_WORDS;
    (*out)->sure = DEFAULT_SURE;
    if (grow(*out)) {
        free(*out);
        *out = NULL;
        return VZ_ENOMEM;
    }
    return VZ_OK;
}

void vz_ranker_free(vz_ranker *m)
{
    if (!m)
        return;
    free(m->slots);
    free(m->packed);
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
    slot *s;
    int rc = slot_of(m, key_of_name(line, (size_t)(tab - line)), &s);
    if (!rc)
        s->w = x;
    return rc;
}

/* The weights, packed for scoring (a loaded model is never trained). */
static int pack(vz_ranker *m)
{
    m->pcap = 16;
    while (m->pcap < 2 * m->n)
        m->pcap *= 2;
    if (!(m->packed = calloc(m->pcap, sizeof *m->packed)))
        return vz_fail(VZ_ENOMEM, "out of memory");
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->slots[i].key)
            continue;
        size_t mask = m->pcap - 1, k = (size_t)m->slots[i].key & mask;
        while (m->packed[k].key)
            k = (k + 1) & mask;
        m->packed[k] = (struct packed){m->slots[i].key, m->slots[i].w};
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
    else
        rc = pack(*out);
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

/* Small numbers as values: buckets, ranks. */
static const char *const small[] = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
#define NSMALL (sizeof small / sizeof *small)

typedef struct {
    const vz_ranker *m;
    vz_rk_names *names;
    vz_rk_spans *out;
    uint64_t tmpl[NFEATURES];
    value q, w, w2, pre, num[NSMALL];
    /* The sentence being read. */
    const vz_rk_sentence *s;
    size_t sent;
    char *shape;             /* a letter per word */
    char *gap;               /* the punctuation before each word; [ntok]: after the last */
    value *suffix;           /* each word's last letters, lower case: a part of speech's trace */
    char *sufbuf;
    double cover;            /* the question's IDF the sentence holds, over all of it */
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

/* Add feature t with values a and b (either may be NULL) to the last span. */
static int feature(scoring *x, int t, const value *a, const value *b)
{
    uint64_t parts[MAX_PARTS] = {x->tmpl[t]};
    size_t n = 1;
    if (a)
        parts[n++] = a->h;
    if (b)
        parts[n++] = b->h;
    uint64_t key = key_of(parts, n);
    vz_rk_spans *o = x->out;
    *x->acc += weight_of(x->m, key);
    if (!x->names)
        return VZ_OK;   /* the features are kept for training only */
    if (grow_keys(o))
        return VZ_ENOMEM;
    o->keys[o->nkeys++] = key;
    o->span[o->n - 1].nfeat++;
    return remember(x, key, t, a, b);
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

static size_t bucket_distance(size_t d)
{
    return d == 0 ? 0 : d <= 3 ? d : d <= 5 ? 4 : d <= 8 ? 5 : d <= 13 ? 6 : 7;
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

/* The question's IDF a sentence holds, over all of it. */
static double cover_of(const vz_rk_sentence *s)
{
    double held = 0;
    for (size_t k = 0; k < s->ntok; k++)
        held += s->tok[k].asked ? s->tok[k].idf : 0;
    return s->total_idf > 0 ? fmin(1.0, held / s->total_idf) : 0;
}

static int prepare_sentence(scoring *x, const vz_rk_sentence *s, size_t sent)
{
    x->s = s;
    x->sent = sent;
    free(x->shape);
    free(x->gap);
    free(x->suffix);
    free(x->sufbuf);
    x->suffix = malloc((s->ntok + 1) * sizeof *x->suffix);
    x->sufbuf = malloc((s->ntok + 1) * (SUFFIX + 1));
    x->shape = malloc(s->ntok + 1);
    x->gap = malloc(s->ntok + 1);
    if (!x->shape || !x->gap || !x->suffix || !x->sufbuf)
        return vz_fail(VZ_ENOMEM, "out of memory");
    x->words = x->pairs = 0;
    for (size_t k = 0; k < s->ntok; k++) {
        const vz_rk_token *t = &s->tok[k];
        x->shape[k] = shape_of(s->text, t);
        size_t prev = k ? s->tok[k - 1].end : 0;
        x->gap[k] = gap_of(s->text + prev, t->start - prev);
        x->suffix[k] = suffix_of(s->text, t, x->sufbuf + k * (SUFFIX + 1));
        if (t->asked) {
            x->words++;
            x->pairs += k && s->tok[k - 1].asked;
        }
    }
    size_t last = s->ntok ? s->tok[s->ntok - 1].end : 0;
    x->gap[s->ntok] = gap_of(s->text + last, s->len - last);
    x->cover = cover_of(s);
    return VZ_OK;
}

/* The collapsed shape of words [i, j): "CsC" for "Bank of England". */
static value span_shape(const scoring *x, size_t i, size_t j, char buf[SHAPE_MAX + 2])
{
    size_t n = 0;
    for (size_t k = i; k < j; k++) {
        if (n && buf[n - 1] == x->shape[k])
            continue;
        if (n == SHAPE_MAX) {
            buf[n++] = '+';
            break;
        }
        buf[n++] = x->shape[k];
    }
    buf[n] = '\0';
    return value_of(buf);
}

/* The IDF of the question's words within WINDOW words of [i, j) on one
 * side, over the question's, and the distance to the nearest of them. */
static void context_of(const scoring *x, size_t i, size_t j, int left, double *share,
                       size_t *nearest, int *place)
{
    const vz_rk_sentence *s = x->s;
    double idf = 0;
    *nearest = 0;
    *place = 0;
    for (size_t d = 1; d <= WINDOW * 3; d++) {
        if (left ? d > i : j - 1 + d >= s->ntok)
            break;
        const vz_rk_token *t = &s->tok[left ? i - d : j - 1 + d];
        if (!t->asked)
            continue;
        if (!*nearest) {
            *nearest = d;
            *place = t->place < PLACES ? t->place : PLACES - 1;
        }
        if (d <= WINDOW)
            idf += t->idf;
    }
    *share = s->total_idf > 0 ? fmin(1.0, idf / s->total_idf) : 0;
}

/* Each word's reach (scoring's), and room for the sentence's parts. */
static int reach_of(scoring *x)
{
    size_t n = x->s->ntok;
    free(x->reach);
    free(x->left);
    free(x->right);
    x->reach = calloc(n + 1, sizeof *x->reach);
    x->left = calloc(n + 1, sizeof *x->left);
    x->right = calloc(n + 1, sizeof *x->right);
    if (!x->reach || !x->left || !x->right)
        return vz_fail(VZ_ENOMEM, "out of memory");
    for (size_t k = 0; k < n; k++) {
        context_of(x, k, k + 1, 1, &x->reach[k].wl, &x->reach[k].dl, &x->reach[k].pl);
        context_of(x, k, k + 1, 0, &x->reach[k + 1].wr, &x->reach[k + 1].dr,
                   &x->reach[k + 1].pr);
    }
    return VZ_OK;
}

/* The template mark of [start, end): 1.. its rank, 0 none; *part when a
 * mark overlaps it without being it. */
static int mark_of(const vz_rk_marked *mk, size_t nmk, size_t sent, size_t start, size_t end,
                   int *part)
{
    int rank = 0;
    *part = 0;
    for (size_t k = 0; k < nmk; k++) {
        if (mk[k].sent != sent || mk[k].end <= start || mk[k].start >= end)
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

/* The features of a span that opens on word i, whatever its end. */
static int left_features(scoring *x, size_t i)
{
    const vz_rk_token *t = x->s->tok;
    const value *w = &x->w, *w2 = &x->w2;
    char lp[2] = {x->gap[i], 0}, ls[2] = {i ? x->shape[i - 1] : '^', 0};
    value vlp = value_of(lp), vls = value_of(ls);
    double wl = x->reach[i].wl;
    size_t dl = x->reach[i].dl;
    int rc = feature(x, F_LPUNCT_W, &vlp, w);
    if (!rc) rc = feature(x, F_LSHAPE_W, &vls, w);
    if (!rc && i && t[i - 1].focus) rc = feature(x, F_FOCUS_PREV, w2, NULL);
    if (!rc) rc = feature(x, F_WINL, &x->num[bucket_share(wl)], NULL);
    if (!rc) rc = feature(x, F_WINL_W, &x->num[bucket_share(wl)], w);
    if (!rc) rc = feature(x, F_DISTL_W, &x->num[bucket_distance(dl)], w);
    if (!rc) rc = feature(x, F_FSUF_W, &x->suffix[i], w);
    if (!rc && i) rc = feature(x, F_LSUF_W, &x->suffix[i - 1], w);
    if (!rc && i && t[i - 1].asked) rc = feature(x, F_QLEFT_W, w2, NULL);
    if (!rc && i && x->pre.n && same_word(x->s->text, &t[i - 1], x->pre.s))
        rc = feature(x, F_PRE_W, &x->pre, w);
    if (!rc && dl) rc = feature(x, F_PLACEL_W, &x->num[x->reach[i].pl], &x->num[bucket_distance(dl)]);
    return rc;
}

/* The features of a span that closes before word j, wherever it opens. */
static int right_features(scoring *x, size_t j)
{
    const vz_rk_token *t = x->s->tok;
    const value *w = &x->w, *w2 = &x->w2;
    char rp[2] = {x->gap[j], 0}, rs[2] = {j < x->s->ntok ? x->shape[j] : '$', 0};
    value vrp = value_of(rp), vrs = value_of(rs);
    double wr = x->reach[j].wr;
    size_t dr = x->reach[j].dr;
    int rc = feature(x, F_RPUNCT_W, &vrp, w);
    if (!rc) rc = feature(x, F_RSHAPE_W, &vrs, w);
    if (!rc && j < x->s->ntok && t[j].focus) rc = feature(x, F_FOCUS_NEXT, w2, NULL);
    if (!rc) rc = feature(x, F_WINR, &x->num[bucket_share(wr)], NULL);
    if (!rc) rc = feature(x, F_WINR_W, &x->num[bucket_share(wr)], w);
    if (!rc) rc = feature(x, F_DISTR_W, &x->num[bucket_distance(dr)], w);
    if (!rc) rc = feature(x, F_HSUF_W, &x->suffix[j - 1], w);
    if (!rc && j < x->s->ntok) rc = feature(x, F_RSUF_W, &x->suffix[j], w);
    if (!rc && j < x->s->ntok && t[j].asked) rc = feature(x, F_QRIGHT_W, w2, NULL);
    if (!rc && dr) rc = feature(x, F_PLACER_W, &x->num[x->reach[j].pr], &x->num[bucket_distance(dr)]);
    return rc;
}

/* The features of words [i, j) together. */
static int span_features(scoring *x, size_t i, size_t j, const vz_rk_marked *mk, size_t nmk)
{
    const vz_rk_token *t = x->s->tok;
    const value *w = &x->w, *w2 = &x->w2, *q = &x->q;
    char buf[SHAPE_MAX + 2];
    value sh = span_shape(x, i, j, buf);
    char ends[3] = {x->shape[i], x->shape[j - 1], 0};
    value edges = value_of(ends);
    size_t len = j - i < NSMALL ? j - i : NSMALL - 1;
    size_t asked = 0, focus = 0;
    for (size_t k = i; k < j; k++) {
        asked += t[k].asked != 0;
        focus += t[k].focus != 0;
    }
    value inq = value_of(!asked ? "none" : asked == j - i ? "all" : "some");
    size_t dl = x->reach[i].dl, dr = x->reach[j].dr;
    size_t dmin = !dl ? dr : !dr ? dl : dl < dr ? dl : dr;
    int part, mark = mark_of(mk, nmk, x->sent, t[i].start, t[j - 1].end, &part);
    int rc = feature(x, F_LEN, &x->num[len], NULL);
    if (!rc) rc = feature(x, F_LEN_W, &x->num[len], w2);
    if (!rc) rc = feature(x, F_SHAPE, &sh, NULL);
    if (!rc) rc = feature(x, F_SHAPE_Q, &sh, q);
    if (!rc) rc = feature(x, F_SHAPE_W, &sh, w);
    if (!rc) rc = feature(x, F_EDGE_W, &edges, w2);
    if (!rc) rc = feature(x, F_INQ_W, &inq, w);
    if (!rc && focus) rc = feature(x, F_FOCUS_IN, w2, NULL);
    if (!rc) rc = feature(x, F_DIST, &x->num[bucket_distance(dmin)], NULL);
    if (!rc && mark) rc = feature(x, F_MARK, &x->num[mark < 4 ? mark : 4], NULL);
    if (!rc && mark) rc = feature(x, F_MARK_Q, &x->num[mark < 4 ? mark : 4], q);
    if (!rc && part) rc = feature(x, F_MARK_PART, NULL, NULL);
    return rc;
}

/* Scoring reads the parts of a span's score that hang on its sentence,
 * its first word or its last alone once for each: sentence, left[i] and
 * right[j].  Training, which keeps each span's features, reads them all
 * for every span. */
static int sentence_parts(scoring *x, size_t srank)
{
    size_t n = x->s->ntok;
    x->acc = &x->sentence;
    x->sentence = 0;
    int rc = sentence_features(x, srank);
    for (size_t i = 0; !rc && i < n; i++) {
        x->acc = &x->left[i];
        rc = left_features(x, i);
    }
    for (size_t j = 1; !rc && j <= n; j++) {
        x->acc = &x->right[j];
        rc = right_features(x, j);
    }
    return rc;
}

static int add_span(scoring *x, size_t i, size_t j, const vz_rk_marked *mk, size_t nmk,
                    size_t srank)
{
    vz_rk_spans *o = x->out;
    void *p = o->span;
    if (vz_grow(&p, &o->cap, o->n + 1, sizeof *o->span))
        return vz_fail(VZ_ENOMEM, "out of memory");
    o->span = p;
    const vz_rk_token *t = x->s->tok;
    vz_rk_span *sp = &o->span[o->n++];
    *sp = (vz_rk_span){x->sent, i, j, t[i].start, t[j - 1].end, 0, 0, o->nkeys, 0};
    x->acc = &sp->score;
    if (!x->names) {
        sp->score = x->sentence + x->left[i] + x->right[j];
        return span_features(x, i, j, mk, nmk);
    }
    int rc = sentence_features(x, srank);
    if (!rc) rc = left_features(x, i);
    if (!rc) rc = right_features(x, j);
    if (!rc) rc = span_features(x, i, j, mk, nmk);
    return rc;
}

/* May a span open or close on word k? Not on a stop word. */
static int edge(const vz_rk_token *t)
{
    return !(t->flags & VZ_TOK_STOP) || (t->flags & VZ_TOK_NUMBER);
}

/* The question's own words are never its answer. */
static int all_asked(const vz_rk_sentence *s, size_t i, size_t j)
{
    for (size_t k = i; k < j; k++)
        if (!s->tok[k].own)
            return 0;
    return 1;
}

/* A mark whose words no chunk covers (longer, or across punctuation). */
static int marked_spans(scoring *x, const vz_rk_marked *mk, size_t nmk, size_t srank)
{
    const vz_rk_sentence *s = x->s;
    for (size_t k = 0; k < nmk; k++) {
        if (mk[k].sent != x->sent)
            continue;
        size_t i = 0, j;
        while (i < s->ntok && s->tok[i].start < mk[k].start)
            i++;
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
             edge(&s->tok[j - 1])) || all_asked(s, i, j))
            continue;   /* a chunk already, or no answer */
        int rc = add_span(x, i, j, mk, nmk, srank);
        if (rc)
            return rc;
    }
    return VZ_OK;
}

static int sentence_spans(scoring *x, const vz_rk_marked *mk, size_t nmk, size_t srank)
{
    const vz_rk_sentence *s = x->s;
    if (!x->names) {
        int rc = sentence_parts(x, srank);
        if (rc)
            return rc;
    }
    for (size_t i = 0; i < s->ntok; i++) {
        if (!edge(&s->tok[i]))
            continue;
        for (size_t j = i + 1; j <= s->ntok && j - i <= x->m->max_words; j++) {
            if (j > i + 1 && breaks(x->gap[j - 1]))
                break;
            if (!edge(&s->tok[j - 1]) || all_asked(s, i, j))
                continue;
            int rc = add_span(x, i, j, mk, nmk, srank);
            if (rc)
                return rc;
        }
    }
    return marked_spans(x, mk, nmk, srank);
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

static void softmax(vz_rk_spans *o)
{
    double top = -INFINITY, sum = 0;
    for (size_t k = 0; k < o->n; k++)
        top = fmax(top, o->span[k].score);
    for (size_t k = 0; k < o->n; k++)
        sum += (o->span[k].prob = exp(o->span[k].score - top));
    for (size_t k = 0; k < o->n; k++)
        o->span[k].prob /= sum;
}

void vz_rk_question_init(vz_rk_question *q, const char *text, size_t len, const char *type,
                         const char *label)
{
    static const char *const wh[] = {"what", "which", "who", "whom", "whose", "when",
                                     "where", "why", "how"};
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
            snprintf(q->wh2, sizeof q->wh2, "%s %s", prev, word);
            return;
        }
        for (size_t i = 0; i < sizeof wh / sizeof *wh && !strcmp(q->wh, "other"); i++)
            if (!strcmp(word, wh[i])) {
                snprintf(q->wh, sizeof q->wh, "%s", word);
                snprintf(q->wh2, sizeof q->wh2, "%s", word);
                snprintf(q->pre, sizeof q->pre, "%s", before);
                snprintf(prev, sizeof prev, "%s", word);
            }
        snprintf(before, sizeof before, "%s", word);
    }
}

int vz_rk_score(const vz_ranker *m, const vz_rk_question *q, const vz_rk_sentence *sent,
                size_t nsent, const vz_rk_marked *marked, size_t nmarked, vz_rk_names *names,
                vz_rk_spans *out)
{
    scoring x = {.m = m, .names = names, .out = out};
    for (int t = 0; t < NFEATURES; t++)
        x.tmpl[t] = part_hash(template_name[t], strlen(template_name[t]));
    char qname[64];
    snprintf(qname, sizeof qname, "%s%s%s", q->type, q->label[0] ? ":" : "", q->label);
    x.q = value_of(qname);
    x.w = value_of(q->wh);
    x.w2 = value_of(q->wh2);
    x.pre = value_of(q->pre);
    for (size_t k = 0; k < NSMALL; k++)
        x.num[k] = value_of(small[k]);
    int rc = VZ_OK;
    for (size_t k = 0; k < nsent; k++)
        x.best_cover = fmax(x.best_cover, cover_of(&sent[k]));
    for (size_t k = 0; !rc && k < nsent; k++) {
        rc = prepare_sentence(&x, &sent[k], k);
        if (!rc)
            rc = reach_of(&x);
        if (!rc)
            rc = sentence_spans(&x, marked, nmarked, k);
    }
    free(x.shape);
    free(x.gap);
    free(x.suffix);
    free(x.sufbuf);
    free(x.left);
    free(x.right);
    free(x.reach);
    if (rc)
        return rc;
    softmax(out);
    qsort(out->span, out->n, sizeof *out->span, by_span_score);
    return VZ_OK;
}

void vz_rk_spans_free(vz_rk_spans *s)
{
    free(s->span);
    free(s->keys);
    *s = (vz_rk_spans){0};
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
