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
    else if (vz_default_index(corpus, vz_unit_name(e->unit), db, sizeof db))
        return VZ_EIO;
    e->corpus_dir = vz_strdup(corpus);
    e->index_path = vz_strdup(db);
    return e->corpus_dir && e->index_path ? VZ_OK : vz_fail(VZ_ENOMEM, "out of memory");
}

static int parse_unit(vz_engine *e, const char *name)
{
    e->unit = name ? vz_unit_parse(name) : VZ_UNIT_PARAGRAPH;
    return e->unit >= 0 ? VZ_OK : vz_fail(VZ_EINVAL, "unknown unit '%s': use \"paragraph\" "
                                          "or \"sentence\"", name);
}

/* A rebuild never replaces another program's file given as the index. */
static int rebuild_index(const vz_index_config *cfg, const vz_textkit *kit)
{
    vz_index_state st = VZ_INDEX_MISSING;
    char why[512];
    int rc = cfg->user_db ? vz_index_check(cfg, kit, &st, why, sizeof why) : VZ_OK;
    if (rc == VZ_OK && st == VZ_INDEX_FOREIGN)
        rc = vz_fail(VZ_EINDEX, "%s is not a vzask index (%s); refusing to replace it: "
                     "choose another index path", cfg->db_path, why);
    return rc ? rc : vz_index_build(cfg, kit, NULL);
}

/* A read-only engine only checks: it never writes an index. */
static int ensure_index(vz_engine *e, const vz_engine_options *o)
{
    vz_index_config cfg = {e->corpus_dir, e->index_path, e->unit, o->index_path != NULL};
    if ((o->flags & VZ_OPEN_READONLY) && (o->flags & VZ_OPEN_REBUILD))
        return vz_fail(VZ_EINVAL, "VZ_OPEN_READONLY and VZ_OPEN_REBUILD contradict each other: "
                       "choose one");
    if (o->flags & VZ_OPEN_REBUILD)
        return rebuild_index(&cfg, &e->kit);
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
    int rc = parse_unit(e, o->unit);
    if (!rc) rc = resolve_paths(e, o);
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

int vz_engine_stats(const vz_engine *e, vz_index_stats *st)
{
    if (!e || !st)
        return vz_fail(VZ_EINVAL, "vz_engine_stats: %s is NULL", e ? "stats" : "the engine");
    if (st->version != VZ_INDEX_STATS_VERSION)
        return vz_fail(VZ_EINVAL, "vz_engine_stats: stats version %u is not %u: initialise "
                       "them with VZ_INDEX_STATS_INIT", st->version, VZ_INDEX_STATS_VERSION);
    const vz_index *idx = e->idx;
    *st = (vz_index_stats){
        .version = VZ_INDEX_STATS_VERSION,
        .documents = idx->ndocs,
        .paragraphs = idx->nparagraphs,
        .sentences = idx->nsentences,
        .passages = idx->npassages,
        .terms = idx->nterms,
        .built_at = idx->built_at,
        .build_seconds = idx->build_seconds,
        .unit = vz_unit_name(e->unit),
        .corpus_dir = e->corpus_dir,
        .index_path = e->index_path,
    };
    return VZ_OK;
}

int vz_engine_check_text(const char *text, size_t len, const char *what)
{
    if (len > VZ_MAX_QUESTION)
        return vz_fail(VZ_EINVAL, "the %s is %zu bytes long, more than %d: shorten it", what,
                       len, VZ_MAX_QUESTION);
    if (memchr(text, '\0', len))
        return vz_fail(VZ_EINVAL, "the %s holds a NUL byte: pass its length without it", what);
    size_t bad = vz_utf8_invalid_at(text, len);
    if (bad < len)
        return vz_fail(VZ_EINVAL, "the %s is not valid UTF-8 (byte %zu): convert it to UTF-8",
                       what, bad);
    for (size_t i = 0; i < len; i++)
        if (!strchr(" \t\r\n", text[i]))
            return VZ_OK;
    return vz_fail(VZ_EINVAL, "the %s is empty: give some words", what);
}

int vz_engine_doc_mask(const vz_engine *e, const char *const *docs, size_t ndocs,
                       unsigned char **mask)
{
    *mask = NULL;
    if (!docs || !ndocs)
        return VZ_OK;
    *mask = calloc(e->idx->ndocs ? e->idx->ndocs : 1, 1);
    if (!*mask)
        return vz_fail(VZ_ENOMEM, "out of memory");
    for (size_t i = 0; i < ndocs; i++) {
        long d = docs[i] ? vz_index_find_doc(e->idx, docs[i]) : -1;
        if (d < 0) {
            free(*mask);
            *mask = NULL;
            return vz_fail(VZ_EINVAL, "no document '%s' in %s: give a file name without .txt",
                           docs[i] ? docs[i] : "(null)", e->corpus_dir);
        }
        (*mask)[d] = 1;
    }
    return VZ_OK;
}
