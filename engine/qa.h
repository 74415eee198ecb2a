/*
 * qa.h - the question-answering data of an engine, compiled once from the
 * data files and read-only afterwards: question rules, answer templates
 * with the gazetteer, and synonym groups.
 */
#ifndef VZ_QA_H
#define VZ_QA_H

#include <stddef.h>
#include <stdint.h>

#include "analyse.h"
#include "extract.h"
#include "question.h"
#include "ranker.h"

typedef struct {
    char **stems;       /* the group's words, stemmed, and its phrases */
    size_t n;
} vz_syngroup;

/* A phrase is an entry of several words ("in charge of", "puts on"): its
 * tokens' forms joined by single spaces.  A token's form is its stem, after
 * VZ_STOP_MARK when it is a stop word ("~in charg ~of"), so that a phrase
 * tells its content words from the small words that only bind them. */
#define VZ_FORM 32          /* bytes of a form, with its NUL */
#define VZ_STOP_MARK '~'

/* The form of a token; "" when it does not fit (it then matches nothing). */
void vz_phrase_form(const vz_token *tok, char form[VZ_FORM]);
/* Is entry a phrase (several tokens)? */
int vz_is_phrase(const char *entry);
/* The next token of a phrase: its form is [*p, *p + *len) and *p moves
 * past it.  0 when the phrase has no more. */
int vz_phrase_next(const char **p, const char **form, size_t *len);
/* The number of tokens of phrase when the tokens whose forms are
 * forms[0, n) begin with it, else 0. */
size_t vz_phrase_at(const char *phrase, const char (*forms)[VZ_FORM], size_t n);

/* A slot of the synonym index: the groups that hold stem are
 * ids[first, first + n) of the vz_qa, ascending. */
typedef struct {
    const char *stem;   /* borrowed from a group; NULL: an empty slot */
    size_t len;
    uint32_t first, n;
} vz_synslot;

typedef struct {
    vz_qrules *qrules;
    vz_extractor *extractor;
    vz_syngroup *groups;
    size_t ngroups;
    vz_synslot *slots;  /* open addressing over every entry; nslots a power of 2 */
    size_t nslots;
    uint32_t *ids;
    vz_ranker *ranker;  /* the span ranker's weights (ranker.weights) */
    /* The phrases among the groups' entries, by their first byte b:
     * phrases[phrase_at[b], phrase_at[b + 1]), in group then entry order;
     * a question's token looks only at those its form begins with. */
    const char **phrases;   /* borrowed from the groups */
    size_t phrase_at[257];
} vz_qa;

/* Load question.rules, gazetteer.rules, templates.rules, synonyms.txt and ranker.weights
 * (from data_dir when it has them).  Errors name the file. */
int  vz_qa_load(vz_qa **out, const char *data_dir, const vz_stoplist *stop);
void vz_qa_free(vz_qa *qa);
/* The synonym groups that hold entry [stem, stem + len), ascending ids
 * into qa->groups; *n of them (0: none).  One hash look-up, where a scan
 * of every group per word made references cost most of an ask. */
const uint32_t *vz_qa_groups_of(const vz_qa *qa, const char *stem, size_t len, size_t *n);

#endif
