/*
 * rules.c - implements rules.h: the small rule language of the data files
 * ("directive pattern" lines, "define NAME pattern" and {NAME} references,
 * '#' comments) compiled into read-only PCRE2 rule sets.
 */
#include "rules.h"
#include "data.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

/* Per pcre2_match call, i.e. per start position tried.  Rules are
 * line-shaped and bounded, so a legitimate match needs a few thousand steps;
 * the limits only stop a pathological pattern from running away. */
#define VZ_MATCH_LIMIT 1000000u
#define VZ_DEPTH_LIMIT 10000u

typedef struct {
    char *name, *pattern;   /* pattern already expanded */
} define;

typedef struct {
    vz_ruleset *rs;
    const vz_directive *dirs;
    uint32_t options;
    size_t ndirs;
    define *defs;
    size_t ndefs, defcap;
} parser;

void vz_ruleset_free(vz_ruleset *rs)
{
    for (size_t i = 0; i < rs->n; i++)
        pcre2_code_free(rs->items[i].code);
    free(rs->items);
    pcre2_match_context_free(rs->mctx);
    memset(rs, 0, sizeof *rs);
}

static int is_name_char(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'; }

static const define *find_define(const parser *p, const char *name, size_t len)
{
    for (size_t i = 0; i < p->ndefs; i++)
        if (strlen(p->defs[i].name) == len && memcmp(p->defs[i].name, name, len) == 0)
            return &p->defs[i];
    return NULL;
}

/* Length of a "{NAME}" reference at pat[i], or 0.  Not a reference: an
 * escaped brace (\{), the brace of a PCRE2 escape that takes one (\p{Lu},
 * \x{A0}, \g{N}...), a quantifier ({2,} starts with a digit, not A-Z). */
static size_t name_ref(const char *pat, size_t len, size_t i)
{
    if (pat[i] != '{' || i + 1 >= len || pat[i + 1] < 'A' || pat[i + 1] > 'Z')
        return 0;
    if (i > 0 && pat[i - 1] == '\\')
        return 0;
    if (i > 1 && pat[i - 2] == '\\' && pat[i - 1] && strchr("pPxogkN", pat[i - 1]))
        return 0;
    size_t j = i + 1;
    while (j < len && is_name_char(pat[j]))
        j++;
    return j < len && pat[j] == '}' ? j + 1 - i : 0;
}

/* Replace each {NAME} of pat by "(?:definition)" into out. */
static int expand(const parser *p, const char *pat, size_t len, unsigned lineno, vz_buf *out)
{
    int rc = VZ_OK;
    for (size_t i = 0; rc == VZ_OK && i < len; i++) {
        size_t n = name_ref(pat, len, i);
        if (n == 0) {
            rc = vz_buf_append(out, pat + i, 1);
            continue;
        }
        const define *d = find_define(p, pat + i + 1, n - 2);
        if (!d)
            return vz_fail(VZ_EINVAL, "%s line %u: undefined %.*s", p->rs->file, lineno,
                           (int)n, pat + i);
        rc = vz_buf_printf(out, "(?:%s)", d->pattern);
        i += n - 1;
    }
    return rc ? rc : vz_buf_append(out, "", 0);   /* NUL-terminated even when empty */
}

/* The label of a pattern that begins "(?#label)". */
static int read_label(const vz_ruleset *rs, const char *pat, size_t len, unsigned lineno,
                      char label[VZ_LABEL_MAX])
{
    label[0] = '\0';
    if (len < 4 || memcmp(pat, "(?#", 3))
        return VZ_OK;
    size_t n = 0;
    while (3 + n < len && pat[3 + n] != ')' && n < VZ_LABEL_MAX - 1 &&
           strchr("abcdefghijklmnopqrstuvwxyz_", pat[3 + n]))
        n++;
    if (n == 0 || 3 + n >= len || pat[3 + n] != ')')
        return vz_fail(VZ_EINVAL, "%s line %u: a label is (?#word) with at most %d lower-case "
                       "letters", rs->file, lineno, VZ_LABEL_MAX - 1);
    memcpy(label, pat + 3, n);
    label[n] = '\0';
    return VZ_OK;
}

static int compile_rule(vz_ruleset *rs, int kind, const char *pat, size_t len, unsigned lineno,
                        uint32_t options)
{
    char label[VZ_LABEL_MAX];
    if (read_label(rs, pat, len, lineno, label))
        return VZ_EINVAL;
    int err;
    PCRE2_SIZE erroff;
    pcre2_code *code = pcre2_compile((PCRE2_SPTR)pat, len,
                                     PCRE2_UTF | PCRE2_UCP | options, &err, &erroff, NULL);
    if (!code) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(err, msg, sizeof msg);
        return vz_fail(err == PCRE2_ERROR_HEAP_FAILED ? VZ_ENOMEM : VZ_EINVAL,
                       "%s line %u: %s at offset %zu of the pattern", rs->file, lineno,
                       (const char *)msg, (size_t)erroff);
    }
    /* Without JIT (unsupported CPU, no executable memory) the interpreter
     * gives the same results, only slower. */
#ifndef VZ_NO_PCRE2_JIT   /* valgrind cannot follow JIT code: `make valgrind` sets it */
    (void)pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
#endif
    void *items = rs->items;
    if (vz_grow(&items, &rs->cap, rs->n + 1, sizeof *rs->items)) {
        pcre2_code_free(code);
        return VZ_ENOMEM;
    }
    rs->items = items;
    rs->items[rs->n] = (vz_rule){kind, lineno, code, {0}};
    memcpy(rs->items[rs->n++].label, label, sizeof label);
    return VZ_OK;
}

