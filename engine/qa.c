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

static int add_entry(vz_syngroup *g, char *entry)
{
    if (!entry)
        return vz_fail(VZ_ENOMEM, "out of memory");
    char **p = realloc(g->stems, (g->n + 1) * sizeof *p);
    if (!p) {
        free(entry);
        return vz_fail(VZ_ENOMEM, "out of memory");
    }
    g->stems = p;
    g->stems[g->n++] = entry;
    return VZ_OK;
}

static int add_stem(const vz_token *tok, void *ctx)
{
    return add_entry(((syn_ctx *)ctx)->cur, vz_strndup(tok->stem, tok->stem_len));
}

static int count_token(const vz_token *tok, void *ctx)
{
    (void)tok;
    ++*(size_t *)ctx;
    return 0;
}

static int append_form(const vz_token *tok, void *ctx)
{
    vz_buf *b = ctx;
    char form[VZ_FORM];
    vz_phrase_form(tok, form);
    return vz_buf_printf(b, "%s%s", b->len ? " " : "", form);
}

/* One entry of a comma-separated group: a word, as in a plain group, or
 * a phrase. */
static int add_piece(syn_ctx *c, const char *piece, size_t len)
{
    size_t ntok = 0;
    int rc = vz_analyse(c->an, piece, len, count_token, &ntok);
    if (rc || ntok < 2)
        return rc ? rc : vz_analyse(c->an, piece, len, add_stem, c);
    vz_buf b = {0};
    rc = vz_analyse(c->an, piece, len, append_form, &b);
    if (!rc)
        return add_entry(c->cur, b.data);
    vz_buf_free(&b);
    return rc;
}

/* A line is a group of words separated by blanks or, when it holds a
 * comma, of entries separated by commas, which may be phrases. */
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
    if (!memchr(line, ',', len))
        return vz_analyse(c->an, line, len, add_stem, c);
    int rc = VZ_OK;
    for (size_t s = 0; !rc && s < len;) {
        const char *comma = memchr(line + s, ',', len - s);
        size_t e = comma ? (size_t)(comma - line) : len;
        rc = add_piece(c, line + s, e - s);
        s = e + 1;
    }
    return rc;
}

void vz_phrase_form(const vz_token *tok, char form[VZ_FORM])
{
    int stop = (tok->flags & VZ_TOK_STOP) != 0;
    form[0] = '\0';
    if (tok->stem_len + (size_t)stop >= VZ_FORM)
        return;
    if (stop)
        form[0] = VZ_STOP_MARK;
    memcpy(form + stop, tok->stem, tok->stem_len);
    form[(size_t)stop + tok->stem_len] = '\0';
}

/* These three run for every entry of every synonym group at each word of
 * a question: entries are a few bytes, so byte loops, without a library
 * call per entry, are what makes them cheap. */
int vz_is_phrase(const char *entry)
{
    for (; *entry; entry++)
        if (*entry == ' ')
            return 1;
    return 0;
}

int vz_phrase_next(const char **p, const char **form, size_t *len)
{
    const char *s = *p;
    if (!*s)
        return 0;
    *form = s;
    while (*s && *s != ' ')
        s++;
    *len = (size_t)(s - *form);
    *p = s + (*s == ' ');
    return 1;
}

/* Is the NUL-terminated f the form [form, form + len) (no NUL, no blank)? */
static int form_is(const char *f, const char *form, size_t len)
{
    size_t i = 0;
    while (i < len && f[i] == form[i])   /* f's NUL stops it: form has none */
        i++;
    return i == len && f[len] == '\0';
}

