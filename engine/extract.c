/*
 * extract.c - implements extract.h: the gazetteer's defines and the answer
 * templates are compiled as one rule set whose directives are the answer
 * types; extraction runs the rules of one type over a sentence.
 */
#include "extract.h"
#include "question.h"
#include "rules.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

#define WEAK VZ_NTYPES        /* the kind of "weak" rules */
#define HEDGE (VZ_NTYPES + 1) /* ... and of "hedge" rules */
#define KEEP (VZ_NTYPES + 2)  /* ... and of "keep" rules */
#define DATELINE (VZ_NTYPES + 3) /* ... and of "dateline" rules */
#define CLASS (VZ_NTYPES + 4) /* ... and of "class" rules */
#define EXCLUDE (VZ_NTYPES + 5) /* ... and of "exclude" rules */
#define NEGATION (VZ_NTYPES + 6) /* ... and of "negation" rules */
#define REFER (VZ_NTYPES + 7) /* ... and of "refer" rules */
#define KINDS (VZ_NTYPES + 7)   /* directives in all */

struct vz_extractor {
    vz_ruleset rs;
};

int vz_extractor_new(vz_extractor **out, const char *gazetteer, size_t glen,
                     const char *templates, size_t tlen)
{
    vz_directive dirs[KINDS];
    for (int t = 1; t < VZ_NTYPES; t++)
        dirs[t - 1] = (vz_directive){vz_type_name(t), t};
    dirs[VZ_NTYPES - 1] = (vz_directive){"weak", WEAK};
    dirs[VZ_NTYPES] = (vz_directive){"hedge", HEDGE};
    dirs[VZ_NTYPES + 1] = (vz_directive){"keep", KEEP};
    dirs[VZ_NTYPES + 2] = (vz_directive){"dateline", DATELINE};
    dirs[VZ_NTYPES + 3] = (vz_directive){"class", CLASS};
    dirs[VZ_NTYPES + 4] = (vz_directive){"exclude", EXCLUDE};
    dirs[VZ_NTYPES + 5] = (vz_directive){"negation", NEGATION};
    dirs[VZ_NTYPES + 6] = (vz_directive){"refer", REFER};
    *out = NULL;
    /* One text, so the templates see the gazetteer's defines; line numbers
     * in messages count from the gazetteer's first line. */
    vz_buf text = {0};
    int rc = vz_buf_append(&text, gazetteer, glen);
    if (!rc && glen && gazetteer[glen - 1] != '\n')
        rc = vz_buf_append(&text, "\n", 1);
    if (!rc)
        rc = vz_buf_append(&text, templates, tlen);
    vz_extractor *x = rc ? NULL : calloc(1, sizeof *x);
    if (!rc && !x)
        rc = vz_fail(VZ_ENOMEM, "out of memory");
    if (!rc)
        rc = vz_ruleset_build(&x->rs, "gazetteer.rules + templates.rules", text.data, text.len,
                              dirs, KINDS, 0);
    vz_buf_free(&text);
    if (rc) {
        free(x);
        return rc;
    }
    *out = x;
    return VZ_OK;
}

void vz_extractor_free(vz_extractor *x)
{
    if (!x)
        return;
    vz_ruleset_free(&x->rs);
    free(x);
}

/* The answer group's span, or the whole match's. */
static void answer_span(const vz_rule *r, pcre2_match_data *md, size_t *s, size_t *e)
{
    const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
    int n = pcre2_substring_number_from_name(r->code, (PCRE2_SPTR) "answer");
    if (n > 0 && (uint32_t)n < pcre2_get_ovector_count(md) && ov[2 * n] != PCRE2_UNSET) {
        *s = ov[2 * n];
        *e = ov[2 * n + 1];
    } else {
        *s = ov[0];
        *e = ov[1];
    }
}

