/*
 * squad_metrics.h - the official SQuAD metrics (evaluate-v1.1.py and
 * evaluate-v2.0.py) in C: the answer normalisation, exact match and token
 * F1 over several gold answers, v2.0's best abstention threshold, and the
 * conversion of SQuAD's character offsets to byte offsets.  Internal to
 * vzask (the eval command and its tests); not part of the public API.
 */
#ifndef VZ_SQUAD_METRICS_H
#define VZ_SQUAD_METRICS_H

#include <stddef.h>

/* The official normalisation, as Python runs it: str.lower(), drop the
 * characters of string.punctuation (ASCII only), replace each
 * \b(a|an|the)\b with a space (Unicode word boundaries), then
 * ' '.join(s.split()) (Unicode white space).  Returns a malloc'd string
 * (its tokens joined by single spaces), or NULL when out of memory. */
char *vz_squad_normalize(const char *s, size_t len);

/* Exact match and F1 of one prediction against one gold answer.  v2
 * selects evaluate-v2.0.py's F1, in which two answers that normalise to no
 * token agree (F1 1); evaluate-v1.1.py gives them 0.  Both return -1 when
 * out of memory. */
int vz_squad_exact(const char *pred, const char *gold);
double vz_squad_f1(const char *pred, const char *gold, int v2);

/* The question's scores: the maximum over its ngold gold answers.  With
 * v2, golds that normalise to nothing are dropped and a question left with
 * none (an unanswerable one) has the single gold "" (only the empty
 * prediction is right).  VZ_OK, or VZ_ENOMEM. */
int vz_squad_score(const char *pred, const char *const *golds, size_t ngold, int v2, double *em,
                   double *f1);

/* The byte offset in the UTF-8 text s[0, len) of its code point number
 * chars (Python's str index, as SQuAD's answer_start counts); (size_t)-1
 * when the text has fewer code points. */
size_t vz_squad_char_to_byte(const char *s, size_t len, size_t chars);

/* One question for the v2.0 threshold search. */
typedef struct {
    double na_prob;      /* the probability of no answer (1 - confidence) */
    double score;        /* the question's EM or F1 (0..1) with its answer given */
    int has_ans;         /* the question has a gold answer */
    int pred_nonempty;   /* the prediction is not "" */
} vz_squad_na;

/* evaluate-v2.0.py's find_best_thresh: walk the questions by increasing
 * na_prob (ties in the given order), answering those below the threshold;
 * *best is the best score ×100 and *thresh the na_prob it is reached at.
 * VZ_OK, or VZ_ENOMEM. */
int vz_squad_best_thresh(const vz_squad_na *q, size_t n, double *best, double *thresh);

/* The question's wh-word for the breakdown: "what", "which", "how", "why",
 * "when", "who" (also whom, whose), "where", or "other": the first of them
 * that is a word of the question.  A static string. */
const char *vz_squad_wh(const char *question);

#endif
