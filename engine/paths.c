/*
 * paths.c - implements paths.h: default corpus and index locations, so
 * that an installed, read-only corpus works and each corpus folder has its
 * own cached index.
 */
#include "paths.h"
#include "util.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef VZ_DATADIR
#define VZ_DATADIR "/usr/local/share/vzask"
#endif

char *realpath(const char *restrict path, char *restrict resolved);

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

void vz_default_corpus(char *out, size_t outlen)
{
    const char *env = getenv("VZASK_CORPUS");
    if (env && *env) {
        snprintf(out, outlen, "%s", env);
        return;
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash)
            *slash = '\0';
        snprintf(out, outlen, "%s/corpus", exe);
        if (is_dir(out))
            return;
        snprintf(out, outlen, "%s/../corpus", exe);
        if (is_dir(out))
            return;
        /* An installed tree moved as a whole (or staged under DESTDIR)
         * still finds its own corpus before the configured PREFIX's. */
        snprintf(out, outlen, "%s/../share/vzask/corpus", exe);
        if (is_dir(out))
            return;
    }
    snprintf(out, outlen, "%s/corpus", VZ_DATADIR);
}

/* mkdir -p for the cache folder. */
static int make_dirs(char *path)
{
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        int bad = mkdir(path, 0755) != 0 && errno != EEXIST;
        *p = '/';
        if (bad)
            return -1;
    }
    return mkdir(path, 0755) != 0 && errno != EEXIST ? -1 : 0;
}

int vz_cache_dir(char *out, size_t outlen, const char *instead)
{
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    if (xdg && *xdg == '/')
        snprintf(out, outlen, "%s/vzask", xdg);
    else if (home && *home)
        snprintf(out, outlen, "%s/.cache/vzask", home);
    else
        return vz_fail(VZ_EIO, "no cache folder: set XDG_CACHE_HOME or HOME, or %s", instead);
    if (make_dirs(out) != 0)
        return vz_fail(VZ_EIO, "cannot create the cache folder %s: %s: %s", out,
                       strerror(errno), instead);
    return VZ_OK;
}

int vz_default_index(const char *corpus_dir, const char *unit, char *out, size_t outlen)
{
    char dir[PATH_MAX], real[PATH_MAX];
    int rc = vz_cache_dir(dir, sizeof dir, "pass --db FILE");
    if (rc)
        return rc;
    if (!realpath(corpus_dir, real))
        snprintf(real, sizeof real, "%s", corpus_dir);
    const char *base = strrchr(real, '/');
    base = base && base[1] ? base + 1 : "corpus";
    unsigned long long h = vz_fnv1a(real, strlen(real), VZ_FNV_SEED);
    snprintf(out, outlen, "%s/%.64s-%016llx-%s.sqlite", dir, base, h, unit);
    return VZ_OK;
}
