/*
 * question.h - question analysis: the answer type a question asks for
 * (rules in data/question.rules), its cue and focus words, and its key
 * terms for retrieval.
 */
#ifndef VZ_QUESTION_H
#define VZ_QUESTION_H

#include <stddef.h>

typedef enum {
    VZ_TYPE_UNKNOWN = 0,
    VZ_TYPE_COUNT,
    VZ_TYPE_QUANTITY,
    VZ_TYPE_PERSON,
    VZ_TYPE_ORGANIZATION,
    VZ_TYPE_PLACE,
    VZ_TYPE_DATE,
    VZ_TYPE_LIST,
    VZ_TYPE_DESCRIPTION,
    VZ_NTYPES
} vz_answer_type;

/* "count", "quantity", ... "unknown": the names INTERFACES.md uses. */
const char *vz_type_name(int type);

/* Compiled question rules: read-only once built, shareable by threads. */
typedef struct vz_qrules vz_qrules;
int  vz_qrules_new(vz_qrules **out, const char *text, size_t len);
void vz_qrules_free(vz_qrules *qr);

typedef struct {
    int type;                      /* vz_answer_type */
    size_t cue_start, cue_end;     /* bytes of the cue words in the question (empty: none) */
    size_t focus_start, focus_end; /* bytes of the focus words (empty: none) */
    size_t prep_start, prep_end;   /* bytes of the opening preposition (empty: none) */
    unsigned rule_line;            /* the deciding rule's line, for --explain; 0: none */
    char label[24];                /* the rule's (?#label): the kind of answer wanted */
} vz_qtype;

/* Classify question q[0, len) (valid UTF-8).  VZ_OK (type unknown when no
 * rule matches), VZ_ENOMEM, VZ_EINTERNAL. */
int vz_question_type(const vz_qrules *qr, const char *q, size_t len, vz_qtype *out);

#endif
