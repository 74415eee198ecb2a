/*
 * result.h - the inside of vz_result, vz_answer and vz_citation: plain
 * arrays owned by the result, so that one free releases everything.
 */
#ifndef VZ_RESULT_H
#define VZ_RESULT_H

#include <stddef.h>

#include "vzask.h"

struct vz_citation {
    char *doc, *title, *date, *sentence;
    size_t start, end;               /* the sentence in the raw file */
    size_t answer_start, answer_end; /* the answer's words; equal when none */
};

struct vz_answer {
    char *text;
    double confidence;
    char **items;
    size_t nitems;
    vz_citation *citations;
    size_t ncitations;
};

struct vz_result {
    char *question;
    int type;
    vz_answer *answers;
    size_t nanswers;
    char *explain;
};

#endif
