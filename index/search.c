/*
 * search.c - implements search.h: loading an index for querying, and BM25
 * ranking: each query term's postings are fetched with one prepared
 * statement, decoded and accumulated into a per-reader score array, and
 * the top k are kept in a min-heap as the scores grow.
 */
#include "search.h"
#include "postings.h"
#include "store.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Questions about one article ask for the same terms and read the same
 * documents: a reader keeps what it fetched from SQLite, each cache
 * bounded (it empties itself when full).  The index is read-only while a
 * reader is open, so what is kept stays true. */
#define TERM_SLOTS 32768          /* a power of 2, twice TERM_ENTRIES */
#define TERM_ENTRIES 16384
#define TERM_BYTES ((size_t)16 << 20)   /* decoded postings: 8 bytes each */
/* A slot per document up to 32,768 of them: SQuAD with 20,000
 * distractors has 22,430 one-paragraph documents, which 256 slots made
 * read from SQLite again and again (36,000 reads for 21,000 documents). */
#define DOC_SLOTS 32768           /* a power of 2 */
#define DOC_MAX ((size_t)256 << 10)   /* larger documents are read piece by piece */
#define DOC_BYTES ((size_t)16 << 20)

/* A posting decoded: questions about one article ask for the same terms
 * again, and decoding the varints each time cost more than the sums.
 * Most postings have tf 1, whose contribution needs idx->tf1[p]: read
 * at decoding into `share`, the sums skip that random read (a cache miss
 * per posting over a large index).  Otherwise share is -(float)tf, the
 * sign telling the two apart (tf is never 0), the same float the sum
 * converts tf to. */
typedef struct {
    uint32_t passage;
    float share;              /* tf1[passage] when tf is 1, else -(float)tf */
} vz_posting;

typedef struct {
    char *term;               /* NULL: an empty slot */
    uint64_t hash;
    int64_t df;               /* -1: not looked up yet */
    int postings;             /* 1: the postings below are known */
    vz_posting *list;         /* decoded, malloc'd; NULL when n is 0 */
    size_t n;
    float top;                /* the largest tf / (tf + norm) of the list */
} term_entry;

typedef struct {
    char *text;               /* NULL: an empty slot */
    uint32_t doc;
    size_t len;
} doc_entry;

/* A passage in the heap with its score: the sifts compare scores without
 * looking them up in the score array. */
typedef struct {
    float score;
    uint32_t passage;
} heap_item;

struct vz_reader {
    const vz_index *idx;
    sqlite3 *db;
    sqlite3_stmt *term_stmt, *text_stmt;
    vz_analyser *analyser;
    float *scores;            /* 0 = not matched (every contribution is > 0) */
    uint32_t *touched;        /* the passages with a score, in the order first scored */
    size_t ntouched;
    size_t ndropped;          /* touched passages dropped since the list was last walked */
    heap_item *heap;          /* the k best scored so far, worst at the root */
    size_t nheap, capheap;
    uint32_t *heap_at;        /* per passage: its place in the heap + 1; 0: not there */
    vz_posting *decoded;      /* scratch of postings not kept (no cache, no memory) */
    size_t capdecoded;
    void *aux;
    void (*free_aux)(void *);
    term_entry *terms;        /* TERM_SLOTS, or NULL: no caching (no memory) */
    size_t nterms, term_bytes;
    uint64_t term_gen;        /* counts the clears: a vz_qterm's slot of another is stale */
    doc_entry docs[DOC_SLOTS];
    size_t doc_bytes;
};

static int corrupt(const char *path, const char *what)
{
    return vz_fail(VZ_EINDEX, "index %s is corrupt (%s): delete it and run `vzask index`",
                   path, what);
}

static char *column_dup(sqlite3_stmt *st, int col)
{
    const unsigned char *s = sqlite3_column_text(st, col);
    return s ? vz_strdup((const char *)s) : NULL;
}

static int load_docs(vz_index *idx, sqlite3 *db)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT id, name, title, date, outlet, size FROM documents"
                           " ORDER BY id", -1, &st, NULL))
        return vz_store_error(db, idx->path);
    size_t cap = 0;
    int rc = VZ_OK, step;
    while (rc == VZ_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        void *p = idx->docs;
        if (sqlite3_column_int64(st, 0) != (int64_t)idx->ndocs) {
            rc = corrupt(idx->path, "document ids");
            break;
        }
        if ((rc = vz_grow(&p, &cap, idx->ndocs + 1, sizeof *idx->docs)) != VZ_OK)
            break;
        idx->docs = p;
        vz_doc_meta *d = &idx->docs[idx->ndocs++];
        memset(d, 0, sizeof *d);
        d->name = column_dup(st, 1);
        d->title = column_dup(st, 2);
        d->date = column_dup(st, 3);
        d->outlet = column_dup(st, 4);
        d->size = (size_t)sqlite3_column_int64(st, 5);
        if (!d->name)
            rc = corrupt(idx->path, "a document without a name");
    }
    if (rc == VZ_OK && step != SQLITE_DONE)
        rc = vz_store_error(db, idx->path);
    sqlite3_finalize(st);
    return rc;
}

static int load_passages(vz_index *idx, sqlite3 *db)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT id, doc, start, end, first_sentence, last_sentence,"
                           " length FROM passages ORDER BY id", -1, &st, NULL))
        return vz_store_error(db, idx->path);
    size_t cap = 0;
    int rc = VZ_OK, step;
    while (rc == VZ_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        void *p = idx->passages;
        if ((rc = vz_grow(&p, &cap, idx->npassages + 1, sizeof *idx->passages)) != VZ_OK)
            break;
        idx->passages = p;
        vz_passage_info *pi = &idx->passages[idx->npassages];
        int64_t id = sqlite3_column_int64(st, 0), doc = sqlite3_column_int64(st, 1);
        int64_t s = sqlite3_column_int64(st, 2), e = sqlite3_column_int64(st, 3);
        int64_t fs = sqlite3_column_int64(st, 4), ls = sqlite3_column_int64(st, 5);
        if (id != (int64_t)idx->npassages || doc < 0 || (size_t)doc >= idx->ndocs || s < 0 ||
            s > e || (size_t)e > idx->docs[doc].size || fs < 0 || ls < fs ||
            (size_t)ls >= idx->nsentences) {
            rc = corrupt(idx->path, "passage table");
            break;
        }
        pi->doc = (uint32_t)doc;
        pi->start = (uint32_t)s;
        pi->end = (uint32_t)e;
        pi->first_sentence = (uint32_t)fs;
        pi->last_sentence = (uint32_t)ls;
        pi->length = (uint32_t)sqlite3_column_int64(st, 6);
        idx->docs[doc].npassages++;
        idx->npassages++;
    }
    if (rc == VZ_OK && step != SQLITE_DONE)
        rc = vz_store_error(db, idx->path);
    sqlite3_finalize(st);
    return rc;
}

