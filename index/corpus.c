/*
 * corpus.c - implements corpus.h: listing a corpus folder, reading its
 * optional manifest.json (what is known of each document: title, outlet,
 * dateline date) and fingerprinting the whole.
 */
#include "corpus.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MANIFEST "manifest.json"

static int has_txt_suffix(const char *name)
{
    size_t n = strlen(name);
    return n > 4 && strcmp(name + n - 4, ".txt") == 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const vz_doc_info *)a)->name, ((const vz_doc_info *)b)->name);
}

/* fstatat relative to the open folder: no path walk per file, which counts
 * when every run checks tens of thousands of documents for changes. */
static int add_doc(vz_corpus *c, size_t *cap, int dfd, const char *dir, const char *file)
{
    char path[4096];
    struct stat st;
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, file) >= sizeof path)
        return vz_fail(VZ_ECORPUS, "path too long: %s/%s", dir, file);
    if (fstatat(dfd, file, &st, 0) != 0)
        return vz_fail(VZ_ECORPUS, "cannot read corpus document %s: %s: fix or remove it",
                       path, strerror(errno));
    if (!S_ISREG(st.st_mode)) {
        c->skipped++;   /* a folder or FIFO named x.txt is no document; never opened */
        return VZ_OK;
    }
    void *p = c->docs;
    if (vz_grow(&p, cap, c->ndocs + 1, sizeof *c->docs))
        return VZ_ENOMEM;
    c->docs = p;
    vz_doc_info *d = &c->docs[c->ndocs];
    memset(d, 0, sizeof *d);
    d->name = vz_strndup(file, strlen(file) - 4);
    d->path = vz_strdup(path);
    if (!d->name || !d->path) {
        free(d->name);
        free(d->path);
        return vz_fail(VZ_ENOMEM, "out of memory");
    }
    d->file = d->path + strlen(d->path) - strlen(file);
    d->dirfd = c->dirfd;
    d->size = (uint64_t)st.st_size;
    d->mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
    c->ndocs++;
    return VZ_OK;
}

static int list_dir(vz_corpus *c, const char *dir)
{
    DIR *dh = opendir(dir);
    if (!dh)
        return vz_fail(VZ_ECORPUS, "cannot open corpus folder %s: %s: check the path (a folder "
                       "of .txt files) and its permissions", dir, strerror(errno));
    size_t cap = 0;
    /* The folder stays open for vz_corpus_read: an openat in it spares the
     * walk of the whole path per document. */
    c->dirfd = fcntl(dirfd(dh), F_DUPFD_CLOEXEC, 0);
    int rc = c->dirfd < 0 ? vz_fail(VZ_ECORPUS, "cannot open corpus folder %s: %s", dir,
                                    strerror(errno)) : VZ_OK;
    struct dirent *e;
    while (rc == VZ_OK && (e = readdir(dh)) != NULL)
        if (e->d_name[0] != '.' && has_txt_suffix(e->d_name))
            rc = add_doc(c, &cap, c->dirfd, dir, e->d_name);
    closedir(dh);
    if (rc == VZ_OK && c->ndocs == 0 && c->skipped)
        rc = vz_fail(VZ_ECORPUS, "corpus folder %s holds no regular .txt file (%zu *.txt "
                     "entries are folders, FIFOs or devices): put the documents there as UTF-8 "
                     ".txt files", dir, c->skipped);
    else if (rc == VZ_OK && c->ndocs == 0)
        rc = vz_fail(VZ_ECORPUS, "corpus folder %s holds no .txt file: put the documents there "
                     "as UTF-8 .txt files", dir);
    if (rc == VZ_OK)
        qsort(c->docs, c->ndocs, sizeof *c->docs, by_name);
    return rc;
}

static vz_doc_info *find_doc(vz_corpus *c, const char *name)
{
    vz_doc_info key = {.name = (char *)name};
    return bsearch(&key, c->docs, c->ndocs, sizeof *c->docs, by_name);
}

static char *json_str(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s && *s ? vz_strdup(s) : NULL;
}

/* manifest.json: {"documents": {"NAME": {"title": ..., "outlet": ...,
 * "date": ...}}}; entries for absent files are ignored. */
static int read_manifest(vz_corpus *c, const char *dir)
{
    char path[4096];
    char *text;
    size_t len;
    snprintf(path, sizeof path, "%s/%s", dir, MANIFEST);
    FILE *probe = fopen(path, "rb");
    if (!probe)
        return VZ_OK;
    fclose(probe);
    if (vz_read_file(path, &text, &len))
        return VZ_ECORPUS;
    c->manifest_hash = vz_fnv1a(text, len, VZ_FNV_SEED);
    json_error_t jerr;
    json_t *root = json_loadb(text, len, 0, &jerr);
    free(text);
    json_t *docs = json_object_get(root, "documents");
    if (!root || !json_is_object(docs)) {
        json_decref(root);
        return vz_fail(VZ_ECORPUS, "%s: %s: fix the manifest or remove it", path,
                       root ? "no \"documents\" object" : jerr.text);
    }
    const char *name;
    json_t *entry;
    json_object_foreach(docs, name, entry) {
        vz_doc_info *d = find_doc(c, name);
        if (!d || !json_is_object(entry))
            continue;
        d->title = json_str(entry, "title");
        d->date = json_str(entry, "date");
        d->outlet = json_str(entry, "outlet");
    }
    json_decref(root);
    return VZ_OK;
}