size_t vz_phrase_at(const char *phrase, const char (*forms)[VZ_FORM], size_t n)
{
    const char *form;
    size_t k = 0, len;
    for (const char *p = phrase; vz_phrase_next(&p, &form, &len); k++)
        if (k >= n || !len || !form_is(forms[k], form, len))
            return 0;
    return k;
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

typedef struct {
    const char *stem;
    uint32_t group;
} syn_pair;

static int cmp_pair(const void *x, const void *y)
{
    const syn_pair *a = x, *b = y;
    int c = strcmp(a->stem, b->stem);
    return c ? c : (a->group > b->group) - (a->group < b->group);
}

static vz_synslot *find_slot(const vz_qa *qa, const char *stem, size_t len)
{
    size_t mask = qa->nslots - 1;
    for (size_t i = (size_t)vz_fnv1a(stem, len, VZ_FNV_SEED) & mask;; i = (i + 1) & mask) {
        vz_synslot *s = &qa->slots[i];
        if (!s->stem || (s->len == len && !memcmp(s->stem, stem, len)))
            return s;
    }
}

/* Index every entry of every group: sort (entry, group) pairs, then give
 * each distinct entry a slot over its run of group ids. */
static int index_synonyms(vz_qa *qa)
{
    size_t npairs = 0;
    for (size_t g = 0; g < qa->ngroups; g++)
        npairs += qa->groups[g].n;
    syn_pair *pairs = malloc((npairs ? npairs : 1) * sizeof *pairs);
    qa->ids = malloc((npairs ? npairs : 1) * sizeof *qa->ids);
    for (qa->nslots = 16; qa->nslots < 2 * npairs; qa->nslots *= 2)
        ;
    qa->slots = calloc(qa->nslots, sizeof *qa->slots);
    if (!pairs || !qa->ids || !qa->slots) {
        free(pairs);
        return vz_fail(VZ_ENOMEM, "out of memory");
    }
    size_t k = 0;
    for (size_t g = 0; g < qa->ngroups; g++)
        for (size_t j = 0; j < qa->groups[g].n; j++)
            pairs[k++] = (syn_pair){qa->groups[g].stems[j], (uint32_t)g};
    qsort(pairs, npairs, sizeof *pairs, cmp_pair);
    uint32_t nids = 0;
    for (size_t i = 0; i < npairs; i++) {
        size_t len = strlen(pairs[i].stem);
        vz_synslot *s = find_slot(qa, pairs[i].stem, len);
        if (!s->stem)
            *s = (vz_synslot){pairs[i].stem, len, nids, 0};
        /* A group that lists an entry twice counts once. */
        if (s->n && qa->ids[nids - 1] == pairs[i].group)
            continue;
        qa->ids[nids++] = pairs[i].group;
        s->n++;
    }
    free(pairs);
    return VZ_OK;
}

const uint32_t *vz_qa_groups_of(const vz_qa *qa, const char *stem, size_t len, size_t *n)
{
    const vz_synslot *s = find_slot(qa, stem, len);
    *n = s->stem ? s->n : 0;
    return s->stem ? qa->ids + s->first : NULL;
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

/* qa->phrases and phrase_at: a counting sort of the phrases by their
 * first byte, which keeps group then entry order within a byte. */
static int index_phrases(vz_qa *qa)
{
    size_t count[257] = {0};
    for (size_t g = 0; g < qa->ngroups; g++)
        for (size_t j = 0; j < qa->groups[g].n; j++)
            if (vz_is_phrase(qa->groups[g].stems[j]))
                count[(unsigned char)qa->groups[g].stems[j][0] + 1]++;
    for (size_t b = 1; b < 257; b++)
        count[b] += count[b - 1];
    memcpy(qa->phrase_at, count, sizeof count);
    qa->phrases = malloc((count[256] ? count[256] : 1) * sizeof *qa->phrases);
    if (!qa->phrases)
        return vz_fail(VZ_ENOMEM, "out of memory");
    for (size_t g = 0; g < qa->ngroups; g++)
        for (size_t j = 0; j < qa->groups[g].n; j++) {
            const char *ph = qa->groups[g].stems[j];
            if (vz_is_phrase(ph))
                qa->phrases[count[(unsigned char)ph[0]]++] = ph;
        }
    return VZ_OK;
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
    if (!rc)
        rc = index_synonyms(qa);
    if (!rc)
        rc = index_phrases(qa);
    if (!rc)
        rc = vz_ranker_load(&qa->ranker, data_dir);
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
    vz_ranker_free(qa->ranker);
    for (size_t i = 0; i < qa->ngroups; i++) {
        for (size_t j = 0; j < qa->groups[i].n; j++)
            free(qa->groups[i].stems[j]);
        free(qa->groups[i].stems);
    }
    free(qa->groups);
    free(qa->phrases);
    free(qa->slots);
    free(qa->ids);
    free(qa);
}