static int load_sentences(vz_index *idx, sqlite3 *db)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT id, doc, start, end FROM sentences ORDER BY id",
                           -1, &st, NULL))
        return vz_store_error(db, idx->path);
    size_t cap = 0;
    int rc = VZ_OK, step;
    while (rc == VZ_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        void *p = idx->sentences;
        if ((rc = vz_grow(&p, &cap, idx->nsentences + 1, sizeof *idx->sentences)) != VZ_OK)
            break;
        idx->sentences = p;
        int64_t id = sqlite3_column_int64(st, 0), doc = sqlite3_column_int64(st, 1);
        int64_t s = sqlite3_column_int64(st, 2), e = sqlite3_column_int64(st, 3);
        if (id != (int64_t)idx->nsentences || doc < 0 || (size_t)doc >= idx->ndocs || s < 0 ||
            s > e || (size_t)e > idx->docs[doc].size) {
            rc = corrupt(idx->path, "sentence table");
            break;
        }
        idx->sentences[idx->nsentences++] =
            (vz_sentence_info){(uint32_t)doc, (uint32_t)s, (uint32_t)e};
    }
    if (rc == VZ_OK && step != SQLITE_DONE)
        rc = vz_store_error(db, idx->path);
    sqlite3_finalize(st);
    return rc;
}

/* Per-passage length normalisation, computed once per index. */
static int compute_norms(vz_index *idx)
{
    size_t n = idx->npassages ? idx->npassages : 1;
    idx->norm = malloc(n * sizeof *idx->norm);
    idx->tf1 = malloc(n * sizeof *idx->tf1);
    if (!idx->norm || !idx->tf1)
        return vz_fail(VZ_ENOMEM, "out of memory");
    double avg = idx->avg_length > 0 ? idx->avg_length : 1;
    for (size_t i = 0; i < idx->npassages; i++) {
        idx->norm[i] = (float)(idx->k1 * (1 - idx->b + idx->b * idx->passages[i].length / avg));
        idx->tf1[i] = 1.0f / (1.0f + idx->norm[i]);
    }
    return VZ_OK;
}

/* Where each document's passages start, when they are in document order:
 * a search within a few documents then scores just theirs. */
static int map_doc_passages(vz_index *idx)
{
    uint32_t *first = malloc((idx->ndocs + 1) * sizeof *first);
    if (!first)
        return vz_fail(VZ_ENOMEM, "out of memory");
    size_t at = 0;
    for (size_t d = 0; d < idx->ndocs; d++) {
        first[d] = (uint32_t)at;
        at += idx->docs[d].npassages;
    }
    first[idx->ndocs] = (uint32_t)at;
    /* Each document's count of passages is right, so each passage inside
     * its document's range means the ranges are exact. */
    for (size_t i = 0; i < idx->npassages; i++) {
        uint32_t d = idx->passages[i].doc;
        if (i < first[d] || i >= first[d + 1]) {
            free(first);
            return VZ_OK;
        }
    }
    idx->doc_first = first;
    return VZ_OK;
}

/* A number of the meta table; 0 when the index does not record it (those
 * written before it was). */
static int meta_number(sqlite3 *db, const char *key, double *out)
{
    char v[64];
    int rc = vz_store_meta(db, key, v, sizeof v);
    *out = rc ? 0 : atof(v);
    return rc;
}

static int load_meta(vz_index *idx, sqlite3 *db)
{
    double terms = 0, built_at = 0, paragraphs = 0;
    int rc = meta_number(db, "avg_length", &idx->avg_length);
    if (!rc) rc = meta_number(db, "terms", &terms);
    if (!rc) rc = meta_number(db, "built_at", &built_at);
    if (!rc) rc = meta_number(db, "paragraphs", &paragraphs);
    if (!rc) rc = meta_number(db, "build_seconds", &idx->build_seconds);
    if (!rc) rc = vz_store_meta(db, "unit", idx->unit, sizeof idx->unit);
    idx->nterms = (size_t)terms;
    idx->built_at = (long long)built_at;
    idx->nparagraphs = (size_t)paragraphs;
    return rc;
}

int vz_index_open(vz_index **out, const char *path, const vz_textkit *kit)
{
    *out = NULL;
    vz_index *idx = calloc(1, sizeof *idx);
    sqlite3 *db = NULL;
    if (!idx || !(idx->path = vz_strdup(path))) {
        free(idx);
        return vz_fail(VZ_ENOMEM, "out of memory");
    }
    idx->kit = kit;
    idx->k1 = VZ_BM25_K1;
    idx->b = VZ_BM25_B;
    int rc = vz_store_open_readonly(path, &db);
    if (!rc) rc = load_meta(idx, db);
    if (!rc) rc = load_docs(idx, db);
    if (!rc) rc = load_sentences(idx, db);
    if (!rc) rc = load_passages(idx, db);
    if (!rc) rc = compute_norms(idx);
    if (!rc) rc = map_doc_passages(idx);
    sqlite3_close(db);
    if (rc) {
        vz_index_close(idx);
        return rc;
    }
    *out = idx;
    return VZ_OK;
}

void vz_index_close(vz_index *idx)
{
    if (!idx)
        return;
    for (size_t i = 0; i < idx->ndocs; i++) {
        free(idx->docs[i].name);
        free(idx->docs[i].title);
        free(idx->docs[i].date);
        free(idx->docs[i].outlet);
    }
    free(idx->docs);
    free(idx->passages);
    free(idx->doc_first);
    free(idx->sentences);
    free(idx->norm);
    free(idx->tf1);
    free(idx->path);
    free(idx);
}

