/*
 * analyse.h - the analyser shared by documents and questions: UTF-8
 * validation, tokenising, NFKC + case fold + accent stripping (utf8proc),
 * stop words (data/stopwords.txt) and Snowball English stemming
 * (libstemmer).  Every token keeps its byte offsets in the analysed text.
 */
#ifndef VZ_ANALYSE_H
#define VZ_ANALYSE_H

#include <stddef.h>

/* Bumped whenever a change to this file's behaviour changes index terms;
 * the index records it and rebuilds itself when it differs. */
#define VZ_ANALYSER_VERSION 2

/* Token flags. */
enum {
    VZ_TOK_STOP    = 1u << 0,  /* normalised form is a stop word */
    VZ_TOK_NUMBER  = 1u << 1,  /* digits, with , or . between digits ("4,054" -> "4054") */
    VZ_TOK_CAPITAL = 1u << 2,  /* first character is upper case in the text */
    VZ_TOK_UPPER   = 1u << 3,  /* every letter is upper case ("US", "U.S.", "NATO") */
    VZ_TOK_ACRONYM = 1u << 4,  /* dotted letters: "U.S." -> "us" */
    VZ_TOK_JOINED  = 1u << 5   /* glued to the previous token by a hyphen ("Apollo-11") */
};

typedef struct {
    size_t start, end;   /* [start, end) byte offsets of the token in the text */
    const char *norm;    /* normalised form (NFKC, case folded, accents stripped,
                            ’ -> ', dots/commas of acronyms and numbers removed);
                            NUL-terminated; valid only during the callback */
    size_t norm_len;
    const char *stem;    /* Snowball stem of norm (numbers: norm itself);
                            valid only during the callback */
    size_t stem_len;
    unsigned flags;      /* VZ_TOK_* */
    size_t index;        /* 0-based position among the text's tokens */
} vz_token;

/* Return non-zero to stop the analysis; vz_analyse then returns that value. */
typedef int (*vz_token_fn)(const vz_token *tok, void *ctx);

/* A set of stop words, read-only once built: shareable between threads. */
typedef struct vz_stoplist vz_stoplist;
/* Build from data/stopwords.txt-style text (one word per line, '#'
 * comments).  Words are normalised like tokens.  VZ_OK / VZ_ENOMEM. */
int  vz_stoplist_new(vz_stoplist **out, const char *text, size_t len);
void vz_stoplist_free(vz_stoplist *s);
/* Is the normalised word a stop word? */
int  vz_stoplist_has(const vz_stoplist *s, const char *norm, size_t len);
/* A hash of the list's contents, for the index fingerprint. */
unsigned long long vz_stoplist_hash(const vz_stoplist *s);

/* An analyser owns a Snowball stemmer and scratch space: one per thread.
 * stop may be NULL (no stop words); it is borrowed and must outlive it. */
typedef struct vz_analyser vz_analyser;
int  vz_analyser_new(vz_analyser **out, const vz_stoplist *stop);
void vz_analyser_free(vz_analyser *a);

/* Tokenise text[0, len) and call fn for every token in order (stop words
 * included, flagged).  Returns VZ_OK, fn's non-zero value, VZ_ENOMEM, or
 * VZ_EINVAL for invalid UTF-8 (the message gives the byte offset). */
int vz_analyse(vz_analyser *a, const char *text, size_t len, vz_token_fn fn, void *ctx);
/* vz_analyse for an index: fn sees only the tokens that are not stop
 * words (each with the index it has among all the tokens). */
int vz_analyse_terms(vz_analyser *a, const char *text, size_t len, vz_token_fn fn, void *ctx);

/* The stemming step alone: Snowball English stem of an already normalised
 * word.  Returns a pointer valid until the next call on a, or NULL on
 * allocation failure; *stem_len receives its length. */
const char *vz_analyser_stem(vz_analyser *a, const char *word, size_t len, size_t *stem_len);

/* Normalise one UTF-8 string as tokens are (NFKC, case fold, strip
 * accents) into a malloc'd string; NULL on invalid UTF-8 or no memory. */
char *vz_normalise(const char *text, size_t len, size_t *out_len);

#endif
