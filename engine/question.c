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

struct vz_qrules {
    vz_ruleset rs;
    vz_litset lits;              /* every rule's literals, looked for in one pass */
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
    const vz_required **rq = malloc((qr->rs.n ? qr->rs.n : 1) * sizeof *rq);
    for (size_t i = 0; rq && i < qr->rs.n; i++)
        rq[i] = &qr->rs.items[i].req;
    rc = rq ? vz_litset_build(&qr->lits, rq, qr->rs.n) : vz_fail(VZ_ENOMEM, "out of memory");
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

/* Rule sets of up to this many 64 rules have their literals looked for
 * in one pass; larger ones, rule by rule. */
#define MAYBE_WORDS 8

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
        if (filtered ? !(maybe[i / 64] >> (i & 63) & 1) : !vz_required_in(&r->req, q, len))
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
