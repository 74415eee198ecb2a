/*
 * test_ranker.c - the span ranker: which spans it reads, its weights file,
 * that training moves it, and that the answers it gives through vz_ask cut
 * the file exactly.
 */
#include "support.h"
#include "analyse.h"
#include "ranker.h"
#include "vzask.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static char *tmp;

static int setup(void **state)
{
    (void)state;
    tmp = ts_tmpdir();
    return tmp ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    ts_rmtree(tmp);
    free(tmp);
    return 0;
}

/* "The bridge opened in 1990 , after the war ." by hand: stop words, a
 * number, a comma and a full stop; "bridge" and "opened" are asked, the
 * first and second key terms after "when did". */
static const char sentence[] = "The bridge opened in 1990, after the war. Then more";
static const vz_rk_token words[] = {
    {0, 3, VZ_TOK_STOP | VZ_TOK_CAPITAL, 0, 0, 0, 0, 0},
    {4, 10, 0, 1, 1, 0, 2.0, 1},
    {11, 17, 0, 1, 1, 0, 1.0, 2},
    {18, 20, VZ_TOK_STOP, 0, 0, 0, 0, 0},
    {21, 25, VZ_TOK_NUMBER, 0, 0, 0, 0, 0},
    {27, 32, VZ_TOK_STOP, 0, 0, 0, 0, 0},
    {33, 36, VZ_TOK_STOP, 0, 0, 0, 0, 0},
    {37, 40, 0, 0, 0, 0, 0, 0},
    {42, 46, VZ_TOK_CAPITAL, 0, 0, 0, 0, 0},
    {47, 51, 0, 0, 0, 0, 0, 0},
};

static void score(const vz_ranker *m, vz_rk_names *names, vz_rk_spans *out)
{
    vz_rk_sentence s = {sentence, strlen(sentence), words, sizeof words / sizeof *words, 1.0, 3.0};
    vz_rk_question q;
    vz_rk_question_init(&q, "When did the bridge open?", 25, "date", "");
    assert_string_equal(q.wh, "when");
    assert_string_equal(q.wh2, "when did");
    memset(out, 0, sizeof *out);
    assert_int_equal(vz_rk_score(m, &q, &s, 1, NULL, 0, names, out), VZ_OK);
}

static size_t find_span(const vz_rk_spans *sp, const char *text)
{
    for (size_t k = 0; k < sp->n; k++)
        if (sp->span[k].end - sp->span[k].start == strlen(text) &&
            !memcmp(sentence + sp->span[k].start, text, strlen(text)))
            return k;
    return sp->n;
}

static void spans_are_whole_phrases(void **state)
{
    (void)state;
    vz_ranker *m;
    vz_rk_names *names;
    vz_rk_spans sp;
    assert_int_equal(vz_ranker_new(&m), VZ_OK);
    assert_int_equal(vz_rk_names_new(&names), VZ_OK);
    assert_true(vz_ranker_empty(m));
    score(m, names, &sp);
    vz_rk_names_free(names);
    double total = 0;
    for (size_t k = 0; k < sp.n; k++) {
        const vz_rk_span *s = &sp.span[k];
        assert_int_equal(s->start, words[s->i].start);
        assert_int_equal(s->end, words[s->j - 1].end);
        /* no stop word at an edge, no clause's end inside */
        assert_false(words[s->i].flags & VZ_TOK_STOP);
        assert_false(words[s->j - 1].flags & VZ_TOK_STOP);
        assert_null(memchr(sentence + s->start, '.', s->end - s->start));
        assert_true(s->nfeat > 10);
        total += s->prob;
    }
    assert_true(fabs(total - 1.0) < 1e-9);
    assert_true(find_span(&sp, "1990") < sp.n);
    assert_true(find_span(&sp, "1990, after the war") < sp.n);   /* a comma joins */
    assert_int_equal(find_span(&sp, "bridge opened"), sp.n);      /* the question's own words */
    assert_int_equal(find_span(&sp, "war. Then"), sp.n);
    vz_rk_spans_free(&sp);
    vz_ranker_free(m);
}

