/*
 * vzask.c - the vzask command: `vzask index` builds the index of a corpus
 * folder, `vzask search` ranks its passages with BM25 and prints them with
 * exact citations (text, JSON, JSON lines or a TREC run).
 */
#include "cli.h"
#include "index.h"
#include "paths.h"
#include "search.h"
#include "util.h"

#include <errno.h>
#include <stdarg.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_K 1000

typedef struct {
    vz_textkit kit;
    vz_index *idx;
    vz_reader *reader;
    unsigned char *doc_mask;
    char corpus[PATH_MAX], db[PATH_MAX];
} session;

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
    "  eval FILE              score the engine on a question set (JSONL)\n"
    "  index                  build or rebuild the index of the corpus\n"
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
    } else if (!strcmp(name, "--unit")) {
        if ((o->unit = vz_unit_parse(v)) < 0)
            return cli_usage_error("unknown unit '%s' (paragraph or sentence)", v);
    } else if (!strcmp(name, "-k") || !strcmp(name, "--k")) {
        if (parse_count(v, MAX_K, &o->k) || o->k == 0)
            return cli_usage_error("-k takes a number from 1 to 1000, not '%s'", v);
    } else if (!strcmp(name, "-n")) {
        if (parse_count(v, 100, &o->n) || o->n == 0)
            return cli_usage_error("-n takes a number from 1 to 100, not '%s'", v);
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
                                         "--details"};
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

static int resolve_paths(const options *o, session *s)
{
    if (o->corpus)
        snprintf(s->corpus, sizeof s->corpus, "%s", o->corpus);
    else
        vz_default_corpus(s->corpus, sizeof s->corpus);
    if (o->db) {
        snprintf(s->db, sizeof s->db, "%s", o->db);
        return VZ_OK;
    }
    return vz_default_index(s->corpus, vz_unit_name(o->unit), s->db, sizeof s->db);
}

static int make_doc_mask(const options *o, session *s)
{
    if (!o->ndocs)
        return VZ_OK;
    s->doc_mask = calloc(s->idx->ndocs ? s->idx->ndocs : 1, 1);
    if (!s->doc_mask)
        return vz_fail(VZ_ENOMEM, "out of memory");
    for (size_t i = 0; i < o->ndocs; i++) {
        long d = vz_index_find_doc(s->idx, o->docs[i]);
        if (d < 0)
            return vz_fail(VZ_EINVAL, "no document '%s' in %s: --doc takes a file name"
                           " without .txt", o->docs[i], s->corpus);
        s->doc_mask[d] = 1;
    }
    return VZ_OK;
}

static int open_session(const options *o, session *s)
{
    vz_index_config cfg = {s->corpus, s->db, o->unit, o->db != NULL};
    int rc = resolve_paths(o, s);
    if (!rc) rc = vz_textkit_load(&s->kit, o->data);
    if (!rc) rc = vz_index_ensure(&cfg, &s->kit, cli_note, NULL);
    if (!rc) rc = vz_index_open(&s->idx, s->db, &s->kit);
    if (!rc) rc = vz_reader_new(&s->reader, s->idx);
    if (!rc) rc = make_doc_mask(o, s);
    return rc;
}

static void close_session(session *s)
{
    vz_reader_free(s->reader);
    vz_index_close(s->idx);
    vz_textkit_free(&s->kit);
    free(s->doc_mask);
}

/* ---- output ------------------------------------------------------------ */

typedef struct {
    const vz_query *q;
    const char *text;
    size_t at;
    FILE *out;
} highlight_ctx;

static int is_query_stem(const vz_query *q, const char *stem, size_t len)
{
    for (size_t i = 0; i < q->n; i++)
        if (strlen(q->terms[i].term) == len && !memcmp(q->terms[i].term, stem, len))
            return 1;
    return 0;
}

