/*
 * test_cli.c - end-to-end runs of the built vzask binary on the bundled
 * corpus and on corpora made here: ranking, exact citations in every
 * output format, TREC runs, query files, rebuilds, exit codes and errors.
 */
#include "support.h"

#include <glob.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
    char *dir, *db;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->dir = ts_tmpdir();
    f->db = malloc(strlen(f->dir) + 16);
    sprintf(f->db, "%s/vz.db", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    ts_rmtree(f->dir);
    free(f->dir);
    free(f->db);
    free(f);
    return 0;
}

/* Run vzask search on the bundled corpus with --json; parse the output. */
static json_t *search_json(fixture *f, const char *query, const char *k)
{
    char *out, *err;
    const char *argv[] = {"search", "--corpus", "corpus", "--db", f->db, "--json",
                          "-k", k, query, NULL};
    int rc = ts_run(&out, &err, argv);
    assert_true(rc == 0 || rc == 1);   /* 1: nothing matched */
    json_error_t e;
    json_t *root = json_loads(out, 0, &e);
    assert_non_null(root);
    free(out);
    free(err);
    return root;
}

/* Every passage's [start, end) cuts exactly its text out of the raw file. */
static void assert_citations_exact(json_t *passages, const char *corpus)
{
    size_t i;
    json_t *p;
    json_array_foreach(passages, i, p) {
        json_int_t s = json_integer_value(json_object_get(p, "start"));
        json_int_t e = json_integer_value(json_object_get(p, "end"));
        const char *text = json_string_value(json_object_get(p, "text"));
        assert_non_null(text);
        assert_true(s >= 0 && e >= 0);
        ts_assert_cut(corpus, json_string_value(json_object_get(p, "doc")), (size_t)s,
                      (size_t)e, text, strlen(text));
        assert_int_equal(json_integer_value(json_object_get(p, "rank")), (json_int_t)i + 1);
    }
}

static void recognition_of_guaido_ranks_first(void **state)
{
    fixture *f = *state;
    json_t *r = search_json(f, "Guaidó recognized interim president", "5");
    json_t *ps = json_object_get(r, "passages");
    assert_int_equal(json_array_size(ps), 5);
    const char *top = json_string_value(json_object_get(json_array_get(ps, 0), "text"));
    assert_non_null(strstr(top, "recogni"));
    assert_non_null(strstr(top, "president"));
    assert_int_equal(json_integer_value(json_object_get(r, "schema")), 1);
    assert_string_equal(json_string_value(json_object_get(r, "query")),
                        "Guaidó recognized interim president");
    assert_citations_exact(ps, "corpus");
    double prev = 1e9;
    size_t i;
    json_t *p;
    json_array_foreach(ps, i, p) {
        double s = json_real_value(json_object_get(p, "score"));
        assert_true(s > 0 && s <= prev);
        prev = s;
    }
    json_decref(r);
}

static void accents_and_case_do_not_matter(void **state)
{
    fixture *f = *state;
    json_t *a = search_json(f, "GUAIDO", "3"), *b = search_json(f, "guaidó", "3");
    json_t *pa = json_object_get(a, "passages"), *pb = json_object_get(b, "passages");
    assert_int_equal(json_array_size(pa), 3);
    assert_int_equal(json_array_size(pb), 3);
    for (size_t i = 0; i < 3; i++) {
        json_t *x = json_array_get(pa, i), *y = json_array_get(pb, i);
        assert_string_equal(json_string_value(json_object_get(x, "doc")),
                            json_string_value(json_object_get(y, "doc")));
        assert_int_equal(json_integer_value(json_object_get(x, "start")),
                         json_integer_value(json_object_get(y, "start")));
    }
    json_decref(a);
    json_decref(b);
}

static void furniture_never_becomes_a_passage(void **state)
{
    fixture *f = *state;
    static const char *const furniture[] = {
        "print-icon", "Loading recommendations", "Advertisement", "Subscribe newsletter",
        "Tyler Durden's Photo", "Vitaliy Nevar TASS", "Remind me later", "4,054"};
    for (size_t i = 0; i < sizeof furniture / sizeof *furniture; i++) {
        json_t *r = search_json(f, furniture[i], "50");
        size_t j;
        json_t *p;
        json_array_foreach(json_object_get(r, "passages"), j, p) {
            const char *text = json_string_value(json_object_get(p, "text"));
            assert_null(strstr(text, "print-icon"));
            assert_null(strstr(text, "Loading recommendations"));
            assert_null(strstr(text, "- Advertisement -"));
            assert_null(strstr(text, "Subscribe to our newsletter"));
            assert_null(strstr(text, "'s Photo"));
            assert_null(strstr(text, "\xc2\xa9"));   /* © credit lines */
            assert_null(strstr(text, "Remind me later"));
            assert_false(strcmp(text, "0 4,054") == 0);
        }
        json_decref(r);
    }
}

