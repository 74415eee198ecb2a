/*
 * cli_stats.c - the figures `vzask eval` reports for either question
 * format: timing, latency percentiles, ratios, peak memory and the
 * --fail-under bars.
 */
#include "cli.h"
#include "util.h"
#include "vzask.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

double cli_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double cli_ratio(double a, double b) { return b > 0 ? a / b : 0; }

int cli_times_add(cli_times *t, double seconds)
{
    void *p = t->v;
    if (vz_grow(&p, &t->cap, t->n + 1, sizeof *t->v))
        return vz_fail(VZ_ENOMEM, "out of memory");
    t->v = p;
    t->v[t->n++] = seconds;
    return VZ_OK;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

void cli_times_sort(cli_times *t)
{
    if (t->n)
        qsort(t->v, t->n, sizeof *t->v, cmp_double);
}

double cli_times_percentile(const cli_times *t, double p)
{
    if (!t->n)
        return 0;
    return t->v[(size_t)(p * (double)(t->n - 1) + 0.5)];
}

double cli_peak_mib(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return 0;
    return (double)ru.ru_maxrss / 1024.0;   /* Linux counts KiB */
}

int cli_below_bars(const options *o, json_t *m)
{
    int below = 0;
    for (size_t i = 0; i < o->nfail_under; i++) {
        const char *eq = strchr(o->fail_under[i], '=');
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)(eq - o->fail_under[i]), o->fail_under[i]);
        json_t *v = json_object_get(m, name);
        double bar = atof(eq + 1);
        if (!json_is_real(v)) {
            fprintf(stderr, "vzask: --fail-under: no metric '%s': see vzask eval --help\n", name);
            return -1;
        }
        if (json_real_value(v) < bar) {
            fprintf(stderr, "vzask: %s %.3f is below %.3f\n", name, json_real_value(v), bar);
            below = 1;
        }
    }
    return below;
}

int cli_report(const options *o, json_t *m, size_t json_flags, void (*print)(json_t *m))
{
    if (o->format == FMT_JSON) {
        json_dumpf(m, stdout, json_flags);
        putchar('\n');
    } else {
        print(m);
    }
    int below = cli_below_bars(o, m);
    return below < 0 ? EXIT_USAGE : below ? EXIT_NONE : EXIT_ANSWERED;
}
