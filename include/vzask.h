/*
 * vzask.h - the public interface of vzask, a question-answering engine over
 * a folder of English text documents.
 *
 * This is the only public header.  Every function documents ownership,
 * lifetime, thread-safety and errors.  Link with
 * `pkg-config --cflags --libs vzask` (installation arrives with the C API
 * work; until then the CLI links the objects directly).
 */
#ifndef VZASK_H
#define VZASK_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define VZ_EXTERN __attribute__((visibility("default")))
#else
#define VZ_EXTERN
#endif

#define VZ_VERSION_MAJOR 0
#define VZ_VERSION_MINOR 1
#define VZ_VERSION_PATCH 0

/* The library's version as "MAJOR.MINOR.PATCH".  Static string; thread-safe. */
VZ_EXTERN const char *vz_version(void);

/*
 * Status codes.  The numbers never change; new codes are added at the end.
 */
typedef enum {
    VZ_OK = 0,        /* success */
    VZ_EINVAL = 1,    /* invalid argument (NULL, bad UTF-8, empty question...) */
    VZ_ENOMEM = 2,    /* out of memory */
    VZ_ECORPUS = 3,   /* the corpus folder is missing, empty or unreadable */
    VZ_EINDEX = 4,    /* the index file is corrupt, foreign, newer or unwritable */
    VZ_EIO = 5,       /* an operating-system I/O error */
    VZ_EINTERNAL = 6  /* a bug or a failure of a dependency */
} vz_status;

/* A short English description of a status code ("out of memory").  Static
 * string; unknown codes give "unknown status".  Thread-safe. */
VZ_EXTERN const char *vz_status_str(int status);

/* The message of the last failure in the calling thread: what happened and
 * what to do.  Valid until the next vzask call in the same thread; never
 * NULL (empty when no failure was recorded). */
VZ_EXTERN const char *vz_last_error(void);

#ifdef __cplusplus
}
#endif

#endif /* VZASK_H */
