/*
 * test_squad_eval.c - the SQuAD metrics against figures computed by hand
 * (normalisation with Unicode punctuation, articles, case and white space;
 * EM, token F1 over several golds, v2.0's empty answers and threshold),
 * the character-to-byte conversion of answer_start, and `vzask eval` on
 * the tiny v1.1 and v2.0 files of tests/squad: the cached corpus folder,
 * --details, the options, bad files, -j N giving what one thread gives,
 * and the official scripts' logic
 * (tests/squad_official.py) agreeing with vzask to the last digit.
 */
#include "support.h"
#include "squad_metrics.h"

#include <glob.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void norm_is(const char *in, const char *want)
{
    char *got = vz_squad_normalize(in, strlen(in));
    assert_non_null(got);
    assert_string_equal(got, want);
    free(got);
}

static void normalisation_follows_python(void **state)
{
    (void)state;
    norm_is("The Cat's  hat!", "cats hat");              /* ASCII punctuation goes */
    norm_is("An apple, a day", "apple day");             /* articles go */
    norm_is("theatre a-b A.B.", "theatre ab ab");        /* ... only as whole words */
    norm_is("Paris\u2019s \u2014 best", "paris\u2019s \u2014 best");   /* ’ and — stay */
    norm_is("\u201cParis\u201d", "\u201cparis\u201d");
    norm_is("The\u2019s", "\u2019s");                    /* ’ is a word boundary */
    norm_is("a\u2014the\u2014b", "\u2014 \u2014b");
    norm_is("\u00c9COLE Stra\u00dfe", "\u00e9cole stra\u00dfe");       /* Unicode case */
    norm_is("\u0130", "i\u0307");                        /* Python lowers İ to two */
    norm_is("\u039f\u0394\u039f\u03a3", "\u03bf\u03b4\u03bf\u03c2");   /* final sigma */
    norm_is("the\u0301 end", "\u0301 end");              /* a mark is not \w */
    norm_is("x\u00a0y\u2003z\n\tw", "x y z w");          /* Unicode white space */
    norm_is("x\u200by", "x\u200by");                     /* U+200B is not */
    norm_is("  the  ", "");
}

static void exact_and_f1_by_hand(void **state)
{
    (void)state;
    assert_int_equal(vz_squad_exact("The Eiffel Tower", "eiffel tower!"), 1);
    assert_int_equal(vz_squad_exact("Eiffel Tower\u2019s", "eiffel tower"), 0);
    /* pred big red barn, gold red barn in field: P 2/3, R 1/2, F1 4/7 */
    assert_float_equal(vz_squad_f1("the big red barn", "red barn in the field", 0), 4.0 / 7, 1e-12);
    /* Counter intersection: new new york vs new york: P 2/3, R 1, F1 4/5 */
    assert_float_equal(vz_squad_f1("new new york", "New York", 0), 0.8, 1e-12);
    assert_float_equal(vz_squad_f1("\u201cParis\u201d", "Paris", 0), 0, 0);
    assert_float_equal(vz_squad_f1("\"Paris\"", "Paris", 0), 1, 0);
    assert_float_equal(vz_squad_f1("", "Paris", 0), 0, 0);
    /* Two empty answers: v1.1 gives 0 (no common token), v2.0 gives 1. */
    assert_float_equal(vz_squad_f1("a", "the", 0), 0, 0);
    assert_float_equal(vz_squad_f1("a", "the", 1), 1, 0);

    double em, f1;
    const char *g1[] = {"in the year 1847", "about 1847"};   /* F1 1/2 and 2/3 */
    assert_int_equal(vz_squad_score("1847", g1, 2, 0, &em, &f1), 0);
    assert_float_equal(em, 0, 0);
    assert_float_equal(f1, 2.0 / 3, 1e-12);
    const char *g2[] = {"in 1847", "1847 AD", "1847."};
    assert_int_equal(vz_squad_score("1847", g2, 3, 0, &em, &f1), 0);
    assert_float_equal(em, 1, 0);
    assert_float_equal(f1, 1, 0);
    /* v2.0 no answer: only the abstention ("") is right. */
    assert_int_equal(vz_squad_score("", NULL, 0, 1, &em, &f1), 0);
    assert_true(em == 1 && f1 == 1);
    assert_int_equal(vz_squad_score("Paris", NULL, 0, 1, &em, &f1), 0);
    assert_true(em == 0 && f1 == 0);
    /* v2.0 drops a gold that normalises to nothing; v1.1 keeps it. */
    const char *g3[] = {"The"};
    assert_int_equal(vz_squad_score("", g3, 1, 1, &em, &f1), 0);
    assert_true(em == 1 && f1 == 1);
    assert_int_equal(vz_squad_score("", g3, 1, 0, &em, &f1), 0);
    assert_true(em == 1 && f1 == 0);
}