/* Count the question's features as if it had been asked n times. */
static void count_features(vz_ranker *m, vz_rk_names *names, int n)
{
    vz_rk_spans sp;
    for (int k = 0; k < n; k++) {
        score(m, names, &sp);
        assert_int_equal(vz_ranker_count(m, &sp), VZ_OK);
        vz_rk_spans_free(&sp);
    }
}

/* 60 steps over one question; the best span's score after them. */
static double train_on_1990(vz_ranker *m, vz_rk_names *names)
{
    vz_rk_spans sp;
    for (int step = 0; step < 60; step++) {
        score(m, names, &sp);
        unsigned char *gold = calloc(sp.n, 1);
        assert_non_null(gold);
        gold[find_span(&sp, "1990")] = 1;
        double loss;
        assert_int_equal(vz_ranker_train_step(m, &sp, gold, 0.1, 1e-3, &loss), VZ_OK);
        assert_true(loss >= 0);
        free(gold);
        vz_rk_spans_free(&sp);
    }
    score(m, NULL, &sp);
    double best = sp.span[0].score;
    vz_rk_spans_free(&sp);
    return best;
}

/* Features of too few questions are not learned: nothing moves. */
static void rare_features_are_not_learned(void **state)
{
    (void)state;
    vz_ranker *m;
    vz_rk_names *names;
    assert_int_equal(vz_ranker_new(&m), VZ_OK);
    assert_int_equal(vz_rk_names_new(&names), VZ_OK);
    count_features(m, names, 9);
    assert_true(train_on_1990(m, names) == 0.0);
    vz_ranker_free(m);
    vz_rk_names_free(names);
}

/* A new model, its features counted and trained on the 1990 question;
 * what train_on_1990 says of its best spans. */
static double new_trained(vz_ranker **m, vz_rk_names **names)
{
    assert_int_equal(vz_ranker_new(m), VZ_OK);
    assert_int_equal(vz_rk_names_new(names), VZ_OK);
    count_features(*m, *names, 10);
    return train_on_1990(*m, *names);
}

/* Scoring sums a sentence's and a word's parts once (no names kept):
 * the same scores as every span's features summed. */
static void scoring_by_parts_is_scoring_by_spans(void **state)
{
    (void)state;
    vz_ranker *m;
    vz_rk_names *names;
    vz_rk_spans whole, parts;
    double best = new_trained(&m, &names);
    assert_true(best > 0);
    score(m, names, &whole);
    score(m, NULL, &parts);
    assert_int_equal(whole.n, parts.n);
    for (size_t k = 0; k < whole.n; k++) {
        size_t p = 0;
        while (p < parts.n && (parts.span[p].i != whole.span[k].i ||
                               parts.span[p].j != whole.span[k].j))
            p++;
        assert_true(p < parts.n);
        assert_true(whole.span[k].score != 0);
        assert_true(fabs(parts.span[p].score - whole.span[k].score) < 1e-9);
    }
    vz_rk_spans_free(&whole);
    vz_rk_spans_free(&parts);
    vz_ranker_free(m);
    vz_rk_names_free(names);
}

/* The sentence twice, the second with two template marks: "The bridge"
 * (no chunk: it opens on a stop word) and "1990". */
/* score_two's input: the sentence twice, its marks, the question. */
typedef struct {
    vz_rk_sentence s[2];
    vz_rk_marked marks[2];
    vz_rk_question q;
} two_input;

static void two_init(two_input *in, vz_rk_spans *out)
{
    *in = (two_input){
        {{sentence, strlen(sentence), words, sizeof words / sizeof *words, 1.0, 3.0},
         {sentence, strlen(sentence), words, sizeof words / sizeof *words, 0.5, 3.0}},
        {{1, 0, 10, 2}, {1, 21, 25, 1}},
        {0},
    };
    vz_rk_question_init(&in->q, "When did the bridge open?", 25, "date", "");
    memset(out, 0, sizeof *out);
}

static void score_two(const vz_ranker *m, vz_rk_names *names, vz_rk_spans *out)
{
    two_input in;
    two_init(&in, out);
    assert_int_equal(vz_rk_score(m, &in.q, in.s, 2, in.marks, 2, names, out), VZ_OK);
}

