/*
 * util.c - implements the small helpers of util.h: the thread-local error
 * message, growable buffers, whole-file reads, FNV-1a and varints.
 */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utf8proc.h>

static _Thread_local char last_error[1024];

int vz_fail(int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_error, sizeof last_error, fmt, ap);
    va_end(ap);
    return status;
}

int vz_fail_context(int status, const char *fmt, ...)
{
    char prefix[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    size_t p = strlen(prefix), m = strlen(last_error), room = sizeof last_error - 1;
    if (p + 2 > room)
        p = room - 2;
    if (p + 2 + m > room)
        m = room - p - 2;
    memmove(last_error + p + 2, last_error, m);   /* make room: "prefix: old" */
    memcpy(last_error, prefix, p);
    memcpy(last_error + p, ": ", 2);
    last_error[p + 2 + m] = '\0';
    return status;
}

void vz_clear_error(void) { last_error[0] = '\0'; }

const char *vz_last_error(void) { return last_error; }

const char *vz_version(void)
{
#define VZ_STR2(x) #x
#define VZ_STR(x) VZ_STR2(x)
    return VZ_STR(VZ_VERSION_MAJOR) "." VZ_STR(VZ_VERSION_MINOR) "." VZ_STR(VZ_VERSION_PATCH);
}

/* No default: -Wswitch makes a forgotten code a compile error. */
const char *vz_status_str(int status)
{
    switch ((vz_status)status) {
    case VZ_OK: return "success";
    case VZ_EINVAL: return "invalid argument";
    case VZ_ENOMEM: return "out of memory";
    case VZ_ECORPUS: return "corpus error";
    case VZ_EINDEX: return "index error";
    case VZ_EIO: return "input/output error";
    case VZ_EINTERNAL: return "internal error";
    }
    return "unknown status";
}

int vz_grow(void **items, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return VZ_OK;
    size_t ncap = *cap ? *cap : 16;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2)
            return vz_fail(VZ_ENOMEM, "out of memory");
        ncap *= 2;
    }
    if (elem && ncap > SIZE_MAX / elem)
        return vz_fail(VZ_ENOMEM, "out of memory");
    void *p = realloc(*items, ncap * elem);
    if (!p)
        return vz_fail(VZ_ENOMEM, "out of memory");
    *items = p;
    *cap = ncap;
    return VZ_OK;
}

int vz_buf_reserve(vz_buf *b, size_t extra)
{
    if (extra > SIZE_MAX - b->len - 1)
        return vz_fail(VZ_ENOMEM, "out of memory");
    void *p = b->data;
    int rc = vz_grow(&p, &b->cap, b->len + extra + 1, 1);
    b->data = p;
    return rc;
}

int vz_buf_append(vz_buf *b, const void *p, size_t n)
{
    int rc = vz_buf_reserve(b, n);
    if (rc)
        return rc;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return VZ_OK;
}

int vz_buf_printf(vz_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return vz_fail(VZ_EINTERNAL, "cannot format text");
    int rc = vz_buf_reserve(b, (size_t)n);
    if (rc)
        return rc;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return VZ_OK;
}

void vz_buf_free(vz_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

/* O_NONBLOCK: a FIFO put where a file was listed must not wait for a
 * writer; only a regular file is read.  Returns the descriptor and the
 * file's size, or -1 with errno set (EINVAL: not a regular file). */
static int open_regular(const char *path, size_t *size)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return -1;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        int e = S_ISREG(st.st_mode) ? errno : EINVAL;
        close(fd);
        errno = e;
        return -1;
    }
    *size = (size_t)st.st_size;
    return fd;
}

/* read(2) straight into the result, sized by fstat: an index build reads
 * tens of thousands of small files, and stdio's buffer and a copy through
 * it were a tenth of reading them.  A file that grows meanwhile is read to
 * its end all the same. */
int vz_read_file(const char *path, char **out, size_t *len)
{
    size_t size = 0;
    int fd = open_regular(path, &size);
    if (fd < 0)
        return vz_fail(VZ_EIO, "cannot open %s: %s", path,
                       errno == EINVAL ? "not a regular file" : strerror(errno));
    vz_buf b = {0};
    int rc = vz_buf_reserve(&b, size + 1) ? VZ_ENOMEM : VZ_OK;
    while (rc == VZ_OK) {
        if (b.len + 1 >= b.cap && vz_buf_reserve(&b, b.cap)) {
            rc = VZ_ENOMEM;
            break;
        }
        ssize_t n = read(fd, b.data + b.len, b.cap - 1 - b.len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            rc = vz_fail(VZ_EIO, "cannot read %s: %s", path, strerror(errno));
        if (n <= 0)
            break;
        b.len += (size_t)n;
    }
    close(fd);
    if (rc) {
        vz_buf_free(&b);
        return rc;
    }
    b.data[b.len] = '\0';
    *out = b.data;
    *len = b.len;
    return VZ_OK;
}

uint64_t vz_fnv1a(const void *p, size_t n, uint64_t seed)
{
    const unsigned char *s = p;
    uint64_t h = seed;
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

uint64_t vz_hash_bytes(const void *p, size_t n, uint64_t seed)
{
    const unsigned char *s = p;
    const uint64_t k = 0x9E3779B97F4A7C15ull;
    uint64_t h = (seed ^ n) * k;
    for (; n >= 8; s += 8, n -= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        h = (h ^ w) * k;
        h ^= h >> 29;
    }
    uint64_t w = 0;
    if (n)
        memcpy(&w, s, n);
    h = (h ^ w) * k;
    h ^= h >> 32;
    return h * k;
}

uint64_t vz_hash_word(const void *p, size_t n)
{
    return vz_hash_bytes(p, n, VZ_FNV_SEED);
}

size_t vz_varint_put(unsigned char *out, uint64_t v)
{
    size_t n = 0;
    while (v >= 0x80) {
        out[n++] = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    out[n++] = (unsigned char)v;
    return n;
}

char *vz_strndup(const char *s, size_t n)
{
    if (!s)
        return NULL;
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

char *vz_strdup(const char *s) { return s ? vz_strndup(s, strlen(s)) : NULL; }

/* Eight ASCII bytes at a time: most text is ASCII, and every document and
 * query passes through here. */
size_t vz_utf8_invalid_at(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        if (i + 8 <= len) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (!(w & 0x8080808080808080ULL)) {
                i += 8;
                continue;
            }
        }
        if ((unsigned char)s[i] < 0x80) {
            i++;
            continue;
        }
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                              (utf8proc_ssize_t)(len - i), &cp);
        if (k <= 0)
            return i;
        i += (size_t)k;
    }
    return len;
}
