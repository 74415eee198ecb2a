/*
 * test_threads.c - one engine, many threads asking at once.  Every result
 * a thread gets (type, answers, confidence to the last bit, items,
 * citations with their documents and offsets, the JSON) must be the
 * result of the same question asked alone, and so must the passages
 * vz_search finds for it (ids, scores to the last bit, offsets, text, the
 * query's words); vz_last_error must be each
 * thread's own; the pool of readers must not outgrow the threads.
 *
 * The question set is corpus/questions.jsonl.  Each thread asks it in its
 * own shuffled order, again and again, until it has asked
 * $VZASK_THREAD_ASKS questions (default 2000) on $VZASK_THREADS threads
 * (default 8).  The slow builds ask fewer (the Makefile's check, valgrind
 * and tsan targets set the count); `make bench-threads` measures speed.
 */
#include "support.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "vzask.h"

#define MAX_THREADS 64

typedef struct {
    vz_engine *e;
    char *dir;
    char **questions;    /* the question set */
    char **expected;     /* each question's fingerprint, asked alone */
    size_t n;
} fixture;

static size_t env_count(const char *name, size_t dflt, size_t max)
{
    const char *s = getenv(name);
    if (!s || !*s)
        return dflt;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (*end || v == 0 || v > max) {
        fprintf(stderr, "%s=%s: expected a whole number from 1 to %zu\n", name, s, max);
        exit(2);
    }
    return (size_t)v;
}

/* Everything a caller can read of the passages vz_search finds for q. */
static int print_passages(FILE *f, vz_engine *e, const char *q)
{
    vz_search_options o = VZ_SEARCH_OPTIONS_INIT;
    o.max_passages = 4;
    o.context = 1;
    o.flags = VZ_SEARCH_MATCHES;
    vz_search_result *r = NULL;
    if (vz_search(e, q, strlen(q), &o, &r) != VZ_OK)
        return -1;
    fprintf(f, "terms %zu\n", vz_search_result_terms(r));
    for (size_t i = 0; i < vz_search_result_count(r); i++) {
        const vz_passage *p = vz_search_result_passage(r, i);
        fprintf(f, "passage %s %a [%zu,%zu) %s\n", vz_passage_id(p), vz_passage_score(p),
                vz_passage_start(p), vz_passage_end(p), vz_passage_text(p));
        size_t ms, me;
        for (size_t j = 0; vz_passage_match(p, j, &ms, &me); j++)
            fprintf(f, " match [%zu,%zu)\n", ms, me);
    }
    vz_search_result_free(r);
    return 0;
}

/* Everything a caller can read from a result, confidence in hex so that
 * no rounding hides a difference, then the passages searched for the same
 * question.  malloc'd; NULL when vz_ask or vz_search failed. */
static char *fingerprint(vz_engine *e, const char *q)
{
    vz_result *r = NULL;
    if (vz_ask(e, q, strlen(q), NULL, &r) != VZ_OK)
        return NULL;
    char *s = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&s, &len);
    if (!f) {
        vz_result_free(r);
        return NULL;
    }
    fprintf(f, "answered %d type %s\n", vz_result_answered(r), vz_result_type(r));
    for (size_t i = 0; i < vz_result_answer_count(r); i++) {
        const vz_answer *a = vz_result_answer(r, i);
        fprintf(f, "answer %s %a\n", vz_answer_text(a), vz_answer_confidence(a));
        for (size_t j = 0; j < vz_answer_item_count(a); j++)
            fprintf(f, " item %s\n", vz_answer_item(a, j));
        for (size_t j = 0; j < vz_answer_citation_count(a); j++) {
            const vz_citation *c = vz_answer_citation(a, j);
            size_t as = 0, ae = 0;
            int span = vz_citation_answer_span(c, &as, &ae);
            const char *date = vz_citation_date(c);
            fprintf(f, " cite %s [%zu,%zu) span %d [%zu,%zu) date %s title %s\n  %s\n",
                    vz_citation_doc(c), vz_citation_start(c), vz_citation_end(c), span, as, ae,
                    date ? date : "-", vz_citation_title(c), vz_citation_sentence(c));
        }
    }
    char *json = vz_result_json(r);
    fprintf(f, "%s\n", json ? json : "(no json)");
    vz_free(json);
    vz_result_free(r);
    int failed = print_passages(f, e, q);
    fclose(f);
    if (failed) {
        free(s);
        return NULL;
    }
    return s;
}

static void load_questions(fixture *fx)
{
    size_t len;
    char *text = ts_read("corpus/questions.jsonl", &len);
    assert_non_null(text);
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        json_t *o = json_loads(line, 0, NULL);
        const char *q = json_string_value(json_object_get(o, "question"));
        assert_non_null(q);
        fx->questions = realloc(fx->questions, (fx->n + 1) * sizeof *fx->questions);
        assert_non_null(fx->questions);
        fx->questions[fx->n++] = strdup(q);
        json_decref(o);
    }
    free(text);
    assert_true(fx->n > 100);
}

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    char db[4096];
    fx->dir = ts_tmpdir();
    snprintf(db, sizeof db, "%s/threads.db", fx->dir);
    vz_engine_options o = VZ_ENGINE_OPTIONS_INIT;
    o.corpus_dir = "corpus";
    o.index_path = db;
    if (vz_engine_open(&fx->e, &o) != VZ_OK) {
        fprintf(stderr, "vz_engine_open: %s\n", vz_last_error());
        return -1;
    }
    load_questions(fx);
    fx->expected = calloc(fx->n, sizeof *fx->expected);
    for (size_t i = 0; i < fx->n; i++) {
        fx->expected[i] = fingerprint(fx->e, fx->questions[i]);
        if (!fx->expected[i]) {
            fprintf(stderr, "%s: %s\n", fx->questions[i], vz_last_error());
            return -1;
        }
    }
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    vz_engine_close(fx->e);
    for (size_t i = 0; i < fx->n; i++) {
        free(fx->questions[i]);
        free(fx->expected[i]);
    }
    free(fx->questions);
    free(fx->expected);
    ts_rmtree(fx->dir);
    free(fx->dir);
    free(fx);
    return 0;
}

