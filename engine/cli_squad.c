/*
 * cli_squad.c - `vzask eval FILE` on a SQuAD v1.1 or v2.0 file: the
 * file's paragraphs become a cached corpus folder (one document per
 * paragraph, named as ../shared/tools/squad2corpus names them), every
 * question is asked through the C API, in open mode (all paragraphs) or
 * oracle mode (its own paragraph only), and the official metrics are
 * reported (squad_metrics.c) with their breakdowns, retrieval recall,
 * latency and throughput.
 */
#include "cli.h"
#include "paths.h"
#include "squad_metrics.h"
#include "util.h"
#include "vzask.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char cli_usage_squad[] =
    "\n"
    "SQuAD v1.1 and v2.0 files (a JSON object with \"data\") are scored with the\n"
    "official metrics of evaluate-v1.1.py / evaluate-v2.0.py: exact match and token\n"
    "F1 (x100, max over the gold answers); for v2.0 also HasAns / NoAns and the\n"
    "abstention threshold that maximises them (best_exact, best_f1).  Unless --corpus\n"
    "is given, the paragraphs become a corpus folder in the cache\n"
    "($XDG_CACHE_HOME/vzask/squad-HASH/, documents aNNNpNNN), written once.\n"
    "  --open          ask each question of all paragraphs (the default)\n"
    "  --oracle        ask each question of its own paragraph only\n"
    "  --articles A-B  only the questions of articles A to B (from 0; or one: A)\n"
    "  --sample N      N questions drawn at random (--seed S, default 1)\n"
    "  --limit N       the first N questions (after --articles and --sample)\n"
    "  -n K            accuracy@K and MRR over the first K answers (default 3)\n"
    "  --predictions FILE   the official prediction file {\"id\": \"answer\"} (\"\" abstains)\n"
    "  --na-probs FILE      v2.0: {\"id\": 1 - confidence} for evaluate-v2.0.py's\n"
    "                  --na-prob-file (best_f1 is computed on the answers of\n"
    "                  --no-abstain, so run with it for the official script to agree)\n"
    "  --details FILE  one JSON line per question (gold with byte offsets, prediction,\n"
    "                  confidence, em, f1, rank, latency)\n"
    "v1.1 questions all have an answer, so they are asked with --no-abstain.\n";

#define NTYPES 9
#define NWH 8
static const char *const type_names[NTYPES] = {"count", "quantity", "person", "organization",
                                               "place", "date", "list", "description", "unknown"};
static const char *const wh_names[NWH] = {"what", "which", "how", "why", "when", "who", "where",
                                          "other"};

typedef struct {
    const char *id, *question, *context, *pid;
    size_t ctxlen;
    json_t *answers;   /* borrowed from the file's tree */
    int impossible;    /* v2.0: no gold answer */
} squad_q;

typedef struct {
    double n, em, f1;
} tally;

typedef struct {
    int v2, oracle;
    unsigned k;
    tally all, has, no, by_type[NTYPES], by_wh[NWH];
    double answered, at_k, rr, ret_n, r1, r5, r10, gold_bad, extra_seconds, bad_conf;
    cli_times lat;
    vz_squad_na *na_em, *na_f1;
    json_t *preds, *na_probs;
    FILE *details;
} run;

int cli_squad_only(const options *o, const char **name)
{
    *name = o->squad_mode == SQUAD_OPEN ? "--open" : o->squad_mode ? "--oracle"
          : o->articles ? "--articles" : o->sample ? "--sample" : o->limit ? "--limit"
          : o->predictions ? "--predictions" : o->na_probs ? "--na-probs" : o->seed ? "--seed"
          : NULL;
    return *name != NULL;
}

/* ---- the file ------------------------------------------------------------ */

/* The file's tree when it is one JSON value, an object with "data"; NULL
 * for a JSONL question set (several values, or one without "data"). */
static json_t *load_squad(const char *path, uint64_t *hash)
{
    char *text;
    size_t len;
    if (vz_read_file(path, &text, &len))
        return NULL;
    json_error_t err;
    json_t *root = json_loadb(text, len, 0, &err);
    *hash = vz_fnv1a(text, len, VZ_FNV_SEED);
    free(text);
    if (!json_object_get(root, "data")) {
        json_decref(root);
        return NULL;
    }
    return root;
}

static int bad_file(const char *path, const char *what, size_t ai, size_t pi, size_t qi)
{
    char where[96];
    int n = snprintf(where, sizeof where, "data[%zu].paragraphs[%zu]", ai, pi);
    if (qi != (size_t)-1 && n > 0 && (size_t)n < sizeof where)
        snprintf(where + n, sizeof where - (size_t)n, ".qas[%zu]", qi);
    fprintf(stderr, "vzask: %s: %s: %s: fix the file\n", path, where, what);
    return EXIT_USAGE;
}

/* Check the file's shape and list its questions, with their paragraph's
 * document id a<ARTICLE>p<PARAGRAPH>. */
