/*
 * corpus.h - the documents of a corpus folder: every *.txt file, what the
 * optional manifest.json says of each, and a fingerprint of them all.
 */
#ifndef VZ_CORPUS_H
#define VZ_CORPUS_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    char *name;        /* file name without ".txt": the document id */
    char *path;        /* folder + "/" + file name */
    const char *file;  /* the file name, inside path */
    int dirfd;         /* the corpus's open folder, which file is opened at */
    char *title;       /* from the manifest, or NULL (then the first line) */
    char *date;        /* from the manifest, or NULL */
    char *outlet;      /* from the manifest, or NULL */
    uint64_t size;
    int64_t mtime_ns;
    uint64_t hash;     /* FNV-1a of the content; 0 until hashed */
    int hashed;
} vz_doc_info;

typedef struct {
    char *dir;
    vz_doc_info *docs;     /* sorted by name */
    size_t ndocs;
    size_t skipped;        /* *.txt names that are no regular file (folders, FIFOs) */
    int dirfd;             /* the folder, open from listing to vz_corpus_free; -1 */
    uint64_t manifest_hash; /* 0 without a manifest */
} vz_corpus;

/* List DIR's *.txt files (stat only, no reading) and read its manifest.json
 * when present.  VZ_ECORPUS when DIR is missing, not a folder, holds no
 * .txt file or has a malformed manifest; VZ_ENOMEM. */
int  vz_corpus_list(const char *dir, vz_corpus *out);
void vz_corpus_free(vz_corpus *c);

/* Read document d's bytes (malloc'd, NUL-terminated) and set its hash and
 * size; its corpus must not be freed yet.  VZ_ECORPUS naming the file when
 * it cannot be read or is no regular file any more; VZ_ENOMEM. */
int  vz_corpus_read(vz_doc_info *d, char **content, size_t *len);

/* A fingerprint of the corpus (names, sizes, hashes, manifest) mixed with
 * extra (analyser, schema and data versions).  Every document must be
 * hashed. */
uint64_t vz_corpus_fingerprint(const vz_corpus *c, uint64_t extra);

#endif
