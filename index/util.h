/*
 * util.h - small internal helpers shared by index/ and engine/: errors,
 * growable buffers, files, hashing and varints.
 */
#ifndef VZ_UTIL_H
#define VZ_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include "vzask.h"

#if defined(__GNUC__)
#define VZ_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define VZ_ALWAYS_INLINE inline __attribute__((always_inline))   /* in a hot loop */
#else
#define VZ_PRINTF(f, a)
#define VZ_ALWAYS_INLINE inline
#endif

/* Record the calling thread's last error message and return status, so that
 * a failure reads `return vz_fail(VZ_EIO, "cannot read %s: %s", ...)`. */
int vz_fail(int status, const char *fmt, ...) VZ_PRINTF(2, 3);
/* Prefix the current thread-local message with "what: ". Returns status. */
int vz_fail_context(int status, const char *fmt, ...) VZ_PRINTF(2, 3);
/* Forget the last error of this thread. */
void vz_clear_error(void);

/* A growable byte buffer; zero-initialise it ({0}) before use. */
typedef struct {
    char *data;
    size_t len, cap;
} vz_buf;

int  vz_buf_reserve(vz_buf *b, size_t extra);                 /* VZ_OK or VZ_ENOMEM */
int  vz_buf_append(vz_buf *b, const void *p, size_t n);      /* keeps data NUL-terminated */
int  vz_buf_printf(vz_buf *b, const char *fmt, ...) VZ_PRINTF(2, 3);
void vz_buf_free(vz_buf *b);

/* Grow an array *items of *cap elements of size elem so that it holds at
 * least need elements.  VZ_OK or VZ_ENOMEM (the array is unchanged). */
int vz_grow(void **items, size_t *cap, size_t need, size_t elem);

/* Read a whole file into a malloc'd, NUL-terminated buffer (*len excludes
 * the NUL).  VZ_EIO with a message naming the path on failure. */
int vz_read_file(const char *path, char **out, size_t *len);

/* 64-bit FNV-1a, chainable: pass the previous hash as seed (start with
 * VZ_FNV_SEED). */
#define VZ_FNV_SEED 0xcbf29ce484222325ULL
uint64_t vz_fnv1a(const void *p, size_t n, uint64_t seed);
/* A hash for in-memory tables of words (stop words, stems, index terms):
 * eight bytes a step where FNV-1a multiplies once a byte, and mixed so
 * that both its low bits (a slot) and its high bits (a tag) vary.  Never
 * stored: nothing on disk depends on it. */
uint64_t vz_hash_word(const void *p, size_t n);
/* The same, seeded (the reader caches' slots). */
uint64_t vz_hash_bytes(const void *p, size_t n, uint64_t seed);

/* Unsigned LEB128 varints: 7 bits a byte, low first, high bit = more. */
size_t vz_varint_put(unsigned char *out, uint64_t v);   /* writes 1..10 bytes */
/* Postings decode them with their own 32-bit reader (postings.h). */

/* Offset of the first invalid UTF-8 sequence in s[0, len) (overlongs,
 * surrogates and code points past U+10FFFF are invalid, as for PCRE2), or
 * len when all of it is valid. */
size_t vz_utf8_invalid_at(const char *s, size_t len);

/* strdup that returns NULL on NULL input or allocation failure. */
char *vz_strdup(const char *s);
char *vz_strndup(const char *s, size_t n);

#endif