static int list_questions(const char *path, json_t *data, squad_q **out, size_t *nq, char ***pids,
                          size_t *npar, int *v2)
{
    size_t ai, pi, qi, cap = 0, pcap = 0;
    json_t *art, *par, *qa;
    *out = NULL;
    *pids = NULL;
    *nq = *npar = 0;
    json_array_foreach(data, ai, art) {
        json_t *pars = json_object_get(art, "paragraphs");
        if (!json_is_array(pars))
            return bad_file(path, "no \"paragraphs\" array", ai, 0, (size_t)-1);
        json_array_foreach(pars, pi, par) {
            const char *ctx = json_string_value(json_object_get(par, "context"));
            json_t *qas = json_object_get(par, "qas");
            if (!ctx || !json_is_array(qas))
                return bad_file(path, "no \"context\" string or \"qas\" array", ai, pi, (size_t)-1);
            char pid[48];
            snprintf(pid, sizeof pid, "a%03zup%03zu", ai % 1000000, pi % 1000000);
            void *p = *pids;
            if (vz_grow(&p, &pcap, *npar + 1, sizeof **pids) || !(((char **)p)[*npar] = vz_strdup(pid)))
                return cli_fail(vz_fail(VZ_ENOMEM, "out of memory"));
            *pids = p;
            const char *own = (*pids)[(*npar)++];
            json_array_foreach(qas, qi, qa) {
                squad_q q = {json_string_value(json_object_get(qa, "id")),
                             json_string_value(json_object_get(qa, "question")), ctx, own,
                             json_string_length(json_object_get(par, "context")),
                             json_object_get(qa, "answers"), 0};
                /* As evaluate-v2.0.py: answerable when answers is not empty. */
                q.impossible = json_array_size(q.answers) == 0;
                if (!q.id || !q.question)
                    return bad_file(path, "no \"id\" or \"question\" string", ai, pi, qi);
                if (q.answers && !json_is_array(q.answers))
                    return bad_file(path, "\"answers\" is not an array", ai, pi, qi);
                *v2 |= json_object_get(qa, "is_impossible") != NULL;
                p = *out;
                if (vz_grow(&p, &cap, *nq + 1, sizeof **out))
                    return cli_fail(vz_fail(VZ_ENOMEM, "out of memory"));
                *out = p;
                (*out)[(*nq)++] = q;
            }
        }
    }
    return EXIT_ANSWERED;
}

/* ---- the corpus folder ----------------------------------------------------- */

static int write_file(const char *dir, const char *name, const char *data, size_t len)
{
    char path[PATH_MAX];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path)
        return vz_fail(VZ_EIO, "path too long: %s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    int bad = !f || fwrite(data, 1, len, f) != len;
    if (f && fclose(f))
        bad = 1;
    return bad ? vz_fail(VZ_EIO, "cannot write %s: %s", path, strerror(errno)) : VZ_OK;
}

static void remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[PATH_MAX];
    while (d && (e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, e->d_name) < sizeof path)
                unlink(path);
        }
    if (d)
        closedir(d);
    rmdir(dir);
}

/* The paragraphs as ID.txt (the context's bytes, no newline, as
 * squad2corpus writes them) and manifest.json (each one's article title). */
static int write_corpus(const char *dir, json_t *data)
{
    json_t *docs = json_object(), *art, *par;
    size_t ai, pi;
    int rc = docs ? VZ_OK : VZ_ENOMEM;
    json_array_foreach(data, ai, art) {
        const char *title = json_string_value(json_object_get(art, "title"));
        json_array_foreach(json_object_get(art, "paragraphs"), pi, par) {
            char name[48];
            json_t *ctx = json_object_get(par, "context");
            snprintf(name, sizeof name, "a%03zup%03zu.txt", ai % 1000000, pi % 1000000);
            if (rc == VZ_OK)
                rc = write_file(dir, name, json_string_value(ctx), json_string_length(ctx));
            name[strlen(name) - 4] = '\0';
            if (rc == VZ_OK && title &&
                json_object_set_new(docs, name, json_pack("{s:s}", "title", title)))
                rc = vz_fail(VZ_ENOMEM, "out of memory");
        }
    }
    json_t *manifest = rc == VZ_OK ? json_pack("{s:O}", "documents", docs) : NULL;
    if (rc == VZ_OK) {
        char *text = manifest ? json_dumps(manifest, JSON_INDENT(1)) : NULL;
        rc = text ? write_file(dir, "manifest.json", text, strlen(text))
                  : vz_fail(VZ_ENOMEM, "out of memory");
        free(text);
    }
    json_decref(manifest);
    json_decref(docs);
    return rc;
}

/* $XDG_CACHE_HOME/vzask/squad-HASH, written once: into a temporary folder
 * renamed into place, so that a crash or a second process never leaves or
 * sees half a corpus. */