int vz_corpus_list(const char *dir, vz_corpus *out)
{
    memset(out, 0, sizeof *out);
    out->dirfd = -1;
    out->dir = vz_strdup(dir);
    if (!out->dir)
        return vz_fail(VZ_ENOMEM, "out of memory");
    int rc = list_dir(out, dir);
    if (rc == VZ_OK)
        rc = read_manifest(out, dir);
    if (rc)
        vz_corpus_free(out);
    return rc;
}

void vz_corpus_free(vz_corpus *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->ndocs; i++) {
        vz_doc_info *d = &c->docs[i];
        free(d->name);
        free(d->path);
        free(d->title);
        free(d->date);
        free(d->outlet);
    }
    free(c->docs);
    free(c->dir);
    if (c->dirfd >= 0)
        close(c->dirfd);
    memset(c, 0, sizeof *c);
    c->dirfd = -1;   /* freeing twice (after a failed listing) closes nothing */
}

/* Read the rest of fd into b as vz_read_file does: until read(2) says the
 * end. */
static int read_rest(int fd, const vz_doc_info *d, vz_buf *b)
{
    for (;;) {
        if (b->len + 1 >= b->cap && vz_buf_reserve(b, b->cap))
            return VZ_ENOMEM;
        ssize_t n = read(fd, b->data + b->len, b->cap - 1 - b->len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return vz_fail(VZ_EIO, "cannot read %s: %s", d->path, strerror(errno));
        if (n == 0)
            return VZ_OK;
        b->len += (size_t)n;
    }
}

/* The document's bytes, opened in the corpus folder (no walk of the whole
 * path per document).  A first read that stops short at the size the
 * listing saw is the whole regular file the listing saw: one open and one
 * read per document, where a second read and an fstat each cost as much.
 * Anything else (a file that changed, or was replaced by a FIFO, which
 * O_NONBLOCK keeps from waiting for a writer, or a device) takes the
 * general way: only a regular file is read, to its end. */
static int read_doc(const vz_doc_info *d, vz_buf *b)
{
    size_t room = b->cap - 1;
    ssize_t n;
    int fd = openat(d->dirfd, d->file, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return vz_fail(VZ_EIO, "cannot open %s: %s", d->path, strerror(errno));
    while ((n = read(fd, b->data, room)) < 0 && errno == EINTR)
        ;
    int rc = VZ_OK, e = errno;
    struct stat st;
    if (n > 0 && (uint64_t)n == d->size && (size_t)n < room)
        b->len = (size_t)n;
    else if (fstat(fd, &st) != 0)
        rc = vz_fail(VZ_EIO, "cannot open %s: %s", d->path, strerror(errno));
    else if (!S_ISREG(st.st_mode))
        rc = vz_fail(VZ_EIO, "cannot open %s: not a regular file", d->path);
    else if (n < 0)
        rc = vz_fail(VZ_EIO, "cannot read %s: %s", d->path, strerror(e));
    else if ((b->len = (size_t)n) > 0)
        rc = read_rest(fd, d, b);
    close(fd);
    return rc;
}

int vz_corpus_read(vz_doc_info *d, char **content, size_t *len)
{
    vz_buf b = {0};
    *content = NULL;   /* check.c frees it whatever happens */
    *len = 0;
    if (vz_buf_reserve(&b, d->size + 1) || read_doc(d, &b)) {
        vz_buf_free(&b);
        char why[512];
        snprintf(why, sizeof why, "%s", vz_last_error());
        return vz_fail(VZ_ECORPUS, "corpus document %s: %s: check its permissions or remove "
                       "it", d->name, why);
    }
    b.data[b.len] = '\0';
    *content = b.data;
    *len = b.len;
    d->size = *len;
    d->hash = vz_fnv1a(*content, *len, VZ_FNV_SEED);
    d->hashed = 1;
    return VZ_OK;
}

uint64_t vz_corpus_fingerprint(const vz_corpus *c, uint64_t extra)
{
    uint64_t h = vz_fnv1a(&extra, sizeof extra, VZ_FNV_SEED);
    h = vz_fnv1a(&c->manifest_hash, sizeof c->manifest_hash, h);
    for (size_t i = 0; i < c->ndocs; i++) {
        const vz_doc_info *d = &c->docs[i];
        h = vz_fnv1a(d->name, strlen(d->name) + 1, h);
        h = vz_fnv1a(&d->size, sizeof d->size, h);
        h = vz_fnv1a(&d->hash, sizeof d->hash, h);
    }
    return h;
}
