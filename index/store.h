/*
 * store.h - the SQLite side of the index shared by the build, the check
 * and the query side: the schema, opening, temporary files, errors.
 */
#ifndef VZ_STORE_H
#define VZ_STORE_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "index.h"

/* Record SQLite's message for db as the last error ("what: message") and
 * return VZ_EINDEX (VZ_ENOMEM / VZ_EIO when SQLite says so). */
int vz_store_error(sqlite3 *db, const char *what);

/* Create the tables in an empty database and open the build transaction. */
int vz_store_create_schema(sqlite3 *db);

/* Create a new empty file beside target (same folder, so the final rename
 * is atomic) and open it for writing; tmp receives its path. */
int vz_store_create_temp(const char *target, char *tmp, size_t tmplen, sqlite3 **db);

/* Open an existing index read-only (never creating it). */
int vz_store_open_readonly(const char *path, sqlite3 **db);

/* Read meta value key into out (empty when absent).  VZ_EINDEX on failure. */
int vz_store_meta(sqlite3 *db, const char *key, char *out, size_t outlen);

/* What besides the corpus decides an index's contents: the schema, analyser
 * and passage versions, the retrieval unit and the data files. */
uint64_t vz_store_extra_hash(const vz_textkit *kit, int unit);

#endif
