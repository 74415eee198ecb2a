/*
 * engine.c - implements vz_engine_open and vz_engine_close: an engine owns
 * the analysis kit, the opened index (shared read-only by every thread),
 * the question-answering data, and a pool of readers, each with its own
 * SQLite connection and Snowball stemmer, lent to one call at a time.
 */
#include "engine.h"
#include "paths.h"
#include "util.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int resolve_paths(vz_engine *e, const vz_engine_options *o)
{
    char corpus[PATH_MAX], db[PATH_MAX];
    if (o->corpus_dir)
        snprintf(corpus, sizeof corpus, "%s", o->corpus_dir);
    else
        vz_default_corpus(corpus, sizeof corpus);
    if (o->index_path)
        snprintf(db, sizeof db, "%s", o->index_path);
    else if (vz_default_index(corpus, vz_unit_name(VZ_UNIT_PARAGRAPH), db, sizeof db))
        return VZ_EIO;
    e->corpus_dir = vz_strdup(corpus);
    e->index_path = vz_strdup(db);
    return e->corpus_dir && e->index_path ? VZ_OK : vz_fail(VZ_ENOMEM, "out of memory");
}

/* A read-only engine only checks: it never writes an index. */
static int ensure_index(vz_engine *e, const vz_engine_options *o)
{
    vz_index_config cfg = {e->corpus_dir, e->index_path, VZ_UNIT_PARAGRAPH, o->index_path != NULL};
    if (!(o->flags & VZ_OPEN_READONLY))
        return vz_index_ensure(&cfg, &e->kit, o->note, o->note_ctx);
    vz_index_state st;
    char why[512];
    int rc = vz_index_check(&cfg, &e->kit, &st, why, sizeof why);
    if (rc == VZ_OK && st == VZ_INDEX_FOREIGN)
        rc = vz_index_refuse_foreign(&cfg, why);
    else if (rc == VZ_OK && st != VZ_INDEX_FRESH)
        rc = vz_fail(VZ_EINDEX, "index %s cannot be used (%s) and the engine is read-only: "
                     "open it without VZ_OPEN_READONLY or run `vzask index`", e->index_path, why);
    return rc;
}

int vz_engine_open(vz_engine **out, const vz_engine_options *opts)
{
    static const vz_engine_options defaults = VZ_ENGINE_OPTIONS_INIT;
    if (!out)
        return vz_fail(VZ_EINVAL, "vz_engine_open: out is NULL: pass the address of a "
                       "vz_engine pointer");
    *out = NULL;
    const vz_engine_options *o = opts ? opts : &defaults;
    if (o->version != VZ_ENGINE_OPTIONS_VERSION)
        return vz_fail(VZ_EINVAL, "vz_engine_open: options version %u is not %u: "
                       "initialise them with VZ_ENGINE_OPTIONS_INIT", o->version,
                       VZ_ENGINE_OPTIONS_VERSION);
    vz_engine *e = calloc(1, sizeof *e);
    if (!e)
        return vz_fail(VZ_ENOMEM, "out of memory");
    pthread_mutex_init(&e->lock, NULL);
    int rc = resolve_paths(e, o);
    if (!rc) rc = vz_textkit_load(&e->kit, o->data_dir);
    if (!rc) rc = vz_qa_load(&e->qa, o->data_dir, e->kit.stop);
    if (!rc) rc = ensure_index(e, o);
    if (!rc) rc = vz_index_open(&e->idx, e->index_path, &e->kit);
    if (rc) {
        vz_engine_close(e);
        return rc;
    }
    *out = e;
    return VZ_OK;
}

void vz_engine_close(vz_engine *e)
{
    if (!e)
        return;
    for (size_t i = 0; i < e->npool; i++)
        vz_reader_free(e->pool[i]);
    free(e->pool);
    vz_index_close(e->idx);
    vz_qa_free(e->qa);
    vz_textkit_free(&e->kit);
    pthread_mutex_destroy(&e->lock);
    free(e->corpus_dir);
    free(e->index_path);
    free(e);
}

int vz_engine_reader(vz_engine *e, vz_reader **out)
{
    pthread_mutex_lock(&e->lock);
    *out = e->npool ? e->pool[--e->npool] : NULL;
    pthread_mutex_unlock(&e->lock);
    return *out ? VZ_OK : vz_reader_new(out, e->idx);
}

void vz_engine_release(vz_engine *e, vz_reader *r)
{
    if (!r)
        return;
    pthread_mutex_lock(&e->lock);
    void *p = e->pool;
    int ok = vz_grow(&p, &e->cappool, e->npool + 1, sizeof *e->pool) == VZ_OK;
    e->pool = p;
    if (ok)
        e->pool[e->npool++] = r;
    pthread_mutex_unlock(&e->lock);
    if (!ok)
        vz_reader_free(r);
}
