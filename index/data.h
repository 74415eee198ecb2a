/*
 * data.h - the rule and word-list files in data/: built into the binary as
 * defaults, overridable by a folder holding files of the same names.
 */
#ifndef VZ_DATA_H
#define VZ_DATA_H

#include <stddef.h>

/* A data file's text: NUL-terminated, len bytes; owned says whether
 * vz_data_release must free it (built-in text is static). */
typedef struct {
    const char *text;
    size_t len;
    int owned;
    char origin[256];   /* "built-in NAME" or the override path, for messages */
} vz_data;

/* Load data file NAME (e.g. "stopwords.txt"): from override_dir/NAME when
 * override_dir is non-NULL and that file exists, else the built-in copy.
 * VZ_EINVAL when NAME is not a known data file, VZ_EIO on read failure. */
int vz_data_load(const char *override_dir, const char *name, vz_data *out);
void vz_data_release(vz_data *d);

/* Calls fn for each line of text with comments ('#' at the start of the
 * line after blanks) and blank lines skipped and trailing blanks and CR
 * trimmed.  lineno is 1-based.  Stops at the first non-zero return. */
typedef int (*vz_line_fn)(const char *line, size_t len, unsigned lineno, void *ctx);
int vz_data_lines(const char *text, size_t len, vz_line_fn fn, void *ctx);

#endif