static void text_output_cites_offsets(void **state)
{
    fixture *f = *state;
    char *out, *err;
    const char *argv[] = {"search", "--corpus", "corpus", "--db", f->db, "-k", "2",
                          "Lavrov telephone Pompeo", NULL};
    assert_int_equal(ts_run(&out, &err, argv), 0);
    unsigned start, end;
    char doc[256];
    const char *line = strstr(out, "\n   ");
    assert_non_null(line);
    assert_int_equal(sscanf(line, "\n   %255s [%u, %u)", doc, &start, &end), 3);
    char path[4096];
    size_t len;
    snprintf(path, sizeof path, "corpus/%s", doc);
    char *raw = ts_read(path, &len);
    assert_non_null(raw);
    const char *body = strchr(line + 1, '\n') + 1;
    assert_memory_equal(body, raw + start, end - start);
    assert_int_equal(body[end - start], '\n');
    assert_null(strstr(out, "\033["));   /* no colour into a pipe */
    assert_true(strncmp(out, "1. ", 3) == 0);
    free(raw);
    free(out);
    free(err);
}

static void trec_run_is_valid(void **state)
{
    fixture *f = *state;
    char *out, *err;
    const char *argv[] = {"search", "--corpus", "corpus", "--db", f->db, "--trec", "-k", "7",
                          "Kremlin spokesman Peskov", NULL};
    assert_int_equal(ts_run(&out, &err, argv), 0);
    int lines = 0;
    double prev = 1e9;
    for (char *l = strtok(out, "\n"); l; l = strtok(NULL, "\n")) {
        char qid[32], q0[8], pid[256], tag[32];
        int rank;
        double score;
        assert_int_equal(sscanf(l, "%31s %7s %255s %d %lf %31s", qid, q0, pid, &rank, &score, tag), 6);
        assert_string_equal(qid, "1");
        assert_string_equal(q0, "Q0");
        assert_string_equal(tag, "vzask");
        assert_int_equal(rank, ++lines);
        assert_true(score <= prev);
        prev = score;
        unsigned s, e;
        char doc[64];
        assert_int_equal(sscanf(pid, "%63[^:]:%u-%u", doc, &s, &e), 3);   /* DOC:START-END */
        assert_true(s < e);
    }
    assert_int_equal(lines, 7);
    free(out);
    free(err);
}

static void query_file_runs_in_one_process(void **state)
{
    fixture *f = *state;
    ts_write(f->dir, "q.tsv", "q1\tMaduro thanks Russia\nq2\tthe of and\n\nq3\tLima Group Mexico\n", 60);
    char qpath[4096], *out, *err;
    snprintf(qpath, sizeof qpath, "%s/q.tsv", f->dir);
    const char *trec[] = {"search", "--corpus", "corpus", "--db", f->db, "--queries", qpath,
                          "-k", "3", NULL};
    assert_int_equal(ts_run(&out, &err, trec), 0);
    assert_non_null(strstr(out, "q1 Q0 "));
    assert_null(strstr(out, "q2 Q0 "));   /* only stop words: no hits */
    assert_non_null(strstr(out, "q3 Q0 "));
    free(out);
    free(err);
    const char *jsonl[] = {"search", "--corpus", "corpus", "--db", f->db, "--queries", qpath,
                           "--jsonl", NULL};
    assert_int_equal(ts_run(&out, &err, jsonl), 0);
    int n = 0;
    for (char *l = strtok(out, "\n"); l; l = strtok(NULL, "\n"), n++) {
        json_t *o = json_loads(l, 0, NULL);
        assert_non_null(o);
        assert_non_null(json_object_get(o, "id"));
        assert_citations_exact(json_object_get(o, "passages"), "corpus");
        json_decref(o);
    }
    assert_int_equal(n, 3);
    free(out);
    free(err);
}