static int meta_by_name(const void *a, const void *b)
{
    return strcmp(((const vz_doc_meta *)a)->name, ((const vz_doc_meta *)b)->name);
}

long vz_index_find_doc(const vz_index *idx, const char *name)
{
    /* The build stores documents in the corpus's order, by name; an index
     * written otherwise is still searched, one name at a time. */
    vz_doc_meta key = {.name = (char *)name};
    const vz_doc_meta *d = idx->ndocs ? bsearch(&key, idx->docs, idx->ndocs, sizeof *idx->docs,
                                               meta_by_name) : NULL;
    if (d)
        return (long)(d - idx->docs);
    for (size_t i = 0; i < idx->ndocs; i++)
        if (strcmp(idx->docs[i].name, name) == 0)
            return (long)i;
    return -1;
}

/* ---- what a reader keeps ------------------------------------------------ */

static void terms_clear(vz_reader *r)
{
    for (size_t i = 0; r->terms && i < TERM_SLOTS; i++) {
        free(r->terms[i].term);
        free(r->terms[i].list);
        memset(&r->terms[i], 0, sizeof r->terms[i]);
    }
    r->nterms = r->term_bytes = 0;
    r->term_gen++;
}

static void docs_clear(vz_reader *r)
{
    for (size_t i = 0; i < DOC_SLOTS; i++)
        free(r->docs[i].text);
    memset(r->docs, 0, sizeof r->docs);
    r->doc_bytes = 0;
}

/* The entry of term, made when missing; NULL without a cache or memory. */
static term_entry *term_slot(vz_reader *r, const char *term)
{
    if (!r->terms)
        return NULL;
    size_t len = strlen(term);
    uint64_t h = vz_fnv1a(term, len, VZ_FNV_SEED);
    if (r->nterms >= TERM_ENTRIES || r->term_bytes >= TERM_BYTES)
        terms_clear(r);
    for (size_t i = (size_t)h & (TERM_SLOTS - 1);; i = (i + 1) & (TERM_SLOTS - 1)) {
        term_entry *e = &r->terms[i];
        if (e->term && e->hash == h && !strcmp(e->term, term))
            return e;
        if (e->term)
            continue;
        if (!(e->term = vz_strndup(term, len)))
            return NULL;
        e->hash = h;
        e->df = -1;
        r->nterms++;
        r->term_bytes += len + 1 + sizeof *e;
        return e;
    }
}

/* Term t's entry, as term_slot finds it: looked up once per search (the
 * hash and the comparison of the term cost more than the sums of a short
 * list), again only when the cache was emptied since. */
static term_entry *qterm_slot(vz_reader *r, vz_qterm *t)
{
    if (t->slot && t->slot_gen == r->term_gen)
        return t->slot;
    term_entry *e = term_slot(r, t->term);
    t->slot = e;
    t->slot_gen = r->term_gen;   /* after term_slot, which may empty the cache */
    return e;
}

/* A document's whole text, kept when it is small enough; NULL: read it
 * piece by piece. */
static const doc_entry *doc_kept(vz_reader *r, uint32_t doc)
{
    doc_entry *e = &r->docs[doc & (DOC_SLOTS - 1)];
    if (e->text && e->doc == doc)
        return e;
    size_t size = r->idx->docs[doc].size;
    if (size > DOC_MAX)
        return NULL;
    if (r->doc_bytes + size > DOC_BYTES)
        docs_clear(r);
    sqlite3_stmt *st = r->text_stmt;
    sqlite3_bind_int64(st, 1, 1);
    sqlite3_bind_int64(st, 2, (int64_t)size);
    sqlite3_bind_int64(st, 3, doc);
    char *text = NULL;
    /* Anything unexpected: not kept, and the piece is read as before. */
    if (sqlite3_step(st) == SQLITE_ROW && (size_t)sqlite3_column_bytes(st, 0) == size &&
        (text = malloc(size ? size : 1)) != NULL)
        memcpy(text, sqlite3_column_blob(st, 0), size);
    sqlite3_reset(st);
    if (!text)
        return NULL;
    if (e->text) {
        r->doc_bytes -= e->len;
        free(e->text);
    }
    *e = (doc_entry){text, doc, size};
    r->doc_bytes += size;
    return e;
}

int vz_reader_new(vz_reader **out, const vz_index *idx)
{
    *out = NULL;
    vz_reader *r = calloc(1, sizeof *r);
    if (!r)
        return vz_fail(VZ_ENOMEM, "out of memory");
    r->idx = idx;
    size_t n = idx->npassages ? idx->npassages : 1;
    r->scores = calloc(n, sizeof *r->scores);
    r->touched = malloc(n * sizeof *r->touched);
    r->heap_at = calloc(n, sizeof *r->heap_at);
    r->terms = calloc(TERM_SLOTS, sizeof *r->terms);   /* NULL: uncached */
    int rc = (!r->scores || !r->touched || !r->heap_at) ? vz_fail(VZ_ENOMEM, "out of memory") : VZ_OK;
    if (!rc) rc = vz_store_open_readonly(idx->path, &r->db);
    if (!rc && sqlite3_prepare_v3(r->db, "SELECT df, postings FROM terms WHERE term=?", -1,
                                  SQLITE_PREPARE_PERSISTENT, &r->term_stmt, NULL))
        rc = vz_store_error(r->db, idx->path);
    if (!rc && sqlite3_prepare_v3(r->db, "SELECT substr(content, ?, ?) FROM documents"
                                  " WHERE id=?", -1, SQLITE_PREPARE_PERSISTENT,
                                  &r->text_stmt, NULL))
        rc = vz_store_error(r->db, idx->path);
    if (!rc)
        rc = vz_analyser_new(&r->analyser, idx->kit->stop);
    if (rc) {
        vz_reader_free(r);
        return rc;
    }
    *out = r;
    return VZ_OK;
}

void vz_reader_free(vz_reader *r)
{
    if (!r)
        return;
    sqlite3_finalize(r->term_stmt);
    sqlite3_finalize(r->text_stmt);
    sqlite3_close(r->db);
    vz_analyser_free(r->analyser);
    free(r->scores);
    free(r->touched);
    free(r->heap);
    free(r->heap_at);
    free(r->decoded);
    if (r->free_aux)
        r->free_aux(r->aux);
    terms_clear(r);
    free(r->terms);
    docs_clear(r);
    free(r);
}

