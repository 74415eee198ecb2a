/*
 * test_passages.c - passage search and index statistics through the public
 * API: every passage cuts its text exactly out of the raw file, matches
 * are the query's words, options restrict and widen, bad calls are clear
 * errors; the statistics describe the index the engine opened.
 */
#include "support.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "vzask.h"

static char *tmp;

static vz_engine *open_on(const char *corpus, const char *db_name, unsigned flags,
                          const char *unit)
{
    char db[4096];
    snprintf(db, sizeof db, "%s/%s", tmp, db_name);
    vz_engine_options o = VZ_ENGINE_OPTIONS_INIT;
    o.corpus_dir = corpus;
    o.index_path = db;
    o.flags = flags;
    o.unit = unit;
    vz_engine *e = NULL;
    assert_int_equal(vz_engine_open(&e, &o), VZ_OK);
    return e;
}

static int setup(void **state)
{
    tmp = ts_tmpdir();
    *state = open_on("corpus", "passages.db", 0, NULL);
    return 0;
}

static int teardown(void **state)
{
    vz_engine_close(*state);
    ts_rmtree(tmp);
    free(tmp);
    return 0;
}

static vz_search_result *search(vz_engine *e, const char *q, const vz_search_options *o)
{
    vz_search_result *r = NULL;
    assert_int_equal(vz_search(e, q, strlen(q), o, &r), VZ_OK);
    assert_non_null(r);
    return r;
}

static void passages_cut_the_file_best_first(void **state)
{
    vz_search_options o = VZ_SEARCH_OPTIONS_INIT;
    o.max_passages = 8;
    vz_search_result *r = search(*state, "Maduro custody release", &o);
    size_t n = vz_search_result_count(r);
    assert_int_equal(n, 8);
    assert_true(vz_search_result_terms(r) == 3);
    for (size_t i = 0; i < n; i++) {
        const vz_passage *p = vz_search_result_passage(r, i);
        const char *text = vz_passage_text(p);
        ts_assert_cut("corpus", vz_passage_doc(p), vz_passage_start(p), vz_passage_end(p), text,
                      strlen(text));
        assert_non_null(vz_passage_title(p));
        assert_true(vz_passage_score(p) > 0);
        if (i)
            assert_true(vz_passage_score(p) <= vz_passage_score(vz_search_result_passage(r, i - 1)));
        assert_int_equal(vz_passage_match_count(p), 0);   /* not asked for */
    }
    assert_null(vz_search_result_passage(r, n));
    vz_search_result_free(r);
}

/* Each match is a query word as the text writes it: "Release" and
 * "released" match "release". */
static void matches_are_the_query_words(void **state)
{
    vz_search_options o = VZ_SEARCH_OPTIONS_INIT;
    o.flags = VZ_SEARCH_MATCHES;
    vz_search_result *r = search(*state, "the release of Maduro", &o);
    size_t total = 0;
    for (size_t i = 0; i < vz_search_result_count(r); i++) {
        const vz_passage *p = vz_search_result_passage(r, i);
        size_t s, e, prev_end = 0;
        for (size_t j = 0; vz_passage_match(p, j, &s, &e); j++, total++) {
            assert_true(vz_passage_start(p) <= s && s < e && e <= vz_passage_end(p));
            assert_true(s >= prev_end);
            prev_end = e;
            const char *word = vz_passage_text(p) + (s - vz_passage_start(p));
            assert_true(!strncasecmp(word, "releas", 6) || !strncasecmp(word, "Maduro", 6));
        }
        assert_int_equal(vz_passage_match(p, vz_passage_match_count(p), &s, &e), 0);
    }
    assert_true(total >= vz_search_result_count(r));
    vz_search_result_free(r);
}