static void doc_filter_and_context(void **state)
{
    fixture *f = *state;
    char *out, *err;
    const char *argv[] = {"search", "--corpus", "corpus", "--db", f->db, "--json", "--doc",
                          "004_6fbc38b29dad98da", "--context", "1", "Maduro", NULL};
    assert_int_equal(ts_run(&out, &err, argv), 0);
    json_t *r = json_loads(out, 0, NULL);
    size_t i;
    json_t *p;
    assert_true(json_array_size(json_object_get(r, "passages")) > 0);
    json_array_foreach(json_object_get(r, "passages"), i, p)
        assert_string_equal(json_string_value(json_object_get(p, "doc")), "004_6fbc38b29dad98da");
    assert_citations_exact(json_object_get(r, "passages"), "corpus");
    free(out);
    free(err);
    /* The same search without --context: each passage is no wider. */
    const char *narrow[] = {"search", "--corpus", "corpus", "--db", f->db, "--json", "--doc",
                            "004_6fbc38b29dad98da", "Maduro", NULL};
    assert_int_equal(ts_run(&out, &err, narrow), 0);
    json_t *n = json_loads(out, 0, NULL);
    json_t *wide0 = json_array_get(json_object_get(r, "passages"), 0);
    json_t *narrow0 = json_array_get(json_object_get(n, "passages"), 0);
    json_int_t ws = json_integer_value(json_object_get(wide0, "start"));
    json_int_t we = json_integer_value(json_object_get(wide0, "end"));
    json_int_t ns = json_integer_value(json_object_get(narrow0, "start"));
    json_int_t ne = json_integer_value(json_object_get(narrow0, "end"));
    assert_true(ws <= ns && ne <= we && (ws < ns || ne < we));
    json_decref(n);
    json_decref(r);
    free(out);
    free(err);
    const char *bad[] = {"search", "--corpus", "corpus", "--db", f->db, "--doc", "nope", "x", NULL};
    assert_int_equal(ts_run(&out, &err, bad), 2);
    assert_non_null(strstr(err, "vzask: no document 'nope'"));
    free(out);
    free(err);
}

/* A broken index in the cache is the engine's own: ask rebuilds it, as
 * search does, where a broken file the user named with --db is refused. */
static void ask_rebuilds_a_broken_cached_index(void **state)
{
    fixture *f = *state;
    char corpus[4096], cache[4096], *out, *err;
    snprintf(corpus, sizeof corpus, "%s/c", f->dir);
    snprintf(cache, sizeof cache, "%s/cache", f->dir);
    assert_int_equal(mkdir(corpus, 0755), 0);
    ts_write(corpus, "one.txt", "The harbour of Valletta is deep.\n", 33);
    char *saved = getenv("XDG_CACHE_HOME") ? strdup(getenv("XDG_CACHE_HOME")) : NULL;
    assert_int_equal(setenv("XDG_CACHE_HOME", cache, 1), 0);
    const char *argv[] = {"ask", "--corpus", corpus, "where is the harbour", NULL};
    ts_run(&out, &err, argv);
    free(out);
    free(err);
    glob_t g;
    char pattern[4200];
    snprintf(pattern, sizeof pattern, "%s/vzask/*.sqlite", cache);
    assert_int_equal(glob(pattern, 0, NULL, &g), 0);
    assert_int_equal(g.gl_pathc, 1);
    FILE *db = fopen(g.gl_pathv[0], "wb");
    assert_non_null(db);
    fputs("not an index", db);
    fclose(db);
    globfree(&g);
    int status = ts_run(&out, &err, argv);
    assert_true(status == 0 || status == 1);   /* an answer or an abstention */
    assert_non_null(strstr(err, "building the index"));
    free(out);
    free(err);
    if (saved)
        setenv("XDG_CACHE_HOME", saved, 1);
    else
        unsetenv("XDG_CACHE_HOME");
    free(saved);
}

static void rebuilds_when_a_file_changes(void **state)
{
    fixture *f = *state;
    char corpus[4096], *out, *err;
    snprintf(corpus, sizeof corpus, "%s/c", f->dir);
    assert_int_equal(mkdir(corpus, 0755), 0);
    ts_write(corpus, "one.txt", "The harbour of Valletta is deep.\n", 33);
    const char *argv[] = {"search", "--corpus", corpus, "--db", f->db, "flamingo", NULL};
    assert_int_equal(ts_run(&out, &err, argv), 1);   /* no passage: exit 1 */
    assert_non_null(strstr(err, "building the index"));
    assert_non_null(strstr(out, "No passage matches"));
    free(out);
    free(err);
    assert_int_equal(ts_run(&out, &err, argv), 1);
    assert_null(strstr(err, "building"));   /* fresh: no rebuild */
    free(out);
    free(err);
    ts_write(corpus, "one.txt", "Pink flamingos wade in the lagoon.\n", 35);
    assert_int_equal(ts_run(&out, &err, argv), 0);
    assert_non_null(strstr(err, "corpus changed"));
    assert_non_null(strstr(out, "flamingos"));
    free(out);
    free(err);
}

