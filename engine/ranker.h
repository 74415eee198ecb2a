/*
 * ranker.h - the learned span scorer: phrase chunks of the best sentences
 * (every run of up to a few words that does not open or close on a stop
 * word nor cross a clause's punctuation) scored by a linear model over
 * sparse features (what the question asks, the span's shape and word
 * endings, its neighbours', its distance to the question's words, its
 * sentence, whether a template found it).  The weights come from data/ranker.weights,
 * written by `vzask train`; a feature is named "template|value|value" in
 * that file and looked up by a hash of its parts.
 */
#ifndef VZ_RANKER_H
#define VZ_RANKER_H

#include <stddef.h>
#include <stdint.h>

typedef struct vz_ranker vz_ranker;     /* the model: read-only once loaded */

/* Load ranker.weights (from data_dir when it has one, else built in).
 * A model with no weights is valid: vz_ranker_empty then says so. */
int  vz_ranker_load(vz_ranker **out, const char *data_dir);
void vz_ranker_free(vz_ranker *m);
int  vz_ranker_empty(const vz_ranker *m);
/* How many of the best sentences the model reads (its "@sentences" line). */
size_t vz_ranker_sentences(const vz_ranker *m);
/* The share of the ranker's best answer from which it overrules an
 * answer the templates would give (its "@sure" line; 1: never): weights
 * learned on an encyclopaedia know news less than templates made for it. */
double vz_ranker_sure(const vz_ranker *m);

/* A word of a sentence as the caller read it. */
typedef struct {
    uint32_t start, end;     /* bytes in the sentence's text */
    unsigned flags;          /* VZ_TOK_* */
    int asked;               /* stands for a word of the question */
    int own;                 /* is one of the question's words, not a synonym's */
    int focus;               /* a word of the question's focus ("year") */
    double idf;              /* of the question's word it stands for */
    int place;               /* its question word's place after the wh-phrase: 1 the
                              * first key term there, 2 the second, ...; 0 before it */
} vz_rk_token;

typedef struct {
    const char *text;        /* the sentence */
    size_t len;
    const vz_rk_token *tok;
    size_t ntok;
    double score;            /* its score over the best sentence's */
    double total_idf;        /* the question's words' IDF summed: coverage's unit */
} vz_rk_sentence;

/* A span found by a template: rank among the template answers, from 1. */
typedef struct {
    size_t sent;             /* index of its sentence */
    size_t start, end;       /* bytes in that sentence */
    int rank;
} vz_rk_marked;

typedef struct {
    const char *type;        /* the answer type's name ("date") */
    const char *label;       /* the deciding rule's label; "" none */
    char wh[16], wh2[40];    /* "how", "how many" */
    char pre[16];            /* the word before the wh-word ("in" of "in what year"); "" none */
} vz_rk_question;

typedef struct {
    size_t sent, i, j;       /* words [i, j) of sentence sent */
    size_t start, end;       /* bytes in the sentence */
    double score, prob;      /* the model's score; softmax share */
    size_t first, nfeat;     /* its features' keys: keys[first, first + nfeat) */
} vz_rk_span;

typedef struct {
    vz_rk_span *span;
    size_t n, cap;
    uint64_t *keys;          /* every span's features, one array */
    size_t nkeys, capkeys;
    /* vz_rk_rank only: span[] is in reading order, sentence by sentence
     * (reading), and its best spans are copied to best[0, nbest), best
     * first. */
    int reading;
    vz_rk_span *best;
    size_t nbest;
    /* vz_rk_rank only: sentence k's spans are span[open[2k], open[2k + 2]):
     * its chunks, in order of their first word and at most widest words
     * long, then from open[2k + 1] its marks that are none. */
    size_t *open, nsent, widest;
    /* Scoring's working room (its memos and per-word arrays), kept with
     * the spans for the next question. */
    struct rk_room *room;
} vz_rk_spans;

/* Names of features, kept while training so the weights file can say
 * them; NULL when not training. */
typedef struct vz_rk_names vz_rk_names;
int  vz_rk_names_new(vz_rk_names **out);
void vz_rk_names_free(vz_rk_names *n);
/* The name of key, or NULL when it was never seen. */
const char *vz_rk_names_get(const vz_rk_names *n, uint64_t key);

/* The question's wh-words ("how", "how many") from its text. */
void vz_rk_question_init(vz_rk_question *q, const char *text, size_t len, const char *type,
                         const char *label);

/* The spans of sentences[0, nsent) with their scores, best first,
 * probabilities by softmax; with names (training) their features' keys
 * too, and the features' names in names.  names may be NULL. */
int  vz_rk_score(const vz_ranker *m, const vz_rk_question *q, const vz_rk_sentence *sent,
                 size_t nsent, const vz_rk_marked *marked, size_t nmarked, vz_rk_names *names,
                 vz_rk_spans *out);
void vz_rk_spans_free(vz_rk_spans *s);
/* Emptied for reuse by the next vz_rk_score or vz_rk_rank: no spans, their
 * room kept (vz_rk_spans_free frees it). */
void vz_rk_spans_empty(vz_rk_spans *s);
/* vz_rk_score's scores and shares without sorting every span (scoring,
 * no names): the spans stay in reading order, and only the best `want`
 * are put in vz_rk_score's order (out->best).  What reads the spans in
 * their order reads those, or the few near a place (vz_rk_overlapping);
 * vz_rk_expected_f1 reads either form. */
int  vz_rk_rank(const vz_ranker *m, const vz_rk_question *q, const vz_rk_sentence *sent,
                size_t nsent, const vz_rk_marked *marked, size_t nmarked, size_t want,
                vz_rk_spans *out);
/* The spans of sentence sent over any of its bytes [start, end), in
 * vz_rk_score's order, into *out (malloc'd, *n of them; the caller frees
 * it); sp is either form. */
int  vz_rk_overlapping(const vz_rk_spans *sp, size_t sent, size_t start, size_t end,
                       const vz_rk_span ***out, size_t *n);

/* The F1 span s is expected to score, the spans' shares taken as the odds
 * that each is the answer (minimum Bayes risk): a span that overlaps much
 * of the model's belief beats a narrow peak beside it. */
double vz_rk_expected_f1(const vz_rk_spans *sp, const vz_rk_span *s);

/* ---- training (one thread, the model changes) ---- */

/* A model with no weights, to train. */
int  vz_ranker_new(vz_ranker **out);
/* One step of softmax regression with AdaGrad and L2: the spans with
 * gold[i] != 0 are right.  The loss (minus the log of the right spans'
 * share) goes to *loss. */
/* Training counts each feature's questions first (one call a question):
 * only features seen in enough of them are learned. */
int  vz_ranker_count(vz_ranker *m, const vz_rk_spans *s);
int  vz_ranker_train_step(vz_ranker *m, const vz_rk_spans *s, const unsigned char *gold,
                          double rate, double l2, double *loss);
/* Write the weights of at least min_weight in size, named, best known
 * first, after header (comment lines, each '#'-prefixed). */
int  vz_ranker_save(const vz_ranker *m, const vz_rk_names *names, const char *header,
                    double min_weight, const char *path);

#endif