static void options_restrict_and_widen(void **state)
{
    vz_engine *e = *state;
    const char *docs[] = {"001_7fce46925a1a425a"};
    vz_search_options o = VZ_SEARCH_OPTIONS_INIT;
    o.docs = docs;
    o.ndocs = 1;
    o.max_passages = 100;
    vz_search_result *r = search(e, "Russia Venezuela", &o);
    assert_true(vz_search_result_count(r) > 0);
    for (size_t i = 0; i < vz_search_result_count(r); i++)
        assert_string_equal(vz_passage_doc(vz_search_result_passage(r, i)), docs[0]);
    vz_search_result_free(r);

    vz_search_options narrow = VZ_SEARCH_OPTIONS_INIT, wide = VZ_SEARCH_OPTIONS_INIT;
    wide.context = 2;
    wide.flags = VZ_SEARCH_NO_TEXT;
    vz_search_result *a = search(e, "Caracas strikes", &narrow);
    vz_search_result *b = search(e, "Caracas strikes", &wide);
    const vz_passage *pa = vz_search_result_passage(a, 0), *pb = vz_search_result_passage(b, 0);
    assert_string_equal(vz_passage_id(pa), vz_passage_id(pb));
    assert_true(vz_passage_start(pb) <= vz_passage_start(pa));
    assert_true(vz_passage_end(pb) >= vz_passage_end(pa));
    assert_true(vz_passage_end(pb) - vz_passage_start(pb) > vz_passage_end(pa) - vz_passage_start(pa));
    assert_null(vz_passage_text(pb));
    /* A passage of a document of several passages is DOC:START-END. */
    char id[256];
    snprintf(id, sizeof id, "%s:%zu-%zu", vz_passage_doc(pa), vz_passage_start(pa),
             vz_passage_end(pa));
    assert_string_equal(vz_passage_id(pa), id);
    vz_search_result_free(a);
    vz_search_result_free(b);
}

static void stop_words_find_nothing(void **state)
{
    vz_search_result *r = search(*state, "the of and", NULL);
    assert_int_equal(vz_search_result_count(r), 0);
    assert_int_equal(vz_search_result_terms(r), 0);
    assert_null(vz_search_result_passage(r, 0));
    vz_search_result_free(r);
}

static void bad_searches_are_clear_errors(void **state)
{
    vz_engine *e = *state;
    vz_search_result *r = (vz_search_result *)1;
    assert_int_equal(vz_search(e, "x", 1, NULL, NULL), VZ_EINVAL);
    assert_int_equal(vz_search(NULL, "x", 1, NULL, &r), VZ_EINVAL);
    assert_null(r);
    assert_int_equal(vz_search(e, NULL, 0, NULL, &r), VZ_EINVAL);
    assert_int_equal(vz_search(e, " \t", 2, NULL, &r), VZ_EINVAL);
    ts_assert_error("empty");
    assert_int_equal(vz_search(e, "oil\0gas", 7, NULL, &r), VZ_EINVAL);
    ts_assert_error("NUL");
    assert_int_equal(vz_search(e, "\xff", 1, NULL, &r), VZ_EINVAL);
    ts_assert_error("UTF-8");
    vz_search_options o = VZ_SEARCH_OPTIONS_INIT;
    o.max_passages = VZ_SEARCH_MAX + 1;
    assert_int_equal(vz_search(e, "oil", 3, &o, &r), VZ_EINVAL);
    ts_assert_error("at most");
    o.max_passages = 0;
    const char *docs[] = {"no-such-doc"};
    o.docs = docs;
    o.ndocs = 1;
    assert_int_equal(vz_search(e, "oil", 3, &o, &r), VZ_EINVAL);
    ts_assert_error("no-such-doc");
    o.ndocs = 0;
    o.version = 0;
    assert_int_equal(vz_search(e, "oil", 3, &o, &r), VZ_EINVAL);
    ts_assert_error("VZ_SEARCH_OPTIONS_INIT");
    assert_null(r);
    vz_search_result_free(NULL);
    assert_int_equal(vz_search_result_count(NULL), 0);
    assert_null(vz_passage_text(NULL));
}