static void usage_and_errors(void **state)
{
    fixture *f = *state;
    char *out, *err;
    const char *none[] = {NULL};
    assert_int_equal(ts_run(&out, &err, none), 2);
    assert_non_null(strstr(err, "usage: vzask"));
    free(out); free(err);
    const char *help[] = {"search", "--help", NULL};
    assert_int_equal(ts_run(&out, &err, help), 0);
    assert_non_null(strstr(out, "usage: vzask search"));
    free(out); free(err);
    const char *ver[] = {"--version", NULL};
    assert_int_equal(ts_run(&out, &err, ver), 0);
    assert_true(strncmp(out, "vzask 0.", 8) == 0);
    free(out); free(err);
    const char *badopt[] = {"search", "--frobnicate", "x", NULL};
    assert_int_equal(ts_run(&out, &err, badopt), 2);
    assert_non_null(strstr(err, "vzask: unknown option '--frobnicate': see vzask --help"));
    free(out); free(err);
    const char *badk[] = {"search", "-k", "0", "x", NULL};
    assert_int_equal(ts_run(&out, &err, badk), 2);
    free(out); free(err);
    const char *nocorpus[] = {"search", "--corpus", "/nonexistent/dir", "--db", f->db, "x", NULL};
    assert_int_equal(ts_run(&out, &err, nocorpus), 3);
    assert_non_null(strstr(err, "vzask: cannot open corpus folder /nonexistent/dir"));
    free(out); free(err);
    const char *badutf8[] = {"search", "--corpus", "corpus", "--db", f->db, "caf\xc3", NULL};
    assert_int_equal(ts_run(&out, &err, badutf8), 2);
    assert_non_null(strstr(err, "UTF-8"));
    free(out); free(err);
    ts_write(f->dir, "notes.txt", "keep me\n", 8);
    char notes[4096];
    snprintf(notes, sizeof notes, "%s/notes.txt", f->dir);
    const char *foreign[] = {"index", "--corpus", "corpus", "--db", notes, NULL};
    assert_int_equal(ts_run(&out, &err, foreign), 3);
    assert_non_null(strstr(err, "not a vzask index"));
    free(out); free(err);
    char *kept = ts_read(notes, NULL);
    assert_string_equal(kept, "keep me\n");
    free(kept);
}

static void index_command_reports(void **state)
{
    fixture *f = *state;
    char *out, *err;
    const char *argv[] = {"index", "--corpus", "corpus", "--db", f->db, NULL};
    assert_int_equal(ts_run(&out, &err, argv), 0);
    assert_non_null(strstr(out, "indexed 5 documents"));
    free(out); free(err);
}

static void eval_scores_a_question_set(void **state)
{
    fixture *f = *state;
    const char set[] =
        "{\"id\":\"a\",\"question\":\"how many died in the Caracas strike\","
        "\"patterns\":[\"\\\\b40\\\\b\"],\"docs\":[\"000_03d48f2f6344b254\"],\"type\":\"count\"}\n"
        "{\"id\":\"b\",\"question\":\"how many died in the Caracas strike\","
        "\"patterns\":[\"\\\\b41\\\\b\"],\"docs\":[\"000_03d48f2f6344b254\"],\"type\":\"count\"}\n"
        "{\"id\":\"c\",\"question\":\"Who won the 2014 Eurovision Song Contest?\","
        "\"patterns\":[],\"docs\":[],\"unanswerable\":true}\n";
    ts_write(f->dir, "set.jsonl", set, sizeof set - 1);
    char path[4096], details[4096], *out, *err;
    snprintf(path, sizeof path, "%s/set.jsonl", f->dir);
    snprintf(details, sizeof details, "%s/details.jsonl", f->dir);
    const char *argv[] = {"eval", path, "--corpus", "corpus", "--db", f->db, "--json",
                          "--details", details, NULL};
    assert_int_equal(ts_run(&out, &err, argv), 0);
    json_t *m = json_loads(out, 0, NULL);
    assert_non_null(m);
    /* One of the two answerable questions has the right pattern. */
    assert_true(json_real_value(json_object_get(m, "accuracy")) == 0.5);
    assert_true(json_real_value(json_object_get(m, "abstention_recall")) == 1.0);
    /* "40 people total" twice: a factoid of at most 8 words. */
    assert_true(json_real_value(json_object_get(m, "short_answers")) == 1.0);
    json_decref(m);
    free(out);
    free(err);
    char *d = ts_read(details, NULL);
    assert_non_null(strstr(d, "\"id\":\"a\""));
    assert_non_null(strstr(d, "\"correct\":true"));
    free(d);
    const char *bar[] = {"eval", path, "--corpus", "corpus", "--db", f->db,
                         "--fail-under", "accuracy=0.9", NULL};
    assert_int_equal(ts_run(&out, &err, bar), 1);
    assert_non_null(strstr(err, "accuracy 0.500 is below 0.900"));
    free(out);
    free(err);
    const char *bad[] = {"eval", path, "--corpus", "corpus", "--db", f->db,
                         "--fail-under", "wisdom=0.9", NULL};
    assert_int_equal(ts_run(&out, &err, bad), 2);
    free(out);
    free(err);
    /* Details that cannot be written are an error, not a silent loss. */
    if (access("/dev/full", W_OK) == 0) {
        const char *full[] = {"eval", path, "--corpus", "corpus", "--db", f->db,
                              "--details", "/dev/full", NULL};
        assert_true(ts_run(&out, &err, full) > 2);
        assert_non_null(strstr(err, "cannot write /dev/full"));
        free(out);
        free(err);
    }
}