/* The span of `in` over the same words as w (the test fails when none is). */
static const vz_rk_span *same_span(const vz_rk_spans *in, const vz_rk_span *w)
{
    for (size_t p = 0; p < in->n; p++)
        if (in->span[p].sent == w->sent && in->span[p].i == w->i && in->span[p].j == w->j)
            return &in->span[p];
    fail_msg("no span over words %zu-%zu of sentence %zu", (size_t)w->i, (size_t)w->j, (size_t)w->sent);
    return NULL;
}

/* Spans of equal scores come in reading order (sentence, first word, last
 * word), a template's span among the others of its sentence. */
static void equal_scores_keep_reading_order(void **state)
{
    (void)state;
    vz_ranker *m;
    vz_rk_spans sp;
    assert_int_equal(vz_ranker_new(&m), VZ_OK);
    score_two(m, NULL, &sp);
    assert_true(sp.n > 10);
    size_t marked = sp.n;
    for (size_t k = 0; k < sp.n; k++) {
        const vz_rk_span *a = &sp.span[k];
        assert_true(a->score == 0.0);
        if (a->sent == 1 && a->i == 0 && a->j == 2)
            marked = k;
        if (k == 0)
            continue;
        const vz_rk_span *p = &sp.span[k - 1];
        assert_true(p->sent < a->sent || (p->sent == a->sent && p->i < a->i) ||
                    (p->sent == a->sent && p->i == a->i && p->j < a->j));
    }
    assert_true(marked < sp.n);
    assert_int_equal(sp.span[marked - 1].sent, 0);   /* the first of sentence 1 */
    vz_rk_spans_free(&sp);
    vz_ranker_free(m);
}

/* With template marks too, scoring by parts (each chunk reading only the
 * marks that may overlap it) gives every span's features summed, and the
 * spans come best first, equal ones in reading order. */
static void marked_spans_score_as_their_features(void **state)
{
    (void)state;
    vz_ranker *m;
    vz_rk_names *names;
    vz_rk_spans whole, parts;
    assert_int_equal(vz_ranker_new(&m), VZ_OK);
    assert_int_equal(vz_rk_names_new(&names), VZ_OK);
    for (int step = 0; step < 70; step++) {   /* counted 10 times, then 60 steps to the mark */
        score_two(m, names, &whole);
        unsigned char *gold = calloc(whole.n, 1);
        assert_non_null(gold);
        for (size_t k = 0; k < whole.n; k++)
            gold[k] = whole.span[k].sent == 1 && whole.span[k].start == 21 && whole.span[k].end == 25;
        double loss;
        assert_int_equal(step < 10 ? vz_ranker_count(m, &whole)
                                   : vz_ranker_train_step(m, &whole, gold, 0.1, 1e-3, &loss),
                         VZ_OK);
        free(gold);
        vz_rk_spans_free(&whole);
    }
    score_two(m, names, &whole);
    score_two(m, NULL, &parts);
    assert_int_equal(whole.n, parts.n);
    size_t marked = 0;
    for (size_t k = 0; k < whole.n; k++) {
        const vz_rk_span *w = &whole.span[k];
        assert_true(fabs(same_span(&parts, w)->score - w->score) < 1e-9);
        marked += w->sent == 1 && w->start == 21 && w->end == 25;
    }
    assert_int_equal(marked, 1);
    assert_true(parts.span[0].sent == 1 && parts.span[0].start == 21);   /* the mark learned */
    for (size_t k = 1; k < parts.n; k++) {
        const vz_rk_span *p = &parts.span[k - 1], *a = &parts.span[k];
        assert_true(p->score > a->score ||
                    (p->score == a->score &&
                     (p->sent < a->sent || (p->sent == a->sent && p->i < a->i) ||
                      (p->sent == a->sent && p->i == a->i && p->j < a->j))));
    }
    vz_rk_spans_free(&whole);
    vz_rk_spans_free(&parts);
    vz_ranker_free(m);
    vz_rk_names_free(names);
}

