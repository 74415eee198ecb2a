/*
 * cli_eval.c - `vzask eval FILE`: every question of a JSONL question set
 * (INTERFACES.md) through vz_ask, judged as the TREC QA track judged
 * answers (a gold PCRE2 pattern, case-insensitive, matches the answer), and
 * the figures: accuracy at rank 1 and with a supporting citation, accuracy
 * at 3 and MRR, list item precision and recall, abstention precision and
 * recall, by answer type, and latency.
 */
#include "cli.h"
#include "util.h"
#include "vzask.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <errno.h>
#include <jansson.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TOP 3
#define NTYPES 9

static const char usage_eval[] =
    "usage: vzask eval FILE [--corpus DIR] [--json] [--details FILE] [--no-abstain]\n"
    "                  [-j N] [--fail-under METRIC=VALUE]...\n"
    "\n"
    "Ask every question of FILE (JSONL: id, question, patterns, docs, type, list,\n"
    "unanswerable) and report how the engine did.  An answer is correct when one\n"
    "of the question's patterns (PCRE2, case-insensitive) matches it; a list\n"
    "answer when every item matches one.  Metrics (for --fail-under):\n"
    "  accuracy        answerable questions correct at rank 1\n"
    "  supported       ... and cited from one of the question's documents\n"
    "  accuracy3, mrr  correct within the first 3 answers; mean reciprocal rank\n"
    "  abstention_precision, abstention_recall   over unanswerable questions\n"
    "  item_precision, item_recall               over list questions\n"
    "  short_answers   first answers that are no list with at most 8 words\n"
    "--fail-under makes the exit status 1 when a metric is below VALUE.\n"
    "--details FILE writes one JSON line per question, with the answer's confidence.\n"
    "--no-abstain answers every question, to see what the engine would say.\n"
    "-j N asks the questions in N threads (1 to 256, default 1) of one engine; the\n"
    "figures and files are those of one thread, in the same order, but for the\n"
    "timings (latency is each question's own, questions_per_second the run's).\n";

static const char *const type_names[NTYPES] = {"count", "quantity", "person", "organization",
                                               "place", "date", "list", "description", "other"};

typedef struct {
    double n, correct, supported, correct3, rr;
} tally;

typedef struct {
    tally all, by_type[NTYPES];
    double unans, abstained_unans, abstained, items_returned, items_right, gold_items,
        gold_items_found, factoids, short_factoids;
    cli_times lat;
} totals;

static int type_index(const char *t)
{
    for (int i = 0; t && i < NTYPES - 1; i++)
        if (!strcmp(type_names[i], t))
            return i;
    return NTYPES - 1;
}

/* Does any gold pattern match text? */
static int matches(json_t *patterns, const char *text)
{
    size_t i;
    json_t *p;
    json_array_foreach(patterns, i, p) {
        const char *pat = json_string_value(p);
        int err;
        PCRE2_SIZE off;
        pcre2_code *re = pat ? pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED,
                                             PCRE2_CASELESS | PCRE2_UTF | PCRE2_UCP, &err, &off, NULL)
                             : NULL;
        if (!re)
            continue;
        pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
        int m = md ? pcre2_match(re, (PCRE2_SPTR)text, strlen(text), 0, 0, md, NULL) : -1;
        pcre2_match_data_free(md);
        pcre2_code_free(re);
        if (m >= 0)
            return 1;
    }
    return 0;
}

static int answer_correct(json_t *q, const vz_answer *a, totals *t, int count_items)
{
    json_t *patterns = json_object_get(q, "patterns");
    if (!json_is_true(json_object_get(q, "list")))
        return matches(patterns, vz_answer_text(a));
    /* An answer that is not a list is a list of one. */
    size_t n = vz_answer_item_count(a), right = 0;
    const char *one[1] = {vz_answer_text(a)};
#define ITEM(k) (vz_answer_item_count(a) ? vz_answer_item(a, k) : one[0])
    if (n == 0)
        n = 1;
    for (size_t i = 0; i < n; i++)
        right += (size_t)matches(patterns, ITEM(i));
    if (count_items) {
        t->items_returned += (double)n;
        t->items_right += (double)right;
        t->gold_items += (double)json_array_size(patterns);
        size_t i;
        json_t *p;
        json_array_foreach(patterns, i, p) {
            json_t *single = json_array();
            json_array_append(single, p);
            int found = 0;
            for (size_t k = 0; k < n && !found; k++)
                found = matches(single, ITEM(k));
            json_decref(single);
            t->gold_items_found += found;
        }
    }
#undef ITEM
    return right == n;
}

