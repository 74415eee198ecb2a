/*
 * data.c - implements data.h: the files of data/ built into the binary
 * with the assembler's .incbin (no generator tool needed), and overridden
 * by a folder of files with the same names.
 */
#include "data.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Each file becomes NAME_start .. NAME_end, followed by a NUL byte. */
#define VZ_EMBED(sym, path)                                              \
    __asm__(".section .rodata\n"                                          \
            ".global " #sym "_start\n.hidden " #sym "_start\n"             \
            ".balign 16\n" #sym "_start:\n"                               \
            ".incbin \"" path "\"\n"                                      \
            ".global " #sym "_end\n.hidden " #sym "_end\n"                 \
            #sym "_end:\n.byte 0\n.previous\n");                          \
    extern const char sym##_start[], sym##_end[];

VZ_EMBED(vz_data_stopwords, "data/stopwords.txt")
VZ_EMBED(vz_data_furniture, "data/furniture.rules")
VZ_EMBED(vz_data_segment, "data/segment.rules")
VZ_EMBED(vz_data_question, "data/question.rules")
VZ_EMBED(vz_data_gazetteer, "data/gazetteer.rules")
VZ_EMBED(vz_data_templates, "data/templates.rules")
VZ_EMBED(vz_data_synonyms, "data/synonyms.txt")
VZ_EMBED(vz_data_ranker, "data/ranker.weights")

static const struct {
    const char *name;
    const char *start, *end;
} builtin[] = {
    {"stopwords.txt", vz_data_stopwords_start, vz_data_stopwords_end},
    {"furniture.rules", vz_data_furniture_start, vz_data_furniture_end},
    {"segment.rules", vz_data_segment_start, vz_data_segment_end},
    {"question.rules", vz_data_question_start, vz_data_question_end},
    {"gazetteer.rules", vz_data_gazetteer_start, vz_data_gazetteer_end},
    {"templates.rules", vz_data_templates_start, vz_data_templates_end},
    {"synonyms.txt", vz_data_synonyms_start, vz_data_synonyms_end},
    {"ranker.weights", vz_data_ranker_start, vz_data_ranker_end},
};

int vz_data_load(const char *override_dir, const char *name, vz_data *out)
{
    memset(out, 0, sizeof *out);
    size_t i, n = sizeof builtin / sizeof builtin[0];
    for (i = 0; i < n && strcmp(builtin[i].name, name) != 0; i++)
        ;
    if (i == n)
        return vz_fail(VZ_EINVAL, "unknown data file %s", name);
    if (override_dir) {
        char path[4096];
        struct stat st;
        /* A mistyped folder would silently give the built-in data. */
        int found = stat(override_dir, &st) == 0;
        if (!found || !S_ISDIR(st.st_mode))
            return vz_fail(VZ_EINVAL, "data folder %s: %s: check the path (a folder whose files "
                           "replace the built-in data files)", override_dir,
                           found ? "not a folder" : strerror(errno));
        snprintf(path, sizeof path, "%s/%s", override_dir, name);
        if (stat(path, &st) == 0) {
            char *text;
            size_t len;
            int rc = vz_read_file(path, &text, &len);
            if (rc)
                return rc;
            out->text = text;
            out->len = len;
            out->owned = 1;
            snprintf(out->origin, sizeof out->origin, "%.240s", path);
            return VZ_OK;
        }
    }
    out->text = builtin[i].start;
    out->len = (size_t)(builtin[i].end - builtin[i].start);
    snprintf(out->origin, sizeof out->origin, "built-in %s", name);
    return VZ_OK;
}

void vz_data_release(vz_data *d)
{
    if (d && d->owned)
        free((char *)d->text);
    if (d) {
        d->text = NULL;
        d->owned = 0;
    }
}

int vz_data_lines(const char *text, size_t len, vz_line_fn fn, void *ctx)
{
    size_t pos = 0;
    unsigned lineno = 0;
    while (pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - text) : len;
        size_t s = pos, e = end;
        lineno++;
        pos = end + 1;
        while (s < e && (text[s] == ' ' || text[s] == '\t'))
            s++;
        while (e > s && (text[e - 1] == ' ' || text[e - 1] == '\t' || text[e - 1] == '\r'))
            e--;
        if (s == e || text[s] == '#')
            continue;
        int rc = fn(text + s, e - s, lineno, ctx);
        if (rc)
            return rc;
    }
    return 0;
}
