/*
 * question.c - implements question.h: the first rule of data/question.rules
 * that matches a question gives its answer type, and the rule's named
 * groups "cue" and "focus" say which words ask and which are asked about,
 * and "prep" which preposition opens the question.
 */
#include "question.h"
#include "rules.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

static const char *const type_names[VZ_NTYPES] = {
    "unknown", "count", "quantity", "person", "organization", "place", "date", "list",
    "description"};

const char *vz_type_name(int type)
{
    return type >= 0 && type < VZ_NTYPES ? type_names[type] : "unknown";
}

/* Most rules need "what" or "which" and then words of their own ("city",
 * "town"): each requirement of a rule is a member of lits, and a rule may
 * match only when the question holds a string of every one of them. */
struct vz_qrules {
    vz_ruleset rs;
    vz_litset lits;              /* every rule's requirements, looked for in one pass */
    size_t *first;               /* rule i's: members [first[i], first[i + 1]) of lits */
};

int vz_qrules_new(vz_qrules **out, const char *text, size_t len)
{
    vz_directive dirs[VZ_NTYPES - 1];
    for (int t = 1; t < VZ_NTYPES; t++)
        dirs[t - 1] = (vz_directive){type_names[t], t};
    *out = NULL;
    vz_qrules *qr = calloc(1, sizeof *qr);
    /* Every rule is tried in turn until one matches: those whose literals
     * a question lacks ("how" of a rule for "how many") are skipped. */
    int rc = qr ? vz_ruleset_build_req(&qr->rs, "question.rules", text, len, dirs,
                                       VZ_NTYPES - 1, PCRE2_CASELESS, ~(uint64_t)0)
                : vz_fail(VZ_ENOMEM, "out of memory");
    if (rc) {
        free(qr);
        return rc;
    }
    size_t n = 0;
    for (size_t i = 0; i < qr->rs.n; i++)
        n += qr->rs.items[i].nall ? qr->rs.items[i].nall : 1;
    const vz_required **rq = malloc((n ? n : 1) * sizeof *rq);
    qr->first = malloc((qr->rs.n + 1) * sizeof *qr->first);
    n = 0;
    for (size_t i = 0; rq && qr->first && i < qr->rs.n; i++) {
        const vz_rule *r = &qr->rs.items[i];
        qr->first[i] = n;
        if (!r->nall)
            rq[n++] = &r->req;
        for (size_t k = 0; k < r->nall; k++)
            rq[n++] = &r->all[k];
    }
    if (qr->first)
        qr->first[qr->rs.n] = n;
    rc = rq && qr->first ? vz_litset_build(&qr->lits, rq, n) : vz_fail(VZ_ENOMEM, "out of memory");
    free(rq);
    if (rc) {
        vz_qrules_free(qr);
        return rc;
    }
    *out = qr;
    return VZ_OK;
}

void vz_qrules_free(vz_qrules *qr)
{
    if (!qr)
        return;
    vz_ruleset_free(&qr->rs);
    vz_litset_free(&qr->lits);
    free(qr->first);
    free(qr);
}

/* The span of named group name in the last match, or an empty one. */
static void group_span(const vz_rule *r, pcre2_match_data *md, const char *name,
                       size_t *start, size_t *end)
{
    *start = *end = 0;
    int n = pcre2_substring_number_from_name(r->code, (PCRE2_SPTR)name);
    if (n <= 0 || (uint32_t)n >= pcre2_get_ovector_count(md))
        return;
    const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
    if (ov[2 * n] != PCRE2_UNSET && ov[2 * n + 1] >= ov[2 * n]) {
        *start = ov[2 * n];
        *end = ov[2 * n + 1];
    }
}

_Static_assert(sizeof ((vz_qtype *)0)->label == VZ_LABEL_MAX, "labels fit");

/* Rule sets of up to this many 64 requirements have their literals
 * looked for in one pass; larger ones, rule by rule. */
#define MAYBE_WORDS 8

/* May rule i match: does the question hold a string of each of its
 * requirements (maybe: lits' scan of it)? */
static int may_match(const vz_qrules *qr, const uint64_t *maybe, size_t i)
{
    for (size_t k = qr->first[i]; k < qr->first[i + 1]; k++)
        if (!(maybe[k / 64] >> (k & 63) & 1))
            return 0;
    return 1;
}

int vz_question_type(const vz_qrules *qr, const char *q, size_t len, vz_qtype *out)
{
    memset(out, 0, sizeof *out);
    uint64_t maybe[MAYBE_WORDS];
    int filtered = qr->lits.words <= MAYBE_WORDS;
    if (filtered)
        vz_litset_scan(&qr->lits, q, len, maybe);
    pcre2_match_data *md = pcre2_match_data_create(16, NULL);
    if (!md)
        return vz_fail(VZ_ENOMEM, "out of memory");
    int rc = VZ_OK;
    for (size_t i = 0; i < qr->rs.n; i++) {
        const vz_rule *r = &qr->rs.items[i];
        if (filtered ? !may_match(qr, maybe, i) : !vz_required_in(&r->req, q, len))
            continue;   /* the same as NOMATCH: it could not match */
        int m = pcre2_match(r->code, (PCRE2_SPTR)q, len, 0, PCRE2_NO_UTF_CHECK, md, qr->rs.mctx);
        if (m == PCRE2_ERROR_NOMATCH)
            continue;
        if (m < 0) {
            rc = vz_ruleset_match_error(&qr->rs, r, m, 0);
            break;
        }
        out->type = r->kind;
        out->rule_line = r->line;
        memcpy(out->label, r->label, sizeof out->label);
        group_span(r, md, "cue", &out->cue_start, &out->cue_end);
        group_span(r, md, "focus", &out->focus_start, &out->focus_end);
        group_span(r, md, "prep", &out->prep_start, &out->prep_end);
        break;
    }
    pcre2_match_data_free(md);
    return rc;
}
