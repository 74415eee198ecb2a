/*
 * cli_pool.c - `vzask eval -j N`: the questions of a run spread over N
 * threads sharing one engine, their results judged in question order.
 *
 * Workers claim question indexes in order and run work(i) (the asking,
 * which may run anywhere); the calling thread runs tally(i) for i = 0, 1,
 * ... as each one is done, so that tallies, --details lines, progress and
 * error messages come out exactly as with one thread.  With one thread no
 * thread is started: work(i) and tally(i) alternate in the caller.
 */
#include "cli.h"
#include "util.h"
#include "vzask.h"

#include <pthread.h>
#include <stdlib.h>

/* How far the workers may run ahead of the tally, per thread: it bounds
 * the results held in memory when one question is slow. */
#define AHEAD_PER_THREAD 64

typedef struct {
    size_t n, window;
    cli_work_fn work;
    void *ctx;
    pthread_mutex_t mu;
    pthread_cond_t done_cv, room_cv;   /* a question done; the tally moved on */
    unsigned char *done;
    size_t next, tallied;              /* the next index to claim; tallies made */
    int stop;
    size_t fail_at;                    /* the first failed work, n when none */
    int fail_status;
    char fail_msg[512];                /* its message: vz_last_error is per thread */
} pool;

/* Claim the next index, waiting while the workers are a window ahead;
 * 0 when there is nothing left to do. */
static int claim(pool *p, size_t *i)
{
    pthread_mutex_lock(&p->mu);
    while (!p->stop && p->next < p->n && p->next >= p->tallied + p->window)
        pthread_cond_wait(&p->room_cv, &p->mu);
    int got = !p->stop && p->next < p->n;
    if (got)
        *i = p->next++;
    pthread_mutex_unlock(&p->mu);
    return got;
}

static void *worker(void *arg)
{
    pool *p = arg;
    size_t i;
    while (claim(p, &i)) {
        int rc = p->work(i, p->ctx);
        pthread_mutex_lock(&p->mu);
        if (rc != VZ_OK && i < p->fail_at) {
            /* Later questions are not worth asking: the tally stops here. */
            p->fail_at = i;
            p->fail_status = rc;
            snprintf(p->fail_msg, sizeof p->fail_msg, "%s", vz_last_error());
            p->stop = 1;
            pthread_cond_broadcast(&p->room_cv);
        }
        p->done[i] = 1;
        pthread_cond_broadcast(&p->done_cv);
        pthread_mutex_unlock(&p->mu);
    }
    return NULL;
}

/* The calling thread's part: tally each question in order once it is done;
 * the first failure, of a work or a tally, ends the run. */
static int tally_in_order(pool *p, cli_tally_fn tally)
{
    int rc = VZ_OK;
    for (size_t i = 0; rc == VZ_OK && i < p->n; i++) {
        pthread_mutex_lock(&p->mu);
        while (!p->done[i])
            pthread_cond_wait(&p->done_cv, &p->mu);
        if (i == p->fail_at)
            rc = vz_fail(p->fail_status, "%s", p->fail_msg);
        pthread_mutex_unlock(&p->mu);
        if (rc == VZ_OK)
            rc = tally(i, p->ctx);
        pthread_mutex_lock(&p->mu);
        p->tallied = i + 1;
        if (rc != VZ_OK)
            p->stop = 1;
        pthread_cond_broadcast(&p->room_cv);
        pthread_mutex_unlock(&p->mu);
    }
    return rc;
}

static int run_inline(size_t n, cli_work_fn work, cli_tally_fn tally, void *ctx)
{
    int rc = VZ_OK;
    for (size_t i = 0; rc == VZ_OK && i < n; i++)
        if ((rc = work(i, ctx)) == VZ_OK)
            rc = tally(i, ctx);
    return rc;
}

int cli_run_pool(size_t n, unsigned threads, cli_work_fn work, cli_tally_fn tally, void *ctx)
{
    if (threads <= 1 || n <= 1)
        return run_inline(n, work, tally, ctx);
    if (threads > n)
        threads = (unsigned)n;
    pool p = {.n = n, .window = (size_t)threads * AHEAD_PER_THREAD, .work = work, .ctx = ctx,
              .fail_at = n};
    pthread_t *tids = calloc(threads, sizeof *tids);
    p.done = calloc(n, 1);
    if (!tids || !p.done) {
        free(tids);
        free(p.done);
        return vz_fail(VZ_ENOMEM, "out of memory");
    }
    pthread_mutex_init(&p.mu, NULL);
    pthread_cond_init(&p.done_cv, NULL);
    pthread_cond_init(&p.room_cv, NULL);
    unsigned started = 0;
    int rc = VZ_OK;
    for (; started < threads; started++)
        if (pthread_create(&tids[started], NULL, worker, &p) != 0)
            break;
    /* No thread to be had: the run is still worth doing, in this one. */
    rc = started ? tally_in_order(&p, tally) : run_inline(n, work, tally, ctx);
    /* Stopped early: the workers finish the question in hand and leave. */
    pthread_mutex_lock(&p.mu);
    p.stop = 1;
    pthread_cond_broadcast(&p.room_cv);
    pthread_mutex_unlock(&p.mu);
    for (unsigned t = 0; t < started; t++)
        pthread_join(tids[t], NULL);
    pthread_cond_destroy(&p.room_cv);
    pthread_cond_destroy(&p.done_cv);
    pthread_mutex_destroy(&p.mu);
    free(p.done);
    free(tids);
    return rc;
}