static void answer_start_in_bytes(void **state)
{
    (void)state;
    const char *s = "Caf\u00e9 \u2014 x";        /* é 2 bytes, — 3 bytes */
    assert_int_equal(vz_squad_char_to_byte(s, strlen(s), 7), 10);
    assert_int_equal(s[10], 'x');
    const char *e = "\U0001F600a";                /* one code point, 4 bytes */
    assert_int_equal(vz_squad_char_to_byte(e, strlen(e), 1), 4);
    assert_int_equal(vz_squad_char_to_byte(e, strlen(e), 2), 5);
    assert_true(vz_squad_char_to_byte(e, strlen(e), 3) == (size_t)-1);
}

static void best_threshold_by_hand(void **state)
{
    (void)state;
    /* 2 no-answer questions to start with; by na_prob: -1 (0.1), +1 (0.2),
     * +0.5 (0.6) -> 2.5 of 4, the best, then -1 (0.9). */
    vz_squad_na q[] = {{0.2, 1, 1, 1}, {0.1, 0, 0, 1}, {0.6, 0.5, 1, 1}, {0.9, 0, 0, 1}};
    double best, thresh;
    assert_int_equal(vz_squad_best_thresh(q, 4, &best, &thresh), 0);
    assert_float_equal(best, 62.5, 1e-12);
    assert_float_equal(thresh, 0.6, 0);
    /* Ties keep the given order, as Python's stable sort does. */
    vz_squad_na t1[] = {{0.5, 1, 1, 1}, {0.5, 0, 0, 1}}, t2[] = {{0.5, 0, 0, 1}, {0.5, 1, 1, 1}};
    assert_int_equal(vz_squad_best_thresh(t1, 2, &best, &thresh), 0);
    assert_true(best == 100 && thresh == 0.5);
    assert_int_equal(vz_squad_best_thresh(t2, 2, &best, &thresh), 0);
    assert_true(best == 50 && thresh == 0);
    /* An abstention on a no-answer question costs nothing. */
    vz_squad_na a[] = {{0.3, 0, 0, 0}};
    assert_int_equal(vz_squad_best_thresh(a, 1, &best, &thresh), 0);
    assert_true(best == 100 && thresh == 0);
}

static void wh_words(void **state)
{
    (void)state;
    assert_string_equal(vz_squad_wh("In what year was it built?"), "what");
    assert_string_equal(vz_squad_wh("Whose dog barked?"), "who");
    assert_string_equal(vz_squad_wh("HOW many died"), "how");
    assert_string_equal(vz_squad_wh("Name the river somewhere"), "other");
}

/* ---- vzask eval on the tiny files --------------------------------------- */