/* score_two's input asked as question (of answer type "type"). */
static void score_two_asked(const vz_ranker *m, vz_rk_names *names, const char *question,
                            const char *type, vz_rk_spans *out)
{
    two_input in;
    two_init(&in, out);
    vz_rk_question_init(&in.q, question, strlen(question), type, "");
    assert_int_equal(vz_rk_score(m, &in.q, in.s, 2, in.marks, 2, names, out), VZ_OK);
}

/* A loaded model scores each span by its features summed: the same,
 * weights read once a question (or once with the model), as every
 * feature looked up (training); for a question whose wh-word, first two
 * words and type the weights name, and for one they do not. */
static void loaded_scores_are_the_features_summed(void **state)
{
    (void)state;
    vz_ranker *m, *back;
    vz_rk_names *names;
    vz_rk_spans whole, parts;
    double best = new_trained(&m, &names);
    assert_true(best > 0);
    char path[4096];
    snprintf(path, sizeof path, "%s/ranker.weights", tmp);
    assert_int_equal(vz_ranker_save(m, names, "# test\n", 0, path), VZ_OK);
    assert_int_equal(vz_ranker_load(&back, tmp), VZ_OK);
    static const char *const asked[][2] = {{"When did the bridge open?", "date"},
                                           {"Name the bridge's year.", "other"}};
    for (size_t a = 0; a < sizeof asked / sizeof *asked; a++) {
        score_two_asked(back, names, asked[a][0], asked[a][1], &whole);
        score_two_asked(back, NULL, asked[a][0], asked[a][1], &parts);
        assert_int_equal(whole.n, parts.n);
        size_t moved = 0;
        for (size_t k = 0; k < whole.n; k++) {
            const vz_rk_span *w = &whole.span[k];
            assert_true(fabs(same_span(&parts, w)->score - w->score) < 1e-9);
            moved += w->score != 0;
        }
        assert_true(moved > whole.n / 2);
        vz_rk_spans_free(&whole);
        vz_rk_spans_free(&parts);
    }
    vz_ranker_free(back);
    vz_ranker_free(m);
    vz_rk_names_free(names);
}

/* A few steps make the right span the best, and the file it saves scores
 * as the model did. */
static void training_moves_it_and_the_file_keeps_it(void **state)
{
    (void)state;
    vz_ranker *m, *back;
    vz_rk_names *names;
    vz_rk_spans sp;
    double best = new_trained(&m, &names);
    assert_true(best > 0);
    score(m, NULL, &sp);
    assert_int_equal(find_span(&sp, "1990"), 0);
    vz_rk_spans_free(&sp);
    char path[4096];
    snprintf(path, sizeof path, "%s/ranker.weights", tmp);
    assert_int_equal(vz_ranker_save(m, names, "# test\n", 0, path), VZ_OK);
    assert_int_equal(vz_ranker_load(&back, tmp), VZ_OK);
    assert_false(vz_ranker_empty(back));
    score(back, NULL, &sp);
    assert_int_equal(find_span(&sp, "1990"), 0);
    assert_true(fabs(sp.span[0].score - best) < 1e-3 * (1 + fabs(best)));
    vz_rk_spans_free(&sp);
    vz_ranker_free(back);
    vz_ranker_free(m);
    vz_rk_names_free(names);
}

static void a_bad_weights_file_is_a_clear_error(void **state)
{
    (void)state;
    static const char *const bad[] = {"hd|x 1.0\n", "hd|x\tone\n", "@sentences 0\n",
                                      "@sure 2\n", "@colour 3\n"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char dir[4096];
        snprintf(dir, sizeof dir, "%s/bad%zu", tmp, i);
        assert_int_equal(mkdir(dir, 0700), 0);
        ts_write(dir, "ranker.weights", bad[i], strlen(bad[i]));
        vz_ranker *m = (vz_ranker *)1;
        assert_int_equal(vz_ranker_load(&m, dir), VZ_EINVAL);
        assert_null(m);
        ts_assert_error("ranker.weights");
        ts_assert_error("line 1");
    }
    vz_ranker *m;
    assert_int_equal(vz_ranker_load(&m, NULL), VZ_OK);   /* the built-in weights */
    assert_false(vz_ranker_empty(m));
    assert_true(vz_ranker_sentences(m) >= 1);
    vz_ranker_free(m);
}

