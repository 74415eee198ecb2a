/*
 * qa.h - the question-answering data of an engine, compiled once from the
 * data files and read-only afterwards: question rules, answer templates
 * with the gazetteer, and synonym groups.
 */
#ifndef VZ_QA_H
#define VZ_QA_H

#include <stddef.h>

#include "analyse.h"
#include "extract.h"
#include "question.h"

typedef struct {
    char **stems;       /* the group's words, stemmed */
    size_t n;
} vz_syngroup;

typedef struct {
    vz_qrules *qrules;
    vz_extractor *extractor;
    vz_syngroup *groups;
    size_t ngroups;
} vz_qa;

/* Load question.rules, gazetteer.rules, templates.rules and synonyms.txt
 * (from data_dir when it has them).  Errors name the file. */
int  vz_qa_load(vz_qa **out, const char *data_dir, const vz_stoplist *stop);
void vz_qa_free(vz_qa *qa);

#endif