static int run_rule(const vz_ruleset *rs, const vz_rule *r, const char *text, size_t len,
                    pcre2_match_data *md, vz_candidate_fn fn, void *ctx)
{
    size_t off = 0;
    while (off <= len) {
        int m = pcre2_match(r->code, (PCRE2_SPTR)text, len, off, PCRE2_NO_UTF_CHECK, md, rs->mctx);
        if (m == PCRE2_ERROR_NOMATCH)
            return VZ_OK;
        if (m < 0)
            return vz_ruleset_match_error(rs, r, m, off);
        size_t s, e;
        answer_span(r, md, &s, &e);
        int rc = e > s ? fn(s, e, r->label, ctx) : 0;
        if (rc)
            return rc;
        const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
        /* Move past the match; an empty one moves one character on. */
        off = ov[1] > off ? ov[1] : off + 1;
        while (off < len && ((unsigned char)text[off] & 0xC0) == 0x80)
            off++;
    }
    return VZ_OK;
}

int vz_extract(const vz_extractor *x, int type, const char *text, size_t len,
               vz_candidate_fn fn, void *ctx)
{
    pcre2_match_data *md = pcre2_match_data_create(32, NULL);
    if (!md)
        return vz_fail(VZ_ENOMEM, "out of memory");
    int rc = VZ_OK;
    for (size_t i = 0; rc == VZ_OK && i < x->rs.n; i++)
        if (x->rs.items[i].kind == type)
            rc = run_rule(&x->rs, &x->rs.items[i], text, len, md, fn, ctx);
    pcre2_match_data_free(md);
    return rc;
}

/* Does a rule of kind `kind` (and of label `label`, unless NULL) match
 * all of text[0, len)? */
static int matches_whole(const vz_extractor *x, int kind, const char *label, const char *text,
                         size_t len, int *whole)
{
    *whole = 0;
    pcre2_match_data *md = pcre2_match_data_create(8, NULL);
    if (!md)
        return vz_fail(VZ_ENOMEM, "out of memory");
    int rc = VZ_OK;
    for (size_t i = 0; rc == VZ_OK && !*whole && i < x->rs.n; i++) {
        const vz_rule *r = &x->rs.items[i];
        if (r->kind != kind || (label && strcmp(r->label, label)))
            continue;
        int m = pcre2_match(r->code, (PCRE2_SPTR)text, len, 0,
                            PCRE2_NO_UTF_CHECK | PCRE2_ANCHORED | PCRE2_ENDANCHORED, md,
                            x->rs.mctx);
        if (m >= 0)
            *whole = 1;
        else if (m != PCRE2_ERROR_NOMATCH)
            rc = vz_ruleset_match_error(&x->rs, r, m, 0);
    }
    pcre2_match_data_free(md);
    return rc;
}

int vz_extract_weak(const vz_extractor *x, const char *text, size_t len, int *weak)
{
    return matches_whole(x, WEAK, NULL, text, len, weak);
}

int vz_extract_kept(const vz_extractor *x, const char *text, size_t len, int *kept)
{
    return matches_whole(x, KEEP, NULL, text, len, kept);
}

int vz_extract_hedges(const vz_extractor *x, const char *text, size_t len,
                      vz_candidate_fn fn, void *ctx)
{
    return vz_extract(x, HEDGE, text, len, fn, ctx);
}

int vz_extract_datelines(const vz_extractor *x, const char *text, size_t len,
                         vz_candidate_fn fn, void *ctx)
{
    return vz_extract(x, DATELINE, text, len, fn, ctx);
}

int vz_extract_exclusions(const vz_extractor *x, const char *text, size_t len,
                          vz_candidate_fn fn, void *ctx)
{
    return vz_extract(x, EXCLUDE, text, len, fn, ctx);
}

int vz_extract_negations(const vz_extractor *x, const char *text, size_t len,
                         vz_candidate_fn fn, void *ctx)
{
    return vz_extract(x, NEGATION, text, len, fn, ctx);
}

int vz_extract_references(const vz_extractor *x, const char *text, size_t len,
                          vz_candidate_fn fn, void *ctx)
{
    return vz_extract(x, REFER, text, len, fn, ctx);
}

int vz_extract_is_class(const vz_extractor *x, const char *label)
{
    for (size_t i = 0; i < x->rs.n; i++)
        if (x->rs.items[i].kind == CLASS && !strcmp(x->rs.items[i].label, label))
            return 1;
    return 0;
}

int vz_extract_in_class(const vz_extractor *x, const char *label, const char *text, size_t len,
                        int *in)
{
    return matches_whole(x, CLASS, label, text, len, in);
}