static int squad_corpus(json_t *data, uint64_t hash, char *out, size_t outlen)
{
    char root[PATH_MAX - 64], tmp[PATH_MAX];
    struct stat st;
    int rc = vz_cache_dir(root, sizeof root, "pass --corpus DIR");
    if (rc)
        return rc;
    snprintf(out, outlen, "%s/squad-%016llx", root, (unsigned long long)hash);
    if (stat(out, &st) == 0 && S_ISDIR(st.st_mode))
        return VZ_OK;
    if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp-XXXXXX", out) >= sizeof tmp || !mkdtemp(tmp))
        return vz_fail(VZ_EIO, "cannot create a folder in %s: %s: pass --corpus DIR", root,
                       strerror(errno));
    chmod(tmp, 0755);
    rc = write_corpus(tmp, data);
    if (rc == VZ_OK && rename(tmp, out) != 0) {
        /* Another run wrote the same corpus first: use its folder. */
        if (!(stat(out, &st) == 0 && S_ISDIR(st.st_mode)))
            rc = vz_fail(VZ_EIO, "cannot rename %s to %s: %s", tmp, out, strerror(errno));
    } else if (rc == VZ_OK) {
        return VZ_OK;
    }
    remove_tree(tmp);
    return rc;
}

/* ---- choosing the questions ---------------------------------------------- */

