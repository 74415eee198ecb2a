/*
 * extract.h - candidate answers in a sentence: every match of an answer
 * template (data/templates.rules, after data/gazetteer.rules) of the
 * question's answer type.
 */
#ifndef VZ_EXTRACT_H
#define VZ_EXTRACT_H

#include <stddef.h>
#include <stdint.h>

#include "analyse.h"
#include "rules.h"

/* Compiled templates: read-only once built, shareable by threads. */
typedef struct vz_extractor vz_extractor;

/* gazetteer and templates are rules texts; the templates may use the
 * gazetteer's defines.  VZ_EINVAL names the file and line of a bad rule. */
/* The answer templates compiled as an extractor compiles them (the
 * gazetteer's defines first), for tools that run the rules themselves. */
int  vz_extract_ruleset(vz_ruleset *rs, const char *gazetteer, size_t glen,
                        const char *templates, size_t tlen);
/* Is a rule of this kind searched for in a text (not matched against all of one)? */
int  vz_extract_searched(int kind);
int  vz_extractor_new(vz_extractor **out, const char *gazetteer, size_t glen,
                      const char *templates, size_t tlen);
void vz_extractor_free(vz_extractor *x);

/* Called for each candidate [start, end) of text; label is the template's
 * (?#label), "" when it has none.  Non-zero stops the extraction. */
typedef int (*vz_candidate_fn)(size_t start, size_t end, const char *label, void *ctx);

/* Every candidate of answer type `type` (vz_answer_type) in text[0, len)
 * (valid UTF-8), rule by rule, in text order within a rule.  VZ_OK, fn's
 * value, VZ_ENOMEM or VZ_EINTERNAL. */
int vz_extract(const vz_extractor *x, int type, const char *text, size_t len,
               vz_candidate_fn fn, void *ctx);

/* What the rules found in texts read before, so that a sentence read
 * again (the next question about the same article) is not matched again:
 * a cache per reader, used by one thread at a time.  The candidates of a
 * text depend only on the text and the rules, so a cached extraction
 * calls fn exactly as an uncached one.  Bounded: it empties itself when
 * full. */
typedef struct vz_xcache vz_xcache;
/* NULL when out of memory (then pass NULL: no caching). */
vz_xcache *vz_xcache_new(void);
void vz_xcache_free(void *c);   /* void *: a reader's free callback; NULL is a no-op */

/* vz_extract and vz_extract_references, remembering in c (NULL: plain). */
int vz_extract_cached(const vz_extractor *x, vz_xcache *c, int type, const char *text, size_t len,
                      vz_candidate_fn fn, void *ctx);
int vz_extract_references_cached(const vz_extractor *x, vz_xcache *c, const char *text,
                                 size_t len, vz_candidate_fn fn, void *ctx);

/* vz_extract_hedges, vz_extract_datelines and vz_extract_exclusions,
 * remembered in c (NULL: plain): they depend only on the sentence, which
 * every question about its article reads again. */
int vz_extract_hedges_cached(const vz_extractor *x, vz_xcache *c, const char *text, size_t len,
                             vz_candidate_fn fn, void *ctx);
int vz_extract_datelines_cached(const vz_extractor *x, vz_xcache *c, const char *text,
                                size_t len, vz_candidate_fn fn, void *ctx);
int vz_extract_exclusions_cached(const vz_extractor *x, vz_xcache *c, const char *text,
                                 size_t len, vz_candidate_fn fn, void *ctx);

/* vz_extract_weak, vz_extract_kept and vz_extract_in_class, the verdict
 * remembered in c (NULL: plain); a failure is not remembered. */
int vz_extract_weak_cached(const vz_extractor *x, vz_xcache *c, const char *text, size_t len,
                           int *weak);
int vz_extract_kept_cached(const vz_extractor *x, vz_xcache *c, const char *text, size_t len,
                           int *kept);
int vz_extract_in_class_cached(const vz_extractor *x, vz_xcache *c, const char *label,
                               const char *text, size_t len, int *in);

/* vz_analyse of text, remembered in c (NULL: plain): the tokens of a text
 * analysed before are given again, fn called exactly as vz_analyse calls
 * it.  c must serve one analyser's stop list (the reader's). */
int vz_analyse_cached(vz_xcache *c, vz_analyser *an, const char *text, size_t len,
                      vz_token_fn fn, void *ctx);

/* The tokens of a text as c keeps them, for a caller that reads them all
 * at once (vz_analyse_cached calls a function for each): norm and stem
 * are offsets into strings, NUL-terminated there.  vz_analysed_of gives
 * them in *out, valid until the next call on c: VZ_OK, or non-zero when
 * c is NULL or cannot keep them (invalid UTF-8, no memory; then
 * vz_analyse_cached reports as vz_analyse does). */
typedef struct {
    uint32_t start, end, norm, norm_len, stem, stem_len;
    unsigned flags;
} vz_atoken;

typedef struct {
    const vz_atoken *tok;
    size_t n;
    const char *strings;
} vz_analysed;

int vz_analysed_of(vz_xcache *c, vz_analyser *an, const char *text, size_t len, vz_analysed *out);
/* vz_analysed_of, made where it can be from the analyses of the text's
 * parts (its sentences: parts[0, n), [start, end) in order), kept in c as
 * every text's is: a part is analysed once however many texts hold it. */
int vz_analysed_of_parts(vz_xcache *c, vz_analyser *an, const char *text, size_t len,
                         const uint32_t (*parts)[2], size_t n, vz_analysed *out);

