/*
 * support.c - implements the test helpers of support.h.
 */
#define _XOPEN_SOURCE 700   /* nftw */
#include "support.h"
#include "vzask.h"

#include <fcntl.h>
#include <jansson.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

char *mkdtemp(char *template);

const char *ts_shared(void)
{
    const char *s = getenv("VZASK_SHARED");
    return s && *s ? s : "../shared";
}

void ts_shared_file(char *path, size_t size, const char *rel)
{
    snprintf(path, size, "%s/%s", ts_shared(), rel);
    if (access(path, R_OK) != 0) {
        print_message("skipped: %s is not there (VZASK_SHARED names the shared folder)\n", path);
        skip();
    }
}

const char *ts_bin(void)
{
    const char *s = getenv("VZASK_BIN");
    return s && *s ? s : "build/vzask";
}

char *ts_tmpdir(void)
{
    const char *base = getenv("TMPDIR");
    char tmpl[4096];
    snprintf(tmpl, sizeof tmpl, "%s/vztest.XXXXXX", base && *base ? base : "/tmp");
    char *d = mkdtemp(tmpl);
    assert_non_null(d);
    char *r = strdup(d);
    assert_non_null(r);
    return r;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st; (void)flag; (void)ftw;
    return remove(path);
}

void ts_rmtree(const char *path)
{
    if (path)
        nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

void ts_write(const char *dir, const char *name, const char *data, size_t len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

char *ts_read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0, got;
    char *buf = malloc(cap + 1);
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *nb = realloc(buf, 2 * cap + 1);
            if (!nb) { free(buf); buf = NULL; break; }
            buf = nb;
            cap *= 2;
        }
    }
    fclose(f);
    if (buf) {
        buf[n] = '\0';
        if (len)
            *len = n;
    }
    return buf;
}

static char *slurp_fd(int fd)
{
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap + 1);
    ssize_t got;
    while (buf && (got = read(fd, buf + n, cap - n)) > 0) {
        n += (size_t)got;
        if (n == cap) {
            char *nb = realloc(buf, 2 * cap + 1);
            if (!nb) { free(buf); return NULL; }
            buf = nb;
            cap *= 2;
        }
    }
    if (buf)
        buf[n] = '\0';
    return buf;
}

void ts_assert_cut(const char *dir, const char *doc, size_t start, size_t end, const char *text,
                   size_t len)
{
    char path[4096];
    size_t size;
    snprintf(path, sizeof path, "%s/%s.txt", dir, doc);
    char *raw = ts_read(path, &size);
    assert_non_null(raw);
    assert_true(start < end && end <= size);
    assert_int_equal(len, end - start);
    assert_memory_equal(text, raw + start, len);
    free(raw);
}

int ts_run(char **out, char **err, const char *const *argv)
{
    return ts_run_input(out, err, argv, NULL);
}

int ts_run_input(char **out, char **err, const char *const *argv, const char *input)
{
    char outpath[] = "/tmp/vzout.XXXXXX", errpath[] = "/tmp/vzerr.XXXXXX";
    char inpath[] = "/tmp/vzin.XXXXXX";
    int ofd = mkstemp(outpath), efd = mkstemp(errpath);
    int ifd = input ? mkstemp(inpath) : open("/dev/null", O_RDONLY);
    assert_true(ofd >= 0 && efd >= 0 && ifd >= 0);
    unlink(outpath);
    unlink(errpath);
    if (input) {
        unlink(inpath);
        assert_int_equal(write(ifd, input, strlen(input)), (ssize_t)strlen(input));
        lseek(ifd, 0, SEEK_SET);
    }
    size_t argc = 0;
    while (argv[argc])
        argc++;
    /* VZASK_RUNNER: a program that runs the binary (make valgrind's wrapper). */
    const char *runner = getenv("VZASK_RUNNER");
    size_t lead = runner && *runner ? 1 : 0;
    const char **full = calloc(argc + 3, sizeof *full);
    assert_non_null(full);
    if (lead)
        full[0] = runner;
    full[lead] = ts_bin();
    memcpy(full + lead + 1, argv, argc * sizeof *argv);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(ifd, 0);
        dup2(ofd, 1);
        dup2(efd, 2);
        execv(full[0], (char *const *)full);
        _exit(127);
    }
    free(full);
    int status;
    waitpid(pid, &status, 0);
    lseek(ofd, 0, SEEK_SET);
    lseek(efd, 0, SEEK_SET);
    char *o = slurp_fd(ofd), *e = slurp_fd(efd);
    close(ofd);
    close(efd);
    close(ifd);
    if (out) *out = o; else free(o);
    if (err) *err = e; else free(e);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void ts_assert_error(const char *needle)
{
    if (!strstr(vz_last_error(), needle))
        fail_msg("error '%s' lacks '%s'", vz_last_error(), needle);
}

/* The JSON value on the line at *text (advanced past it), without the
 * members in ignore; NULL at the end of the text. */
static json_t *next_value(const char **text, const char *const *ignore, size_t lineno)
{
    while (**text == '\n')
        (*text)++;
    if (!**text)
        return NULL;
    size_t len = strcspn(*text, "\n");
    json_error_t e;
    json_t *v = json_loadb(*text, len, 0, &e);
    if (!v)
        fail_msg("line %zu is not JSON: %s: %.*s", lineno, e.text, (int)len, *text);
    for (size_t i = 0; ignore && ignore[i]; i++)
        json_object_del(v, ignore[i]);
    *text += len;
    return v;
}

void ts_assert_same_jsonl(const char *a, const char *b, const char *const *ignore)
{
    assert_non_null(a);
    assert_non_null(b);
    for (size_t lineno = 1;; lineno++) {
        json_t *x = next_value(&a, ignore, lineno), *y = next_value(&b, ignore, lineno);
        if (!x || !y) {
            if (x || y)
                fail_msg("line %zu: one text ends before the other", lineno);
            return;
        }
        if (!json_equal(x, y)) {
            char *sx = json_dumps(x, JSON_COMPACT | JSON_SORT_KEYS);
            char *sy = json_dumps(y, JSON_COMPACT | JSON_SORT_KEYS);
            fail_msg("line %zu differs:\n  %s\n  %s", lineno, sx, sy);
        }
        json_decref(x);
        json_decref(y);
    }
}

vz_engine *ts_engine_on(const char *tmp, const char *name, const char *text,
                        const char *weights, char *dir)
{
    char db[4096], data[4096];
    snprintf(dir, 4096, "%s/%s", tmp, name);
    snprintf(db, sizeof db, "%s/%s.db", tmp, name);
    snprintf(data, sizeof data, "%s/%s-data", tmp, name);
    assert_int_equal(mkdir(dir, 0700), 0);
    assert_int_equal(mkdir(data, 0700), 0);
    ts_write(dir, "doc.txt", text, strlen(text));
    ts_write(data, "ranker.weights", weights, strlen(weights));
    vz_engine_options o = VZ_ENGINE_OPTIONS_INIT;
    o.corpus_dir = dir;
    o.index_path = db;
    o.data_dir = data;
    vz_engine *e;
    assert_int_equal(vz_engine_open(&e, &o), VZ_OK);
    return e;
}
