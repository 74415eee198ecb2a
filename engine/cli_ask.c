/*
 * cli_ask.c - `vzask ask` (and `vzask "QUESTION"`): one question answered
 * through the public API and printed as text or JSON, or questions from
 * stdin answered one JSON line each (--jsonl).
 */
#include "cli.h"
#include "util.h"
#include "vzask.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage_ask[] =
    "usage: vzask [ask] [options] \"QUESTION\"\n"
    "       vzask ask --jsonl [options] < QUESTIONS\n"
    "\n"
    "Answer a question from the corpus: the short answer on the first line, then\n"
    "each citation as [title — date] \"sentence\" with the document and the byte\n"
    "offsets [start, end) of the sentence in the raw file; or \"The corpus does not\n"
    "say.\" (exit status 1) when the corpus does not answer it.\n"
    "\n"
    "  -n N            at most N answers (default 1; 3 with --json)\n"
    "  --json          the answer as one JSON object (schema 1)\n"
    "  --jsonl         read questions from stdin, one a line (plain text, or a JSON\n"
    "                  object with \"id\" and \"question\"); print one JSON object a\n"
    "                  line, flushed after each\n"
    "  --explain       show the question analysis, passages and candidate scores\n"
    "  --no-abstain    give the best answers even when the engine is unsure\n"
    "  --doc ID        only this document (repeatable)\n"
    "  --corpus DIR, --db FILE, --data DIR   as for every command\n";

static void print_highlighted(const vz_citation *c, int color)
{
    const char *s = vz_citation_sentence(c);
    size_t as, ae, start = vz_citation_start(c);
    if (!color || !vz_citation_answer_span(c, &as, &ae) || as < start ||
        ae - start > strlen(s)) {
        fputs(s, stdout);
        return;
    }
    fwrite(s, 1, as - start, stdout);
    fputs("\033[1;33m", stdout);
    fwrite(s + (as - start), 1, ae - as, stdout);
    fputs("\033[0m", stdout);
    fputs(s + (ae - start), stdout);
}

static void print_text(const vz_result *r, unsigned long n, int explain)
{
    if (explain && vz_result_explain(r))
        fprintf(stdout, "%s\n", vz_result_explain(r));
    if (!vz_result_answered(r)) {
        puts("The corpus does not say.");
        return;
    }
    int color = cli_use_color();
    for (size_t i = 0; i < vz_result_answer_count(r) && i < n; i++) {
        const vz_answer *a = vz_result_answer(r, i);
        printf(i ? "\n%s\n" : "%s\n", vz_answer_text(a));
        for (size_t k = 0; k < vz_answer_citation_count(a); k++) {
            const vz_citation *c = vz_answer_citation(a, k);
            const char *title = vz_citation_title(c), *date = vz_citation_date(c);
            printf("  [%s%s%s] \"", title ? title : vz_citation_doc(c), date ? " — " : "",
                   date ? date : "");
            print_highlighted(c, color);
            printf("\"\n    %s.txt [%zu, %zu)\n", vz_citation_doc(c), vz_citation_start(c),
                   vz_citation_end(c));
        }
    }
}

/* The --json object, with "id" when the input line had one. */
static int print_json(const vz_result *r, const char *id, int flush)
{
    char *s = vz_result_json(r);
    if (!s)
        return EXIT_INTERNAL;
    if (id) {
        json_t *o = json_loads(s, 0, NULL);
        vz_free(s);
        json_object_set_new(o, "id", json_string(id));
        s = o ? json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(12)) : NULL;
        json_decref(o);
        if (!s)
            return EXIT_INTERNAL;
    }
    puts(s);
    free(s);
    if (flush)
        fflush(stdout);
    return EXIT_ANSWERED;
}

int cli_open_engine(const options *o, unsigned flags, vz_engine **e)
{
    /* Paths not given stay the engine's defaults, so that a broken index
     * in the cache is rebuilt, not taken for the user's own file. */
    vz_engine_options eo = VZ_ENGINE_OPTIONS_INIT;
    eo.corpus_dir = o->corpus;
    eo.index_path = o->db;
    eo.data_dir = o->data;
    eo.unit = o->unit;
    eo.flags = flags;
    eo.note = cli_note;
    return vz_engine_open(e, &eo);
}

