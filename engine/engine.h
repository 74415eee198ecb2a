/*
 * engine.h - the inside of a vz_engine: the text kit, the opened index, the
 * question-answering data, and a pool of per-thread readers.
 */
#ifndef VZ_ENGINE_H
#define VZ_ENGINE_H

#include <pthread.h>

#include "vzask.h"
#include "index.h"
#include "search.h"
#include "qa.h"

struct vz_engine {
    vz_textkit kit;
    vz_index *idx;
    vz_qa *qa;                 /* question rules, templates, synonyms */
    char *corpus_dir, *index_path;
    int unit;                  /* vz_unit */
    pthread_mutex_t lock;      /* guards the pool only */
    vz_reader **pool;          /* idle readers */
    size_t npool, cappool;
};

/* VZ_EINVAL, with a message naming it `what` ("question"), unless text is
 * at most VZ_MAX_QUESTION bytes of valid UTF-8 without NUL and not all blank. */
int vz_engine_check_text(const char *text, size_t len, const char *what);
/* *mask: NULL when ndocs is 0, else a byte per document of the index, 1
 * for those named in docs (malloc'd).  VZ_EINVAL names an unknown id. */
int vz_engine_doc_mask(const vz_engine *e, const char *const *docs, size_t ndocs,
                       unsigned char **mask);

/* Training the span ranker: instead of answering, vz_ask_spans hands fn
 * the sentences the ranker read and its spans, scored by model, with
 * their features named in names. */
typedef int (*vz_spans_fn)(void *ctx, const vz_rk_sentence *sent, size_t nsent,
                           const vz_rk_spans *spans);
typedef struct {
    vz_ranker *model;
    vz_rk_names *names;
    vz_spans_fn fn;
    void *ctx;
} vz_span_hook;
int vz_ask_spans(vz_engine *e, const char *question, size_t len, const vz_ask_options *opts,
                 const vz_span_hook *hook);

/* Borrow a reader for this call (a new one when none is idle), and give it
 * back.  Readers are not thread-safe; the pool hands each to one caller. */
int  vz_engine_reader(vz_engine *e, vz_reader **out);
void vz_engine_release(vz_engine *e, vz_reader *r);

#endif