vz_analyser *vz_reader_analyser(vz_reader *r) { return r->analyser; }

int vz_query_add(vz_query *q, const char *term, size_t len, double weight)
{
    void *p = q->terms;
    if (vz_grow(&p, &q->cap, q->n + 1, sizeof *q->terms))
        return VZ_ENOMEM;
    q->terms = p;
    vz_qterm *t = &q->terms[q->n];
    memset(t, 0, sizeof *t);
    if (!(t->term = vz_strndup(term, len)))
        return vz_fail(VZ_ENOMEM, "out of memory");
    t->weight = weight;
    q->n++;
    return VZ_OK;
}

static int add_query_term(const vz_token *tok, void *ctx)
{
    return tok->flags & VZ_TOK_STOP ? 0 : vz_query_add(ctx, tok->stem, tok->stem_len, 1);
}

static int by_term(const void *a, const void *b)
{
    return strcmp(((const vz_qterm *)a)->term, ((const vz_qterm *)b)->term);
}

/* Each stem once, weighted by its count: sort and merge, so that even a
 * query of a megabyte takes n log n, not n squared. */
void vz_query_merge(vz_query *q)
{
    if (q->n < 2)
        return;
    qsort(q->terms, q->n, sizeof *q->terms, by_term);
    size_t out = 0;
    for (size_t i = 1; i < q->n; i++) {
        if (strcmp(q->terms[i].term, q->terms[out].term) == 0) {
            q->terms[out].weight += q->terms[i].weight;
            free(q->terms[i].term);
        } else {
            q->terms[++out] = q->terms[i];
        }
    }
    q->n = out + 1;
}

int vz_query_parse(vz_reader *r, const char *text, size_t len, vz_query *q)
{
    memset(q, 0, sizeof *q);
    int rc = vz_analyse(r->analyser, text, len, add_query_term, q);
    if (rc)
        vz_query_free(q);
    else
        vz_query_merge(q);
    return rc;
}

void vz_query_free(vz_query *q)
{
    for (size_t i = 0; q && i < q->n; i++)
        free(q->terms[i].term);
    if (q) {
        free(q->terms);
        memset(q, 0, sizeof *q);
    }
}

static int decode_postings(vz_reader *r, const void *blob, size_t len, size_t *n);
static void keep_postings(vz_reader *r, term_entry *e, const vz_posting *list, size_t n);

/* Look up a term's document frequency and IDF (0 when it is absent).  The
 * same row holds its postings: when they will be summed and the cache
 * would keep them, they are decoded and kept now, saving a second look-up
 * of the term. */
static int lookup_df(vz_reader *r, vz_qterm *t)
{
    term_entry *e = qterm_slot(r, t);
    if (e && e->df >= 0) {
        t->df = (uint32_t)e->df;
        t->idf = t->df ? vz_bm25_idf((double)r->idx->npassages, (double)e->df) : 0;
        return VZ_OK;
    }
    sqlite3_stmt *st = r->term_stmt;
    sqlite3_bind_text(st, 1, t->term, -1, SQLITE_STATIC);
    int step = sqlite3_step(st), rc = VZ_OK;
    double n = (double)r->idx->npassages;
    int64_t df = step == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        rc = vz_store_error(r->db, r->idx->path);
    else if (df < 0 || (double)df > n)
        rc = corrupt(r->idx->path, "document frequency");
    size_t np;
    if (!rc && e && df && t->weight > 0 && !e->postings &&
        (size_t)df * sizeof(vz_posting) <= TERM_BYTES / 8 &&
        (rc = decode_postings(r, sqlite3_column_blob(st, 1), (size_t)sqlite3_column_bytes(st, 1),
                              &np)) == VZ_OK)
        keep_postings(r, e, r->decoded, np);
    sqlite3_reset(st);
    t->df = rc ? 0 : (uint32_t)df;
    t->idf = t->df ? vz_bm25_idf(n, (double)df) : 0;
    if (!rc && e)
        e->df = df;
    return rc;
}

/* The most one term can add to a passage's score: tf / (tf + K) < 1. */
static double upper_bound(const vz_index *idx, const vz_qterm *t)
{
    return t->weight * t->idf * (idx->k1 + 1);
}

/* Decode a postings BLOB[0, len) into the reader's scratch, *n postings
 * (each takes 2 bytes or more); VZ_EINDEX when malformed or naming a
 * passage the index lacks. */
static int decode_postings(vz_reader *r, const void *blob, size_t len, size_t *n)
{
    vz_postings_iter it;
    uint32_t p, tf;
    int more;
    void *items = r->decoded;
    *n = 0;
    if (vz_grow(&items, &r->capdecoded, len / 2 + 1, sizeof *r->decoded))
        return vz_fail(VZ_ENOMEM, "out of memory");
    r->decoded = items;
    const vz_index *idx = r->idx;
    vz_posting *out = r->decoded;
    size_t m = 0;
    /* The last passage a posting may name: one of the index, and 32 bits. */
    int64_t last = idx->npassages > UINT32_MAX ? UINT32_MAX : (int64_t)idx->npassages - 1;
    vz_postings_begin(&it, blob, len);
    for (;;) {
        /* Most postings are short, read without vz_postings_next's checks
         * (the same values); it reads the others and stops the list where
         * it must. */
        while (vz_postings_next_short(&it, last, &p, &tf))
            out[m++] = (vz_posting){p, tf == 1 ? idx->tf1[p] : -(float)tf};
        if ((more = vz_postings_next(&it, &p, &tf)) != 1 || p >= idx->npassages)
            break;
        out[m++] = (vz_posting){p, tf == 1 ? idx->tf1[p] : -(float)tf};
    }
    *n = m;
    return more != 0 ? corrupt(idx->path, "postings") : VZ_OK;
}

/* Term t's BM25 contribution to passage p, share its posting's: the
 * float of wk * tf1[p] when tf is 1, else of wk * tf / (tf + norm[p]). */
