/*
 * passages.c - implements vz_search and the search-result accessors of
 * vzask.h: the engine's BM25 ranking, copied into a result the caller owns.
 */
#include "engine.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_PASSAGES 5

typedef struct {
    size_t start, end;
} span;

struct vz_passage {
    char *doc, *title, *date, *outlet, *id, *text;
    double score;
    size_t start, end;
    span *matches;
    size_t nmatches;
};

struct vz_search_result {
    vz_passage *passages;
    size_t npassages;
    size_t nterms;
};

static void free_passage(vz_passage *p)
{
    free(p->doc);
    free(p->title);
    free(p->date);
    free(p->outlet);
    free(p->id);
    free(p->text);
    free(p->matches);
}

void vz_search_result_free(vz_search_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->npassages; i++)
        free_passage(&r->passages[i]);
    free(r->passages);
    free(r);
}

static int check_options(const vz_search_options *o)
{
    if (o->version != VZ_SEARCH_OPTIONS_VERSION)
        return vz_fail(VZ_EINVAL, "vz_search: options version %u is not %u: initialise them "
                       "with VZ_SEARCH_OPTIONS_INIT", o->version, VZ_SEARCH_OPTIONS_VERSION);
    if (o->max_passages > VZ_SEARCH_MAX)
        return vz_fail(VZ_EINVAL, "vz_search: %u passages asked, at most %d: ask for fewer",
                       o->max_passages, VZ_SEARCH_MAX);
    return VZ_OK;
}

/* The PASSAGE_ID of run files: the document alone when it is one passage. */
static char *passage_id(const vz_index *idx, uint32_t passage)
{
    const vz_passage_info *pi = &idx->passages[passage];
    const vz_doc_meta *d = &idx->docs[pi->doc];
    if (d->npassages == 1)
        return vz_strdup(d->name);
    size_t n = strlen(d->name) + 24;
    char *id = malloc(n);
    if (id)
        snprintf(id, n, "%s:%u-%u", d->name, pi->start, pi->end);
    return id;
}

typedef struct {
    const vz_query *q;
    vz_passage *p;
    size_t cap;
} match_ctx;

static int is_query_stem(const vz_query *q, const char *stem, size_t len)
{
    for (size_t i = 0; i < q->n; i++)
        if (strlen(q->terms[i].term) == len && !memcmp(q->terms[i].term, stem, len))
            return 1;
    return 0;
}

static int add_match(const vz_token *tok, void *ctx)
{
    match_ctx *m = ctx;
    if ((tok->flags & VZ_TOK_STOP) || !is_query_stem(m->q, tok->stem, tok->stem_len))
        return 0;
    void *items = m->p->matches;
    int rc = vz_grow(&items, &m->cap, m->p->nmatches + 1, sizeof *m->p->matches);
    m->p->matches = items;
    if (rc)
        return rc;
    m->p->matches[m->p->nmatches++] = (span){m->p->start + tok->start, m->p->start + tok->end};
    return 0;
}

/* Copy hit into p: its document's names, its span widened by the context,
 * and unless asked not to, its text (and the query's words in it). */
static int fill_passage(vz_reader *rd, const vz_index *idx, const vz_query *q, const vz_hit *hit,
                        const vz_search_options *o, vz_passage *p, vz_buf *buf)
{
    const vz_doc_meta *d = &idx->docs[idx->passages[hit->passage].doc];
    uint32_t start, end;
    vz_passage_span(idx, hit->passage, o->context, &start, &end);
    p->score = hit->score;
    p->start = start;
    p->end = end;
    p->doc = vz_strdup(d->name);
    p->title = d->title ? vz_strdup(d->title) : NULL;
    p->date = d->date ? vz_strdup(d->date) : NULL;
    p->outlet = d->outlet ? vz_strdup(d->outlet) : NULL;
    p->id = passage_id(idx, hit->passage);
    if (!p->doc || (d->title && !p->title) || (d->date && !p->date) ||
        (d->outlet && !p->outlet) || !p->id)
        return vz_fail(VZ_ENOMEM, "out of memory");
    if (o->flags & VZ_SEARCH_NO_TEXT)
        return VZ_OK;
    buf->len = 0;
    int rc = vz_reader_text(rd, idx->passages[hit->passage].doc, start, end, buf);
    if (rc == VZ_OK && !(p->text = vz_strndup(buf->data ? buf->data : "", buf->len)))
        rc = vz_fail(VZ_ENOMEM, "out of memory");
    match_ctx m = {q, p, 0};
    if (rc == VZ_OK && (o->flags & VZ_SEARCH_MATCHES))
        rc = vz_analyse(vz_reader_analyser(rd), buf->data, buf->len, add_match, &m);
    return rc;
}

