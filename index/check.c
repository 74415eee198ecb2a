/*
 * check.c - implements vz_index_check and vz_index_ensure: is an index
 * file fresh for its corpus, and if not, may it be rebuilt?  An index is a
 * cache of the corpus; opening never trusts one it cannot verify, and a
 * file that vzask did not write is never replaced.
 */
#include "index.h"
#include "corpus.h"
#include "store.h"
#include "util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int set_state(vz_index_state *state, vz_index_state s, char *why, size_t n,
                     const char *fmt, ...) VZ_PRINTF(5, 6);
static int set_state(vz_index_state *state, vz_index_state s, char *why, size_t n,
                     const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, n, fmt, ap);
    va_end(ap);
    *state = s;
    return VZ_OK;
}

/* The SQLite header: magic at 0, application id (big-endian) at 68. */
static vz_index_state classify_header(const char *path, int user_db, char *why, size_t n)
{
    unsigned char h[100];
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(why, n, "cannot read it: %s", strerror(errno));
        return VZ_INDEX_BROKEN;
    }
    size_t got = fread(h, 1, sizeof h, f);
    fclose(f);
    if (got == 0) {
        snprintf(why, n, "the file is empty");
        return VZ_INDEX_BROKEN;
    }
    int magic = got >= 16 && memcmp(h, "SQLite format 3", 16) == 0;
    uint32_t app = got == sizeof h ? (uint32_t)h[68] << 24 | (uint32_t)h[69] << 16 |
                                     (uint32_t)h[70] << 8 | h[71] : 0;
    if (magic && app == VZ_APPLICATION_ID)
        return VZ_INDEX_FRESH;   /* ours: the meta table decides the rest */
    if (!user_db) {
        snprintf(why, n, "the file is not a readable vzask index");
        return VZ_INDEX_BROKEN;   /* a file in our own cache folder */
    }
    snprintf(why, n, magic ? "it is an SQLite database of another program"
                           : "it is not an SQLite database");
    return VZ_INDEX_FOREIGN;
}

typedef struct {
    sqlite3 *db;
    sqlite3_stmt *doc;
} stored_docs;

/* Use the stored hash of a document whose size and mtime are unchanged,
 * as git does, and read only the files that look changed. */
static int hash_document(stored_docs *s, vz_doc_info *d)
{
    sqlite3_bind_text(s->doc, 1, d->name, -1, SQLITE_STATIC);
    int rc = sqlite3_step(s->doc);
    if (rc == SQLITE_ROW && (uint64_t)sqlite3_column_int64(s->doc, 0) == d->size &&
        sqlite3_column_int64(s->doc, 1) == d->mtime_ns) {
        const char *hex = (const char *)sqlite3_column_text(s->doc, 2);
        d->hash = hex ? strtoull(hex, NULL, 16) : 0;
        d->hashed = 1;
    }
    sqlite3_reset(s->doc);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return vz_store_error(s->db, "cannot read the index");
    if (d->hashed)
        return VZ_OK;
    char *content;
    size_t len;
    rc = vz_corpus_read(d, &content, &len);
    free(content);
    return rc;
}

static int corpus_fingerprint(sqlite3 *db, const vz_index_config *cfg, const vz_textkit *kit,
                              uint64_t *fp)
{
    vz_corpus c;
    stored_docs s = {db, NULL};
    int rc = vz_corpus_list(cfg->corpus_dir, &c);
    if (rc)
        return rc;
    if (sqlite3_prepare_v2(db, "SELECT size, mtime_ns, hash FROM documents WHERE name=?",
                           -1, &s.doc, NULL) != SQLITE_OK)
        rc = vz_store_error(db, "cannot read the index");
    for (size_t i = 0; rc == VZ_OK && i < c.ndocs; i++)
        rc = hash_document(&s, &c.docs[i]);
    if (rc == VZ_OK)
        *fp = vz_corpus_fingerprint(&c, vz_store_extra_hash(kit, cfg->unit));
    sqlite3_finalize(s.doc);
    vz_corpus_free(&c);
    return rc;
}