static int highlight_token(const vz_token *tok, void *ctx)
{
    highlight_ctx *h = ctx;
    if ((tok->flags & VZ_TOK_STOP) || !is_query_stem(h->q, tok->stem, tok->stem_len))
        return 0;
    fwrite(h->text + h->at, 1, tok->start - h->at, h->out);
    fputs("\033[1;33m", h->out);
    fwrite(h->text + tok->start, 1, tok->end - tok->start, h->out);
    fputs("\033[0m", h->out);
    h->at = tok->end;
    return 0;
}

static void print_passage_text(session *s, const vz_query *q, const vz_buf *text, int color)
{
    highlight_ctx h = {q, text->data, 0, stdout};
    if (color)
        vz_analyse(vz_reader_analyser(s->reader), text->data, text->len, highlight_token, &h);
    fwrite(text->data + h.at, 1, text->len - h.at, stdout);
    fputc('\n', stdout);
}

int cli_use_color(void)
{
    const char *nc = getenv("NO_COLOR");
    return isatty(STDOUT_FILENO) && !(nc && *nc);
}

static void print_text_hit(session *s, const vz_query *q, size_t rank, const vz_hit *hit,
                           uint32_t start, uint32_t end, const vz_buf *text)
{
    const vz_doc_meta *d = &s->idx->docs[s->idx->passages[hit->passage].doc];
    printf("%zu. %.4f  %s", rank, hit->score, d->title ? d->title : d->name);
    if (d->outlet || d->date)
        printf(" (%s%s%s)", d->outlet ? d->outlet : "", d->outlet && d->date ? ", " : "",
               d->date ? d->date : "");
    printf("\n   %s.txt [%u, %u)\n", d->name, start, end);
    print_passage_text(s, q, text, cli_use_color());
    putchar('\n');
}

static json_t *hit_json(session *s, size_t rank, const vz_hit *hit, uint32_t start,
                        uint32_t end, const vz_buf *text)
{
    const vz_doc_meta *d = &s->idx->docs[s->idx->passages[hit->passage].doc];
    return json_pack("{s:I, s:f, s:s, s:s?, s:s?, s:I, s:I, s:s%}", "rank", (json_int_t)rank,
                     "score", round(hit->score * 1e6) / 1e6, "doc", d->name, "title", d->title, "date", d->date,
                     "start", (json_int_t)start, "end", (json_int_t)end, "text", text->data,
                     text->len);
}

