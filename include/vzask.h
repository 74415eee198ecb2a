/*
 * vzask.h - the public interface of vzask, a question-answering engine over
 * a folder of English text documents.
 *
 * This is the only public header; it reads as the library's documentation
 * (man 3 vzask sums it up; examples/repl.c is a whole program).  Link with
 * `pkg-config --cflags --libs vzask` after `make install`.
 *
 * Conventions, true of every function below unless its comment says
 * otherwise:
 * - A function that can fail returns a vz_status (VZ_OK is 0) and, on
 *   failure, sets the calling thread's vz_last_error() message.  It sets
 *   its output pointer to NULL first, so nothing is left to free after a
 *   failure.
 * - Accessors (vz_result_*, vz_answer_*, vz_citation_*, vz_search_result_*,
 *   vz_passage_*) cannot fail: given NULL, or an index out of range, they
 *   return NULL or 0.  They only read, so any number of threads may read
 *   one result at once; freeing it must wait until they are done.
 * - A returned string is NUL-terminated UTF-8, owned by the object it came
 *   from and valid until that object is freed: never free it yourself.
 * - Results and search results are the caller's: they stay valid after
 *   their engine is closed.
 * - The library prints nothing, never exits and keeps no global mutable
 *   state: everything lives in the objects the caller holds.
 */
#ifndef VZASK_H
#define VZASK_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define VZ_EXTERN __attribute__((visibility("default")))
#else
#define VZ_EXTERN
#endif

#define VZ_VERSION_MAJOR 0
#define VZ_VERSION_MINOR 1
#define VZ_VERSION_PATCH 0

/* The library's version as "MAJOR.MINOR.PATCH".  Static string; thread-safe. */
VZ_EXTERN const char *vz_version(void);

/*
 * Status codes.  The numbers never change; new codes are added at the end.
 */
typedef enum {
    VZ_OK = 0,        /* success */
    VZ_EINVAL = 1,    /* invalid argument (NULL, bad UTF-8, empty question...) */
    VZ_ENOMEM = 2,    /* out of memory */
    VZ_ECORPUS = 3,   /* the corpus folder is missing, empty or unreadable */
    VZ_EINDEX = 4,    /* the index file is corrupt, foreign, newer or unwritable */
    VZ_EIO = 5,       /* an operating-system I/O error */
    VZ_EINTERNAL = 6  /* a bug or a failure of a dependency */
} vz_status;

/* A short English description of a status code ("out of memory").  Static
 * string; unknown codes give "unknown status".  Thread-safe. */
VZ_EXTERN const char *vz_status_str(int status);

/* The message of the last failure in the calling thread: what happened and
 * what to do.  Each thread has its own.  Valid until the next vzask call in
 * the same thread; never NULL (empty when no failure was recorded). */
VZ_EXTERN const char *vz_last_error(void);

/* The longest question or query, in bytes: a longer one is VZ_EINVAL. */
#define VZ_MAX_QUESTION 8192

/* ---- Engines ------------------------------------------------------------ */

typedef struct vz_engine vz_engine;       /* opaque; thread-safe */
typedef struct vz_result vz_result;       /* opaque; owned by the caller */
typedef struct vz_answer vz_answer;       /* borrowed from its result */
typedef struct vz_citation vz_citation;   /* borrowed from its answer */

#define VZ_ENGINE_OPTIONS_VERSION 1

/* Open flags.  VZ_OPEN_NO_REBUILD is another name of VZ_OPEN_READONLY. */
#define VZ_OPEN_READONLY   (1u << 0)  /* never write the index: one that is missing,
                                         stale, broken or newer is VZ_EINDEX */
#define VZ_OPEN_NO_REBUILD VZ_OPEN_READONLY
#define VZ_OPEN_REBUILD    (1u << 1)  /* build the index anew even when it is fresh */

/* Set up with VZ_ENGINE_OPTIONS_INIT, then change what you need: the
 * version lets the structure grow without breaking callers.  The strings
 * are read during vz_engine_open only. */