/* Compare the meta table with this build and the corpus. */
static int check_meta(sqlite3 *db, const vz_index_config *cfg, const vz_textkit *kit,
                      vz_index_state *state, char *why, size_t n)
{
    char v[128];
    if (vz_store_meta(db, "schema_version", v, sizeof v) || !v[0])
        return set_state(state, VZ_INDEX_BROKEN, why, n, "unreadable: %s", vz_last_error());
    int schema = atoi(v);
    if (schema > VZ_SCHEMA_VERSION)
        return set_state(state, VZ_INDEX_NEWER, why, n,
                         "written by a newer vzask (schema %d, this one reads %d)",
                         schema, VZ_SCHEMA_VERSION);
    if (schema < VZ_SCHEMA_VERSION)
        return set_state(state, VZ_INDEX_OLDER, why, n, "an older schema (%d)", schema);
    if (vz_store_meta(db, "analyser_version", v, sizeof v) || atoi(v) != VZ_ANALYSER_VERSION)
        return set_state(state, VZ_INDEX_STALE, why, n, "the analyser changed");
    if (vz_store_meta(db, "unit", v, sizeof v) || strcmp(v, vz_unit_name(cfg->unit)) != 0)
        return set_state(state, VZ_INDEX_STALE, why, n, "the retrieval unit changed");
    if (vz_store_meta(db, "data_hash", v, sizeof v) || strtoull(v, NULL, 16) != kit->data_hash)
        return set_state(state, VZ_INDEX_STALE, why, n, "the data files changed");
    if (vz_store_meta(db, "fingerprint", v, sizeof v))
        return set_state(state, VZ_INDEX_BROKEN, why, n, "unreadable: %s", vz_last_error());
    uint64_t fp;
    int rc = corpus_fingerprint(db, cfg, kit, &fp);
    if (rc == VZ_EINDEX)
        return set_state(state, VZ_INDEX_BROKEN, why, n, "unreadable: %s", vz_last_error());
    if (rc)
        return rc;
    if (strtoull(v, NULL, 16) != fp)
        return set_state(state, VZ_INDEX_STALE, why, n, "the corpus changed");
    return set_state(state, VZ_INDEX_FRESH, why, n, "fresh");
}

int vz_index_check(const vz_index_config *cfg, const vz_textkit *kit,
                   vz_index_state *state, char *why, size_t whylen)
{
    struct stat st;
    if (stat(cfg->db_path, &st) != 0) {
        /* A corpus that cannot be read is the error to tell first, as it is
         * when an index exists (its fingerprint reads the corpus). */
        vz_corpus c;
        int rc = vz_corpus_list(cfg->corpus_dir, &c);
        vz_corpus_free(&c);
        return rc ? rc : set_state(state, VZ_INDEX_MISSING, why, whylen, "no index yet");
    }
    if (!S_ISREG(st.st_mode))
        return set_state(state, VZ_INDEX_FOREIGN, why, whylen, "it is not a regular file");
    *state = classify_header(cfg->db_path, cfg->user_db, why, whylen);
    if (*state != VZ_INDEX_FRESH)
        return VZ_OK;
    sqlite3 *db;
    if (vz_store_open_readonly(cfg->db_path, &db))
        return set_state(state, VZ_INDEX_BROKEN, why, whylen, "%s", vz_last_error());
    int rc = check_meta(db, cfg, kit, state, why, whylen);
    sqlite3_close(db);
    return rc;
}

/* Why the folder of path (put in dir) cannot take a new index, or NULL
 * when it can. */
static const char *folder_problem(const char *path, char *dir, size_t n)
{
    struct stat st;
    snprintf(dir, n, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash)
        snprintf(dir, n, ".");
    else if (slash == dir)
        dir[1] = '\0';
    else
        *slash = '\0';
    if (stat(dir, &st) != 0)
        return errno == ENOENT ? "does not exist" : strerror(errno);
    if (!S_ISDIR(st.st_mode))
        return "is not a folder";
    return access(dir, W_OK) == 0 ? NULL : "is not writable";
}

int vz_index_refuse_foreign(const vz_index_config *cfg, const char *why)
{
    return vz_fail(VZ_EINDEX, "%s is not a vzask index (%s); refusing to replace it: "
                   "choose another index path (--db)", cfg->db_path, why);
}

int vz_index_ensure(const vz_index_config *cfg, const vz_textkit *kit,
                    vz_note_fn note, void *note_ctx)
{
    vz_index_state state;
    char why[512], msg[1024];
    int rc = vz_index_check(cfg, kit, &state, why, sizeof why);
    if (rc || state == VZ_INDEX_FRESH)
        return rc;
    if (state == VZ_INDEX_FOREIGN)
        return vz_index_refuse_foreign(cfg, why);
    char dir[4096];
    const char *problem = folder_problem(cfg->db_path, dir, sizeof dir);
    if (problem)
        return vz_fail(VZ_EINDEX, "index %s needs a rebuild (%s) but its folder %s %s: "
                       "choose another index path (--db), or run `vzask index` with write "
                       "access", cfg->db_path, why, dir, problem);
    if (note) {
        snprintf(msg, sizeof msg, "building the index %s (%s)", cfg->db_path, why);
        note(msg, note_ctx);
    }
    return vz_index_build(cfg, kit, NULL);
}