/* vzask eval SET -j JOBS --json --details on the bundled corpus: the exit
 * status; stdout, stderr and the details in out[0..2]. */
static int eval_jobs(const fixture *f, const char *set, const char *jobs, char **out)
{
    char details[4096];
    snprintf(details, sizeof details, "%s/details-%s.jsonl", f->dir, jobs);
    const char *argv[] = {"eval", set, "--corpus", "corpus", "--db", f->db, "-j", jobs,
                          "--json", "--details", details, NULL};
    int rc = ts_run(&out[0], &out[1], argv);
    out[2] = ts_read(details, NULL);
    return rc;
}

/* -j 4 asks the project's questions in four threads of one engine: the
 * same figures but the timings, the same --details lines in the same
 * order; and a broken line stops both runs at the same place, with the
 * same message. */
static void eval_threads_change_nothing(void **state)
{
    fixture *f = *state;
    static const char *const timing[] = {"latency_ms", "questions_per_second", NULL};
    char *one[3], *four[3];
    assert_int_equal(eval_jobs(f, "corpus/questions.jsonl", "1", one), 0);
    assert_int_equal(eval_jobs(f, "corpus/questions.jsonl", "4", four), 0);
    ts_assert_same_jsonl(one[0], four[0], timing);
    ts_assert_same_jsonl(one[2], four[2], NULL);
    size_t lines = 0;
    for (const char *p = four[2]; (p = strchr(p, '\n')) != NULL; p++)
        lines++;
    assert_true(lines > 100);
    for (int i = 0; i < 3; i++)
        free(one[i]), free(four[i]);

    /* The set with its 41st line broken. */
    size_t len;
    char *set = ts_read("corpus/questions.jsonl", &len), *at = set;
    assert_non_null(set);
    for (int i = 0; i < 40; i++)
        at = strchr(at, '\n') + 1;
    *at = 'x';   /* not JSON any more */
    ts_write(f->dir, "broken.jsonl", set, len);
    free(set);
    char path[4096];
    snprintf(path, sizeof path, "%s/broken.jsonl", f->dir);
    assert_int_equal(eval_jobs(f, path, "1", one), 2);
    assert_int_equal(eval_jobs(f, path, "4", four), 2);
    assert_non_null(strstr(one[1], "question set line 41: "));
    assert_string_equal(one[1], four[1]);
    ts_assert_same_jsonl(one[2], four[2], NULL);
    lines = 0;
    for (const char *p = four[2]; (p = strchr(p, '\n')) != NULL; p++)
        lines++;
    assert_int_equal(lines, 40);
    for (int i = 0; i < 3; i++)
        free(one[i]), free(four[i]);

    /* -j belongs to eval. */
    const char *search[] = {"search", "--corpus", "corpus", "--db", f->db, "-j", "2", "x", NULL};
    assert_int_equal(ts_run(&one[0], &one[1], search), 2);
    assert_non_null(strstr(one[1], "-j is for eval"));
    free(one[0]), free(one[1]);
}

/* --jsonl: one JSON object a line out for each line in, plain or JSON, with
 * the line's id; a line that is broken gets an error line, and the
 * conversation goes on. */