static inline float contribution(const vz_index *idx, float wk, uint32_t p, float share)
{
    return share > 0 ? wk * share : wk * -share / (-share + idx->norm[p]);
}

/* The order of the final ranking: a lower score, then on a tie the
 * higher passage id, ranks worse. */
static inline int item_worse(heap_item a, heap_item b)
{
    return a.score < b.score || (a.score == b.score && a.passage > b.passage);
}

static inline void heap_place(vz_reader *r, size_t i, heap_item x)
{
    r->heap[i] = x;
    r->heap_at[x.passage] = (uint32_t)i + 1;
}

/* Put x at the hole i or below it, where the heap order wants it. */
static void heap_sift_down(vz_reader *r, size_t i, heap_item x)
{
    heap_item *h = r->heap;
    size_t n = r->nheap;
    for (;;) {
        size_t l = 2 * i + 1, m = l;
        if (l >= n)
            break;
        if (l + 1 < n && item_worse(h[l + 1], h[l]))
            m = l + 1;
        if (!item_worse(h[m], x))
            break;
        heap_place(r, i, h[m]);
        i = m;
    }
    heap_place(r, i, x);
}

/* Put x at the hole i or above it, where the heap order wants it. */
static void heap_sift_up(vz_reader *r, size_t i, heap_item x)
{
    while (i > 0 && item_worse(x, r->heap[(i - 1) / 2])) {
        heap_place(r, i, r->heap[(i - 1) / 2]);
        i = (i - 1) / 2;
    }
    heap_place(r, i, x);
}

/* The score a passage must reach to be offered to the heap: 0 (any) until
 * it holds k passages, then the k-th best score so far. */
static inline float heap_floor(const vz_reader *r, size_t k)
{
    return r->nheap < k ? 0 : k ? r->heap[0].score : INFINITY;
}

/* Passage p's score just grew: keep the heap the k best passages so far
 * in the final ranking's order (scores only grow, so only p can enter or
 * move); return the new floor.  The k-th best score is then known at any
 * time without looking at every passage scored. */
static float heap_offer(vz_reader *r, uint32_t p, size_t k)
{
    heap_item x = {r->scores[p], p};
    if (!k)
        return INFINITY;
    if (r->heap_at[p]) {
        heap_sift_down(r, r->heap_at[p] - 1, x);
    } else if (r->nheap < k) {
        heap_sift_up(r, r->nheap++, x);
    } else if (item_worse(r->heap[0], x)) {
        r->heap_at[r->heap[0].passage] = 0;
        heap_sift_down(r, 0, x);
    }
    return heap_floor(r, k);
}

/* add_postings' first loop: list[*at, n) added to every passage doc_mask
 * admits (all when NULL), until the k-th best score exceeds closed; *at
 * receives where it stopped.  Inlined twice, so that the searches without
 * a mask test none per posting. */
static VZ_ALWAYS_INLINE float
add_to_all(vz_reader *r, float wk, const vz_posting *list, size_t n, size_t *at,
           const unsigned char *doc_mask, size_t k, double closed)
{
    const vz_index *idx = r->idx;
    float *scores = r->scores, floor = heap_floor(r, k);
    /* The touched list's end in a local: the compiler cannot keep
     * r->ntouched in a register across the stores to scores. */
    uint32_t *touched = r->touched;
    size_t i = 0, ntouched = r->ntouched;
    while (i < n) {
        uint32_t p = list[i].passage;
        float add = contribution(idx, wk, p, list[i].share), s = scores[p];
        i++;
        /* A score of 0 marks a passage not touched yet, so a contribution
         * that rounds to 0 must not touch it (nor list it twice); adding
         * it to a score changes nothing. */
        if (s == 0) {
            if (add == 0 || (doc_mask && !doc_mask[idx->passages[p].doc]))
                continue;
            touched[ntouched++] = p;
        }
        scores[p] = s += add;
        if (s >= floor && (double)(floor = heap_offer(r, p, k)) > closed)
            break;
    }
    r->ntouched = ntouched;
    *at = i;
    return floor;
}

/* Add one term's BM25 contributions, from its postings list[0, n), to
 * the score array.  Once the k-th best score exceeds closed (what a
 * passage without a score could still gain, this term included), the
 * rest of the list only adds to passages that have a score. */
static void add_postings(vz_reader *r, const vz_qterm *t, const vz_posting *list, size_t n,
                         const unsigned char *doc_mask, size_t k, double closed)
{
    const vz_index *idx = r->idx;
    float *scores = r->scores;
    float wk = (float)upper_bound(idx, t), floor;
    size_t i;
    if (doc_mask)
        floor = add_to_all(r, wk, list, n, &i, doc_mask, k, closed);
    else
        floor = add_to_all(r, wk, list, n, &i, NULL, k, closed);
    for (; i < n; i++) {
        uint32_t p = list[i].passage;
        float s = scores[p];
        if (s != 0 && (scores[p] = s += contribution(idx, wk, p, list[i].share)) >= floor)
            floor = heap_offer(r, p, k);
    }
}

/* The posting of passage p in list[0, n) (increasing passages), or NULL. */
static const vz_posting *find_posting(const vz_posting *list, size_t n, uint32_t p)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (list[mid].passage < p)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && list[lo].passage == p ? &list[lo] : NULL;
}

/* Whether passage p has no score (0), tested on the float's bits: most
 * postings walked for the touched passages alone meet none, and an integer
 * test skips the float comparison's unordered case.  A score is never -0:
 * it is +0 or a sum of contributions that are +0 or more. */
static inline int unscored(const float *scores, uint32_t p)
{
    uint32_t bits;
    memcpy(&bits, &scores[p], sizeof bits);
    return bits == 0;
}

/* add_to_touched's walk over the postings list[0, n), adding to the
 * passages that have a score and dropping those below `below`.  Most postings meet a passage without a score, in no
 * pattern a branch predicts: each block of postings is first sifted
 * without a branch (the places of those with a score, in order), then
 * those are summed, in the same order as a posting-by-posting walk. */