/* A question no template answers, asked without abstaining: the ranker's
 * answer, cut exactly from the file. */
static void ranker_answers_cut_the_file(void **state)
{
    (void)state;
    char dir[4096], db[4096];
    snprintf(dir, sizeof dir, "%s/corpus", tmp);
    snprintf(db, sizeof db, "%s/corpus.db", tmp);
    assert_int_equal(mkdir(dir, 0700), 0);
    static const char text[] = "Bridges\n\nThe stone bridge over the river was designed by the "
                               "engineer Thomas Telford, and it opened in 1826 after six years "
                               "of work. Its arches are made of granite from local quarries.\n";
    ts_write(dir, "doc.txt", text, strlen(text));
    vz_engine_options eo = VZ_ENGINE_OPTIONS_INIT;
    eo.corpus_dir = dir;
    eo.index_path = db;
    vz_engine *e;
    assert_int_equal(vz_engine_open(&e, &eo), VZ_OK);
    static const char *const qs[] = {"What are the arches of the stone bridge made of?",
                                     "In which year did the bridge over the river open?",
                                     "What was the bridge's engineer called?"};
    for (size_t i = 0; i < sizeof qs / sizeof *qs; i++) {
        vz_ask_options ao = VZ_ASK_OPTIONS_INIT;
        ao.flags = VZ_ASK_NO_ABSTAIN;
        vz_result *r = NULL;
        assert_int_equal(vz_ask(e, qs[i], strlen(qs[i]), &ao, &r), VZ_OK);
        assert_true(vz_result_answered(r));
        for (size_t k = 0; k < vz_result_answer_count(r); k++) {
            const vz_answer *a = vz_result_answer(r, k);
            const vz_citation *c = vz_answer_citation(a, 0);
            size_t s, t;
            assert_true(vz_citation_answer_span(c, &s, &t));
            ts_assert_cut(dir, vz_citation_doc(c), s, t, vz_answer_text(a),
                          strlen(vz_answer_text(a)));
            double conf = vz_answer_confidence(a);
            assert_true(conf >= 0 && conf <= 1);
        }
        vz_result_free(r);
    }
    vz_engine_close(e);
}

/* Ask q of an engine whose ranker has these weights; the answer. */
static char *answer_with(const char *name, const char *weights, const char *q)
{
    static const char text[] = "Famous people\n\nThe writer was born in Ramsgate, Kent, England, "
                               "in 1861. The talks were led by Foreign Minister Elena Marsh on "
                               "Monday. Officials said 40 people died in the storm. Marta Kell's "
                               "report on the storm came out in May. As many as 12 boats sailed out.\n";
    char dir[4096];
    vz_engine *e = ts_engine_on(tmp, name, text, weights, dir);
    vz_result *r = NULL;
    assert_int_equal(vz_ask(e, q, strlen(q), NULL, &r), VZ_OK);
    assert_true(vz_result_answered(r));
    const vz_answer *a = vz_result_answer(r, 0);
    const vz_citation *c = vz_answer_citation(a, 0);
    size_t from, to;
    assert_true(vz_citation_answer_span(c, &from, &to));
    ts_assert_cut(dir, vz_citation_doc(c), from, to, vz_answer_text(a), strlen(vz_answer_text(a)));
    char *text_of = strdup(vz_answer_text(a));
    vz_result_free(r);
    vz_engine_close(e);
    return text_of;
}

/* Where a template's answer stands, the ranker may redraw its edges, but
 * not drop a name or a number of it, nor a count's unit the question
 * does not name. */