typedef struct {
    unsigned version;          /* VZ_ENGINE_OPTIONS_VERSION */
    const char *corpus_dir;    /* a folder of *.txt files (UTF-8); NULL: the
                                  bundled corpus, or once installed
                                  PREFIX/share/vzask/corpus */
    const char *index_path;    /* NULL: a cache file under $XDG_CACHE_HOME/vzask
                                  (~/.cache/vzask), named after the corpus */
    unsigned flags;            /* VZ_OPEN_* */
    const char *data_dir;      /* NULL: the built-in data files; else an existing
                                  folder whose files replace them by name */
    void (*note)(const char *message, void *ctx);   /* NULL, or told (in the calling
                                  thread) before a slow step such as building the index */
    void *note_ctx;            /* passed to note */
    const char *unit;          /* the passages retrieval ranks: NULL or "paragraph"
                                  (the default), or "sentence" */
} vz_engine_options;
#define VZ_ENGINE_OPTIONS_INIT { VZ_ENGINE_OPTIONS_VERSION, NULL, NULL, 0, NULL, NULL, NULL, NULL }

/* Open an engine over a corpus folder, building or rebuilding its index
 * when it is missing or stale (in a temporary file beside index_path,
 * renamed into place when complete: nothing else is written).  opts may be
 * NULL (the defaults).  On success *out owns the engine: close it with
 * vz_engine_close.  Errors:
 *   VZ_EINVAL   out is NULL; an options version other than
 *               VZ_ENGINE_OPTIONS_VERSION; an unknown unit; READONLY with
 *               REBUILD; a data_dir that is missing or not a folder
 *   VZ_ECORPUS  the corpus folder does not exist or is not a folder; it
 *               holds no regular .txt file (folders and FIFOs named *.txt
 *               are skipped, never opened); a document cannot be read or is
 *               not UTF-8.  Reported before any index problem.  (An empty
 *               .txt is a document without text.)
 *   VZ_EINDEX   the file at index_path is not a vzask index (it is never
 *               replaced, whatever the flags); the index's folder is
 *               missing, not a folder or refuses files; with
 *               VZ_OPEN_READONLY, the index is missing, stale, corrupt,
 *               truncated or from a newer vzask (without it, such an index
 *               is rebuilt)
 *   VZ_EIO      the disk is full or an I/O error; a data file that is not a
 *               regular file
 *   VZ_ENOMEM
 * Thread-safe: engines are independent of each other. */
VZ_EXTERN int vz_engine_open(vz_engine **out, const vz_engine_options *opts);

/* Close an engine and free everything it holds; NULL is a no-op.  No
 * other call on this engine may be running or start; results it gave stay
 * valid. */
VZ_EXTERN void vz_engine_close(vz_engine *engine);

#define VZ_INDEX_STATS_VERSION 1

typedef struct {
    unsigned version;          /* VZ_INDEX_STATS_VERSION, set by the caller */
    size_t documents;          /* the corpus's .txt files */
    size_t paragraphs;
    size_t sentences;
    size_t passages;           /* the units retrieval ranks */
    size_t terms;              /* distinct index terms (stems) */
    long long built_at;        /* when the index was built, in seconds since the Epoch */
    double build_seconds;      /* how long building it took (0: not recorded) */
    const char *unit;          /* "paragraph" or "sentence" */
    const char *corpus_dir;    /* the corpus folder */
    const char *index_path;    /* the index file */
} vz_index_stats;
#define VZ_INDEX_STATS_INIT { VZ_INDEX_STATS_VERSION, 0, 0, 0, 0, 0, 0, 0, NULL, NULL, NULL }

/* Fill *stats, set up with VZ_INDEX_STATS_INIT, with the statistics of
 * the engine's index.  Its strings live as long as the engine.  Errors:
 * VZ_EINVAL (NULL arguments, a version other than VZ_INDEX_STATS_VERSION).
 * Thread-safe. */
VZ_EXTERN int vz_engine_stats(const vz_engine *engine, vz_index_stats *stats);

/* ---- Asking ---------------------------------------------------------------- */

#define VZ_ASK_OPTIONS_VERSION 1

#define VZ_ASK_NO_ABSTAIN (1u << 0)   /* return the best answers even below the threshold */
#define VZ_ASK_EXPLAIN    (1u << 1)   /* keep an explanation (vz_result_explain) */

/* Set up with VZ_ASK_OPTIONS_INIT.  Read during vz_ask only. */
typedef struct {
    unsigned version;          /* VZ_ASK_OPTIONS_VERSION */
    unsigned max_answers;      /* at most this many answers; 0: the default (3) */
    const char *const *docs;   /* restrict to these document ids, or NULL */
    size_t ndocs;
    unsigned flags;            /* VZ_ASK_* */
} vz_ask_options;
#define VZ_ASK_OPTIONS_INIT { VZ_ASK_OPTIONS_VERSION, 0, NULL, 0, 0 }