static void ask_jsonl_answers_each_line(void **state)
{
    fixture *f = *state;
    char *out, *err;
    const char *argv[] = {"ask", "--corpus", "corpus", "--db", f->db, "--jsonl", NULL};
    const char *in = "how many died in the Caracas strike\n"
                     "{\"id\": \"q2\", \"question\": \"who recognized Guaido\"}\n"
                     "{\"id\": \"q3\", \"question\": broken\n"
                     "{\"id\": \"q4\"}\n";
    assert_int_equal(ts_run_input(&out, &err, argv, in), 0);
    json_t *line[4];
    char *p = out;
    for (size_t i = 0; i < 4; i++) {
        char *nl = strchr(p, '\n');
        assert_non_null(nl);
        *nl = '\0';
        line[i] = json_loads(p, 0, NULL);
        assert_non_null(line[i]);
        p = nl + 1;
    }
    assert_string_equal(p, "");
    assert_true(json_is_true(json_object_get(line[0], "answered")));
    assert_string_equal(json_string_value(json_object_get(line[1], "id")), "q2");
    assert_string_equal(json_string_value(json_object_get(line[1], "type")), "list");
    assert_true(json_is_false(json_object_get(line[2], "answered")));
    assert_string_equal(json_string_value(json_object_get(line[2], "error")),
                        "the line is not valid JSON");
    assert_string_equal(json_string_value(json_object_get(line[3], "id")), "q4");
    assert_non_null(strstr(json_string_value(json_object_get(line[3], "error")), "question"));
    for (size_t i = 0; i < 4; i++)
        json_decref(line[i]);
    assert_non_null(strstr(err, "stdin line 3"));
    free(out);
    free(err);
}

static void ask_answers_and_abstains(void **state)
{
    fixture *f = *state;
    char *out, *err;
    const char *argv[] = {"--corpus", "corpus", "--db", f->db, "how many died in the Caracas strike", NULL};
    assert_int_equal(ts_run(&out, &err, argv), 0);
    /* The answer is the first line, before the sentence that also says 40. */
    assert_true(strncmp(out, "40 ", 3) == 0 || strncmp(out, "At least 40 ", 12) == 0);
    assert_non_null(strstr(out, "000_03d48f2f6344b254.txt ["));
    free(out);
    free(err);
    const char *none[] = {"ask", "--corpus", "corpus", "--db", f->db, "Who won the 2014 Eurovision Song Contest?", NULL};
    assert_int_equal(ts_run(&out, &err, none), 1);
    assert_string_equal(out, "The corpus does not say.\n");
    free(out);
    free(err);
    /* --no-abstain shows what the engine would have said when unsure. */
    const char *unsure[] = {"ask", "--corpus", "corpus", "--db", f->db, "When did Hugo Chavez die?", NULL};
    assert_int_equal(ts_run(&out, &err, unsure), 1);
    free(out);
    free(err);
    const char *forced[] = {"ask", "--no-abstain", "--corpus", "corpus", "--db", f->db,
                            "When did Hugo Chavez die?", NULL};
    assert_int_equal(ts_run(&out, &err, forced), 0);
    assert_null(strstr(out, "does not say"));
    free(out);
    free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(recognition_of_guaido_ranks_first, setup, teardown),
        cmocka_unit_test_setup_teardown(accents_and_case_do_not_matter, setup, teardown),
        cmocka_unit_test_setup_teardown(furniture_never_becomes_a_passage, setup, teardown),
        cmocka_unit_test_setup_teardown(text_output_cites_offsets, setup, teardown),
        cmocka_unit_test_setup_teardown(trec_run_is_valid, setup, teardown),
        cmocka_unit_test_setup_teardown(query_file_runs_in_one_process, setup, teardown),
        cmocka_unit_test_setup_teardown(doc_filter_and_context, setup, teardown),
        cmocka_unit_test_setup_teardown(rebuilds_when_a_file_changes, setup, teardown),
        cmocka_unit_test_setup_teardown(ask_rebuilds_a_broken_cached_index, setup, teardown),
        cmocka_unit_test_setup_teardown(ask_jsonl_answers_each_line, setup, teardown),
        cmocka_unit_test_setup_teardown(usage_and_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(index_command_reports, setup, teardown),
        cmocka_unit_test_setup_teardown(eval_scores_a_question_set, setup, teardown),
        cmocka_unit_test_setup_teardown(eval_threads_change_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(ask_answers_and_abstains, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