static int rank(vz_engine *e, vz_reader *rd, const char *query, size_t len,
                const vz_search_options *o, const unsigned char *mask, vz_search_result *res)
{
    vz_query q;
    size_t k = o->max_passages ? o->max_passages : DEFAULT_PASSAGES, n = 0;
    vz_hit *hits = malloc(k * sizeof *hits);
    if (!hits)
        return vz_fail(VZ_ENOMEM, "out of memory");
    int rc = vz_query_parse(rd, query, len, &q);
    if (rc == VZ_OK) {
        res->nterms = q.n;
        rc = vz_reader_search(rd, &q, mask, k, hits, &n);
    }
    if (rc == VZ_OK && n && !(res->passages = calloc(n, sizeof *res->passages)))
        rc = vz_fail(VZ_ENOMEM, "out of memory");
    vz_buf buf = {0};
    for (size_t i = 0; rc == VZ_OK && i < n; i++) {
        res->npassages++;
        rc = fill_passage(rd, e->idx, &q, &hits[i], o, &res->passages[i], &buf);
    }
    vz_buf_free(&buf);
    vz_query_free(&q);
    free(hits);
    return rc;
}

int vz_search(vz_engine *e, const char *query, size_t len, const vz_search_options *opts,
              vz_search_result **out)
{
    static const vz_search_options defaults = VZ_SEARCH_OPTIONS_INIT;
    if (!out)
        return vz_fail(VZ_EINVAL, "vz_search: out is NULL");
    *out = NULL;
    if (!e || !query)
        return vz_fail(VZ_EINVAL, "vz_search: %s is NULL", e ? "the query" : "the engine");
    const vz_search_options *o = opts ? opts : &defaults;
    int rc = check_options(o);
    if (!rc) rc = vz_engine_check_text(query, len, "query");
    if (rc)
        return rc;
    unsigned char *mask = NULL;
    vz_reader *rd = NULL;
    vz_search_result *res = calloc(1, sizeof *res);
    rc = res ? vz_engine_doc_mask(e, o->docs, o->ndocs, &mask) : vz_fail(VZ_ENOMEM, "out of memory");
    if (!rc) rc = vz_engine_reader(e, &rd);
    if (!rc) rc = rank(e, rd, query, len, o, mask, res);
    vz_engine_release(e, rd);
    free(mask);
    if (rc) {
        vz_search_result_free(res);
        return rc;
    }
    *out = res;
    return VZ_OK;
}

size_t vz_search_result_count(const vz_search_result *r) { return r ? r->npassages : 0; }
size_t vz_search_result_terms(const vz_search_result *r) { return r ? r->nterms : 0; }

const vz_passage *vz_search_result_passage(const vz_search_result *r, size_t i)
{
    return r && i < r->npassages ? &r->passages[i] : NULL;
}

const char *vz_passage_doc(const vz_passage *p) { return p ? p->doc : NULL; }
const char *vz_passage_title(const vz_passage *p) { return p ? p->title : NULL; }
const char *vz_passage_date(const vz_passage *p) { return p ? p->date : NULL; }
const char *vz_passage_outlet(const vz_passage *p) { return p ? p->outlet : NULL; }
const char *vz_passage_id(const vz_passage *p) { return p ? p->id : NULL; }
const char *vz_passage_text(const vz_passage *p) { return p ? p->text : NULL; }
double vz_passage_score(const vz_passage *p) { return p ? p->score : 0; }
size_t vz_passage_start(const vz_passage *p) { return p ? p->start : 0; }
size_t vz_passage_end(const vz_passage *p) { return p ? p->end : 0; }
size_t vz_passage_match_count(const vz_passage *p) { return p ? p->nmatches : 0; }

int vz_passage_match(const vz_passage *p, size_t i, size_t *start, size_t *end)
{
    if (!p || i >= p->nmatches)
        return 0;
    if (start)
        *start = p->matches[i].start;
    if (end)
        *end = p->matches[i].end;
    return 1;
}