static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static int by_index(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

static int parse_articles(const char *s, unsigned long *lo, unsigned long *hi)
{
    char *end;
    errno = 0;
    *lo = strtoul(s, &end, 10);
    *hi = *lo;
    if (*end == '-')
        *hi = strtoul(end + 1, &end, 10);
    return errno || *end || !(*s >= '0' && *s <= '9') || *hi < *lo ? -1 : 0;
}

/* The indexes of the questions to ask, in file order: those of the chosen
 * articles, then a seeded sample of them, then the first --limit. */
static int choose(const options *o, const squad_q *qs, size_t nq, size_t **out, size_t *n)
{
    unsigned long lo = 0, hi = ULONG_MAX;
    if (o->articles && parse_articles(o->articles, &lo, &hi))
        return cli_usage_error("--articles takes A-B or A (article numbers from 0), not '%s'",
                               o->articles);
    size_t *idx = malloc((nq + 1) * sizeof *idx), m = 0;
    if (!idx)
        return cli_fail(vz_fail(VZ_ENOMEM, "out of memory"));
    for (size_t i = 0; i < nq; i++) {
        unsigned long art = strtoul(qs[i].pid + 1, NULL, 10);
        if (art >= lo && art <= hi)
            idx[m++] = i;
    }
    if (o->sample && o->sample < m) {
        uint64_t s = o->seed ? o->seed : 1;
        for (size_t i = 0; i < o->sample; i++) {   /* a partial Fisher-Yates shuffle */
            size_t j = i + (size_t)(splitmix64(&s) % (m - i)), t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
        }
        m = o->sample;
        qsort(idx, m, sizeof *idx, by_index);
    }
    if (o->limit && o->limit < m)
        m = o->limit;
    *out = idx;
    *n = m;
    return EXIT_ANSWERED;
}

/* ---- asking and scoring ------------------------------------------------- */

static int type_index(const char *t)
{
    for (int i = 0; t && i < NTYPES - 1; i++)
        if (!strcmp(type_names[i], t))
            return i;
    return NTYPES - 1;
}

static int wh_index(const char *w)
{
    for (int i = 0; i < NWH - 1; i++)
        if (!strcmp(wh_names[i], w))
            return i;
    return NWH - 1;
}

static void add(tally *t, double em, double f1)
{
    t->n++;
    t->em += em;
    t->f1 += f1;
}

/* The gold answers' texts (v2.0: none for an unanswerable question). */
static const char **gold_texts(const squad_q *q, int v2, size_t *n)
{
    size_t na = json_array_size(q->answers);
    const char **g = malloc((na + 1) * sizeof *g);
    *n = 0;
    for (size_t i = 0; g && i < na && !(v2 && q->impossible); i++) {
        const char *t = json_string_value(json_object_get(json_array_get(q->answers, i), "text"));
        if (t)
            g[(*n)++] = t;
    }
    return g;
}

/* The gold answers with answer_start converted from characters to bytes
 * (the engine's offsets); counts the ones whose text is not there. */
static json_t *gold_json(const squad_q *q, run *r)
{
    json_t *list = json_array(), *a;
    size_t i;
    json_array_foreach(q->answers, i, a) {
        const char *text = json_string_value(json_object_get(a, "text"));
        json_t *start = json_object_get(a, "answer_start");
        size_t b = json_is_integer(start) && json_integer_value(start) >= 0
                       ? vz_squad_char_to_byte(q->context, q->ctxlen,
                                               (size_t)json_integer_value(start))
                       : (size_t)-1;
        int found = text && b != (size_t)-1 && b + strlen(text) <= q->ctxlen &&
                    !memcmp(q->context + b, text, strlen(text));
        r->gold_bad += !found;
        json_t *g = json_pack("{s:s?, s:O?}", "text", text, "answer_start", start);
        if (g && found) {
            json_object_set_new(g, "byte_start", json_integer((json_int_t)b));
            json_object_set_new(g, "byte_end", json_integer((json_int_t)(b + strlen(text))));
        }
        json_array_append_new(list, g);
    }
    return list;
}

/* The rank (from 1) of the question's own paragraph in a search of its
 * words, 0 beyond 10: retrieval's share of open mode's errors. */
static int retrieval_rank(vz_engine *e, const squad_q *q, int *rank)
{
    vz_search_options so = VZ_SEARCH_OPTIONS_INIT;
    vz_search_result *sr = NULL;
    so.max_passages = 10;
    so.flags = VZ_SEARCH_NO_TEXT;
    int rc = vz_search(e, q->question, strlen(q->question), &so, &sr);
    *rank = 0;
    for (size_t i = 0; rc == VZ_OK && i < vz_search_result_count(sr) && !*rank; i++)
        if (!strcmp(vz_passage_doc(vz_search_result_passage(sr, i)), q->pid))
            *rank = (int)i + 1;
    vz_search_result_free(sr);
    return rc;
}

static void write_details(run *r, const squad_q *q, const vz_result *res, double conf,
                          double em, double f1, int rank, double latency, int ret_rank)
{
    const vz_answer *a = vz_result_answer(res, 0);
    const vz_citation *c = a ? vz_answer_citation(a, 0) : NULL;
    size_t s = 0, e = 0;
    int span = c && vz_citation_answer_span(c, &s, &e);
    json_t *o = json_pack("{s:s, s:s, s:o, s:s, s:f, s:f, s:f, s:i, s:f, s:s, s:s, s:s, s:s?}",
                          "id", q->id, "question", q->question, "gold", gold_json(q, r),
                          "prediction", a ? vz_answer_text(a) : "", "confidence", conf, "em",
                          em, "f1", f1, "rank", rank, "latency_ms", latency * 1e3, "type",
                          vz_result_type(res), "wh", vz_squad_wh(q->question), "paragraph",
                          q->pid, "doc", c ? vz_citation_doc(c) : NULL);
    if (o && span) {
        json_object_set_new(o, "answer_start", json_integer((json_int_t)s));
        json_object_set_new(o, "answer_end", json_integer((json_int_t)e));
    }
    if (o && r->v2)
        json_object_set_new(o, "impossible", json_boolean(q->impossible));
    if (o && !r->oracle)
        json_object_set_new(o, "retrieval_rank", json_integer(ret_rank));
    if (o) {
        json_dumpf(o, r->details, JSON_COMPACT);
        fputc('\n', r->details);
    }
    json_decref(o);
}

/* An answer's confidence; a value outside [0, 1] (the engine has given
 * NaN) counts as 0, is counted, and is said at the end, so that one bad
 * number neither stops the run nor reaches the JSON files. */
static double confidence(run *r, const vz_answer *a)
{
    double c = a ? vz_answer_confidence(a) : 0;
    if (isfinite(c) && c >= 0 && c <= 1)
        return c;
    r->bad_conf++;
    return 0;
}

/* A progress line on stderr when it is a terminal: done, rate, time left. */
static void progress(size_t done, size_t n, double t0)
{
    static const size_t every = 50;
    if (done % every && done != n)
        return;
    double dt = cli_now() - t0, rate = cli_ratio((double)done, dt);
    fprintf(stderr, "\rvzask: %zu/%zu questions  %.0f/s  %.0f s left \033[K", done, n, rate,
            cli_ratio((double)(n - done), rate));
    if (done == n)
        fputs("\r\033[K", stderr);
}

/* What asking one question found, kept until it is tallied (eval -j N
 * asks in several threads, but tallies in question order). */
typedef struct {
    vz_result *res, *forced;   /* forced: the answer held back by an abstention */
    double dt, extra;          /* the ask's seconds; the seconds of what else was asked */
    double em, f1, fem, ff1;   /* the top answer's scores; the forced answer's */
    int rank, ret_rank;        /* of the first exact answer; of the own paragraph */
} asked;

/* One run's questions and what was found for each. */
typedef struct {
    vz_engine *e;
    const options *o;
    run *r;
    const squad_q *qs;
    const size_t *idx;
    size_t n;
    asked *found;
    double t0;
    int tty;
} asking;

/* Is the retrieval rank of q's own paragraph measured? */
static int measures_retrieval(const run *r, const squad_q *q)
{
    return !r->oracle && (!r->v2 || !q->impossible);
}

/* Score the answers of a: em and f1 of the top one and of the forced one,
 * and the rank of the first exact answer. */
static int score(const run *r, const squad_q *q, asked *a)
{
    size_t ngold = 0;
    const char **golds = gold_texts(q, r->v2, &ngold);
    if (!golds)
        return vz_fail(VZ_ENOMEM, "out of memory");
    const vz_answer *top = vz_result_answer(a->res, 0);
    const vz_answer *ftop = a->forced ? vz_result_answer(a->forced, 0) : top;
    const char *pred = top ? vz_answer_text(top) : "", *fpred = ftop ? vz_answer_text(ftop) : "";
    int rc = vz_squad_score(pred, golds, ngold, r->v2, &a->em, &a->f1);
    if (rc == VZ_OK)
        rc = ftop == top ? (a->fem = a->em, a->ff1 = a->f1, VZ_OK)
                         : vz_squad_score(fpred, golds, ngold, r->v2, &a->fem, &a->ff1);
    int has = !(r->v2 && q->impossible);
    a->rank = 0;
    for (size_t k = 0; rc == VZ_OK && has && !a->rank && k < vz_result_answer_count(a->res);
         k++) {
        double aem = a->em, af1;   /* the first answer is top, scored above */
        if (k > 0)
            rc = vz_squad_score(vz_answer_text(vz_result_answer(a->res, k)), golds, ngold,
                                r->v2, &aem, &af1);
        a->rank = rc == VZ_OK && aem == 1 ? (int)k + 1 : 0;
    }
    free(golds);
    return rc;
}

/* Ask question i and score its answers (any thread: only found[i] is
 * written). */
static int ask_one(size_t i, void *ctx)
{
    asking *c = ctx;
    const run *r = c->r;
    const squad_q *q = &c->qs[c->idx[i]];
    asked *a = &c->found[i];
    vz_ask_options ao = VZ_ASK_OPTIONS_INIT;
    const char *const docs[1] = {q->pid};
    ao.max_answers = r->k;
    ao.docs = r->oracle ? docs : NULL;
    ao.ndocs = r->oracle ? 1 : 0;
    ao.flags = c->o->no_abstain || !r->v2 ? VZ_ASK_NO_ABSTAIN : 0;
    double t0 = cli_now();
    int rc = vz_ask(c->e, q->question, strlen(q->question), &ao, &a->res);
    double t1 = cli_now();
    a->dt = t1 - t0;
    if (rc == VZ_OK && !vz_result_answered(a->res) && !(ao.flags & VZ_ASK_NO_ABSTAIN)) {
        /* The threshold search needs the answer the engine held back. */
        ao.flags |= VZ_ASK_NO_ABSTAIN;
        rc = vz_ask(c->e, q->question, strlen(q->question), &ao, &a->forced);
    }
    if (rc == VZ_OK && measures_retrieval(r, q))
        rc = retrieval_rank(c->e, q, &a->ret_rank);
    a->extra = cli_now() - t1;
    if (rc == VZ_OK)
        rc = score(r, q, a);
    if (rc != VZ_OK)
        vz_fail_context(rc, "question %s", q->id);
    return rc;
}

/* Add question i's scores to every tally, its lines to the files (the
 * calling thread, in question order). */
static int tally_one(size_t i, void *ctx)
{
    asking *c = ctx;
    run *r = c->r;
    const squad_q *q = &c->qs[c->idx[i]];
    asked *a = &c->found[i];
    int rc = cli_times_add(&r->lat, a->dt);
    if (rc != VZ_OK)
        return vz_fail_context(rc, "question %s", q->id);
    if (measures_retrieval(r, q)) {
        r->ret_n++;
        r->r1 += a->ret_rank == 1;
        r->r5 += a->ret_rank >= 1 && a->ret_rank <= 5;
        r->r10 += a->ret_rank >= 1;
    }
    r->extra_seconds += a->extra;
    const vz_answer *top = vz_result_answer(a->res, 0);
    const vz_answer *ftop = a->forced ? vz_result_answer(a->forced, 0) : top;
    const char *pred = top ? vz_answer_text(top) : "", *fpred = ftop ? vz_answer_text(ftop) : "";
    int has = !(r->v2 && q->impossible);
    add(&r->all, a->em, a->f1);
    add(has ? &r->has : &r->no, a->em, a->f1);
    add(&r->by_type[type_index(vz_result_type(a->res))], a->em, a->f1);
    add(&r->by_wh[wh_index(vz_squad_wh(q->question))], a->em, a->f1);
    r->answered += top != NULL;
    r->at_k += has && a->rank > 0;
    r->rr += has && a->rank > 0 ? 1.0 / a->rank : 0;
    double conf = confidence(r, ftop);
    r->na_em[i] = (vz_squad_na){1 - conf, a->fem, has, *fpred != '\0'};
    r->na_f1[i] = (vz_squad_na){1 - conf, a->ff1, has, *fpred != '\0'};
    if (json_object_set_new(r->preds, q->id, json_string(pred)) ||
        json_object_set_new(r->na_probs, q->id, json_real(1 - conf)))
        rc = vz_fail_context(vz_fail(VZ_ENOMEM, "out of memory"), "question %s", q->id);
    if (rc == VZ_OK && r->details)
        write_details(r, q, a->res, top == ftop ? conf : confidence(r, top), a->em, a->f1,
                      a->rank, a->dt, a->ret_rank);
    vz_result_free(a->res);
    vz_result_free(a->forced);
    a->res = a->forced = NULL;
    if (c->tty)
        progress(i + 1, c->n, c->t0);
    return rc;
}

/* ---- the report ----------------------------------------------------------- */

static void put(json_t *o, const char *k, double v) { json_object_set_new(o, k, json_real(v)); }

static json_t *tally_json(const tally *t)
{
    json_t *o = json_object();
    json_object_set_new(o, "questions", json_integer((json_int_t)t->n));
    put(o, "exact_match", 100.0 * t->em / (t->n > 0 ? t->n : 1));
    put(o, "f1", 100.0 * t->f1 / (t->n > 0 ? t->n : 1));
    return o;
}

static json_t *report(const run *r, const char *file, double seconds, const vz_index_stats *st,
                      double open_seconds)
{
    json_t *m = json_object(), *types = json_object(), *wh = json_object(), *lat = json_object();
    json_object_set_new(m, "schema", json_integer(1));
    json_object_set_new(m, "file", json_string(file));
    json_object_set_new(m, "squad_version", json_string(r->v2 ? "2.0" : "1.1"));
    json_object_set_new(m, "mode", json_string(r->oracle ? "oracle" : "open"));
    json_object_set_new(m, "questions", json_integer((json_int_t)r->all.n));
    json_object_set_new(m, "answerable", json_integer((json_int_t)r->has.n));
    json_object_set_new(m, "unanswerable", json_integer((json_int_t)r->no.n));
    put(m, "exact_match", 100.0 * r->all.em / (r->all.n > 0 ? r->all.n : 1));
    put(m, "f1", 100.0 * r->all.f1 / (r->all.n > 0 ? r->all.n : 1));
    if (r->v2) {
        json_object_set_new(m, "has_ans", tally_json(&r->has));
        json_object_set_new(m, "no_ans", tally_json(&r->no));
        double best, thresh;
        size_t n = (size_t)r->all.n;
        if (vz_squad_best_thresh(r->na_em, n, &best, &thresh) == VZ_OK)
            put(m, "best_exact", best), put(m, "best_exact_thresh", thresh);
        if (vz_squad_best_thresh(r->na_f1, n, &best, &thresh) == VZ_OK)
            put(m, "best_f1", best), put(m, "best_f1_thresh", thresh);
    }
    json_object_set_new(m, "k", json_integer(r->k));
    put(m, "accuracy_at_k", cli_ratio(r->at_k, r->has.n));
    put(m, "mrr", cli_ratio(r->rr, r->has.n));
    put(m, "answered", cli_ratio(r->answered, r->all.n));
    json_object_set_new(m, "bad_confidences", json_integer((json_int_t)r->bad_conf));
    if (!r->oracle) {
        put(m, "retrieval_recall1", cli_ratio(r->r1, r->ret_n));
        put(m, "retrieval_recall5", cli_ratio(r->r5, r->ret_n));
        put(m, "retrieval_recall10", cli_ratio(r->r10, r->ret_n));
    }
    for (int i = 0; i < NTYPES; i++)
        if (r->by_type[i].n > 0)
            json_object_set_new(types, type_names[i], tally_json(&r->by_type[i]));
    for (int i = 0; i < NWH; i++)
        if (r->by_wh[i].n > 0)
            json_object_set_new(wh, wh_names[i], tally_json(&r->by_wh[i]));
    json_object_set_new(m, "by_type", types);
    json_object_set_new(m, "by_wh", wh);
    put(lat, "p50", cli_times_percentile(&r->lat, 0.5) * 1e3);
    put(lat, "p95", cli_times_percentile(&r->lat, 0.95) * 1e3);
    put(lat, "p99", cli_times_percentile(&r->lat, 0.99) * 1e3);
    put(lat, "max", cli_times_percentile(&r->lat, 1.0) * 1e3);
    json_object_set_new(m, "latency_ms", lat);
    put(m, "questions_per_second", cli_ratio(r->all.n, seconds));
    put(m, "index_build_seconds", st->build_seconds);
    put(m, "engine_open_seconds", open_seconds);
    json_object_set_new(m, "documents", json_integer((json_int_t)st->documents));
    json_object_set_new(m, "corpus", json_string(st->corpus_dir));
    put(m, "peak_memory_mib", cli_peak_mib());
    return m;
}

static double num(json_t *o, const char *k) { return json_number_value(json_object_get(o, k)); }

static void print_breakdown(const char *title, json_t *by)
{
    const char *name;
    json_t *t;
    printf("%-22s %9s %7s %7s\n", title, "questions", "EM", "F1");
    json_object_foreach(by, name, t)
        printf("  %-20s %9.0f %7.2f %7.2f\n", name, num(t, "questions"), num(t, "exact_match"),
               num(t, "f1"));
}

static void print_report(json_t *m)
{
    printf("%-22s SQuAD v%s, %s mode, %s\n", "file", json_string_value(json_object_get(m, "squad_version")),
           json_string_value(json_object_get(m, "mode")), json_string_value(json_object_get(m, "file")));
    printf("%-22s %.0f (%.0f answerable, %.0f unanswerable)\n", "questions", num(m, "questions"),
           num(m, "answerable"), num(m, "unanswerable"));
    printf("%-22s %7.2f\n%-22s %7.2f\n", "exact_match", num(m, "exact_match"), "f1", num(m, "f1"));
    static const char *const v2rows[][2] = {{"has_ans", "HasAns"}, {"no_ans", "NoAns"}};
    for (int i = 0; i < 2 && json_object_get(m, "has_ans"); i++) {
        json_t *t = json_object_get(m, v2rows[i][0]);
        printf("%-22s EM %6.2f  F1 %6.2f  (%.0f questions)\n", v2rows[i][1],
               num(t, "exact_match"), num(t, "f1"), num(t, "questions"));
    }
    if (json_object_get(m, "best_f1"))
        printf("%-22s %7.2f at na_prob %.4f\n%-22s %7.2f at na_prob %.4f\n", "best_exact",
               num(m, "best_exact"), num(m, "best_exact_thresh"), "best_f1", num(m, "best_f1"),
               num(m, "best_f1_thresh"));
    printf("%-22s %7.3f\n%-22s %7.3f\n%-22s %7.3f\n", "accuracy@k (k answers)",
           num(m, "accuracy_at_k"), "mrr", num(m, "mrr"), "answered", num(m, "answered"));
    if (json_object_get(m, "retrieval_recall1"))
        printf("%-22s R@1 %.3f  R@5 %.3f  R@10 %.3f\n", "retrieval (own para.)",
               num(m, "retrieval_recall1"), num(m, "retrieval_recall5"),
               num(m, "retrieval_recall10"));
    json_t *lat = json_object_get(m, "latency_ms");
    printf("%-22s p50 %.3f  p95 %.3f  p99 %.3f  max %.3f\n", "latency ms", num(lat, "p50"),
           num(lat, "p95"), num(lat, "p99"), num(lat, "max"));
    printf("%-22s %9.1f\n%-22s %9.3f s (%.0f documents; engine open %.3f s)\n%-22s %9.1f\n",
           "questions/s", num(m, "questions_per_second"), "index build",
           num(m, "index_build_seconds"), num(m, "documents"), num(m, "engine_open_seconds"),
           "peak memory MiB", num(m, "peak_memory_mib"));
    print_breakdown("by answer type", json_object_get(m, "by_type"));
    print_breakdown("by wh-word", json_object_get(m, "by_wh"));
}

static int dump_to(json_t *o, const char *path)
{
    if (json_dump_file(o, path, JSON_COMPACT) != 0)
        return vz_fail(VZ_EIO, "cannot write %s: %s: check the path", path, strerror(errno));
    return VZ_OK;
}

/* ---- the command ------------------------------------------------------- */

/* Ask the n questions over o->jobs threads; seconds: the run's wall
 * time less what the asking of other things took. */
static int run_all(vz_engine *e, options *o, run *r, const squad_q *qs, const size_t *idx,
                   size_t n, double *seconds)
{
    asking c = {e, o, r, qs, idx, n, calloc(n + 1, sizeof(asked)), cli_now(),
                isatty(STDERR_FILENO)};
    if (!c.found)
        return vz_fail(VZ_ENOMEM, "out of memory");
    unsigned threads = (unsigned)(o->jobs > 1 ? o->jobs : 1);
    int rc = cli_run_pool(n, threads, ask_one, tally_one, &c);
    /* The retrieval ranks and held-back answers are asked for the report,
     * not the figure: their time, spread over the threads that spent it,
     * is not the asking's. */
    double spread = (double)(threads < n ? threads : (n ? n : 1));
    *seconds = cli_now() - c.t0 - r->extra_seconds / spread;
    for (size_t i = 0; i < n; i++) {   /* those asked after a failure */
        vz_result_free(c.found[i].res);
        vz_result_free(c.found[i].forced);
    }
    free(c.found);
    return rc;
}

static int evaluate(options *o, json_t *root, uint64_t hash, run *r)
{
    squad_q *qs = NULL;
    char **pids = NULL, corpus[PATH_MAX];
    size_t nq = 0, npar = 0, *idx = NULL, n = 0;
    json_t *data = json_object_get(root, "data");
    const char *version = json_string_value(json_object_get(root, "version"));
    r->v2 = version && !strncmp(version, "v2", 2);
    int rc = json_is_array(data) ? list_questions(o->query, data, &qs, &nq, &pids, &npar, &r->v2)
                                 : (fprintf(stderr, "vzask: %s: \"data\" is not an array: fix "
                                                    "the file\n", o->query), EXIT_USAGE);
    if (rc == EXIT_ANSWERED)
        rc = choose(o, qs, nq, &idx, &n);
    vz_engine *e = NULL;
    vz_index_stats st = VZ_INDEX_STATS_INIT;
    double open_seconds = 0, seconds = 0;
    if (rc == EXIT_ANSWERED && !o->corpus) {
        if ((rc = squad_corpus(data, hash, corpus, sizeof corpus)) != VZ_OK)
            rc = cli_fail(rc);
        o->corpus = corpus;
    }
    r->na_em = calloc(n + 1, sizeof *r->na_em);
    r->na_f1 = calloc(n + 1, sizeof *r->na_f1);
    if (rc == EXIT_ANSWERED && (!r->na_em || !r->na_f1))
        rc = cli_fail(vz_fail(VZ_ENOMEM, "out of memory"));
    if (rc == EXIT_ANSWERED) {
        double t0 = cli_now();
        rc = cli_open_engine(o, 0, &e);
        open_seconds = cli_now() - t0;
        if (rc == VZ_OK)
            rc = vz_engine_stats(e, &st);
        if (rc == VZ_OK)
            rc = run_all(e, o, r, qs, idx, n, &seconds);
        if (rc == VZ_OK && o->predictions)
            rc = dump_to(r->preds, o->predictions);
        if (rc == VZ_OK && o->na_probs)
            rc = dump_to(r->na_probs, o->na_probs);
        if (rc != VZ_OK)
            rc = cli_fail(rc);
    }
    if (rc == EXIT_ANSWERED) {
        if (r->gold_bad > 0 && r->details)
            fprintf(stderr, "vzask: %.0f gold answers are not at their answer_start in the "
                            "context (no byte offsets in --details)\n", r->gold_bad);
        if (r->bad_conf > 0)
            fprintf(stderr, "vzask: the engine gave %.0f confidences outside [0, 1] (NaN): "
                            "counted as 0\n", r->bad_conf);
        cli_times_sort(&r->lat);
        json_t *m = report(r, o->query, seconds, &st, open_seconds);
        rc = cli_report(o, m, JSON_COMPACT, print_report);
        json_decref(m);
    }
    vz_engine_close(e);
    for (size_t i = 0; i < npar; i++)
        free(pids[i]);
    free(pids);
    free(qs);
    free(idx);
    return rc;
}

int cli_squad_eval(options *o, int *handled)
{
    uint64_t hash = 0;
    json_t *root = load_squad(o->query, &hash);
    *handled = root != NULL;
    if (!root)
        return EXIT_ANSWERED;
    run r = {0};
    r.oracle = o->squad_mode == SQUAD_ORACLE;
    r.k = (unsigned)(o->n ? o->n : 3);
    r.preds = json_object();
    r.na_probs = json_object();
    int rc = EXIT_ANSWERED;
    if (o->details && !(r.details = fopen(o->details, "w")))
        rc = cli_fail(vz_fail(VZ_EIO, "cannot write %s: %s: check the path", o->details,
                              strerror(errno)));
    if (rc == EXIT_ANSWERED && (!r.preds || !r.na_probs))
        rc = cli_fail(vz_fail(VZ_ENOMEM, "out of memory"));
    if (rc == EXIT_ANSWERED)
        rc = evaluate(o, root, hash, &r);
    int written = rc == EXIT_ANSWERED || rc == EXIT_NONE;
    int lost = r.details && ferror(r.details);
    if (r.details && fclose(r.details))
        lost = 1;
    if (lost && written)
        rc = cli_fail(vz_fail(VZ_EIO, "cannot write %s: %s", o->details, strerror(errno)));
    else if (written && cli_flush_stdout())
        rc = cli_fail(VZ_EIO);
    free(r.lat.v);
    free(r.na_em);
    free(r.na_f1);
    json_decref(r.preds);
    json_decref(r.na_probs);
    json_decref(root);
    return rc;
}

/* ---- the questions alone, for vzask train ---------------------------------- */

int cli_squad_items_load(options *o, cli_squad_items *it)
{
    uint64_t hash = 0;
    squad_q *qs = NULL;
    size_t nq = 0, *idx = NULL, n = 0;
    memset(it, 0, sizeof *it);
    json_t *root = load_squad(o->query, &hash);
    if (!root) {
        fprintf(stderr, "vzask: %s: not a SQuAD file (a JSON object with \"data\"): check the "
                        "path\n", o->query);
        return EXIT_USAGE;
    }
    json_t *data = json_object_get(root, "data");
    int v2 = 0;
    int rc = json_is_array(data) ? list_questions(o->query, data, &qs, &nq, &it->pids, &it->npar,
                                                  &v2)
                                 : bad_file(o->query, "\"data\" is not an array", 0, 0, (size_t)-1);
    if (rc == EXIT_ANSWERED)
        rc = choose(o, qs, nq, &idx, &n);
    if (rc == EXIT_ANSWERED && !o->corpus) {
        if ((rc = squad_corpus(data, hash, it->corpus, sizeof it->corpus)) != VZ_OK)
            rc = cli_fail(rc);
        o->corpus = it->corpus;
    }
    it->item = calloc(n + 1, sizeof *it->item);
    if (rc == EXIT_ANSWERED && !it->item)
        rc = cli_fail(vz_fail(VZ_ENOMEM, "out of memory"));
    for (size_t i = 0; rc == EXIT_ANSWERED && i < n; i++, it->n++) {
        const squad_q *q = &qs[idx[i]];
        cli_squad_item *x = &it->item[i];
        size_t ngold = 0;
        *x = (cli_squad_item){q->id, q->question, q->pid, gold_texts(q, v2, &ngold), 0};
        x->ngold = ngold;
        if (!x->golds)
            rc = cli_fail(vz_fail(VZ_ENOMEM, "out of memory"));
    }
    it->root = root;
    free(qs);
    free(idx);
    return rc;
}

void cli_squad_items_free(cli_squad_items *it)
{
    for (size_t i = 0; i < it->n; i++)
        free(it->item[i].golds);
    free(it->item);
    for (size_t i = 0; i < it->npar; i++)
        free(it->pids[i]);
    free(it->pids);
    json_decref(it->root);
    memset(it, 0, sizeof *it);
}