/* Answer a question: UTF-8, len bytes (no NUL needed).  opts may be NULL.
 * On success *out owns a result (free it with vz_result_free), answered or
 * not: an abstention is a result, not an error.  Errors:
 *   VZ_EINVAL   NULL engine, question or out; an empty or all-blank
 *               question; invalid UTF-8; an embedded NUL; more than
 *               VZ_MAX_QUESTION bytes; an unknown document id; an options
 *               version other than VZ_ASK_OPTIONS_VERSION
 *   VZ_EINDEX   the index file was damaged after the engine opened it
 *   VZ_ENOMEM
 * Thread-safe: any number of threads may ask one engine at once, and each
 * gets the result it would get alone.  Each call running at the same time
 * uses a reader of its own (an SQLite connection and a stemmer, made on
 * first need); the engine keeps them for later calls until
 * vz_engine_close, so it holds as many as the most calls that ever ran at
 * once. */
VZ_EXTERN int vz_ask(vz_engine *engine, const char *question, size_t len,
                     const vz_ask_options *opts, vz_result **out);

/* Free a result and everything borrowed from it; NULL is a no-op. */
VZ_EXTERN void vz_result_free(vz_result *result);

/* 1 when the result holds at least one answer, 0 when the engine abstained
 * (the caller then says "The corpus does not say."). */
VZ_EXTERN int vz_result_answered(const vz_result *r);
/* The detected answer type: "count", "quantity", "person", "organization",
 * "place", "date", "list", "description" or "unknown".  Static string. */
VZ_EXTERN const char *vz_result_type(const vz_result *r);
/* The number of answers: 0 when abstained, at most max_answers. */
VZ_EXTERN size_t vz_result_answer_count(const vz_result *r);
/* Answer i (best first), or NULL when i is out of range.  Lives as long as r. */
VZ_EXTERN const vz_answer *vz_result_answer(const vz_result *r, size_t i);
/* The result as the JSON object of `vzask ask --json` (schema 1), a new
 * string the caller frees with vz_free.  NULL when out of memory (or r is
 * NULL).  Asked with VZ_ASK_EXPLAIN, it holds the explanation as "explain". */
VZ_EXTERN char *vz_result_json(const vz_result *r);
/* With VZ_ASK_EXPLAIN: the question analysis, passages and candidate scores
 * as text; else NULL.  Lives as long as r. */
VZ_EXTERN const char *vz_result_explain(const vz_result *r);
/* Free memory vzask returned for the caller to free (vz_result_json);
 * NULL is a no-op. */
VZ_EXTERN void vz_free(void *p);

/* The short answer (a few words, or a list's items joined as written).
 * Lives as long as the result. */
VZ_EXTERN const char *vz_answer_text(const vz_answer *a);
/* How sure the engine is, in [0, 1]; the engine abstains below its
 * threshold unless asked with VZ_ASK_NO_ABSTAIN. */
VZ_EXTERN double vz_answer_confidence(const vz_answer *a);
/* List answers: the number of items (0 for other answers) and item i
 * (NULL out of range; lives as long as the result). */
VZ_EXTERN size_t vz_answer_item_count(const vz_answer *a);
VZ_EXTERN const char *vz_answer_item(const vz_answer *a, size_t i);
/* The number of citations (at least 1 for an answer), and citation i, or
 * NULL out of range; it lives as long as the result. */
VZ_EXTERN size_t vz_answer_citation_count(const vz_answer *a);
VZ_EXTERN const vz_citation *vz_answer_citation(const vz_answer *a, size_t i);

/* The document id (file name without .txt), its title and dateline date
 * (NULL when unknown), the cited sentence, and its byte offsets [start, end)
 * in the raw file: the file's bytes start..end are exactly the sentence.
 * The strings live as long as the result. */
VZ_EXTERN const char *vz_citation_doc(const vz_citation *c);
VZ_EXTERN const char *vz_citation_title(const vz_citation *c);
VZ_EXTERN const char *vz_citation_date(const vz_citation *c);
VZ_EXTERN const char *vz_citation_sentence(const vz_citation *c);
VZ_EXTERN size_t vz_citation_start(const vz_citation *c);
VZ_EXTERN size_t vz_citation_end(const vz_citation *c);
/* The answer's own words in the same file, [*start, *end) within the
 * sentence's span; returns 1, or 0 (leaving *start and *end alone) when
 * the answer is not a literal span of this citation.  start and end may be
 * NULL. */
