/*
 * vzask.c - the vzask command: `vzask index` builds the index of a corpus
 * folder, `vzask search` ranks its passages with BM25 and prints them with
 * exact citations (text, JSON, JSON lines or a TREC run).
 */
#include "cli.h"
#include "util.h"
#include "vzask.h"

#include <errno.h>
#include <stdarg.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


static const char usage_main[] =
    "usage: vzask COMMAND [options]\n"
    "\n"
    "Ask questions of a folder of English text documents.\n"
    "\n"
    "commands:\n"
    "  \"QUESTION\"             answer a question (same as: ask \"QUESTION\")\n"
    "  ask \"QUESTION\"         a short answer with its citations, or \"The corpus does not say.\"\n"
    "  ask --jsonl            questions from stdin, one JSON object per line out\n"
    "  search \"QUERY\"        rank the corpus's passages for QUERY (BM25), with citations\n"
    "  search --queries FILE  many queries (ID<TAB>QUERY lines), one process\n"
    "  eval FILE              score the engine on a question set (JSONL or SQuAD JSON)\n"
    "  index                  build or rebuild the index of the corpus\n"
    "  train FILE             learn the answer ranker's weights from a SQuAD file\n"
    "\n"
    "options every command understands:\n"
    "  --corpus DIR    folder of *.txt documents (default: the bundled corpus)\n"
    "  --db FILE       the index file (default: a cache file under $XDG_CACHE_HOME/vzask,\n"
    "                  built on first use and rebuilt when the corpus changes)\n"
    "  --data DIR      folder of data files overriding the built-in ones\n"
    "  --unit UNIT     retrieval unit: paragraph (default) or sentence\n"
    "  --json          one JSON object on stdout\n"
    "  --doc ID        only consider this document (repeatable)\n"
    "  -h, --help      help (also `vzask COMMAND --help`)\n"
    "  --version       print the version\n"
    "\n"
    "exit status: 0 answered or found, 1 abstained or nothing found, 2 usage error,\n"
    "3 corpus or index error, 4 internal error.\n";

static const char usage_search[] =
    "usage: vzask search [options] \"QUERY\"\n"
    "       vzask search --queries FILE [--trec|--jsonl] [options]\n"
    "\n"
    "Rank the corpus's passages for QUERY with BM25 (k1 1.2, b 0.75) and print the\n"
    "best, each with its document, title and byte offsets [start, end) into the\n"
    "raw file: `tail -c +$((start+1)) FILE | head -c $((end-start))` prints the passage.\n"
    "\n"
    "  -k N            how many passages (default 5; 10 with --queries; at most 1000)\n"
    "  --context N     widen each passage by N sentences on each side (default 0)\n"
    "  --json          {\"schema\":1,\"query\":...,\"passages\":[{\"rank\",\"score\",\"doc\",...}]}\n"
    "  --trec          TREC run lines: QID Q0 PASSAGE_ID RANK SCORE vzask\n"
    "  --queries FILE  read ID<TAB>QUERY lines (- for stdin); prints a TREC run,\n"
    "                  or with --jsonl one JSON object per query\n"
    "  --jsonl         with --queries: one JSON object per line, flushed\n"
    "  --doc ID        only passages of document ID (repeatable)\n"
    "  --corpus DIR, --db FILE, --data DIR, --unit UNIT   as for every command\n"
    "\n"
    "Words of the query are highlighted when stdout is a terminal (NO_COLOR turns it off).\n"
    "exit status: 0 passages found, 1 none matched, 2 usage, 3 corpus or index error.\n";

static const char usage_index[] =
    "usage: vzask index [--corpus DIR] [--db FILE] [--unit UNIT] [--data DIR]\n"
    "\n"
    "Build the index of the corpus folder (every *.txt file) from scratch, into a\n"
    "temporary file renamed into place when complete.  Searching builds it by itself\n"
    "when it is missing or stale; this command forces a rebuild and prints statistics.\n";