static void walk_scored(vz_reader *r, float wk, const vz_posting *list, size_t n, size_t k,
                        double below, float floor)
{
    enum { BLOCK = 256 };
    const vz_index *idx = r->idx;
    float *scores = r->scores, s;
    uint32_t hit[BLOCK];
    for (size_t b = 0; b < n; b += BLOCK) {
        size_t end = n - b < BLOCK ? n : b + BLOCK, m = 0;
#pragma GCC unroll 4
        for (size_t i = b; i < end; i++) {
            hit[m] = (uint32_t)i;
            m += !unscored(scores, list[i].passage);
        }
        for (size_t j = 0; j < m; j++) {
            const vz_posting *at = &list[hit[j]];
            uint32_t p = at->passage;
            if ((double)(s = scores[p]) < below) {
                scores[p] = 0;
                r->ndropped++;
            } else if ((scores[p] = s += contribution(idx, wk, p, at->share)) >= floor) {
                floor = heap_offer(r, p, k);
            }
        }
    }
}

/* Drop the touched passages whose score is below `below` (or was reset). */
static void drop_from_touched(vz_reader *r, double below)
{
    size_t kept = 0;
    for (size_t i = 0; i < r->ntouched; i++) {
        uint32_t p = r->touched[i];
        float s = r->scores[p];
        if (s == 0 || (double)s < below)
            r->scores[p] = 0;
        else
            r->touched[kept++] = p;
    }
    r->ntouched = kept;
    r->ndropped = 0;
}

/* Add one term's contributions to the passages that have a score only
 * (MaxScore's second phase): the same sums as add_postings would make
 * there, each passage's in the same term order, found by looking each
 * candidate up when they are few beside the postings.  A passage whose
 * score is below `below` cannot reach the top k (see drop_below) and is
 * dropped on the way: its score reset, and out of the touched list when
 * the pass walks that list. */
static void add_to_touched(vz_reader *r, const vz_qterm *t, const vz_posting *list, size_t n,
                           size_t k, double below)
{
    const vz_index *idx = r->idx;
    float *scores = r->scores;
    float wk = (float)upper_bound(idx, t), floor = heap_floor(r, k), s;
    size_t steps = 1;
    for (size_t m = n; m > 1; m >>= 1)
        steps++;
    /* Walking the touched list to drop first pays when it is shorter than
     * the postings and the drops may make looking each one up cheaper. */
    if ((r->ntouched - r->ndropped) * steps >= n && r->ntouched < n)
        drop_from_touched(r, below);
    if ((r->ntouched - r->ndropped) * steps >= n) {
        /* The touched list keeps the passages dropped here (score 0)
         * until a pass walks it. */
        walk_scored(r, wk, list, n, k, below, floor);
        return;
    }
    size_t kept = 0;
    for (size_t i = 0; i < r->ntouched; i++) {
        uint32_t p = r->touched[i];
        if ((s = scores[p]) == 0 || (double)s < below) {
            scores[p] = 0;
            continue;
        }
        r->touched[kept++] = p;
        const vz_posting *at = find_posting(list, n, p);
        if (at && (scores[p] = s += contribution(idx, wk, p, at->share)) >= floor)
            floor = heap_offer(r, p, k);
    }
    r->ntouched = kept;
    r->ndropped = 0;
}

/* The largest share tf / (tf + norm) of k1 + 1 that a term's postings
 * list[0, n) give a passage: its contributions are at most its weight
 * times this (the float rounding of one contribution aside). */
static float top_share(const vz_index *idx, const vz_posting *list, size_t n)
{
    float top = 0;
    for (size_t i = 0; i < n; i++) {
        float sh = list[i].share;
        float x = sh > 0 ? sh : -sh / (-sh + idx->norm[list[i].passage]);
        if (x > top)
            top = x;
    }
    return top;
}

/* Keep a term's decoded postings list[0, n) in its entry e (a copy), or
 * that it has none. */
static void keep_postings(vz_reader *r, term_entry *e, const vz_posting *list, size_t n)
{
    if (!e || n * sizeof *list > TERM_BYTES / 8)
        return;
    if (n && !(e->list = malloc(n * sizeof *list)))
        return;
    if (n)
        memcpy(e->list, list, n * sizeof *list);
    e->n = n;
    e->top = top_share(r->idx, list, n);
    e->postings = 1;
    r->term_bytes += n * sizeof *list;
}

/* Term t's decoded postings, list[0, n): kept in the reader's cache, or
 * fetched and decoded now (valid until the next term's); *top receives
 * the list's top_share, or 1 when it was not kept. */
static int postings_of(vz_reader *r, vz_qterm *t, const vz_posting **list, size_t *n,
                       float *top)
{
    term_entry *e = qterm_slot(r, t);
    *list = NULL;
    *n = 0;
    *top = 1;
    if (e && e->postings) {
        *list = e->list;
        *n = e->n;
        *top = e->top;
        return VZ_OK;
    }
    sqlite3_stmt *st = r->term_stmt;
    sqlite3_bind_text(st, 1, t->term, -1, SQLITE_STATIC);
    int step = sqlite3_step(st), rc = VZ_OK;
    if (step == SQLITE_ROW)
        rc = decode_postings(r, sqlite3_column_blob(st, 1), (size_t)sqlite3_column_bytes(st, 1), n);
    else if (step != SQLITE_DONE)
        rc = vz_store_error(r->db, r->idx->path);
    sqlite3_reset(st);
    if (rc == VZ_OK) {
        *list = r->decoded;
        keep_postings(r, e, r->decoded, *n);
        if (e && e->postings)
            *top = e->top;
    }
    return rc;
}

static int accumulate(vz_reader *r, vz_qterm *t, const unsigned char *doc_mask,
                      size_t k, int only_touched, double closed, double below)
{
    const vz_posting *list;
    size_t n;
    float top;
    int rc = postings_of(r, t, &list, &n, &top);
    if (rc == VZ_OK && only_touched)
        add_to_touched(r, t, list, n, k, below);
    else if (rc == VZ_OK)
        add_postings(r, t, list, n, doc_mask, k, closed);
    return rc;
}

/* Once only passages with a score can reach the top k, one that could not
 * reach the k-th best score even with every remaining term added is
 * dropped (its score reset), so that the remaining terms look up fewer;
 * kth is the k-th best score now.
 * The k-th best score only grows and the remaining bound only shrinks, so
 * a dropped passage ends below the k-th best score (and one left for a
 * later term's pass stays droppable): the top k and their scores are
 * those of the exhaustive sums.  The margin covers float rounding of the
 * sums (rounding, a few ulps per term): a passage is dropped when
 * (score + remaining) * (1 + 1e-4 + rounding) + 1e-6 < kth,
 * that is when its score is below what this returns. */