static int cited_in(json_t *q, const vz_answer *a)
{
    json_t *docs = json_object_get(q, "docs");
    for (size_t k = 0; k < vz_answer_citation_count(a); k++) {
        size_t i;
        json_t *d;
        json_array_foreach(docs, i, d)
            if (json_string_value(d) &&
                !strcmp(json_string_value(d), vz_citation_doc(vz_answer_citation(a, k))))
                return 1;
    }
    return 0;
}

/* A factoid answer is short: at most this many words. */
#define SHORT_WORDS 8

static size_t count_words(const char *s)
{
    size_t n = 0;
    for (int in = 0; *s; s++) {
        int space = strchr(" \t\n", *s) != NULL;
        n += !space && !in;
        in = !space;
    }
    return n;
}

static void count_short(const vz_result *r, totals *t)
{
    const vz_answer *a = vz_result_answer(r, 0);
    if (!a || vz_answer_item_count(a) > 0)
        return;
    t->factoids++;
    t->short_factoids += count_words(vz_answer_text(a)) <= SHORT_WORDS;
}

static void judge(json_t *q, const vz_result *r, totals *t, FILE *details)
{
    int unans = json_is_true(json_object_get(q, "unanswerable"));
    int answered = vz_result_answered(r), rank = 0, correct = 0, supported = 0;
    if (!answered)
        t->abstained++;
    count_short(r, t);
    if (unans) {
        t->unans++;
        t->abstained_unans += !answered;
    } else {
        tally *ty = &t->by_type[type_index(json_string_value(json_object_get(q, "type")))];
        for (size_t i = 0; i < vz_result_answer_count(r) && i < TOP && !rank; i++)
            if (answer_correct(q, vz_result_answer(r, i), t, i == 0))
                rank = (int)i + 1;
        correct = rank == 1;
        supported = correct && cited_in(q, vz_result_answer(r, 0));
        tally *ts[] = {&t->all, ty};
        for (int k = 0; k < 2; k++) {
            ts[k]->n++;
            ts[k]->correct += correct;
            ts[k]->supported += supported;
            ts[k]->correct3 += rank > 0;
            ts[k]->rr += rank ? 1.0 / rank : 0;
        }
    }
    if (!details)
        return;
    const vz_answer *a = vz_result_answer(r, 0);
    const vz_citation *c = a ? vz_answer_citation(a, 0) : NULL;
    json_t *o = json_pack("{s:O?, s:O?, s:s, s:O?, s:s?, s:f, s:b, s:b, s:s?, s:s?}", "id",
                          json_object_get(q, "id"), "question", json_object_get(q, "question"),
                          "detected_type", vz_result_type(r), "patterns",
                          json_object_get(q, "patterns"), "prediction",
                          a ? vz_answer_text(a) : NULL, "confidence",
                          a ? vz_answer_confidence(a) : 0.0, "correct", unans ? !answered : correct,
                          "supported", supported, "doc", c ? vz_citation_doc(c) : NULL,
                          "sentence", c ? vz_citation_sentence(c) : NULL);
    if (o) {
        json_dumpf(o, details, JSON_COMPACT);
        fputc('\n', details);
    }
    json_decref(o);
}

static double ratio(double a, double b) { return cli_ratio(a, b); }

static double percentile(const totals *t, double p) { return cli_times_percentile(&t->lat, p); }