static void stats_describe_the_index(void **state)
{
    vz_index_stats st = VZ_INDEX_STATS_INIT;
    assert_int_equal(vz_engine_stats(*state, &st), VZ_OK);
    assert_int_equal(st.documents, 5);
    assert_true(st.paragraphs >= st.passages && st.passages > st.documents);
    assert_true(st.sentences > st.passages);
    assert_true(st.terms > 100);
    assert_string_equal(st.unit, "paragraph");
    assert_string_equal(st.corpus_dir, "corpus");
    assert_non_null(strstr(st.index_path, "passages.db"));
    long long now = (long long)time(NULL);
    assert_true(st.built_at > now - 3600 && st.built_at <= now);
    assert_true(st.build_seconds > 0 && st.build_seconds < 60);

    vz_index_stats bad = VZ_INDEX_STATS_INIT;
    bad.version = 2;
    assert_int_equal(vz_engine_stats(*state, &bad), VZ_EINVAL);
    ts_assert_error("VZ_INDEX_STATS_INIT");
    assert_int_equal(vz_engine_stats(NULL, &st), VZ_EINVAL);
    assert_int_equal(vz_engine_stats(*state, NULL), VZ_EINVAL);
}

/* A sentence index ranks sentences; a forced rebuild writes a new index
 * of the same contents. */
static void units_and_rebuilds(void **state)
{
    (void)state;
    vz_engine *e = open_on("corpus", "sentences.db", 0, "sentence");
    vz_index_stats st = VZ_INDEX_STATS_INIT;
    assert_int_equal(vz_engine_stats(e, &st), VZ_OK);
    assert_string_equal(st.unit, "sentence");
    assert_int_equal(st.passages, st.sentences);
    vz_search_result *r = search(e, "Caracas", NULL);
    const vz_passage *p = vz_search_result_passage(r, 0);
    assert_non_null(p);
    ts_assert_cut("corpus", vz_passage_doc(p), vz_passage_start(p), vz_passage_end(p),
                  vz_passage_text(p), strlen(vz_passage_text(p)));
    vz_search_result_free(r);
    vz_engine_close(e);

    e = open_on("corpus", "sentences.db", VZ_OPEN_REBUILD, "sentence");
    vz_index_stats again = VZ_INDEX_STATS_INIT;
    assert_int_equal(vz_engine_stats(e, &again), VZ_OK);
    assert_int_equal(again.passages, st.passages);
    assert_int_equal(again.terms, st.terms);
    vz_engine_close(e);

    vz_engine_options o = VZ_ENGINE_OPTIONS_INIT;
    o.corpus_dir = "corpus";
    o.unit = "chapter";
    assert_int_equal(vz_engine_open(&e, &o), VZ_EINVAL);
    ts_assert_error("chapter");
    o.unit = NULL;
    o.flags = VZ_OPEN_READONLY | VZ_OPEN_REBUILD;
    assert_int_equal(vz_engine_open(&e, &o), VZ_EINVAL);
    assert_null(e);
}

/* A rebuild never replaces a file that is not a vzask index. */
static void a_rebuild_keeps_a_foreign_file(void **state)
{
    (void)state;
    char db[4096];
    ts_write(tmp, "notes.db", "my notes\n", 9);
    snprintf(db, sizeof db, "%s/notes.db", tmp);
    vz_engine_options o = VZ_ENGINE_OPTIONS_INIT;
    o.corpus_dir = "corpus";
    o.index_path = db;
    o.flags = VZ_OPEN_REBUILD;
    vz_engine *e = NULL;
    assert_int_equal(vz_engine_open(&e, &o), VZ_EINDEX);
    ts_assert_error("not a vzask index");
    size_t len;
    char *kept = ts_read(db, &len);
    assert_int_equal(len, 9);
    assert_memory_equal(kept, "my notes\n", 9);
    free(kept);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(passages_cut_the_file_best_first),
        cmocka_unit_test(matches_are_the_query_words),
        cmocka_unit_test(options_restrict_and_widen),
        cmocka_unit_test(stop_words_find_nothing),
        cmocka_unit_test(bad_searches_are_clear_errors),
        cmocka_unit_test(stats_describe_the_index),
        cmocka_unit_test(units_and_rebuilds),
        cmocka_unit_test(a_rebuild_keeps_a_foreign_file),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
