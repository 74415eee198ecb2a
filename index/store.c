/*
 * store.c - implements store.h: the index schema and the SQLite plumbing
 * shared by the build, the freshness check and the query side.
 */
#include "store.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Offsets are bytes [start, end) into the raw file; passage ids are dense
 * from 0, the order of the postings. */
/* The build's cache holds the file being written (38 MB for SQuAD + 20,000
 * distractors): with SQLite's default 2 MB, pages were spilled to the
 * file and read back while the tables grew. */
static const char schema_sql[] =
    "PRAGMA cache_size=-65536;"
    "PRAGMA journal_mode=OFF;"
    "PRAGMA synchronous=OFF;"
    "PRAGMA application_id=1987736427;"  /* VZ_APPLICATION_ID */
    "BEGIN;"
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value) WITHOUT ROWID;"
    "CREATE TABLE documents(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
    " path TEXT NOT NULL, title TEXT, date TEXT, outlet TEXT, size INTEGER NOT NULL,"
    " mtime_ns INTEGER NOT NULL, hash TEXT NOT NULL, content BLOB NOT NULL);"
    "CREATE TABLE paragraphs(id INTEGER PRIMARY KEY, doc INTEGER NOT NULL,"
    " start INTEGER NOT NULL, end INTEGER NOT NULL);"
    "CREATE TABLE sentences(id INTEGER PRIMARY KEY, doc INTEGER NOT NULL,"
    " paragraph INTEGER NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL);"
    "CREATE TABLE passages(id INTEGER PRIMARY KEY, doc INTEGER NOT NULL,"
    " start INTEGER NOT NULL, end INTEGER NOT NULL, first_sentence INTEGER NOT NULL,"
    " last_sentence INTEGER NOT NULL, length INTEGER NOT NULL);"
    "CREATE TABLE terms(term TEXT PRIMARY KEY, df INTEGER NOT NULL, cf INTEGER NOT NULL,"
    " postings BLOB NOT NULL) WITHOUT ROWID;";

_Static_assert(VZ_APPLICATION_ID == 1987736427, "schema_sql names the application id");

int vz_store_error(sqlite3 *db, const char *what)
{
    int code = db ? sqlite3_errcode(db) : SQLITE_NOMEM;
    const char *msg = db ? sqlite3_errmsg(db) : "out of memory";
    if (code == SQLITE_NOMEM)
        return vz_fail(VZ_ENOMEM, "%s: out of memory", what);
    if (code == SQLITE_FULL || code == SQLITE_IOERR)
        return vz_fail(VZ_EIO, "%s: %s", what, msg);
    return vz_fail(VZ_EINDEX, "%s: %s", what, msg);
}

int vz_store_create_schema(sqlite3 *db)
{
    if (sqlite3_exec(db, schema_sql, NULL, NULL, NULL) != SQLITE_OK)
        return vz_store_error(db, "cannot create the index tables");
    return VZ_OK;
}

int vz_store_create_temp(const char *target, char *tmp, size_t tmplen, sqlite3 **db)
{
    *db = NULL;
    if ((size_t)snprintf(tmp, tmplen, "%s.XXXXXX", target) >= tmplen)
        return vz_fail(VZ_EINDEX, "index path too long: %s", target);
    int fd = mkstemp(tmp);
    if (fd < 0 && (errno == ENOSPC || errno == EIO || errno == EDQUOT))
        return vz_fail(VZ_EIO, "cannot create a file beside %s: %s", target, strerror(errno));
    /* The folder refuses files (read-only, no permission, /proc): the
     * place is wrong, not the disk. */
    if (fd < 0)
        return vz_fail(VZ_EINDEX, "cannot create the index %s: %s: choose another index path "
                       "(--db) or check its folder's permissions", target, strerror(errno));
    /* mkstemp makes the file private; an index is as readable as the file
     * it replaces, or as an ordinary new file. */
    struct stat st;
    fchmod(fd, stat(target, &st) == 0 ? (st.st_mode & 07777) : 0644);
    close(fd);
    if (sqlite3_open_v2(tmp, db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        int rc = vz_store_error(*db, tmp);
        sqlite3_close(*db);
        *db = NULL;
        unlink(tmp);
        return rc;
    }
    return VZ_OK;
}

int vz_store_open_readonly(const char *path, sqlite3 **db)
{
    int rc = sqlite3_open_v2(path, db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        rc = vz_store_error(*db, path);
        sqlite3_close(*db);
        *db = NULL;
        return rc;
    }
    /* The file is never written in place (a rebuild renames a new one over
     * it), so a reader may keep its shared lock and page cache for its
     * whole life instead of taking them again for every statement, and map
     * the file instead of copying pages. */
    if (sqlite3_exec(*db, "PRAGMA locking_mode=EXCLUSIVE; PRAGMA mmap_size=268435456;",
                     NULL, NULL, NULL) != SQLITE_OK) {
        rc = vz_store_error(*db, path);
        sqlite3_close(*db);
        *db = NULL;
        return rc;
    }
    return VZ_OK;
}

int vz_store_meta(sqlite3 *db, const char *key, char *out, size_t outlen)
{
    sqlite3_stmt *st;
    out[0] = '\0';
    if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key=?", -1, &st, NULL))
        return vz_store_error(db, "cannot read the index");
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const unsigned char *v = sqlite3_column_text(st, 0);
        snprintf(out, outlen, "%s", v ? (const char *)v : "");
    }
    int err = (rc != SQLITE_ROW && rc != SQLITE_DONE) ? vz_store_error(db, "cannot read the index") : VZ_OK;
    sqlite3_finalize(st);
    return err;
}

uint64_t vz_store_extra_hash(const vz_textkit *kit, int unit)
{
    uint64_t v[] = {VZ_SCHEMA_VERSION, VZ_ANALYSER_VERSION, VZ_PASSAGE_VERSION, (uint64_t)unit,
                    kit->data_hash};
    return vz_fnv1a(v, sizeof v, VZ_FNV_SEED);
}