typedef struct {
    char *dir;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->dir = ts_tmpdir();
    char cache[4200];
    snprintf(cache, sizeof cache, "%s/cache", f->dir);
    setenv("XDG_CACHE_HOME", cache, 1);   /* each test its own corpus cache */
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    ts_rmtree(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

static char *path_in(const fixture *f, const char *name)
{
    char *p = malloc(strlen(f->dir) + strlen(name) + 2);
    sprintf(p, "%s/%s", f->dir, name);
    return p;
}

/* vzask eval ARGS... --json: the report object (exit status want). */
static json_t *eval_json(const char *const *args, int want, char **err_out)
{
    const char *argv[24] = {"eval"};
    size_t n = 1;
    for (; args[n - 1]; n++)
        argv[n] = args[n - 1];
    argv[n++] = "--json";
    argv[n] = NULL;
    char *out, *err;
    int rc = ts_run(&out, &err, argv);
    if (rc != want)
        fprintf(stderr, "exit %d, stderr: %s\n", rc, err);
    assert_int_equal(rc, want);
    json_error_t e;
    json_t *m = want == 0 ? json_loads(out, 0, &e) : NULL;
    if (want == 0)
        assert_non_null(m);
    free(out);
    if (err_out)
        *err_out = err;
    else
        free(err);
    return m;
}

/* The official logic's figures for DATA and PRED (and NA), or NULL with a
 * skip when there is no python3. */
static json_t *official(const char *data, const char *pred, const char *na)
{
    if (system("command -v python3 >/dev/null 2>&1") != 0) {
        fprintf(stderr, "no python3: the official scripts' check is skipped\n");
        skip();
    }
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "python3 tests/squad_official.py '%s' '%s'%s%s%s", data, pred,
             na ? " --na-prob-file '" : "", na ? na : "", na ? "'" : "");
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    json_error_t e;
    json_t *r = json_loadf(p, 0, &e);
    assert_int_equal(pclose(p), 0);
    assert_non_null(r);
    return r;
}

/* The same double in both: the official script's repr and vzask's %.17g
 * read back to one number only when every digit agrees. */
static void same_figure(json_t *off, const char *okey, json_t *vz, const char *vkey)
{
    json_t *a = json_object_get(off, okey), *b = vz;
    for (const char *k = vkey, *dot; b && k; k = dot ? dot + 1 : NULL) {
        dot = strchr(k, '.');
        char name[64];
        snprintf(name, sizeof name, "%.*s", dot ? (int)(dot - k) : (int)strlen(k), k);
        b = json_object_get(b, name);
    }
    assert_non_null(a);
    assert_non_null(b);
    if (json_number_value(a) != json_number_value(b))
        fail_msg("%s: official %.17g, vzask %.17g (%s)", okey, json_number_value(a),
                 json_number_value(b), vkey);
}

static void v1_file_and_the_official_script(void **state)
{
    fixture *f = *state;
    char *pred = path_in(f, "pred.json"), *det = path_in(f, "details.jsonl");
    const char *args[] = {"tests/squad/tiny-v1.1.json", "--oracle", "--predictions", pred,
                          "--details", det, NULL};
    json_t *m = eval_json(args, 0, NULL);
    assert_string_equal(json_string_value(json_object_get(m, "squad_version")), "1.1");
    assert_string_equal(json_string_value(json_object_get(m, "mode")), "oracle");
    assert_int_equal(json_integer_value(json_object_get(m, "questions")), 10);
    assert_null(json_object_get(m, "retrieval_recall1"));
    assert_non_null(json_object_get(json_object_get(m, "by_wh"), "who"));
    assert_non_null(json_object_get(json_object_get(m, "latency_ms"), "p99"));
    assert_true(json_number_value(json_object_get(m, "questions_per_second")) > 0);

    /* The corpus folder: one file per paragraph, its bytes the context's. */
    char pat[4200];
    glob_t g;
    snprintf(pat, sizeof pat, "%s/cache/vzask/squad-*/a000p001.txt", f->dir);
    assert_int_equal(glob(pat, 0, NULL, &g), 0);
    assert_int_equal(g.gl_pathc, 1);
    size_t len;
    char *text = ts_read(g.gl_pathv[0], &len);
    assert_non_null(text);
    assert_int_equal(strncmp(text, "Caf\u00e9 \u00d8lmerhus \u2014 the town\u2019s", 26), 0);
    assert_int_equal(text[len - 1], '.');   /* no newline added */
    char man_path[4200];
    snprintf(man_path, sizeof man_path, "%.*s/manifest.json",
             (int)(strrchr(g.gl_pathv[0], '/') - g.gl_pathv[0]), g.gl_pathv[0]);
    json_error_t e;
    json_t *man = json_load_file(man_path, 0, &e);
    assert_string_equal(json_string_value(json_object_get(json_object_get(json_object_get(man,
                        "documents"), "a001p000"), "title")), "Vellan_Observatory");
    json_decref(man);
    globfree(&g);

    /* --details: t1-q5's gold, 81 characters in, is 89 bytes in (é, Ø, —,
     * ’ and — before it), and those bytes are the answer. */
    char *lines = ts_read(det, &len), *at = strstr(lines, "{\"id\":\"t1-q5\"");
    assert_non_null(at);
    *strchr(at, '\n') = '\0';
    json_t *d = json_loads(at, 0, &e), *gold = json_array_get(json_object_get(d, "gold"), 0);
    assert_int_equal(json_integer_value(json_object_get(gold, "answer_start")), 81);
    assert_int_equal(json_integer_value(json_object_get(gold, "byte_start")), 89);
    assert_int_equal(json_integer_value(json_object_get(gold, "byte_end")), 105);
    assert_int_equal(memcmp(text + 89, "J\u00f6rg \u00dcnterwald", 16), 0);
    for (const char *k = "id\0question\0prediction\0confidence\0em\0f1\0rank\0latency_ms\0"; *k;
         k += strlen(k) + 1)
        assert_non_null(json_object_get(d, k));
    json_decref(d);
    free(lines);
    free(text);

    json_t *off = official("tests/squad/tiny-v1.1.json", pred, NULL);
    same_figure(off, "exact_match", m, "exact_match");
    same_figure(off, "f1", m, "f1");
    json_decref(off);
    json_decref(m);
    free(pred);
    free(det);
}

static void v2_file_and_the_official_script(void **state)
{
    fixture *f = *state;
    char *pred = path_in(f, "pred.json"), *na = path_in(f, "na.json");
    static const char *const keys[][2] = {
        {"exact", "exact_match"}, {"f1", "f1"}, {"HasAns_exact", "has_ans.exact_match"},
        {"HasAns_f1", "has_ans.f1"}, {"NoAns_exact", "no_ans.exact_match"},
        {"NoAns_f1", "no_ans.f1"}, {"best_exact", "best_exact"},
        {"best_exact_thresh", "best_exact_thresh"}, {"best_f1", "best_f1"},
        {"best_f1_thresh", "best_f1_thresh"}};
    /* With --no-abstain the prediction file holds the answers best_f1 is
     * computed on, so every figure must agree; with abstentions, the
     * thresholded ones. */
    for (int abstain = 0; abstain < 2; abstain++) {
        const char *args[] = {"tests/squad/tiny-v2.0.json", "--predictions", pred, "--na-probs",
                              na, abstain ? "--open" : "--no-abstain", NULL};
        json_t *m = eval_json(args, 0, NULL);
        assert_string_equal(json_string_value(json_object_get(m, "squad_version")), "2.0");
        assert_int_equal(json_integer_value(json_object_get(m, "unanswerable")), 3);
        assert_non_null(json_object_get(m, "retrieval_recall10"));
        json_t *off = official("tests/squad/tiny-v2.0.json", pred, na);
        for (size_t i = 0; i < (abstain ? 6u : sizeof keys / sizeof *keys); i++)
            same_figure(off, keys[i][0], m, keys[i][1]);
        json_decref(off);
        json_decref(m);
    }
    free(pred);
    free(na);
}

static void selection_options(void **state)
{
    fixture *f = *state;
    char *p1 = path_in(f, "p1.json"), *p2 = path_in(f, "p2.json"), *err;
    const char *a1[] = {"tests/squad/tiny-v1.1.json", "--articles", "1", "--oracle", NULL};
    json_t *m = eval_json(a1, 0, &err);
    assert_int_equal(json_integer_value(json_object_get(m, "questions")), 3);
    assert_non_null(strstr(err, "building the index"));
    free(err);
    json_decref(m);
    /* The second run reuses the corpus folder and its index. */
    const char *a2[] = {"tests/squad/tiny-v1.1.json", "--sample", "4", "--seed", "7",
                        "--predictions", p1, NULL};
    m = eval_json(a2, 0, &err);
    assert_null(strstr(err, "building the index"));
    assert_int_equal(json_integer_value(json_object_get(m, "questions")), 4);
    free(err);
    json_decref(m);
    a2[6] = p2;
    json_decref(eval_json(a2, 0, NULL));
    size_t l1, l2;
    char *s1 = ts_read(p1, &l1), *s2 = ts_read(p2, &l2);
    json_error_t e;
    json_t *j1 = json_loads(s1, 0, &e), *j2 = json_loads(s2, 0, &e);
    assert_int_equal(json_object_size(j1), 4);
    const char *id;
    json_t *v;
    json_object_foreach(j1, id, v)
        assert_non_null(json_object_get(j2, id));   /* the same seed, the same sample */
    json_decref(j1), json_decref(j2), free(s1), free(s2);
    const char *a3[] = {"tests/squad/tiny-v1.1.json", "--limit", "2", "-n", "1", NULL};
    m = eval_json(a3, 0, NULL);
    assert_int_equal(json_integer_value(json_object_get(m, "questions")), 2);
    assert_int_equal(json_integer_value(json_object_get(m, "k")), 1);
    json_decref(m);
    free(p1);
    free(p2);
}

/* The figures that time the run, and so differ from one run to the next. */
static const char *const timing[] = {"latency_ms", "questions_per_second", "index_build_seconds",
                                     "engine_open_seconds", "peak_memory_mib", NULL};

/* vzask eval ARGS... -j JOBS --json with every output file; the files'
 * texts in out[0..3]: stdout, predictions, na-probs, details. */
static void eval_files(const fixture *f, const char *const *args, const char *jobs, char **out)
{
    char *pred = path_in(f, "pred.json"), *na = path_in(f, "na.json"),
         *det = path_in(f, "details.jsonl"), *err;
    const char *argv[24] = {"eval"};
    size_t n = 1;
    for (; args[n - 1]; n++)
        argv[n] = args[n - 1];
    const char *more[] = {"-j", jobs, "--json", "--predictions", pred, "--na-probs", na,
                          "--details", det, NULL};
    for (size_t i = 0; more[i]; i++)
        argv[n++] = more[i];
    argv[n] = NULL;
    int rc = ts_run(&out[0], &err, argv);
    if (rc != 0)
        fprintf(stderr, "exit %d, stderr: %s\n", rc, err);
    assert_int_equal(rc, 0);
    out[1] = ts_read(pred, NULL);
    out[2] = ts_read(na, NULL);
    out[3] = ts_read(det, NULL);
    free(err), free(pred), free(na), free(det);
}

/* -j 4 asks the questions in four threads of one engine: every figure but
 * the timings, and every line of every file, in the same order, must be
 * what one thread gives. */
static void threads_change_nothing(void **state)
{
    fixture *f = *state;
    static const char *const runs[][3] = {{"tests/squad/tiny-v1.1.json", "--oracle", NULL},
                                          {"tests/squad/tiny-v1.1.json", "--open", NULL},
                                          {"tests/squad/tiny-v2.0.json", "--open", NULL}};
    static const char *const latency[] = {"latency_ms", NULL};
    for (size_t r = 0; r < sizeof runs / sizeof *runs; r++) {
        char *one[4], *four[4];
        eval_files(f, runs[r], "1", one);
        eval_files(f, runs[r], "4", four);
        ts_assert_same_jsonl(one[0], four[0], timing);
        ts_assert_same_jsonl(one[1], four[1], NULL);
        ts_assert_same_jsonl(one[2], four[2], NULL);
        ts_assert_same_jsonl(one[3], four[3], latency);
        /* Not vacuous: a line a question, and the run's figures. */
        json_t *m = json_loads(four[0], 0, NULL);
        size_t lines = 0;
        for (const char *p = four[3]; (p = strchr(p, '\n')) != NULL; p++)
            lines++;
        assert_int_equal(lines, json_integer_value(json_object_get(m, "questions")));
        assert_true(lines >= 9);
        assert_true(json_number_value(json_object_get(m, "questions_per_second")) > 0);
        json_decref(m);
        for (int i = 0; i < 4; i++)
            free(one[i]), free(four[i]);
    }
}

static void bad_input_is_a_clear_error(void **state)
{
    fixture *f = *state;
    const char bad[] = "{\"data\": [{\"title\": \"T\", \"paragraphs\": [{\"context\": \"x y\","
                       " \"qas\": [{\"id\": \"q\", \"answers\": []}]}]}]}";
    ts_write(f->dir, "bad.json", bad, sizeof bad - 1);
    char *path = path_in(f, "bad.json"), *err;
    const char *a1[] = {path, NULL};
    eval_json(a1, 2, &err);
    assert_non_null(strstr(err, "data[0].paragraphs[0].qas[0]: no \"id\" or \"question\""));
    free(err);
    const char *a2[] = {"tests/squad/tiny-v1.1.json", "--articles", "9-3", NULL};
    eval_json(a2, 2, &err);
    assert_non_null(strstr(err, "--articles"));
    free(err);
    const char *a3[] = {"corpus/questions.jsonl", "--corpus", "corpus", "--oracle", NULL};
    eval_json(a3, 2, &err);
    assert_non_null(strstr(err, "--oracle is for SQuAD files"));
    free(err);
    static const char *const jobs[] = {"0", "257", "two", "-1"};
    for (size_t i = 0; i < sizeof jobs / sizeof *jobs; i++) {
        const char *a4[] = {"tests/squad/tiny-v1.1.json", "-j", jobs[i], NULL};
        eval_json(a4, 2, &err);
        assert_non_null(strstr(err, "-j takes a number of threads from 1 to 256"));
        free(err);
    }
    free(path);
}

/* vzask train writes a weights file eval can use through --data; bad
 * calls are usage errors that name what is wrong. */
static void train_writes_weights_eval_reads(void **state)
{
    fixture *f = *state;
    char *weights = path_in(f, "ranker.weights"), *out, *err;
    const char *argv[] = {"train", "tests/squad/tiny-v1.1.json", "--epochs", "2", "--out",
                          weights, NULL};
    assert_int_equal(ts_run(&out, &err, argv), 0);
    assert_non_null(strstr(err, "epoch 2: loss"));
    free(out);
    free(err);
    size_t len;
    char *text = ts_read(weights, &len);
    assert_non_null(text);
    assert_true(text[0] == '#');
    assert_non_null(strstr(text, "\n@sentences "));
    assert_non_null(strstr(text, "\t"));   /* some weights */
    free(text);
    const char *a1[] = {"tests/squad/tiny-v1.1.json", "--oracle", "--data", f->dir, NULL};
    json_t *m = eval_json(a1, 0, NULL);
    assert_true(json_real_value(json_object_get(m, "f1")) >= 0);
    json_decref(m);
    static const char *const bad[][4] = {{"train", NULL},
                                         {"train", "tests/squad/tiny-v1.1.json", "--epochs", "0"},
                                         {"train", "tests/squad/tiny-v1.1.json", "--rate", "-1"},
                                         {"train", "corpus/questions.jsonl", NULL}};
    static const char *const says[] = {"needs a SQuAD FILE", "--epochs", "--rate",
                                       "not a SQuAD file"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        const char *b[5] = {bad[i][0], bad[i][1], bad[i][2], bad[i][3], NULL};
        assert_int_equal(ts_run(&out, &err, b), 2);
        assert_non_null(strstr(err, says[i]));
        free(out);
        free(err);
    }
    free(weights);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(normalisation_follows_python),
        cmocka_unit_test(exact_and_f1_by_hand),
        cmocka_unit_test(answer_start_in_bytes),
        cmocka_unit_test(best_threshold_by_hand),
        cmocka_unit_test(wh_words),
        cmocka_unit_test_setup_teardown(v1_file_and_the_official_script, setup, teardown),
        cmocka_unit_test_setup_teardown(v2_file_and_the_official_script, setup, teardown),
        cmocka_unit_test_setup_teardown(selection_options, setup, teardown),
        cmocka_unit_test_setup_teardown(threads_change_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(bad_input_is_a_clear_error, setup, teardown),
        cmocka_unit_test_setup_teardown(train_writes_weights_eval_reads, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
