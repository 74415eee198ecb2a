/*
 * bench_threads.c - asks per second of one engine shared by 1, 2 and 8
 * threads (or the counts given as arguments), over the question set of
 * corpus/questions.jsonl; and what a reader (SQLite connection, prepared
 * statements, stemmer, score arrays) costs to make, against an ask, which
 * is why the engine keeps a pool of them instead of making one per call.
 *
 *   make bench-threads            (or: build/tests/bench_threads [ASKS [THREADS...]])
 *
 * ASKS (default 4000) is the total per thread count, shared out among the
 * threads.  Not a test: it asserts nothing and prints figures.
 */
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine.h"
#include "search.h"
#include "vzask.h"

static char **questions;
static size_t nquestions;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int load_questions(const char *path)
{
    json_error_t err;
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    json_t *o;
    while ((o = json_loadf(f, JSON_DISABLE_EOF_CHECK, &err)) != NULL) {
        const char *q = json_string_value(json_object_get(o, "question"));
        char **p = realloc(questions, (nquestions + 1) * sizeof *p);
        if (!p || !q)
            return -1;
        questions = p;
        questions[nquestions++] = strdup(q);
        json_decref(o);
    }
    fclose(f);
    return nquestions ? 0 : -1;
}

typedef struct {
    vz_engine *e;
    size_t first, asks, failed;
} job;

static void *ask_share(void *arg)
{
    job *j = arg;
    for (size_t k = 0; k < j->asks; k++) {
        const char *q = questions[(j->first + k) % nquestions];
        vz_result *r = NULL;
        j->failed += vz_ask(j->e, q, strlen(q), NULL, &r) != VZ_OK;
        vz_result_free(r);
    }
    return NULL;
}

static int run(vz_engine *e, size_t nthreads, size_t asks)
{
    job jobs[64];
    pthread_t th[64];
    double t0 = now();
    for (size_t t = 0; t < nthreads; t++) {
        jobs[t] = (job){e, t * nquestions / nthreads, asks / nthreads, 0};
        if (pthread_create(&th[t], NULL, ask_share, &jobs[t]))
            return -1;
    }
    size_t done = 0, failed = 0;
    for (size_t t = 0; t < nthreads; t++) {
        pthread_join(th[t], NULL);
        done += jobs[t].asks;
        failed += jobs[t].failed;
    }
    double s = now() - t0;
    printf("threads %2zu  asks %6zu  seconds %7.2f  asks/s %7.1f%s\n", nthreads, done, s,
           (double)done / s, failed ? "  (some asks failed)" : "");
    return failed ? -1 : 0;
}

/* A reader made and freed per call, against the pool's reuse. */
static void reader_cost(vz_engine *e, double ask_ms)
{
    enum { N = 200 };
    double t0 = now();
    for (int i = 0; i < N; i++) {
        vz_reader *r;
        if (vz_reader_new(&r, e->idx))
            return;
        vz_reader_free(r);
    }
    double ms = (now() - t0) * 1000 / N;
    printf("a reader costs %.3f ms to make and free; an ask %.3f ms (one thread): "
           "a reader per call would add %.0f%%\n", ms, ask_ms, 100 * ms / ask_ms);
}

int main(int argc, char **argv)
{
    size_t asks = argc > 1 ? strtoul(argv[1], NULL, 10) : 4000;
    size_t counts[64] = {1, 2, 8}, ncounts = 3;
    if (argc > 2)
        for (ncounts = 0; ncounts + 2 < (size_t)argc && ncounts < 64; ncounts++)
            counts[ncounts] = strtoul(argv[ncounts + 2], NULL, 10);
    if (!asks || load_questions("corpus/questions.jsonl")) {
        fprintf(stderr, "usage (from the project root): bench_threads [ASKS [THREADS...]]\n");
        return 2;
    }
    vz_engine_options o = VZ_ENGINE_OPTIONS_INIT;
    o.corpus_dir = "corpus";
    vz_engine *e;
    if (vz_engine_open(&e, &o) != VZ_OK) {
        fprintf(stderr, "bench_threads: %s\n", vz_last_error());
        return 1;
    }
    printf("%zu questions; %zu asks per run, shared out among the threads\n", nquestions, asks);
    job warm = {e, 0, nquestions, 0};
    ask_share(&warm);
    double t0 = now();
    ask_share(&warm);
    double ask_ms = (now() - t0) * 1000 / (double)nquestions;
    int rc = 0;
    for (size_t i = 0; i < ncounts; i++)
        if (counts[i] < 1 || counts[i] > 64 || run(e, counts[i], asks))
            rc = 1;
    reader_cost(e, ask_ms);
    vz_engine_close(e);
    for (size_t i = 0; i < nquestions; i++)
        free(questions[i]);
    free(questions);
    return rc;
}