static double drop_below(double kth, double remaining, double rounding)
{
    return (kth - 1e-6) / (1 + 1e-4 + rounding) - remaining;
}

static int by_upper_bound(const void *a, const void *b)
{
    double x = ((const vz_qterm *)a)->idf * ((const vz_qterm *)a)->weight;
    double y = ((const vz_qterm *)b)->idf * ((const vz_qterm *)b)->weight;
    return x < y ? 1 : x > y ? -1 : strcmp(((const vz_qterm *)a)->term, ((const vz_qterm *)b)->term);
}

/* Look up term t's df and IDF, and bound what it adds to one passage's
 * score by its postings' top_share: they are fetched now (and kept for
 * the sums) unless the cache would not keep them, when the bound is
 * t's weight alone. */
static int prepare_term(vz_reader *r, vz_qterm *t)
{
    int rc = lookup_df(r, t);
    float top = 1;
    if (rc == VZ_OK && t->weight > 0 && t->df && r->terms &&
        (size_t)t->df * sizeof(vz_posting) <= TERM_BYTES / 8) {
        const vz_posting *list;
        size_t n;
        rc = postings_of(r, t, &list, &n, &top);
    }
    t->bound = t->weight > 0 ? (double)(float)upper_bound(r->idx, t) * top : 0;
    return rc;
}

/* How many probes find_posting makes at most in a list of n. */
static size_t bisect_steps(size_t n)
{
    size_t steps = 1;
    for (size_t m = n; m > 1; m >>= 1)
        steps++;
    return steps;
}

/* 64 bytes of a document mask with no document admitted. */
static inline uint64_t load64(const unsigned char *m)
{
    uint64_t w;
    memcpy(&w, m, sizeof w);
    return w;
}

static int mask_empty64(const unsigned char *m)
{
    return !(load64(m) | load64(m + 8) | load64(m + 16) | load64(m + 24) | load64(m + 32) |
             load64(m + 40) | load64(m + 48) | load64(m + 56));
}

/* Append to r->touched[*n...] the passages of the documents in [d, end)
 * that doc_mask admits; 0 when that would make more than most. */
static int admit_range(vz_reader *r, const unsigned char *doc_mask, size_t d, size_t end,
                       size_t most, size_t *n)
{
    const uint32_t *first = r->idx->doc_first;
    for (; d < end; d++) {
        if (!doc_mask[d])
            continue;
        if (*n + (first[d + 1] - first[d]) > most)
            return 0;
        for (uint32_t p = first[d]; p < first[d + 1]; p++)
            r->touched[(*n)++] = p;
    }
    return 1;
}

/* List the passages of the documents doc_mask admits in r->touched, in
 * increasing order; 0 and none listed when there are more than most.
 * The mask is mostly zeros, skipped 64 bytes at a time. */
static int admit_passages(vz_reader *r, const unsigned char *doc_mask, size_t most)
{
    size_t n = 0, ndocs = r->idx->ndocs;
    r->ntouched = 0;
    for (size_t d = 0; d < ndocs; d += 64) {
        size_t end = ndocs - d < 64 ? ndocs : d + 64;
        if ((end - d < 64 || !mask_empty64(doc_mask + d)) &&
            !admit_range(r, doc_mask, d, end, most, &n))
            return 0;
    }
    r->ntouched = n;
    return 1;
}

/* Score only the passages listed in r->touched (increasing, all scores 0),
 * looking each up in each term's postings: term by term in q's order,
 * so that each score is the same float sum add_postings makes, then
 * ranked by the same heap.  top_k resets them as it does the others. */
static int score_admitted(vz_reader *r, const vz_query *q, size_t k)
{
    const vz_index *idx = r->idx;
    float *scores = r->scores;
    int rc = VZ_OK;
    for (size_t i = 0; rc == VZ_OK && i < q->n; i++) {
        vz_qterm *t = &q->terms[i];
        const vz_posting *list;
        size_t n, lo = 0;
        float top;
        if (t->weight <= 0 || t->df == 0 || (rc = postings_of(r, t, &list, &n, &top)) != VZ_OK)
            continue;
        float wk = (float)upper_bound(idx, t);
        for (size_t j = 0; j < r->ntouched && lo < n; j++) {
            uint32_t p = r->touched[j];
            const vz_posting *at = find_posting(list + lo, n - lo, p);
            if (at) {
                scores[p] += contribution(idx, wk, p, at->share);
                lo = (size_t)(at - list) + 1;
            }
        }
    }
    for (size_t j = 0; rc == VZ_OK && j < r->ntouched; j++)
        if (scores[r->touched[j]] > 0)
            heap_offer(r, r->touched[j], k);
    return rc;
}

/* Whether a search within doc_mask scores its passages alone (done now):
 * when the index maps documents to passages and looking each admitted
 * passage up in every list costs less than walking the lists. */
static int search_admitted(vz_reader *r, const vz_query *q, const unsigned char *doc_mask,
                           size_t k, int *rc)
{
    size_t walk = 0, steps = 0;
    if (!doc_mask || !r->idx->doc_first)
        return 0;
    for (size_t i = 0; i < q->n; i++)
        if (q->terms[i].weight > 0 && q->terms[i].df) {
            walk += q->terms[i].df;
            steps += bisect_steps(q->terms[i].df);
        }
    if (!steps || !admit_passages(r, doc_mask, (walk - 1) / steps))
        return 0;
    *rc = score_admitted(r, q, k);
    return 1;
}

/* Term at a time, rarest first.  Once the k-th best score so far exceeds
 * what all remaining terms together could add, no passage without a score
 * can reach the top k, so the remaining terms only update passages that
 * have one (MaxScore: Turtle & Flood 1995).  The result is exact. */