/* "define NAME pattern": pattern is expanded now, so definitions may use
 * earlier ones. */
static int add_define(parser *p, const char *rest, size_t len, unsigned lineno)
{
    size_t n = 0;
    while (n < len && is_name_char(rest[n]))
        n++;
    size_t pat = n;
    while (pat < len && (rest[pat] == ' ' || rest[pat] == '\t'))
        pat++;
    if (n == 0 || rest[0] < 'A' || rest[0] > 'Z' || pat == n || pat == len)
        return vz_fail(VZ_EINVAL, "%s line %u: expected 'define NAME pattern'", p->rs->file, lineno);
    vz_buf body = {0};
    int rc = expand(p, rest + pat, len - pat, lineno, &body);
    void *defs = p->defs;
    if (rc == VZ_OK)
        rc = vz_grow(&defs, &p->defcap, p->ndefs + 1, sizeof *p->defs);
    p->defs = defs;
    char *name = rc == VZ_OK ? vz_strndup(rest, n) : NULL;
    if (rc == VZ_OK && !name)
        rc = vz_fail(VZ_ENOMEM, "out of memory");
    if (rc) {
        vz_buf_free(&body);
        return rc;
    }
    p->defs[p->ndefs++] = (define){name, body.data};
    return VZ_OK;
}

/* One line of a rules file: "directive pattern". */
static int parse_line(const char *line, size_t len, unsigned lineno, void *ctx)
{
    parser *p = ctx;
    size_t d = 0;
    while (d < len && line[d] != ' ' && line[d] != '\t')
        d++;
    size_t rest = d;
    while (rest < len && (line[rest] == ' ' || line[rest] == '\t'))
        rest++;
    if (d == 6 && memcmp(line, "define", 6) == 0)
        return add_define(p, line + rest, len - rest, lineno);
    size_t k = 0;
    while (k < p->ndirs && !(strlen(p->dirs[k].name) == d && memcmp(p->dirs[k].name, line, d) == 0))
        k++;
    if (k == p->ndirs)
        return vz_fail(VZ_EINVAL, "%s line %u: unknown directive '%.*s'", p->rs->file, lineno,
                       (int)d, line);
    if (rest == len)
        return vz_fail(VZ_EINVAL, "%s line %u: '%s' needs a pattern", p->rs->file, lineno,
                       p->dirs[k].name);
    vz_buf pat = {0};
    int rc = expand(p, line + rest, len - rest, lineno, &pat);
    if (rc == VZ_OK)
        rc = compile_rule(p->rs, p->dirs[k].kind, pat.data, pat.len, lineno, p->options);
    vz_buf_free(&pat);
    return rc;
}

int vz_ruleset_build(vz_ruleset *rs, const char *file, const char *text, size_t len,
                     const vz_directive *dirs, size_t ndirs, uint32_t options)
{
    memset(rs, 0, sizeof *rs);
    rs->file = file;
    rs->mctx = pcre2_match_context_create(NULL);
    if (!rs->mctx)
        return vz_fail(VZ_ENOMEM, "out of memory");
    pcre2_set_match_limit(rs->mctx, VZ_MATCH_LIMIT);
    pcre2_set_depth_limit(rs->mctx, VZ_DEPTH_LIMIT);
    parser p = {.rs = rs, .dirs = dirs, .ndirs = ndirs, .options = options};
    int rc = text ? vz_data_lines(text, len, parse_line, &p) : VZ_OK;
    for (size_t i = 0; i < p.ndefs; i++) {
        free(p.defs[i].name);
        free(p.defs[i].pattern);
    }
    free(p.defs);
    if (rc)
        vz_ruleset_free(rs);
    return rc;
}

int vz_ruleset_match_error(const vz_ruleset *rs, const vz_rule *r, int err, size_t off)
{
    PCRE2_UCHAR msg[256];
    pcre2_get_error_message(err, msg, sizeof msg);
    return vz_fail(err == PCRE2_ERROR_NOMEMORY ? VZ_ENOMEM : VZ_EINTERNAL,
                   "%s line %u: matching from byte %zu failed: %s", rs->file, r->line, off,
                   (const char *)msg);
}