/* PASSAGE_ID: the document when it is one passage, else DOC:START-END. */
static void print_trec_hit(session *s, const char *qid, size_t rank, const vz_hit *hit)
{
    const vz_passage_info *p = &s->idx->passages[hit->passage];
    const vz_doc_meta *d = &s->idx->docs[p->doc];
    if (d->npassages == 1)
        printf("%s Q0 %s %zu %.6f vzask\n", qid, d->name, rank, hit->score);
    else
        printf("%s Q0 %s:%u-%u %zu %.6f vzask\n", qid, d->name, p->start, p->end, rank,
               hit->score);
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

/* Run one query and print its hits in the chosen format; *found counts hits. */
static int run_query(session *s, const options *o, const char *qid, const char *text,
                     size_t *found)
{
    vz_query q;
    vz_hit hits[MAX_K];
    size_t n = 0;
    int rc = vz_query_parse(s->reader, text, strlen(text), &q);
    if (rc)
        return rc;
    rc = vz_search(s->reader, &q, s->doc_mask, o->k, hits, &n);
    json_t *list = (o->format == FMT_JSON || o->format == FMT_JSONL) ? json_array() : NULL;
    vz_buf buf = {0};
    for (size_t i = 0; rc == VZ_OK && i < n; i++) {
        uint32_t start, end;
        if (o->format == FMT_TREC) {
            print_trec_hit(s, qid, i + 1, &hits[i]);
            continue;
        }
        vz_passage_span(s->idx, hits[i].passage, (unsigned)o->context, &start, &end);
        buf.len = 0;
        rc = vz_reader_text(s->reader, s->idx->passages[hits[i].passage].doc, start, end, &buf);
        if (rc == VZ_OK && list)
            json_array_append_new(list, hit_json(s, i + 1, &hits[i], start, end, &buf));
        else if (rc == VZ_OK)
            print_text_hit(s, &q, i + 1, &hits[i], start, end, &buf);
    }
    if (rc == VZ_OK && list) {
        json_t *obj = json_pack("{s:i, s:s, s:o}", "schema", 1, "query", text, "passages", list);
        if (obj && qid && o->format == FMT_JSONL)
            json_object_set_new(obj, "id", json_string(qid));
        list = NULL;
        rc = print_json(obj, o->format == FMT_JSONL);
    }
    if (rc == VZ_OK && o->format == FMT_TEXT && n == 0)
        printf("No passage matches%s.\n", q.n ? "" : " (the query has no searchable words)");
    json_decref(list);
    vz_buf_free(&buf);
    vz_query_free(&q);
    *found += n;
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
    session *s;
    const options *o;
} query_ctx;

/* One ID<TAB>QUERY line; a line without a tab uses its line number as ID. */
static int run_query_line(char *line, unsigned long lineno, void *ctx)
{
    session *s = ((query_ctx *)ctx)->s;
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
    int rc = run_query(s, o, id, text, &found);
    if (rc == VZ_EINVAL)
        rc = vz_fail_context(VZ_EINVAL, "%s line %lu", o->queries, lineno);
    return rc;
}

static int run_query_file(session *s, const options *o)
{
    FILE *f = strcmp(o->queries, "-") ? fopen(o->queries, "r") : stdin;
    if (!f)
        return vz_fail(VZ_EIO, "cannot open %s: %s", o->queries, strerror(errno));
    query_ctx ctx = {s, o};
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
    session s = {0};
    size_t found = 0;
    int rc = open_session(o, &s);
    if (rc == VZ_OK)
        rc = o->queries ? run_query_file(&s, o) : run_query(&s, o, "1", o->query, &found);
    close_session(&s);
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
    session s = {0};
    vz_build_stats st;
    int rc = resolve_paths(o, &s);
    vz_index_config cfg = {s.corpus, s.db, o->unit, o->db != NULL};
    vz_index_state state = VZ_INDEX_MISSING;
    char why[512];
    if (!rc) rc = vz_textkit_load(&s.kit, o->data);
    if (!rc && o->db) rc = vz_index_check(&cfg, &s.kit, &state, why, sizeof why);
    if (!rc && state == VZ_INDEX_FOREIGN)
        rc = vz_fail(VZ_EINDEX, "%s is not a vzask index (%s); refusing to replace it: "
                     "choose another --db", s.db, why);
    if (!rc) rc = vz_index_build(&cfg, &s.kit, &st);
    vz_textkit_free(&s.kit);
    if (rc)
        return cli_fail(rc);
    printf("indexed %zu documents: %zu paragraphs, %zu sentences, %zu passages (%s), "
           "%zu terms in %.2f s\n-> %s\n", st.documents, st.paragraphs, st.sentences,
           st.passages, vz_unit_name(o->unit), st.terms, st.seconds, s.db);
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
                !strcmp(argv[1], "ask") || !strcmp(argv[1], "eval");
    if ((rc = parse_options(argc, argv, known ? 2 : 1, &o)) != 0) {
        free(o.docs);
        free(o.fail_under);
        return rc;
    }
    if (!known || !strcmp(argv[1], "ask"))
        rc = cmd_ask(&o);
    else if (!strcmp(argv[1], "eval"))
        rc = cmd_eval(&o);
    else
        rc = !strcmp(argv[1], "search") ? cmd_search(&o) : cmd_index(&o);
    free(o.docs);
    free(o.fail_under);
    return rc;
}