VZ_EXTERN int vz_citation_answer_span(const vz_citation *c, size_t *start, size_t *end);

/* ---- Searching passages ------------------------------------------------ */

typedef struct vz_search_result vz_search_result; /* opaque; owned by the caller */
typedef struct vz_passage vz_passage;             /* borrowed from its search result */

#define VZ_SEARCH_OPTIONS_VERSION 1
#define VZ_SEARCH_MAX 1000            /* the most passages one search returns */

#define VZ_SEARCH_NO_TEXT (1u << 0)   /* leave out the passages' text (faster) */
#define VZ_SEARCH_MATCHES (1u << 1)   /* find the query's words in each text
                                         (none with VZ_SEARCH_NO_TEXT) */

/* Set up with VZ_SEARCH_OPTIONS_INIT.  Read during vz_search only. */
typedef struct {
    unsigned version;          /* VZ_SEARCH_OPTIONS_VERSION */
    unsigned max_passages;     /* 0: the default (5); at most VZ_SEARCH_MAX */
    const char *const *docs;   /* restrict to these document ids, or NULL */
    size_t ndocs;
    unsigned context;          /* widen each passage by this many sentences on
                                  each side, within its document */
    unsigned flags;            /* VZ_SEARCH_* */
} vz_search_options;
#define VZ_SEARCH_OPTIONS_INIT { VZ_SEARCH_OPTIONS_VERSION, 0, NULL, 0, 0, 0 }

/* Rank the corpus's passages for a query (BM25 over the stems of its words
 * that are not stop words): UTF-8, len bytes.  opts may be NULL.  On success
 * *out owns a search result (free it with vz_search_result_free), possibly
 * of no passage.  Errors: VZ_EINVAL (as for vz_ask's question, and more
 * than VZ_SEARCH_MAX passages asked), VZ_EINDEX, VZ_ENOMEM.  Thread-safe,
 * like vz_ask: each call running at once uses a reader of its own. */
VZ_EXTERN int vz_search(vz_engine *engine, const char *query, size_t len,
                        const vz_search_options *opts, vz_search_result **out);
/* Free a search result and its passages; NULL is a no-op. */
VZ_EXTERN void vz_search_result_free(vz_search_result *result);
/* The number of passages found, best first. */
VZ_EXTERN size_t vz_search_result_count(const vz_search_result *r);
/* The number of words of the query that were searched for: 0 when it held
 * only stop words, so that nothing could match. */
VZ_EXTERN size_t vz_search_result_terms(const vz_search_result *r);
/* Passage i, or NULL when i is out of range.  Lives as long as r. */
VZ_EXTERN const vz_passage *vz_search_result_passage(const vz_search_result *r, size_t i);

/* The passage's document id, the document's title, dateline date and
 * outlet (NULL when unknown), and the passage's BM25 score. */
VZ_EXTERN const char *vz_passage_doc(const vz_passage *p);
VZ_EXTERN const char *vz_passage_title(const vz_passage *p);
VZ_EXTERN const char *vz_passage_date(const vz_passage *p);
VZ_EXTERN const char *vz_passage_outlet(const vz_passage *p);
VZ_EXTERN double vz_passage_score(const vz_passage *p);
/* An id for run files: the document id when the document is one passage,
 * else "DOC:START-END" with the passage's own byte offsets (before any
 * context widening). */
VZ_EXTERN const char *vz_passage_id(const vz_passage *p);
/* The byte offsets [start, end) of the passage (widened by the context)
 * in the raw file, and its text: exactly those bytes, NUL-terminated;
 * NULL with VZ_SEARCH_NO_TEXT. */
VZ_EXTERN size_t vz_passage_start(const vz_passage *p);
VZ_EXTERN size_t vz_passage_end(const vz_passage *p);
VZ_EXTERN const char *vz_passage_text(const vz_passage *p);
/* With VZ_SEARCH_MATCHES: how many words of the text are words of the
 * query, and the file's byte offsets [start, end) of match i (returns 0
 * when i is out of range). */
VZ_EXTERN size_t vz_passage_match_count(const vz_passage *p);
VZ_EXTERN int vz_passage_match(const vz_passage *p, size_t i, size_t *start, size_t *end);

#ifdef __cplusplus
}
#endif

#endif /* VZASK_H */