static int ask_one(vz_engine *e, const options *o, const char *q, size_t len, vz_result **r)
{
    vz_ask_options ao = VZ_ASK_OPTIONS_INIT;
    ao.max_answers = (unsigned)(o->n ? o->n : o->format == FMT_TEXT ? 1 : 3);
    ao.docs = o->docs;
    ao.ndocs = o->ndocs;
    ao.flags = (o->explain ? VZ_ASK_EXPLAIN : 0) | (o->no_abstain ? VZ_ASK_NO_ABSTAIN : 0);
    return vz_ask(e, q, len, &ao, r);
}

typedef struct {
    vz_engine *e;
    const options *o;
} ask_ctx;

/* One input line: plain text, or {"id": ..., "question": ...}. */
static int ask_line(char *line, unsigned long lineno, void *ctx)
{
    vz_engine *e = ((ask_ctx *)ctx)->e;
    const options *o = ((ask_ctx *)ctx)->o;
    /* A line that opens with "{" is JSON, never a question to ask as typed. */
    json_t *obj = line[0] == '{' ? json_loads(line, 0, NULL) : NULL;
    const char *q = line[0] != '{' ? line : json_string_value(json_object_get(obj, "question"));
    const char *id = obj ? json_string_value(json_object_get(obj, "id")) : NULL;
    vz_result *r = NULL;
    int rc = q ? ask_one(e, o, q, strlen(q), &r) : VZ_EINVAL;
    if (rc) {
        const char *why = q ? vz_last_error() : obj ? "a JSON line needs a \"question\" string"
                                                    : "the line is not valid JSON";
        fprintf(stderr, "vzask: stdin line %lu: %s\n", lineno, why);
        json_t *err = json_pack("{s:i, s:s?, s:b, s:s}", "schema", 1, "id", id, "answered", 0,
                                "error", why);
        char *s = err ? json_dumps(err, JSON_COMPACT) : NULL;
        if (s)
            puts(s);
        free(s);
        json_decref(err);
        fflush(stdout);
        rc = EXIT_ANSWERED;   /* one bad line does not stop a conversation */
    } else {
        rc = print_json(r, id, 1);
    }
    vz_result_free(r);
    json_decref(obj);
    return rc;
}

static int ask_stdin(vz_engine *e, const options *o)
{
    ask_ctx ctx = {e, o};
    return cli_each_line(stdin, ask_line, &ctx);
}

int cmd_ask(options *o)
{
    if (o->help) {
        fputs(usage_ask, stdout);
        return EXIT_ANSWERED;
    }
    if (o->format == FMT_TREC || o->queries)
        return cli_usage_error("%s", "--trec and --queries are for vzask search");
    if (o->format != FMT_JSONL && !o->query)
        return cli_usage_error("%s", "ask needs a QUESTION (or --jsonl to read them from stdin)");
    if (o->format == FMT_JSONL && o->query)
        return cli_usage_error("%s", "--jsonl reads questions from stdin: give no QUESTION");
    vz_engine *e = NULL;
    vz_result *r = NULL;
    int rc = cli_open_engine(o, 0, &e);
    if (rc) {
        vz_engine_close(e);
        return cli_fail(rc);
    }
    if (o->format == FMT_JSONL) {
        rc = ask_stdin(e, o);
        vz_engine_close(e);
        return rc == EXIT_ANSWERED && cli_flush_stdout() ? cli_fail(VZ_EIO) : rc;
    }
    rc = ask_one(e, o, o->query, strlen(o->query), &r);
    if (rc) {
        vz_engine_close(e);
        return cli_fail(rc);
    }
    if (o->format == FMT_JSON)
        rc = print_json(r, NULL, 0);
    else
        print_text(r, o->n ? o->n : 1, o->explain);
    int answered = vz_result_answered(r);
    vz_result_free(r);
    vz_engine_close(e);
    if (!rc && cli_flush_stdout())
        return cli_fail(VZ_EIO);
    return rc ? rc : answered ? EXIT_ANSWERED : EXIT_NONE;
}