static int accumulate_all(vz_reader *r, vz_query *q, const unsigned char *doc_mask, size_t k,
                          int may_look_up)
{
    double remaining = 0, rounding = 4e-7 * (double)q->n;
    int rc = VZ_OK, only_touched = 0;
    for (size_t i = 0; i < q->n; i++)
        q->terms[i].slot = NULL;   /* the caller may have changed a term since */
    for (size_t i = 0; rc == VZ_OK && i < q->n; i++)
        if ((rc = prepare_term(r, &q->terms[i])) == VZ_OK)
            remaining += q->terms[i].bound;
    if (rc)
        return rc;
    void *heap = r->heap;
    if (vz_grow(&heap, &r->capheap, k < r->idx->npassages ? k : r->idx->npassages,
                sizeof *r->heap))
        return vz_fail(VZ_ENOMEM, "out of memory");
    r->heap = heap;
    if (q->n > 1)
        qsort(q->terms, q->n, sizeof *q->terms, by_upper_bound);
    if (may_look_up && search_admitted(r, q, doc_mask, k, &rc))
        return rc;
    for (size_t i = 0; rc == VZ_OK && i < q->n; i++) {
        vz_qterm *t = &q->terms[i];
        if (t->weight <= 0 || t->df == 0)
            continue;
        /* The heap holds k passages once k have a score; its root's score
         * is then the k-th best.  Float sums may round up a little: keep
         * a margin. */
        double kth = k && r->nheap == k ? (double)heap_floor(r, k) : -1;
        double closed = remaining * (1 + 1e-5 + rounding) + 1e-6;
        if (!only_touched && kth > closed)
            only_touched = 1;
        rc = accumulate(r, t, doc_mask, k, only_touched, closed,
                        only_touched ? drop_below(kth, remaining, rounding) : 0);
        remaining -= t->bound;
    }
    return rc;
}

/* Heap order: the root is the worst hit kept (lowest score, then the
 * highest passage id), so ties rank lower ids first. */
static int worse(const vz_hit *a, const vz_hit *b)
{
    return a->score < b->score || (a->score == b->score && a->passage > b->passage);
}

static void sift_down(vz_hit *h, size_t n, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, m = i;
        if (l < n && worse(&h[l], &h[m])) m = l;
        if (l + 1 < n && worse(&h[l + 1], &h[m])) m = l + 1;
        if (m == i)
            return;
        vz_hit t = h[i]; h[i] = h[m]; h[m] = t;
        i = m;
    }
}

/* The heap's passages, best first, into h (none when k is 0); resets the
 * scores and the heap for the next search. */
static size_t top_k(vz_reader *r, size_t k, vz_hit *h)
{
    size_t n = k ? r->nheap : 0;
    for (size_t i = 0; i < r->nheap; i++) {
        uint32_t p = r->heap[i].passage;
        if (i < n)
            h[i] = (vz_hit){p, r->scores[p]};
        r->heap_at[p] = 0;
    }
    r->nheap = 0;
    for (size_t i = 0; i < r->ntouched; i++)
        r->scores[r->touched[i]] = 0;
    r->ntouched = r->ndropped = 0;
    /* Heap sort: repeatedly move the worst to the end, so best comes first. */
    for (size_t m = n; m > 1; m--) {
        vz_hit t = h[0]; h[0] = h[m - 1]; h[m - 1] = t;
        sift_down(h, m - 1, 0);
    }
    return n;
}

static int search(vz_reader *r, vz_query *q, const unsigned char *doc_mask, size_t k,
                  vz_hit *hits, size_t *nhits, int may_look_up)
{
    *nhits = 0;
    int rc = accumulate_all(r, q, doc_mask, k, may_look_up);
    size_t n = top_k(r, rc == VZ_OK ? k : 0, hits);   /* always resets the scores */
    if (rc == VZ_OK)
        *nhits = n;
    return rc;
}

int vz_reader_search(vz_reader *r, vz_query *q, const unsigned char *doc_mask, size_t k,
              vz_hit *hits, size_t *nhits)
{
    return search(r, q, doc_mask, k, hits, nhits, 1);
}

int vz_reader_search_walking(vz_reader *r, vz_query *q, const unsigned char *doc_mask,
                             size_t k, vz_hit *hits, size_t *nhits)
{
    return search(r, q, doc_mask, k, hits, nhits, 0);
}

void vz_passage_span(const vz_index *idx, uint32_t p, unsigned widen,
                     uint32_t *start, uint32_t *end)
{
    const vz_passage_info *pi = &idx->passages[p];
    size_t first = pi->first_sentence, last = pi->last_sentence;
    for (unsigned i = 0; i < widen && first > 0 && idx->sentences[first - 1].doc == pi->doc; i++)
        first--;
    for (unsigned i = 0; i < widen && last + 1 < idx->nsentences &&
                         idx->sentences[last + 1].doc == pi->doc; i++)
        last++;
    *start = widen ? idx->sentences[first].start : pi->start;
    *end = widen ? idx->sentences[last].end : pi->end;
    if (*start > pi->start) *start = pi->start;
    if (*end < pi->end) *end = pi->end;
}

int vz_reader_text(vz_reader *r, uint32_t doc, uint32_t start, uint32_t end, vz_buf *out)
{
    const doc_entry *kept = doc < r->idx->ndocs && start <= end ? doc_kept(r, doc) : NULL;
    if (kept && end <= kept->len)
        return vz_buf_append(out, kept->text + start, end - start);
    sqlite3_stmt *st = r->text_stmt;
    sqlite3_bind_int64(st, 1, (int64_t)start + 1);
    sqlite3_bind_int64(st, 2, (int64_t)end - start);
    sqlite3_bind_int64(st, 3, doc);
    int step = sqlite3_step(st), rc;
    if (step == SQLITE_ROW && (size_t)sqlite3_column_bytes(st, 0) == (size_t)(end - start))
        rc = vz_buf_append(out, sqlite3_column_blob(st, 0), end - start);
    else if (step == SQLITE_ROW || step == SQLITE_DONE)
        rc = corrupt(r->idx->path, "document text");
    else
        rc = vz_store_error(r->db, r->idx->path);
    sqlite3_reset(st);
    return rc;
}

void *vz_reader_aux(const vz_reader *r)
{
    return r->aux;
}

void vz_reader_set_aux(vz_reader *r, void *aux, void (*free_aux)(void *))
{
    r->aux = aux;
    r->free_aux = free_aux;
}
