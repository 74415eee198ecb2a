/*
 * paths.h - where vzask finds its corpus and keeps its index by default.
 */
#ifndef VZ_PATHS_H
#define VZ_PATHS_H

#include <stddef.h>

/* The bundled corpus: $VZASK_CORPUS, else corpus/ beside the executable
 * (or one folder up, for build/vzask), else ../share/vzask/corpus beside
 * it (an installed bin/vzask), else the configured PREFIX/share/vzask/corpus.
 * Writes the path to out. */
void vz_default_corpus(char *out, size_t outlen);

/* The cache folder, $XDG_CACHE_HOME/vzask (else ~/.cache/vzask), made when
 * missing.  VZ_EIO when there is none; the message ends with instead, what
 * the user can do instead ("pass --db FILE"). */
int vz_cache_dir(char *out, size_t outlen, const char *instead);
/* The default index file of corpus_dir for a retrieval unit:
 * $XDG_CACHE_HOME/vzask/NAME-HASH-UNIT.sqlite (else ~/.cache/vzask/...),
 * keyed by the corpus folder's real path; creates the folder.  VZ_EIO when
 * no cache folder can be made. */
int vz_default_index(const char *corpus_dir, const char *unit, char *out, size_t outlen);

#endif
