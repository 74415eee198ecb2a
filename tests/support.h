/*
 * support.h - helpers shared by the cmocka test programs: temporary
 * folders, files, running the built vzask binary, and reading ../shared.
 */
#ifndef VZ_TEST_SUPPORT_H
#define VZ_TEST_SUPPORT_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

/* The shared folder (env VZASK_SHARED, default ../shared). */
const char *ts_shared(void);
/* path <- the shared folder's file rel.  When it is not there (a clone with
 * no shared folder beside it) the test is skipped, with a note saying so. */
void ts_shared_file(char *path, size_t size, const char *rel);
/* The vzask binary under test (env VZASK_BIN, default build/vzask). */
const char *ts_bin(void);

/* A new empty temporary folder (malloc'd path); fails the test on error. */
char *ts_tmpdir(void);
/* Remove a folder and everything in it. */
void ts_rmtree(const char *path);
/* Write len bytes to dir/name (fails the test on error). */
void ts_write(const char *dir, const char *name, const char *data, size_t len);

/* Open an engine on a corpus of one document (text) in tmp/name, its
 * data folder tmp/name-data holding these ranker weights; the corpus
 * folder's path goes to dir (4096 bytes). */
struct vz_engine;
struct vz_engine *ts_engine_on(const char *tmp, const char *name, const char *text,
                               const char *weights, char *dir);
/* Read a whole file (malloc'd, NUL-terminated); NULL when unreadable. */
char *ts_read(const char *path, size_t *len);

/* Fail the test unless vz_last_error() holds needle, showing both. */
void ts_assert_error(const char *needle);

/* Fail the test unless [start, end) of dir/doc.txt is exactly the len
 * bytes of text: the citation property every output must keep. */
void ts_assert_cut(const char *dir, const char *doc, size_t start, size_t end, const char *text,
                   size_t len);

/* Fail the test unless texts a and b hold the same JSON values, one a
 * line, in the same order, once the members named in ignore (a
 * NULL-terminated list; top level only) are removed from each. */
void ts_assert_same_jsonl(const char *a, const char *b, const char *const *ignore);

/* Run the vzask binary with argv (NULL-terminated, without the program
 * name), stdin from /dev/null, through $VZASK_RUNNER when it is set.
 * Captures stdout and stderr (malloc'd, NUL-terminated) and returns the
 * exit status (or -1 on a signal). */
int ts_run(char **out, char **err, const char *const *argv);

/* ts_run with input (NUL-terminated) on stdin. */
int ts_run_input(char **out, char **err, const char *const *argv, const char *input);

#endif