static json_t *metrics_json(const totals *t, double seconds)
{
    json_t *types = json_object();
    for (int i = 0; i < NTYPES; i++) {
        const tally *y = &t->by_type[i];
        if (y->n > 0)
            json_object_set_new(types, type_names[i],
                                json_pack("{s:i, s:f, s:f}", "questions", (int)y->n, "accuracy",
                                          ratio(y->correct, y->n), "supported",
                                          ratio(y->supported, y->n)));
    }
    return json_pack("{s:i, s:i, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:o, s:{s:f, s:f, s:f}, s:f}",
                     "answerable", (int)t->all.n, "unanswerable", (int)t->unans,
                     "accuracy", ratio(t->all.correct, t->all.n),
                     "supported", ratio(t->all.supported, t->all.n),
                     "accuracy3", ratio(t->all.correct3, t->all.n),
                     "mrr", ratio(t->all.rr, t->all.n),
                     "abstention_precision", ratio(t->abstained_unans, t->abstained),
                     "abstention_recall", ratio(t->abstained_unans, t->unans),
                     "item_precision", ratio(t->items_right, t->items_returned),
                     "item_recall", ratio(t->gold_items_found, t->gold_items),
                     "short_answers", t->factoids > 0 ? t->short_factoids / t->factoids : 1.0,
                     "by_type", types,
                     "latency_ms", "p50", percentile(t, 0.5) * 1e3, "p95",
                     percentile(t, 0.95) * 1e3, "max", percentile(t, 1.0) * 1e3,
                     "questions_per_second", ratio((double)t->lat.n, seconds));
}

static void print_table(json_t *m)
{
    static const char *const rows[] = {"accuracy", "supported", "accuracy3", "mrr",
                                       "abstention_precision", "abstention_recall",
                                       "item_precision", "item_recall", "short_answers",
                                       "questions_per_second"};
    printf("%-22s %d answerable, %d unanswerable\n", "questions",
           (int)json_integer_value(json_object_get(m, "answerable")),
           (int)json_integer_value(json_object_get(m, "unanswerable")));
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
        printf("%-22s %.3f\n", rows[i], json_real_value(json_object_get(m, rows[i])));
    json_t *lat = json_object_get(m, "latency_ms");
    printf("%-22s p50 %.2f  p95 %.2f  max %.2f\n", "latency ms",
           json_real_value(json_object_get(lat, "p50")), json_real_value(json_object_get(lat, "p95")),
           json_real_value(json_object_get(lat, "max")));
    const char *name;
    json_t *y;
    json_object_foreach(json_object_get(m, "by_type"), name, y)
        printf("  %-20s %3d  accuracy %.3f  supported %.3f\n", name,
               (int)json_integer_value(json_object_get(y, "questions")),
               json_real_value(json_object_get(y, "accuracy")),
               json_real_value(json_object_get(y, "supported")));
}

/* One question of the set: its line, then what asking it found. */
typedef struct {
    json_t *q;                 /* NULL: the line is not JSON */
    char *why;                 /* ... and why not */
    unsigned long lineno;
    vz_result *r;
    double dt;
} set_q;

typedef struct {
    vz_engine *e;
    FILE *details;
    totals *t;
    unsigned flags;
    set_q *qs;
    size_t n, cap;
} set_ctx;

static const char *question_of(const set_q *s)
{
    return json_string_value(json_object_get(s->q, "question"));
}

/* Read one line of the set (the questions are all read before any is
 * asked, so that -j N can spread them). */
static int read_question(char *line, unsigned long lineno, void *ctx)
{
    set_ctx *c = ctx;
    void *p = c->qs;
    if (vz_grow(&p, &c->cap, c->n + 1, sizeof *c->qs))
        return vz_fail(VZ_ENOMEM, "out of memory");
    c->qs = p;
    set_q *s = &c->qs[c->n++];
    json_error_t err;
    memset(s, 0, sizeof *s);
    s->lineno = lineno;
    s->q = json_loads(line, 0, &err);
    if (!s->q && !(s->why = vz_strdup(err.text)))
        return vz_fail(VZ_ENOMEM, "out of memory");
    return VZ_OK;
}

