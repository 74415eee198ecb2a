/*
 * index.h - the build side of the index: the text kit (analysis resources
 * made from the data files), checking whether an index file is fresh, and
 * building one atomically.
 *
 * The index is one SQLite file (schema in store.c): documents with their
 * raw bytes, paragraphs, sentences and passages with byte offsets, a term
 * table with postings BLOBs, and meta (versions, fingerprint, statistics).
 */
#ifndef VZ_INDEX_H
#define VZ_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "analyse.h"
#include "segment.h"

/* Bumped whenever the tables or the postings format change. */
#define VZ_SCHEMA_VERSION 1
/* Bumped whenever what is cut from a text changes: passages, titles. */
#define VZ_PASSAGE_VERSION 3
/* PRAGMA application_id of every vzask index: "vzsk". */
#define VZ_APPLICATION_ID 0x767a736b

/* The retrieval unit. */
typedef enum { VZ_UNIT_PARAGRAPH = 0, VZ_UNIT_SENTENCE = 1 } vz_unit;
const char *vz_unit_name(int unit);
int vz_unit_parse(const char *name);   /* -1 when unknown */

/* What analysing needs, built once from the data files; read-only after
 * vz_textkit_load, so shareable between threads. */
typedef struct {
    vz_stoplist *stop;
    vz_cleaner *cleaner;
    vz_segmenter *segmenter;
    uint64_t data_hash;     /* of the data files' texts */
} vz_textkit;

/* data_dir: a folder whose files override the built-in data, or NULL.
 * Errors name the data file. */
int  vz_textkit_load(vz_textkit *kit, const char *data_dir);
void vz_textkit_free(vz_textkit *kit);

typedef struct {
    const char *corpus_dir;
    const char *db_path;
    int unit;              /* vz_unit */
    int user_db;           /* db_path was chosen by the user: never replace a
                              file that is not a vzask index */
} vz_index_config;

typedef enum {
    VZ_INDEX_FRESH = 0,   /* matches the corpus, the data and this build */
    VZ_INDEX_MISSING,
    VZ_INDEX_STALE,       /* corpus, data, analyser or unit changed */
    VZ_INDEX_BROKEN,      /* empty, truncated, corrupt or unreadable */
    VZ_INDEX_OLDER,       /* an older schema */
    VZ_INDEX_NEWER,       /* written by a newer vzask */
    VZ_INDEX_FOREIGN      /* not a vzask index: another program's file */
} vz_index_state;

/* Decide whether cfg->db_path serves cfg's corpus.  why receives a short
 * reason for any state but FRESH.  Errors: VZ_ECORPUS (corpus unreadable),
 * VZ_ENOMEM. */
int vz_index_check(const vz_index_config *cfg, const vz_textkit *kit,
                   vz_index_state *state, char *why, size_t whylen);

typedef struct {
    size_t documents, paragraphs, sentences, passages, terms;
    double seconds;
} vz_build_stats;

/* Build the index of cfg->corpus_dir into a temporary file beside
 * cfg->db_path, in one transaction, then rename it into place.  Errors:
 * VZ_ECORPUS (a document unreadable or not UTF-8), VZ_EINDEX / VZ_EIO (the
 * folder is not writable, the disk is full), VZ_ENOMEM. */
int vz_index_build(const vz_index_config *cfg, const vz_textkit *kit, vz_build_stats *stats);

/* Called with a one-line note before a rebuild ("building ... because ..."). */
typedef void (*vz_note_fn)(const char *note, void *ctx);

/* Check, then rebuild when missing, stale, broken, older or (with a note)
 * newer; VZ_EINDEX for a foreign file or one that cannot be rebuilt. */
/* VZ_EINDEX: cfg->db_path is not a vzask index (why, from vz_index_check)
 * and is never replaced. */
int vz_index_refuse_foreign(const vz_index_config *cfg, const char *why);

int vz_index_ensure(const vz_index_config *cfg, const vz_textkit *kit,
                    vz_note_fn note, void *note_ctx);

#endif