/* Token i of v as vz_analyse gives it. */
static inline void vz_analysed_token(const vz_analysed *v, size_t i, vz_token *t)
{
    const vz_atoken *a = &v->tok[i];
    *t = (vz_token){a->start, a->end, v->strings + a->norm, a->norm_len, v->strings + a->stem,
                    a->stem_len, a->flags, i};
}

/* Memos: what a caller derives once from a text it names by a number of
 * its own (a sentence's id) and that depends on nothing that changes
 * between its calls, kept as a block of bytes in its own layout.
 * vz_xcache_memo gives the block kept under id (NULL: none, or c NULL),
 * valid until the next vz_xcache_memo_keep; vz_xcache_memo_keep copies
 * len bytes under id (a no-op when c is NULL or id holds a block
 * already): VZ_OK or VZ_ENOMEM (then nothing is kept). */
const void *vz_xcache_memo(vz_xcache *c, uint64_t id, size_t *len);
int vz_xcache_memo_keep(vz_xcache *c, uint64_t id, const void *data, size_t len);
/* vz_xcache_memo_keep without the copy: room of size bytes where c keeps
 * memos (NULL without memory or c), written by the caller, then kept as
 * memo id by vz_xcache_memo_commit with its first len bytes (len 0: kept
 * not, the room given back).  No other call on c between the two. */
void *vz_xcache_memo_room(vz_xcache *c, size_t size);
void vz_xcache_memo_commit(vz_xcache *c, uint64_t id, void *room, size_t size, size_t len);

/* Hints, for a caller that knows early what it will look up in c (NULL: a
 * no-op): the tables are too big for the processor's caches, and a
 * look-up asked for ahead does not wait for memory.  Nothing kept
 * changes.  vz_xcache_memo_prefetch: the slots of memo id;
 * vz_xcache_memo_prefetch_data, some time after it: the memo's first
 * bytes. */
void vz_xcache_memo_prefetch(const vz_xcache *c, uint64_t id);
void vz_xcache_memo_prefetch_data(vz_xcache *c, uint64_t id);

/* The look-ups of a sentence's template matches, between their two
 * prefetches. */
typedef struct {
    uint64_t text_hash, hash[4];
    int kind[4];
    size_t n, len;
} vz_xprefetch;

/* Hints as above: vz_xcache_prefetch_sentence asks for the slots of the
 * datelines, the exclusions, the hedges (unless !hedges) and the
 * candidates of answer type `type` of text[0, len), noted in *p;
 * vz_xcache_prefetch_entries, some time after it, for what those slots
 * keep. */
void vz_xcache_prefetch_sentence(const vz_xcache *c, int type, int hedges, const char *text,
                                 size_t len, vz_xprefetch *p);
void vz_xcache_prefetch_entries(const vz_xcache *c, const vz_xprefetch *p);

/* Is text[0, len), whole, a weak answer (a "weak" rule of templates.rules
 * matches all of it)?  VZ_OK, VZ_ENOMEM or VZ_EINTERNAL. */
int vz_extract_weak(const vz_extractor *x, const char *text, size_t len, int *weak);

/* Is text[0, len), a word at an answer's edge, one to keep there (a "keep"
 * rule of templates.rules matches all of it)?  Returns as vz_extract_weak. */
int vz_extract_kept(const vz_extractor *x, const char *text, size_t len, int *kept);

/* Every span of text[0, len) that a "hedge" rule of templates.rules
 * matches: words said of what was asked for, planned or feared, not of
 * what happened ("asked the council to hold a meeting").  Returns as
 * vz_extract does. */
int vz_extract_hedges(const vz_extractor *x, const char *text, size_t len,
                      vz_candidate_fn fn, void *ctx);

/* Every span of text[0, len) that a "dateline" rule of templates.rules
 * matches: where and when a report was filed ("LYON, France,
 * August 11"), not what it reports.  Returns as vz_extract does. */
int vz_extract_datelines(const vz_extractor *x, const char *text, size_t len,
                         vz_candidate_fn fn, void *ctx);

/* Every span of text[0, len) that an "exclude" rule of templates.rules
 * matches: what a sentence sets apart from what it says of the rest
 * ("members (excluding Portugal)"), the answer group being what is set
 * apart.  Returns as vz_extract does. */
int vz_extract_exclusions(const vz_extractor *x, const char *text, size_t len,
                          vz_candidate_fn fn, void *ctx);

/* Every span of text[0, len) that a "negation" rule of templates.rules
 * matches: words that say a thing was not done ("did not", "refused
 * to").  Returns as vz_extract does. */
int vz_extract_negations(const vz_extractor *x, const char *text, size_t len,
                         vz_candidate_fn fn, void *ctx);

/* Every span of text[0, len) that a "refer" rule of templates.rules
 * matches: a definite description that stands for a name the article
 * gave before ("the Norwegian leader"); the label is the type of what it
 * names.  Returns as vz_extract does. */
int vz_extract_references(const vz_extractor *x, const char *text, size_t len,
                          vz_candidate_fn fn, void *ctx);

/* Does a "class" rule of templates.rules (or the gazetteer) have the
 * label `label` ("arab": the Arab countries)? */
int vz_extract_is_class(const vz_extractor *x, const char *label);

/* Is text[0, len), whole, a member of class `label` (a "class" rule of
 * that label matches all of it)?  Returns as vz_extract_weak. */
int vz_extract_in_class(const vz_extractor *x, const char *label, const char *text, size_t len,
                        int *in);

#endif