/* Ask question i and time it (any thread). */
static int ask_question(size_t i, void *ctx)
{
    set_ctx *c = ctx;
    set_q *s = &c->qs[i];
    const char *text = question_of(s);
    vz_ask_options ao = VZ_ASK_OPTIONS_INIT;
    ao.max_answers = TOP;
    ao.flags = c->flags;
    if (!text)
        return VZ_OK;   /* said in order, by judge_question */
    double t0 = cli_now();
    int st = vz_ask(c->e, text, strlen(text), &ao, &s->r);
    s->dt = cli_now() - t0;
    return st;
}

/* Judge question i (in order, in the calling thread). */
static int judge_question(size_t i, void *ctx)
{
    set_ctx *c = ctx;
    set_q *s = &c->qs[i];
    int st = question_of(s) ? cli_times_add(&c->t->lat, s->dt)
                            : vz_fail(VZ_EINVAL, "question set line %lu: %s", s->lineno,
                                      s->q ? "no \"question\" string" : s->why);
    if (st == VZ_OK)
        judge(s->q, s->r, c->t, c->details);
    vz_result_free(s->r);
    s->r = NULL;
    return st;
}

/* Read the set, then ask its questions over `threads` threads; a VZ_*
 * status. */
static int run_set(vz_engine *e, FILE *in, FILE *details, totals *t, unsigned flags,
                   unsigned threads)
{
    set_ctx c = {e, details, t, flags, NULL, 0, 0};
    int st = cli_each_line(in, read_question, &c);
    if (st == VZ_OK && ferror(in))
        st = vz_fail(VZ_EIO, "cannot read the question set: %s", strerror(errno));
    if (st == VZ_OK)
        st = cli_run_pool(c.n, threads, ask_question, judge_question, &c);
    for (size_t i = 0; i < c.n; i++) {
        vz_result_free(c.qs[i].r);
        json_decref(c.qs[i].q);
        free(c.qs[i].why);
    }
    free(c.qs);
    return st;
}

int cmd_eval(options *o)
{
    if (o->help) {
        fputs(usage_eval, stdout);
        fputs(cli_usage_squad, stdout);
        return EXIT_ANSWERED;
    }
    if (!o->query)
        return cli_usage_error("%s", "eval needs a question set FILE");
    int squad = 0, src = cli_squad_eval(o, &squad);
    const char *only;
    if (squad)
        return src;
    if (cli_squad_only(o, &only))
        return cli_usage_error("%s is for SQuAD files", only);
    FILE *in = fopen(o->query, "r"), *details = NULL;
    if (!in) {
        fprintf(stderr, "vzask: cannot open %s: check the path\n", o->query);
        return EXIT_USAGE;
    }
    if (o->details && !(details = fopen(o->details, "w"))) {
        fclose(in);
        fprintf(stderr, "vzask: cannot write %s: check the path\n", o->details);
        return EXIT_USAGE;
    }
    vz_engine *e = NULL;
    totals t = {0};
    int rc = cli_open_engine(o, 0, &e);
    if (rc) {
        rc = cli_fail(rc);
    } else {
        double t0 = cli_now();
        rc = run_set(e, in, details, &t, o->no_abstain ? VZ_ASK_NO_ABSTAIN : 0,
                     (unsigned)(o->jobs > 1 ? o->jobs : 1));
        double seconds = cli_now() - t0;
        if (rc != VZ_OK) {
            rc = cli_fail(rc);
        } else {
            cli_times_sort(&t.lat);
            json_t *m = metrics_json(&t, seconds);
            rc = cli_report(o, m, JSON_COMPACT | JSON_REAL_PRECISION(6), print_table);
            json_decref(m);
        }
    }
    vz_engine_close(e);
    free(t.lat.v);
    fclose(in);
    int written = rc == EXIT_ANSWERED || rc == EXIT_NONE, lost = details && ferror(details);
    if (details && fclose(details))
        lost = 1;
    if (lost && written)
        rc = cli_fail(vz_fail(VZ_EIO, "cannot write %s: %s", o->details, strerror(errno)));
    else if (written && cli_flush_stdout())
        rc = cli_fail(VZ_EIO);
    return rc;
}