/* ---------------------------------------------------------- many asks */

typedef struct {
    const fixture *fx;
    unsigned seed;
    size_t asks;
    size_t done, wrong;
    char first_wrong[512];
} worker;

/* xorshift32: each thread its own reproducible order, no shared state. */
static unsigned next_random(unsigned *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

static void shuffle(size_t *order, size_t n, unsigned *seed)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = next_random(seed) % i, t = order[i - 1];
        order[i - 1] = order[j];
        order[j] = t;
    }
}

static void *ask_many(void *arg)
{
    worker *w = arg;
    const fixture *fx = w->fx;
    size_t *order = malloc(fx->n * sizeof *order);
    if (!order)
        return NULL;
    for (size_t i = 0; i < fx->n; i++)
        order[i] = i;
    for (size_t k = 0; w->done < w->asks; k++, w->done++) {
        if (k % fx->n == 0)
            shuffle(order, fx->n, &w->seed);
        size_t q = order[k % fx->n];
        char *got = fingerprint(fx->e, fx->questions[q]);
        if (!got || strcmp(got, fx->expected[q]) != 0) {
            if (!w->wrong++)
                snprintf(w->first_wrong, sizeof w->first_wrong, "%s: %s", fx->questions[q],
                         got ? "a different result" : vz_last_error());
        }
        free(got);
    }
    free(order);
    return NULL;
}

static void test_threads_agree_with_one_thread(void **state)
{
    const fixture *fx = *state;
    size_t nt = env_count("VZASK_THREADS", 8, MAX_THREADS);
    size_t asks = env_count("VZASK_THREAD_ASKS", 2000, 1000000);
    worker w[MAX_THREADS];
    pthread_t th[MAX_THREADS];
    for (size_t t = 0; t < nt; t++) {
        w[t] = (worker){.fx = fx, .seed = 2463534242u + (unsigned)t * 7919u, .asks = asks};
        assert_int_equal(pthread_create(&th[t], NULL, ask_many, &w[t]), 0);
    }
    size_t wrong = 0;
    for (size_t t = 0; t < nt; t++) {
        assert_int_equal(pthread_join(th[t], NULL), 0);
        if (w[t].wrong)
            fprintf(stderr, "thread %zu: %zu of %zu results differ; first: %s\n", t, w[t].wrong,
                    w[t].done, w[t].first_wrong);
        assert_int_equal(w[t].done, asks);
        wrong += w[t].wrong;
    }
    printf("%zu threads x %zu asks and searches: every result as asked alone\n", nt, asks);
    assert_int_equal(wrong, 0);
    /* A reader is made only when every other one is lent out. */
    assert_true(fx->e->npool >= 1 && fx->e->npool <= nt);
}

/* ------------------------------------------------- thread-local errors */

#define ERR_THREADS 4

typedef struct {
    vz_engine *e;
    pthread_barrier_t *all_failed, *all_checked;
    char doc[32];
    int id, status, own_message;
} err_worker;

/* Each thread fails with a message naming its own document, waits until
 * every thread has failed, and only then reads its message. */
static void *fail_own_way(void *arg)
{
    err_worker *w = arg;
    const char *const docs[] = {w->doc};
    vz_ask_options o = VZ_ASK_OPTIONS_INIT;
    o.docs = docs;
    o.ndocs = 1;
    vz_result *r = NULL;
    w->status = vz_ask(w->e, "who is the president", 20, &o, &r);
    pthread_barrier_wait(w->all_failed);
    w->own_message = strstr(vz_last_error(), w->doc) != NULL;
    for (int i = 0; i < ERR_THREADS; i++) {
        char other[32];
        snprintf(other, sizeof other, "no-such-%d'", i);
        if (i != w->id && strstr(vz_last_error(), other))
            w->own_message = 0;
    }
    pthread_barrier_wait(w->all_checked);
    vz_result_free(r);
    return NULL;
}

static void test_last_error_is_per_thread(void **state)
{
    const fixture *fx = *state;
    pthread_barrier_t failed, checked;
    pthread_barrier_init(&failed, NULL, ERR_THREADS);
    pthread_barrier_init(&checked, NULL, ERR_THREADS);
    err_worker w[ERR_THREADS];
    pthread_t th[ERR_THREADS];
    for (int t = 0; t < ERR_THREADS; t++) {
        w[t] = (err_worker){.e = fx->e, .all_failed = &failed, .all_checked = &checked, .id = t};
        snprintf(w[t].doc, sizeof w[t].doc, "no-such-%d", t);
        assert_int_equal(pthread_create(&th[t], NULL, fail_own_way, &w[t]), 0);
    }
    for (int t = 0; t < ERR_THREADS; t++) {
        assert_int_equal(pthread_join(th[t], NULL), 0);
        assert_int_equal(w[t].status, VZ_EINVAL);
        assert_true(w[t].own_message);
    }
    pthread_barrier_destroy(&failed);
    pthread_barrier_destroy(&checked);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_last_error_is_per_thread),
        cmocka_unit_test(test_threads_agree_with_one_thread),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