static void print_error(const char *fmt, ...) VZ_PRINTF(1, 2);
static void print_error(const char *fmt, ...)
{
    va_list ap;
    fputs("vzask: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int cli_usage_error(const char *fmt, const char *arg)
{
    fputs("vzask: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs(": see vzask --help\n", stderr);
    return EXIT_USAGE;
}

/* The exit status for a library status, after printing its message. */
int cli_fail(int status)
{
    const char *msg = vz_last_error();
    print_error("%s", *msg ? msg : vz_status_str(status));
    switch (status) {
    case VZ_EINVAL: return EXIT_USAGE;
    case VZ_ECORPUS: case VZ_EINDEX: case VZ_EIO: return EXIT_CORPUS;
    default: return EXIT_INTERNAL;
    }
}

static int parse_count(const char *s, unsigned long max, unsigned long *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (!*s || *end || errno || v > max || *s == '-')
        return -1;
    *out = v;
    return 0;
}

static int add_string(const char ***list, size_t *n, const char *s)
{
    const char **p = realloc(*list, (*n + 1) * sizeof *p);
    if (!p)
        return -1;
    *list = p;
    (*list)[(*n)++] = s;
    return 0;
}

/* Match "--name VALUE" or "--name=VALUE"; *value is set when it matched. */
static int takes_value(int argc, char **argv, int *i, const char *name, const char **value)
{
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n) != 0)
        return 0;
    if (argv[*i][n] == '=') {
        *value = argv[*i] + n + 1;
        return 1;
    }
    if (argv[*i][n] != '\0')
        return 0;
    if (*i + 1 >= argc) {
        *value = NULL;
        return 1;
    }
    *value = argv[++*i];
    return 1;
}

static int parse_value_option(options *o, const char *name, const char *v)
{
    if (!v)
        return cli_usage_error("option %s needs a value", name);
    if (!strcmp(name, "--corpus")) o->corpus = v;
    else if (!strcmp(name, "--db")) o->db = v;
    else if (!strcmp(name, "--data")) o->data = v;
    else if (!strcmp(name, "--queries")) o->queries = v;
    else if (!strcmp(name, "--doc")) {
        if (add_string(&o->docs, &o->ndocs, v))
            return cli_usage_error("%s", "out of memory");
    } else if (!strcmp(name, "--fail-under")) {
        if (!strchr(v, '=') || add_string(&o->fail_under, &o->nfail_under, v))
            return cli_usage_error("--fail-under takes METRIC=VALUE, not '%s'", v);
    } else if (!strcmp(name, "--details")) {
        o->details = v;
    } else if (!strcmp(name, "--articles")) {
        o->articles = v;
    } else if (!strcmp(name, "--predictions")) {
        o->predictions = v;
    } else if (!strcmp(name, "--na-probs")) {
        o->na_probs = v;
    } else if (!strcmp(name, "--limit") || !strcmp(name, "--sample")) {
        unsigned long *dst = name[2] == 'l' ? &o->limit : &o->sample;
        if (parse_count(v, ULONG_MAX - 1, dst) || *dst == 0)
            return cli_usage_error("%s takes a positive number", name);
    } else if (!strcmp(name, "--out")) {
        o->out = v;
    } else if (!strcmp(name, "--rate")) {
        o->rate = v;
    } else if (!strcmp(name, "--l2")) {
        o->l2 = v;
    } else if (!strcmp(name, "--epochs")) {
        if (parse_count(v, 1000, &o->epochs) || o->epochs == 0)
            return cli_usage_error("--epochs takes a number from 1 to 1000, not '%s'", v);
    } else if (!strcmp(name, "--seed")) {
        if (parse_count(v, ULONG_MAX - 1, &o->seed))
            return cli_usage_error("--seed takes a number, not '%s'", v);
    } else if (!strcmp(name, "--unit")) {
        if (strcmp(v, "paragraph") && strcmp(v, "sentence"))
            return cli_usage_error("unknown unit '%s' (paragraph or sentence)", v);
        o->unit = v;
    } else if (!strcmp(name, "-k") || !strcmp(name, "--k")) {
        if (parse_count(v, VZ_SEARCH_MAX, &o->k) || o->k == 0)
            return cli_usage_error("-k takes a number from 1 to 1000, not '%s'", v);
    } else if (!strcmp(name, "-n")) {
        if (parse_count(v, 100, &o->n) || o->n == 0)
            return cli_usage_error("-n takes a number from 1 to 100, not '%s'", v);
    } else if (!strcmp(name, "-j") || !strcmp(name, "--jobs")) {
        if (parse_count(v, CLI_MAX_JOBS, &o->jobs) || o->jobs == 0)
            return cli_usage_error("-j takes a number of threads from 1 to 256, not '%s'", v);
    } else if (!strcmp(name, "--context")) {
        if (parse_count(v, 50, &o->context))
            return cli_usage_error("--context takes a number from 0 to 50, not '%s'", v);
    }
    return 0;
}

static int parse_options(int argc, char **argv, int first, options *o)
{
    static const char *const valued[] = {"--corpus", "--db", "--data", "--queries", "--doc",
                                         "--unit", "--context", "-k", "-n", "--fail-under",
                                         "--details", "--articles", "--predictions",
                                         "--na-probs", "--limit", "--sample", "--seed",
                                         "--out", "--rate", "--l2", "--epochs", "-j", "--jobs"};
    for (int i = first; i < argc; i++) {
        const char *a = argv[i], *v;
        int matched = 0, rc;
        for (size_t j = 0; !matched && j < sizeof valued / sizeof *valued; j++)
            if (takes_value(argc, argv, &i, valued[j], &v)) {
                matched = 1;
                if ((rc = parse_value_option(o, valued[j], v)) != 0)
                    return rc;
            }
        if (matched)
            continue;
        if (!strcmp(a, "--json")) o->format = FMT_JSON;
        else if (!strcmp(a, "--jsonl")) o->format = FMT_JSONL;
        else if (!strcmp(a, "--trec")) o->format = FMT_TREC;
        else if (!strcmp(a, "-h") || !strcmp(a, "--help")) o->help = 1;
        else if (!strcmp(a, "--explain")) o->explain = 1;
        else if (!strcmp(a, "--no-abstain")) o->no_abstain = 1;
        else if (!strcmp(a, "--open") || !strcmp(a, "--oracle")) {
            int mode = a[3] == 'p' ? SQUAD_OPEN : SQUAD_ORACLE;
            if (o->squad_mode && o->squad_mode != mode)
                return cli_usage_error("%s", "--open and --oracle exclude each other");
            o->squad_mode = mode;
        }
        else if (!strcmp(a, "--") && i + 1 < argc && !o->query) o->query = argv[++i];
        else if (a[0] == '-' && a[1] != '\0') return cli_usage_error("unknown option '%s'", a);
        else if (!o->query) o->query = a;
        else return cli_usage_error("unexpected argument '%s' (quote the query)", a);
    }
    return 0;
}

int cli_flush_stdout(void)
{
    if (fflush(stdout) != 0 || ferror(stdout))
        return vz_fail(VZ_EIO, "cannot write to stdout: %s", strerror(errno));
    return VZ_OK;
}

void cli_note(const char *note, void *ctx)
{
    (void)ctx;
    fprintf(stderr, "vzask: %s\n", note);
}

/* ---- output ------------------------------------------------------------ */

static void print_highlighted(const vz_passage *p)
{
    const char *text = vz_passage_text(p);
    size_t at = 0, base = vz_passage_start(p), start, end;
    for (size_t i = 0; vz_passage_match(p, i, &start, &end); i++) {
        fwrite(text + at, 1, start - base - at, stdout);
        fputs("\033[1;33m", stdout);
        fwrite(text + start - base, 1, end - start, stdout);
        fputs("\033[0m", stdout);
        at = end - base;
    }
    fputs(text + at, stdout);
    fputc('\n', stdout);
}

int cli_use_color(void)
{
    const char *nc = getenv("NO_COLOR");
    return isatty(STDOUT_FILENO) && !(nc && *nc);
}

static void print_text_passage(size_t rank, const vz_passage *p)
{
    const char *title = vz_passage_title(p), *date = vz_passage_date(p);
    const char *outlet = vz_passage_outlet(p);
    printf("%zu. %.4f  %s", rank, vz_passage_score(p), title ? title : vz_passage_doc(p));
    if (outlet || date)
        printf(" (%s%s%s)", outlet ? outlet : "", outlet && date ? ", " : "", date ? date : "");
    printf("\n   %s.txt [%zu, %zu)\n", vz_passage_doc(p), vz_passage_start(p), vz_passage_end(p));
    print_highlighted(p);
    putchar('\n');
}

static json_t *passage_json(size_t rank, const vz_passage *p)
{
    return json_pack("{s:I, s:f, s:s, s:s?, s:s?, s:I, s:I, s:s}", "rank", (json_int_t)rank,
                     "score", round(vz_passage_score(p) * 1e6) / 1e6, "doc", vz_passage_doc(p),
                     "title", vz_passage_title(p), "date", vz_passage_date(p),
                     "start", (json_int_t)vz_passage_start(p), "end",
                     (json_int_t)vz_passage_end(p), "text", vz_passage_text(p));
}

static int print_json(json_t *obj, int flush)
{
    if (!obj)
        return vz_fail(VZ_ENOMEM, "out of memory");
    int rc = json_dumpf(obj, stdout, JSON_COMPACT | JSON_REAL_PRECISION(12)) ? VZ_EIO : VZ_OK;
    json_decref(obj);
    fputc('\n', stdout);
    if (flush)
        fflush(stdout);
    return rc ? vz_fail(VZ_EIO, "cannot write to stdout") : VZ_OK;
}

static int print_json_passages(const options *o, const char *qid, const char *query,
                               const vz_search_result *r)
{
    json_t *list = json_array();
    for (size_t i = 0; list && i < vz_search_result_count(r); i++)
        if (json_array_append_new(list, passage_json(i + 1, vz_search_result_passage(r, i))))
            return json_decref(list), vz_fail(VZ_ENOMEM, "out of memory");
    json_t *obj = list ? json_pack("{s:i, s:s, s:o}", "schema", 1, "query", query, "passages", list)
                       : NULL;
    if (obj && qid && o->format == FMT_JSONL)
        json_object_set_new(obj, "id", json_string(qid));
    return print_json(obj, o->format == FMT_JSONL);
}

static void print_result(const options *o, const char *qid, const vz_search_result *r)
{
    size_t n = vz_search_result_count(r);
    for (size_t i = 0; i < n; i++) {
        const vz_passage *p = vz_search_result_passage(r, i);
        if (o->format == FMT_TREC)
            printf("%s Q0 %s %zu %.6f vzask\n", qid, vz_passage_id(p), i + 1, vz_passage_score(p));
        else
            print_text_passage(i + 1, p);
    }
    if (o->format == FMT_TEXT && n == 0)
        printf("No passage matches%s.\n",
               vz_search_result_terms(r) ? "" : " (the query has no searchable words)");
}

/* Run one query and print its passages in the chosen format; *found counts them. */
static int run_query(vz_engine *e, const options *o, const char *qid, const char *text,
                     size_t *found)
{
    vz_search_options so = VZ_SEARCH_OPTIONS_INIT;
    so.max_passages = (unsigned)o->k;
    so.docs = o->docs;
    so.ndocs = o->ndocs;
    so.context = (unsigned)o->context;
    so.flags = o->format == FMT_TREC ? VZ_SEARCH_NO_TEXT
             : o->format == FMT_TEXT && cli_use_color() ? VZ_SEARCH_MATCHES : 0;
    vz_search_result *r = NULL;
    int rc = vz_search(e, text, strlen(text), &so, &r);
    if (rc == VZ_OK && (o->format == FMT_JSON || o->format == FMT_JSONL))
        rc = print_json_passages(o, qid, text, r);
    else if (rc == VZ_OK)
        print_result(o, qid, r);
    *found += vz_search_result_count(r);
    vz_search_result_free(r);
    return rc;
}

int cli_each_line(FILE *f, cli_line_fn fn, void *ctx)
{
    char *line = NULL;
    size_t cap = 0;
    unsigned long lineno = 0;
    int rc = 0;
    ssize_t n;
    while (rc == 0 && (n = getline(&line, &cap, f)) >= 0) {
        lineno++;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (strspn(line, " \t") < (size_t)n)
            rc = fn(line, lineno, ctx);
    }
    free(line);
    return rc;
}

typedef struct {
    vz_engine *e;
    const options *o;
} query_ctx;

/* One ID<TAB>QUERY line; a line without a tab uses its line number as ID. */
static int run_query_line(char *line, unsigned long lineno, void *ctx)
{
    vz_engine *e = ((query_ctx *)ctx)->e;
    const options *o = ((query_ctx *)ctx)->o;
    size_t found = 0;
    char idbuf[32], *tab = strchr(line, '\t');
    const char *id = idbuf, *text = line;
    if (tab) {
        *tab = '\0';
        id = line;
        text = tab + 1;
    } else {
        snprintf(idbuf, sizeof idbuf, "%lu", lineno);
    }
    int rc = run_query(e, o, id, text, &found);
    if (rc == VZ_EINVAL)
        rc = vz_fail_context(VZ_EINVAL, "%s line %lu", o->queries, lineno);
    return rc;
}

static int run_query_file(vz_engine *e, const options *o)
{
    FILE *f = strcmp(o->queries, "-") ? fopen(o->queries, "r") : stdin;
    if (!f)
        return vz_fail(VZ_EIO, "cannot open %s: %s", o->queries, strerror(errno));
    query_ctx ctx = {e, o};
    int rc = cli_each_line(f, run_query_line, &ctx);
    if (f != stdin)
        fclose(f);
    return rc;
}

/* ---- commands ----------------------------------------------------------- */

static int cmd_search(options *o)
{
    if (o->help) {
        fputs(usage_search, stdout);
        return EXIT_ANSWERED;
    }
    if (!o->queries && !o->query)
        return cli_usage_error("%s", "search needs a QUERY or --queries FILE");
    if (o->queries && o->query)
        return cli_usage_error("%s", "give a QUERY or --queries FILE, not both");
    if (o->format == FMT_JSONL && !o->queries)
        return cli_usage_error("%s", "--jsonl goes with --queries (use --json for one query)");
    if (o->format == FMT_JSON && o->queries)
        return cli_usage_error("%s", "--json is for one query (use --jsonl with --queries)");
    if (!o->k)
        o->k = o->queries ? 10 : 5;
    if (o->queries && o->format != FMT_JSONL)
        o->format = FMT_TREC;
    vz_engine *e = NULL;
    size_t found = 0;
    int rc = cli_open_engine(o, 0, &e);
    if (rc == VZ_OK)
        rc = o->queries ? run_query_file(e, o) : run_query(e, o, "1", o->query, &found);
    vz_engine_close(e);
    if (rc == VZ_OK)
        rc = cli_flush_stdout();
    if (rc)
        return cli_fail(rc);
    return o->queries || found ? EXIT_ANSWERED : EXIT_NONE;
}

static int cmd_index(options *o)
{
    if (o->help) {
        fputs(usage_index, stdout);
        return EXIT_ANSWERED;
    }
    if (o->query)
        return cli_usage_error("unexpected argument '%s'", o->query);
    vz_engine *e = NULL;
    vz_index_stats st = VZ_INDEX_STATS_INIT;
    int rc = cli_open_engine(o, VZ_OPEN_REBUILD, &e);
    if (!rc) rc = vz_engine_stats(e, &st);
    if (!rc)
        printf("indexed %zu documents: %zu paragraphs, %zu sentences, %zu passages (%s), "
               "%zu terms in %.2f s\n-> %s\n", st.documents, st.paragraphs, st.sentences,
               st.passages, st.unit, st.terms, st.build_seconds, st.index_path);
    vz_engine_close(e);
    if (rc)
        return cli_fail(rc);
    return EXIT_ANSWERED;
}

int main(int argc, char **argv)
{
    options o = {0};
    int rc;
    if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        fputs(usage_main, argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_ANSWERED;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("vzask %s\n", vz_version());
        return EXIT_ANSWERED;
    }
    /* vzask "QUESTION" [options] is vzask ask "QUESTION" [options]. */
    int known = !strcmp(argv[1], "search") || !strcmp(argv[1], "index") ||
                !strcmp(argv[1], "ask") || !strcmp(argv[1], "eval") || !strcmp(argv[1], "train");
    int answering = !known || !strcmp(argv[1], "ask") || !strcmp(argv[1], "eval") ||
                    !strcmp(argv[1], "train");
    if ((rc = parse_options(argc, argv, known ? 2 : 1, &o)) == 0 && answering && o.unit)
        rc = cli_usage_error("%s", "--unit is for search and index: answers come from "
                             "paragraph passages");
    if (rc == 0 && o.jobs && strcmp(argv[1], "eval"))
        rc = cli_usage_error("%s", "-j is for eval: ask --jsonl and search --queries answer "
                             "in one thread");
    if (rc) {
        free(o.docs);
        free(o.fail_under);
        return rc;
    }
    if (!known || !strcmp(argv[1], "ask"))
        rc = cmd_ask(&o);
    else if (!strcmp(argv[1], "eval"))
        rc = cmd_eval(&o);
    else if (!strcmp(argv[1], "train"))
        rc = cmd_train(&o);
    else
        rc = !strcmp(argv[1], "search") ? cmd_search(&o) : cmd_index(&o);
    free(o.docs);
    free(o.fail_under);
    return rc;
}