static void the_ranker_redraws_edges_keeping_names(void **state)
{
    (void)state;
    /* Spans of three capitalised words first. */
    static const char wide[] = "@sentences 3\nsh|C\t4\nlen|3\t2\n";
    /* Single words first, then four. */
    static const char narrow[] = "@sentences 3\nlen|1\t6\nlen|4\t0.5\n";
    /* A bare number first. */
    static const char number[] = "@sentences 3\nsh|N\t8\n";
    static const struct {
        const char *name, *weights, *q, *expect;
    } cases[] = {
        {"empty", "@sentences 3\n", "Where was the writer born?", "Ramsgate"},
        {"wide", wide, "Where was the writer born?", "Ramsgate, Kent, England"},
        {"wide2", wide, "Who led the talks?", "Foreign Minister Elena Marsh"},
        {"narrow", narrow, "Who led the talks?", "Foreign Minister Elena Marsh"},
        {"narrow2", narrow, "How many died in the storm?", "40 people"},
        /* ... unless the question names it. */
        {"narrow3", narrow, "How many people died in the storm?", "40"},
        /* ... and loses no more than its qualifier. */
        {"narrow4", number, "How many boats sailed out?", "12"},
        {"empty2", "@sentences 3\n", "How many boats sailed out?", "As many as 12"},
        /* An answer ends before a possessive. */
        {"owner", "@sentences 3\n", "Whose report on the storm came out in May?", "Marta Kell"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *got = answer_with(cases[i].name, cases[i].weights, cases[i].q);
        assert_string_equal(got, cases[i].expect);
        free(got);
    }
}

/* A span's expected F1 is its overlap with every span, weighed by their
 * shares: three one-word spans that each hold a quarter make the
 * three-word span over them worth more than any of them. */
static void expected_f1_weighs_overlaps(void **state)
{
    (void)state;
    vz_rk_span span[] = {
        {.sent = 0, .i = 0, .j = 1, .prob = 0.25},
        {.sent = 0, .i = 1, .j = 2, .prob = 0.25},
        {.sent = 0, .i = 2, .j = 3, .prob = 0.25},
        {.sent = 0, .i = 0, .j = 3, .prob = 0.15},
        {.sent = 1, .i = 0, .j = 1, .prob = 0.10},
    };
    vz_rk_spans sp = {.span = span, .n = 5};
    /* 0.25 alone + 0.15 x 2*1/(1+3) over the wide one. */
    assert_true(fabs(vz_rk_expected_f1(&sp, &span[0]) - (0.25 + 0.15 * 0.5)) < 1e-12);
    /* 3 x 0.25 x 2*1/(3+1) + 0.15: the best of them. */
    assert_true(fabs(vz_rk_expected_f1(&sp, &span[3]) - (3 * 0.25 * 0.5 + 0.15)) < 1e-12);
    /* Another sentence's words never overlap. */
    assert_true(fabs(vz_rk_expected_f1(&sp, &span[4]) - 0.10) < 1e-12);
}

/* vz_rk_rank of score_two's sentences with m, wanting want of its best. */
static void rank_two(const vz_ranker *m, size_t want, vz_rk_spans *out)
{
    two_input in;
    two_init(&in, out);
    assert_int_equal(vz_rk_rank(m, &in.q, in.s, 2, in.marks, 2, want, out), VZ_OK);
}

/* What answering reads of vz_rk_rank's spans (the best, those near a
 * place, expected F1) is vz_rk_score's to the last bit, ties (every score
 * 0 untrained) and a mark's span among the chunks included. */
static void ranking_reads_as_sorting(const vz_ranker *m)
{
    vz_rk_spans sorted, ranked;
    score_two(m, NULL, &sorted);
    for (size_t want = 1; want <= sorted.n + 1; want += 4) {
        rank_two(m, want, &ranked);
        assert_int_equal(ranked.n, sorted.n);
        assert_int_equal(ranked.nbest, want < sorted.n ? want : sorted.n);
        for (size_t k = 0; k < ranked.nbest; k++) {
            const vz_rk_span *a = &sorted.span[k], *b = &ranked.best[k];
            assert_true(a->sent == b->sent && a->i == b->i && a->j == b->j);
            assert_true(a->score == b->score && a->prob == b->prob);
        }
        vz_rk_spans_free(&ranked);
    }
    rank_two(m, 8, &ranked);
    for (size_t k = 0; k < sorted.n; k++) {
        const vz_rk_span *a = &sorted.span[k];
        assert_true(vz_rk_expected_f1(&sorted, a) == vz_rk_expected_f1(&ranked, a));
        const vz_rk_span **x, **y;
        size_t nx, ny;
        assert_int_equal(vz_rk_overlapping(&sorted, a->sent, a->start, a->end, &x, &nx), VZ_OK);
        assert_int_equal(vz_rk_overlapping(&ranked, a->sent, a->start, a->end, &y, &ny), VZ_OK);
        assert_int_equal(nx, ny);
        assert_true(nx > 0);
        for (size_t p = 0; p < nx; p++)
            assert_true(x[p]->sent == y[p]->sent && x[p]->i == y[p]->i && x[p]->j == y[p]->j &&
                        x[p]->prob == y[p]->prob);
        free(x);
        free(y);
    }
    vz_rk_spans_free(&ranked);
    vz_rk_spans_free(&sorted);
}

/* A mark over a long sentence shares words with more spans than
 * vz_rk_expected_f1 keeps at hand: the same sum all the same. */
static void many_near_spans_sum_alike(const vz_ranker *m)
{
    enum { N = 70 };
    char text[N * 4 + 1];
    vz_rk_token tok[N];
    for (size_t k = 0; k < N; k++) {
        snprintf(text + 4 * k, 5, "w%02zu ", k);
        tok[k] = (vz_rk_token){(uint32_t)(4 * k), (uint32_t)(4 * k + 3), k % 5 ? 0 : VZ_TOK_CAPITAL,
                               k % 7 == 3, k % 7 == 3, 0, 1.0, 1};
    }
    vz_rk_sentence s = {text, strlen(text), tok, N, 1.0, 3.0};
    vz_rk_marked mark = {0, 0, 4 * N - 1, 1};
    vz_rk_question q;
    vz_rk_question_init(&q, "When did the bridge open?", 25, "date", "");
    vz_rk_spans sorted = {0}, ranked = {0};
    assert_int_equal(vz_rk_score(m, &q, &s, 1, &mark, 1, NULL, &sorted), VZ_OK);
    assert_int_equal(vz_rk_rank(m, &q, &s, 1, &mark, 1, 8, &ranked), VZ_OK);
    assert_true(sorted.n > 300);
    assert_true(sorted.span[0].score != sorted.span[sorted.n - 1].score);
    for (size_t k = 0; k < sorted.n; k++)
        assert_true(vz_rk_expected_f1(&sorted, &sorted.span[k]) ==
                    vz_rk_expected_f1(&ranked, &sorted.span[k]));
    vz_rk_spans_free(&sorted);
    vz_rk_spans_free(&ranked);
}

static void ranking_is_sorting_cut_short(void **state)
{
    (void)state;
    vz_ranker *m;
    vz_rk_names *names;
    assert_int_equal(vz_ranker_new(&m), VZ_OK);
    ranking_reads_as_sorting(m);   /* every score 0 */
    vz_ranker_free(m);
    assert_true(new_trained(&m, &names) > 0);
    ranking_reads_as_sorting(m);
    many_near_spans_sum_alike(m);
    vz_ranker_free(m);
    vz_rk_names_free(names);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(spans_are_whole_phrases),
        cmocka_unit_test(rare_features_are_not_learned),
        cmocka_unit_test(scoring_by_parts_is_scoring_by_spans),
        cmocka_unit_test(equal_scores_keep_reading_order),
        cmocka_unit_test(marked_spans_score_as_their_features),
        cmocka_unit_test(loaded_scores_are_the_features_summed),
        cmocka_unit_test(training_moves_it_and_the_file_keeps_it),
        cmocka_unit_test(a_bad_weights_file_is_a_clear_error),
        cmocka_unit_test(ranker_answers_cut_the_file),
        cmocka_unit_test(the_ranker_redraws_edges_keeping_names),
        cmocka_unit_test(expected_f1_weighs_overlaps),
        cmocka_unit_test(ranking_is_sorting_cut_short),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
