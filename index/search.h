/*
 * search.h - the query side of the index: an opened index (read-only,
 * shared by threads) and readers (one per thread: an SQLite connection,
 * prepared statements, an analyser and scratch arrays) that rank passages
 * with BM25 over the postings.
 *
 * BM25 (Robertson & Zaragoza 2009) with Lucene's IDF, which never goes
 * negative:
 *   score(p) = sum over query terms t of
 *              w_t * idf_t * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len_p / avglen))
 *   idf_t    = ln(1 + (N - df_t + 0.5) / (df_t + 0.5))
 * with k1 = 1.2 and b = 0.75 (Lucene's defaults), which measured best
 * across both SQuAD collections of `make bench` (the README has the sweep).
 */
#ifndef VZ_SEARCH_H
#define VZ_SEARCH_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "index.h"
#include "util.h"

#define VZ_BM25_K1 1.2
#define VZ_BM25_B 0.75

/* BM25's inverse document frequency of a term in df of n passages. */
static inline double vz_bm25_idf(double n, double df)
{
    return log(1 + (n - df + 0.5) / (df + 0.5));
}

typedef struct {
    char *name, *title, *date, *outlet;
    size_t size;
    uint32_t npassages;
} vz_doc_meta;

typedef struct {
    uint32_t doc;
    uint32_t start, end;                     /* bytes [start, end) of the raw file */
    uint32_t first_sentence, last_sentence;  /* global sentence ids */
    uint32_t length;                         /* index terms */
} vz_passage_info;

typedef struct {
    uint32_t doc, start, end;
} vz_sentence_info;

typedef struct vz_index {
    char *path;
    const vz_textkit *kit;     /* borrowed */
    size_t ndocs, npassages, nsentences, nterms, nparagraphs;
    vz_doc_meta *docs;
    vz_passage_info *passages;
    vz_sentence_info *sentences;
    /* Document d's passages are [doc_first[d], doc_first[d + 1]) when the
     * index stores them in document order (the build does); NULL when it
     * does not, and a search within a few documents walks the postings. */
    uint32_t *doc_first;
    float *norm;               /* k1 * (1 - b + b * len / avglen) per passage */
    float *tf1;                /* 1 / (1 + norm): the common tf = 1 without a division */
    double avg_length, k1, b;
    long long built_at;
    double build_seconds;
    char unit[16];
} vz_index;

/* Open the index file at path (which vz_index_ensure made fresh) and load
 * its documents, passages and sentences.  kit must be the one the index was
 * checked with, and outlive the index.  VZ_EINDEX for a corrupt file. */
int  vz_index_open(vz_index **out, const char *path, const vz_textkit *kit);
void vz_index_close(vz_index *idx);
/* The document whose name is name, or -1. */
long vz_index_find_doc(const vz_index *idx, const char *name);

typedef struct vz_reader vz_reader;
int  vz_reader_new(vz_reader **out, const vz_index *idx);
void vz_reader_free(vz_reader *r);

typedef struct {
    char *term;        /* stem */
    double weight;     /* how much the term counts (occurrences in the query by default) */
    double idf;        /* filled by vz_reader_search */
    double bound;      /* filled by vz_reader_search: the most it adds to one score */
    uint32_t df;       /* filled by vz_reader_search */
    /* vz_reader_search's own: the reader's cache entry of term, found once
     * per search rather than for each use of the term. */
    void *slot;
    uint64_t slot_gen;
} vz_qterm;

typedef struct {
    vz_qterm *terms;
    size_t n, cap;
} vz_query;

/* Analyse a query: its non-stop words' stems, each once, weighted by how
 * often it occurs.  VZ_EINVAL for invalid UTF-8.  No terms is not an
 * error: the query matches nothing. */
int  vz_query_parse(vz_reader *r, const char *text, size_t len, vz_query *q);
void vz_query_free(vz_query *q);
/* Build a query by hand: add a term (a stem) with a weight, then merge
 * repeated terms (weights add up) before searching. */
int  vz_query_add(vz_query *q, const char *term, size_t len, double weight);
void vz_query_merge(vz_query *q);

typedef struct {
    uint32_t passage;
    double score;
} vz_hit;

/* The k best passages for q, best first (ties: lower passage id first),
 * only in documents whose doc_mask entry is non-zero when doc_mask is not
 * NULL.  hits must hold k entries; *nhits receives how many were found. */
int vz_reader_search(vz_reader *r, vz_query *q, const unsigned char *doc_mask, size_t k,
              vz_hit *hits, size_t *nhits);
/* The same search always walking the postings lists, as vz_reader_search
 * does unless doc_mask admits few passages (when it looks them up in the
 * lists instead): the tests compare the two. */
int vz_reader_search_walking(vz_reader *r, vz_query *q, const unsigned char *doc_mask,
                             size_t k, vz_hit *hits, size_t *nhits);

/* The byte span of passage p widened by `widen` sentences on each side,
 * within its document. */
void vz_passage_span(const vz_index *idx, uint32_t p, unsigned widen,
                     uint32_t *start, uint32_t *end);

/* Append the raw bytes [start, end) of document doc to out. */
int vz_reader_text(vz_reader *r, uint32_t doc, uint32_t start, uint32_t end, vz_buf *out);

/* Memory the engine keeps with a reader (what it read before); freed
 * by free_aux with the reader.  NULL until set. */
void *vz_reader_aux(const vz_reader *r);
void  vz_reader_set_aux(vz_reader *r, void *aux, void (*free_aux)(void *));

/* The analyser of this reader (for highlighting with the index's rules). */
vz_analyser *vz_reader_analyser(vz_reader *r);

#endif
