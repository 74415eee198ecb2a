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
    pthread_mutex_t lock;      /* guards the pool only */
    vz_reader **pool;          /* idle readers */
    size_t npool, cappool;
};

/* Borrow a reader for this call (a new one when none is idle), and give it
 * back.  Readers are not thread-safe; the pool hands each to one caller. */
int  vz_engine_reader(vz_engine *e, vz_reader **out);
void vz_engine_release(vz_engine *e, vz_reader *r);

#endif
