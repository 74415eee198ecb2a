/*
 * qa.c - implements qa.h: compiles the question-answering data files.
 */
#include "qa.h"
#include "data.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    vz_qa *qa;
    vz_analyser *an;
    vz_syngroup *cur;
} syn_ctx;

static int add_stem(const vz_token *tok, void *ctx)
{
    vz_syngroup *g = ((syn_ctx *)ctx)->cur;
    char **p = realloc(g->stems, (g->n + 1) * sizeof *p);
    if (!p)
        return vz_fail(VZ_ENOMEM, "out of memory");
    g->stems = p;
    if (!(g->stems[g->n] = vz_strndup(tok->stem, tok->stem_len)))
        return vz_fail(VZ_ENOMEM, "out of memory");
    g->n++;
    return 0;
}

static int add_group(const char *line, size_t len, unsigned lineno, void *ctx)
{
    syn_ctx *c = ctx;
    (void)lineno;
    vz_syngroup *g = realloc(c->qa->groups, (c->qa->ngroups + 1) * sizeof *g);
    if (!g)
        return vz_fail(VZ_ENOMEM, "out of memory");
    c->qa->groups = g;
    c->cur = &g[c->qa->ngroups++];
    memset(c->cur, 0, sizeof *c->cur);
    return vz_analyse(c->an, line, len, add_stem, c);
}

static int load_synonyms(vz_qa *qa, const char *dir, const vz_stoplist *stop)
{
    vz_data d;
    int rc = vz_data_load(dir, "synonyms.txt", &d);
    if (rc)
        return rc;
    syn_ctx c = {qa, NULL, NULL};
    rc = vz_analyser_new(&c.an, stop);
    if (!rc)
        rc = vz_data_lines(d.text, d.len, add_group, &c);
    if (rc)
        vz_fail_context(rc, "%s", d.origin);
    vz_analyser_free(c.an);
    vz_data_release(&d);
    return rc;
}

static int load_rules(vz_qa *qa, const char *dir)
{
    vz_data q, g, t;
    int rc = vz_data_load(dir, "question.rules", &q);
    if (rc)
        return rc;
    rc = vz_qrules_new(&qa->qrules, q.text, q.len);
    vz_data_release(&q);
    if (rc || (rc = vz_data_load(dir, "gazetteer.rules", &g)) != VZ_OK)
        return rc;
    if ((rc = vz_data_load(dir, "templates.rules", &t)) == VZ_OK) {
        rc = vz_extractor_new(&qa->extractor, g.text, g.len, t.text, t.len);
        vz_data_release(&t);
    }
    vz_data_release(&g);
    return rc;
}

int vz_qa_load(vz_qa **out, const char *data_dir, const vz_stoplist *stop)
{
    *out = NULL;
    vz_qa *qa = calloc(1, sizeof *qa);
    if (!qa)
        return vz_fail(VZ_ENOMEM, "out of memory");
    int rc = load_rules(qa, data_dir);
    if (!rc)
        rc = load_synonyms(qa, data_dir, stop);
    if (rc) {
        vz_qa_free(qa);
        return rc;
    }
    *out = qa;
    return VZ_OK;
}

void vz_qa_free(vz_qa *qa)
{
    if (!qa)
        return;
    vz_qrules_free(qa->qrules);
    vz_extractor_free(qa->extractor);
    for (size_t i = 0; i < qa->ngroups; i++) {
        for (size_t j = 0; j < qa->groups[i].n; j++)
            free(qa->groups[i].stems[j]);
        free(qa->groups[i].stems);
    }
    free(qa->groups);
    free(qa);
}
