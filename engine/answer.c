/*
 * answer.c - implements vz_ask: question analysis, passage retrieval,
 * candidate answers from the templates of the question's type, scoring,
 * merging of equal answers with their citations, confidence and abstention.
 *
 * A candidate's score is the product of its passage's BM25 score (relative
 * to the best passage), how much of the question its sentence covers (IDF
 * weighted, synonyms counting for their word), and how close it stands to
 * the question's words in the sentence; equal answers add up their scores.
 * The confidence is the coverage of the best supporting sentence (with the
 * names of the sentence before it) times the answer's closeness and fit
 * there, so a question whose rare words the corpus lacks is not answered
 * (a fifth more when a template made for the question's label found it);
 * it is halved when that sentence's article never names a name the
 * question names.  A definite description ("the Norwegian leader", a
 * "refer" rule of templates.rules) stands for the name the article gave
 * that role or kind: it tells that name's key terms, and in the slot the
 * question asks of it answers with the name.
 */
#include "engine.h"
#include "result.h"
#include "util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PASSAGES 15          /* passages read for candidates, at most, */
#define PASSAGE_SENTENCES 40 /* ... and none more once this many sentences are read:
                                long paragraphs hold as much in fewer passages */
#define MAX_OCC 3            /* citations kept per answer */
#define MAX_WORDS 8          /* a factoid answer has at most this many words */
#define ABSTAIN_BELOW 0.301  /* confidence threshold (see README), above OTHER_LABEL_FIT: another form stays unsure */
#define DEFAULT_ANSWERS 3
#define SENTENCES 12         /* best sentences read for candidates */
#define SENTENCE_FLOOR 0.1   /* ... at least this share of the best one's score */
#define PHRASE_WEIGHT 0.8    /* a plain phrase against a typed template's 1.0 */
#define PRECEDING 0.5        /* a phrase before the question's words, not after */
#define FOCUS_BONUS 2.0      /* an answer named with the question's focus */
#define UNFOCUSED 0.3        /* an answer not so named when others are */
#define WEAK_WEIGHT 0.2      /* an answer a "weak" template matches */
#define SHORT_PHRASE 3       /* longer phrases lose a fifth a word */
#define MAX_KEYS 64          /* key terms tracked per sentence */
#define NAMED_MEMO 16        /* articles judge_names remembers per question */
#define UNLABELLED_FIT 0.6   /* see label_fit */
#define OTHER_LABEL_FIT 0.3
#define FALLBACK_FIT 0.5
#define LIST_UNION 0.4       /* lists within this share of the best join it */
#define ALIAS_STEM 24        /* longest surname stem kept, with its NUL */
#define MAX_ALIASES 16       /* surnames read as the names they end */
#define OBJECT_BONUS 1.5     /* a description in the object slot of the question's verb */
#define HEDGED 0.4           /* a sentence that only asks, plans or fears what was asked */
#define UNNAMED 0.5          /* an answer whose article never names a name the question names */
#define OWN_SURE 1.2         /* an answer a template made for the question's label found */
#define MAX_APART 4          /* spans set apart ("excluding Portugal") kept per sentence */
#define HOP_COVERAGE 0.8     /* a sentence that tells this much of the question may name its subject */
#define MAX_HOPS 4           /* words of such names searched for again */
#define OTHER_FORM 0.1       /* an answer of a form that cannot be what was asked */
#define UNTOLD_VERB 0.5      /* an answer whose sentence lacks the question's main verb */
#define SUBJECT_REACH 4      /* words of a perfect question's subject before its verb */
#define TITLE_CLASS "titleword"     /* the class rule of words that name an office */
#define FATE_CLASS "fateword"       /* ... and of verbs that say what befell the counted */
#define NUMERAL_CLASS "numeral"     /* ... and of the words of a number ("two", "million") */
#define PERFECT_CLASS "perfect"     /* ... and of the auxiliaries of the perfect */
#define INSTITUTION "institution"   /* the label of person templates that find bodies */
#define STRICT_CLASS "strictlabel"  /* ... and of question labels only their own templates answer */
#define FATE_REACH 3         /* words after a count that may hold its verb */
#define MAX_REFS 8           /* references resolved per sentence */
#define MBR_SPANS 8          /* the ranker's best spans weighed as answers */
#define MARKED 3             /* template answers whose sentences the ranker reads too */
#define MAX_ASKED 64         /* question's words of a sentence listed for proximity */
#define KEPT_MEMO 256        /* words of a sentence whose kept_word is remembered */

typedef struct {
    char *stem;
    char *norm;              /* a key term's spelling in the question; NULL: a synonym's */
    double idf;              /* for coverage: absent terms count as rarest */
    int key;                 /* index of the key term it stands for */
    int adverb;              /* a key term the question writes in -ly */
    int given;               /* a noun the question names as known: "owned the trawler" */
    int place;               /* after the cue, the nth key term from 1; 0 before it */
} qword;

typedef struct {
    uint32_t doc, sent_start, sent_end, ans_start, ans_end;
} occurrence;

typedef struct candidate {
    char *key, *text;        /* in the question's pool (pool_take) */
    size_t room;             /* bytes text has room for, with its NUL */
    uint64_t hash;           /* of key (key_hash), for a->cindex */
    double score, best, coverage;
    double quality;          /* best coverage x closeness x fit of one occurrence */
    double factor[3];        /* those three, for --explain */
    int weak;                /* a "weak" template matches its text; -1: not judged yet */
    const char *first;       /* the text of its first sighting, which weak judges */
    size_t first_len;        /* (in a reading, alive as long as the question) */
    int focused;             /* named with the question's focus once */
    int named;               /* it opens with a capital: names, not kinds */
    int in_class;            /* a member of the class the question names */
    int own;                 /* a template made for the question's label found it */
    int framed;              /* a template found it, or a phrase where the question's verb
                              * wants its object */
    int set_apart;           /* set apart from the rest, as a negated question asks */
    uint64_t covered;        /* key terms of every sentence it was found in */
    uint32_t doc;            /* the article of the sighting its quality is from */
    int unnamed;             /* that article lacks a name of the question (judged late) */
    int verbless;            /* that sighting lacks the question's verb (judged late) */
    /* For the features line of --explain (explain_features): */
    uint64_t told_keys;      /* key terms the quality sighting tells, names before it too */
    double bare;             /* the best quality as if no sentence were hedged */
    int sightings;           /* sentences it was found in */
    uint32_t last_sid;       /* the last of them, plus one (a sentence's finds come together) */
    uint64_t docs;           /* articles it was found in, bit doc % 64 (a count, not a set) */
    double learned;          /* the span ranker's share of it */
    int judged;              /* its verb and names are (judge) */
    occurrence occ[MAX_OCC];
    size_t nocc;
} candidate;

typedef struct ranked {
    uint32_t sid;
    double passage;          /* its passage's BM25 score over the best one's */
    double own, near;        /* coverage alone; with the previous sentence */
    uint64_t prev;           /* the previous sentence's key terms (see score_sentences) */
    double score;
    struct reading *rd;      /* the sentence read, kept for its candidates */
} ranked;

/* What a reader keeps from question to question (its aux: one per reader,
 * so per thread): the extraction cache, and room a question takes again
 * instead of allocating it and faulting its pages in anew. */
typedef struct {
    vz_xcache *xc;           /* NULL: extraction goes uncached */
    struct chunk *spare;     /* the last questions' pool chunks, emptied */
    size_t nspare;
    vz_rk_spans spans;       /* the ranker's spans, emptied (vz_rk_spans_empty) */
    /* asking's arrays and buffers of the same names, their room kept: */
    struct ranked *sents;
    size_t capsents;
    struct candidate *cands;
    size_t capcands;
    struct cand_slot *cindex;
    size_t cindex_room;
    vz_buf packing, keying;
    struct reading *article; /* judge_names's, its room kept; NULL until one */
} carried;

typedef struct {
    vz_engine *e;
    vz_reader *r;
    vz_xcache *xc;           /* the reader's extraction cache; NULL: none */
    carried *carry;          /* the reader's room; NULL: none */
    vz_qtype qt;
    const char *q;
    size_t qlen;
    /* The question's words and stems are in its pool (pool_grow). */
    qword *words;            /* key terms first, then synonyms */
    size_t nwords, nkeys, capwords;
    char **cue;              /* stems of the cue's words ("which TV channel") */
    size_t ncue, capcue;
    char **focus;            /* stems of the focus's words ("channel") */
    size_t nfocus, capfocus;
    char **initials;         /* stems of words written in capitals ("US", "U.N.") */
    size_t ninitials, capinitials;
    uint64_t capitalised;    /* key terms capitalised inside the question ("Portugal") */
    uint64_t names;          /* key terms that are names (find_names) */
    uint64_t lower;          /* ... and those the sentences read write in lower case */
    uint64_t titles;         /* key terms that name the office asked for ("prime minister") */
    uint64_t fates;          /* key terms that say what befell the counted ("injured") */
    uint64_t verb;           /* the key term of a perfect question's verb ("has he visited") */
    int strict;              /* only a template made for the question's label has its form */
    uint64_t absent;         /* key terms the corpus lacks, synonyms and all (--explain) */
    double total_idf;
    ranked *sents;
    size_t nsents, capsents;
    /* The words of sents that stand for a key term, in reading order (in
     * the pool): what the passes over names, aliases and definites read. */
    struct keyed {
        uint32_t sent, word;
    } *keyed;
    size_t nkeyed;
    candidate *cands;
    size_t ncands, capcands;
    /* Where each candidate's key is (find_or_add): slots of index + 1 by
     * the key's hash, 0 empty; it holds cands[0, indexed), and is made
     * again when candidates move (indexed is then set to 0). */
    struct cand_slot {
        uint64_t hash;
        size_t at;
    } *cindex;
    size_t cslots, indexed, cindex_room;   /* cindex has room for cindex_room slots */
    /* The candidate of each sighting's text (candidate_of), by the hash of
     * its bytes: slots of index + 1, 0 empty, from the pool; emptied when
     * candidates move. */
    struct seen {
        uint64_t hash;
        const char *text;
        size_t len, at;
    } *seen;
    size_t seen_slots, nseen;
    struct alias {
        char stem[ALIAS_STEM];
        int key;             /* the key term whose name it ends */
    } alias[MAX_ALIASES];
    size_t nalias;
    struct hop {
        char stem[ALIAS_STEM];
        int key;             /* the role word the name follows ("firefighter") */
        uint64_t covered;    /* what the naming sentence tells of the question */
    } hop[MAX_HOPS];
    size_t nhop;
    int hedged;              /* the question itself asks of a request or a plan */
    int negated;             /* the question asks of what was not done */
    int subject_of;          /* the key term whose subject is asked ("who was expected"); -1 */
    const char *class_label; /* a cue word that names a class ("arab"); NULL: none */
    double hop_passage;      /* the best passage score of a sentence that gave a hop */
    vz_buf explain;
    int explaining;
    const vz_span_hook *hook; /* training: spans go to it, no answers are made */
    double ceiling;          /* no answer is surer than this (see build_result) */
    uint64_t stem_filter[4]; /* a bit per hash of each stem of words, cue, focus (read_with) */
    size_t filtered[3];      /* nwords, ncue, nfocus + 1 when stem_filter was made; 0: never */
    struct chunk *pool;      /* what lives as long as the question (pool_take); pool_free */
    uint64_t phrases;        /* a bit per phrase among words[0, 64) (reading_start) */
    size_t phrased;          /* nwords + 1 when phrases was made; 0: never */
    vz_buf packing;          /* the text of a sentence read first (read_sentence) */
    vz_buf keying;           /* a sighting's key as it is made (cand_key), for every sighting */
    struct named {           /* the key terms an article holds (judge_names), read with */
        uint32_t doc;        /* ... nwords question words */
        size_t nwords;
        uint64_t covered;
    } named[NAMED_MEMO];
    size_t nnamed;
} asking;

/* ---- the question's pool ------------------------------------------------ */

/* The sentences a question reads live as long as it does: their readings
 * (and its words, candidates' keys and texts, the ranker's input) come from
 * a few large chunks instead of allocations each; the reader keeps the
 * chunks for its next question. */
#define POOL_CHUNK 32768
#define SPARE_CHUNKS 64      /* chunks a reader keeps for its next question (2 MiB) */

struct chunk {
    struct chunk *next;
    size_t used, cap;
    max_align_t data[];
};

/* n bytes from a's pool, aligned for any type; NULL when out of memory. */
static void *pool_take(asking *a, size_t n)
{
    size_t align = sizeof(max_align_t);
    n = (n + align - 1) / align * align;
    struct chunk *c = a->pool;
    if (!c || c->cap - c->used < n) {
        carried *k = a->carry;
        size_t cap = n > POOL_CHUNK ? n : POOL_CHUNK;
        if (k && k->spare && cap == POOL_CHUNK) {
            c = k->spare;
            k->spare = c->next;
            k->nspare--;
        } else if (!(c = malloc(sizeof *c + cap))) {
            return NULL;
        }
        *c = (struct chunk){a->pool, 0, cap};
        a->pool = c;
    }
    void *p = (char *)c->data + c->used;
    c->used += n;
    return p;
}

/* The pool's chunks go back to the reader for its next question, up to
 * SPARE_CHUNKS of them; the rest are freed. */
static void pool_free(asking *a)
{
    carried *k = a->carry;
    while (a->pool) {
        struct chunk *c = a->pool;
        a->pool = c->next;
        if (k && c->cap == POOL_CHUNK && k->nspare < SPARE_CHUNKS) {
            c->next = k->spare;
            k->spare = c;
            k->nspare++;
        } else {
            free(c);
        }
    }
}

/* A copy of s[0, n) with its NUL, room for room bytes, from a's pool. */
static char *pool_strndup(asking *a, const char *s, size_t n, size_t room)
{
    char *t = pool_take(a, room > n ? room : n + 1);
    if (!t) {
        vz_fail(VZ_ENOMEM, "out of memory");
        return NULL;
    }
    memcpy(t, s, n);
    t[n] = '\0';
    return t;
}

/* vz_grow with room from a's pool: the old room stays there. */
static int pool_grow(asking *a, void **items, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return VZ_OK;
    size_t ncap = *cap ? 2 * *cap : 16;
    while (ncap < need)
        ncap *= 2;
    void *p = ncap <= SIZE_MAX / elem ? pool_take(a, ncap * elem) : NULL;
    if (!p)
        return vz_fail(VZ_ENOMEM, "out of memory");
    if (*cap)
        memcpy(p, *items, *cap * elem);
    *items = p;
    *cap = ncap;
    return VZ_OK;
}

static void chunks_free(struct chunk *c)
{
    while (c) {
        struct chunk *next = c->next;
        free(c);
        c = next;
    }
}

/* ---- question words ---------------------------------------------------- */

static int same_stem(const char *s, const char *stem, size_t len)
{
    /* The first bytes first: most stems compared differ there. */
    return s[0] == (len ? stem[0] : '\0') && strlen(s) == len && !memcmp(s, stem, len);
}

static int add_word(asking *a, const char *stem, size_t len, int key, const char *norm)
{
    for (size_t i = 0; i < a->nwords; i++)
        if (same_stem(a->words[i].stem, stem, len))
            return VZ_OK;
    void *p = a->words;
    if (pool_grow(a, &p, &a->capwords, a->nwords + 1, sizeof *a->words))
        return VZ_ENOMEM;
    qword *w = a->words = p;
    w[a->nwords] = (qword){pool_strndup(a, stem, len, 0),
                           norm ? pool_strndup(a, norm, strlen(norm), 0) : NULL, 0,
                           key < 0 ? (int)a->nwords : key, 0, 0, 0};
    a->nwords++;
    if (!w[a->nwords - 1].stem || (norm && !w[a->nwords - 1].norm))
        return VZ_ENOMEM;
    return VZ_OK;
}

static int add_stem(asking *a, char ***list, size_t *n, size_t *cap, const char *stem,
                    size_t len)
{
    void *p = *list;
    if (pool_grow(a, &p, cap, *n + 1, sizeof **list))
        return VZ_ENOMEM;
    char **c = *list = p;
    if (!(c[*n] = pool_strndup(a, stem, len, 0)))
        return VZ_ENOMEM;
    (*n)++;
    return VZ_OK;
}

/* The bit of a stem in asking's stem_filter: a token whose bit is not
 * set is none of the question's words, cue or focus, and read_token
 * spares it the comparisons with each of them. */
static unsigned stem_bit(const char *stem, size_t len)
{
    unsigned h = (unsigned)len * 31u;
    if (len)
        h += (unsigned char)stem[0] * 7u + (unsigned char)stem[len - 1];
    return h & 255u;
}

static void filter_add(uint64_t *filter, const char *stem)
{
    unsigned b = stem_bit(stem, strlen(stem));
    filter[b >> 6] |= (uint64_t)1 << (b & 63);
}

static int filter_has(const uint64_t *filter, const char *stem, size_t len)
{
    unsigned b = stem_bit(stem, len);
    return (int)(filter[b >> 6] >> (b & 63) & 1);
}

/* The filter of the question's words as they are now (they only grow). */
static void set_stem_filter(asking *a)
{
    /* Words, cue and focus only grow: the same counts, the same filter,
     * which every sentence read would otherwise hash anew. */
    size_t now[3] = {a->nwords + 1, a->ncue + 1, a->nfocus + 1};
    if (!memcmp(now, a->filtered, sizeof now))
        return;
    memcpy(a->filtered, now, sizeof now);
    memset(a->stem_filter, 0, sizeof a->stem_filter);
    for (size_t i = 0; i < a->nwords; i++)
        filter_add(a->stem_filter, a->words[i].stem);
    for (size_t i = 0; i < a->ncue; i++)
        filter_add(a->stem_filter, a->cue[i]);
    for (size_t i = 0; i < a->nfocus; i++)
        filter_add(a->stem_filter, a->focus[i]);
}

static int has_stem(char *const *list, size_t n, const char *stem, size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (same_stem(list[i], stem, len))
            return 1;
    return 0;
}

/* Written as a name: capitalised, not all in capitals. */
static int is_name(unsigned flags)
{
    return (flags & VZ_TOK_CAPITAL) && !(flags & (VZ_TOK_UPPER | VZ_TOK_ACRONYM));
}

/* A token of the question, kept so that phrases can be found across
 * its words. */
typedef struct {
    size_t start, end;
    unsigned flags;
    char *stem;
    char *norm;              /* its spelling, normalised */
} qtoken;

typedef struct {
    asking *a;               /* whose pool they are in */
    qtoken *t;
    char (*forms)[VZ_FORM];
    size_t n, cap, fcap;
} qtokens;

static int keep_token(const vz_token *tok, void *ctx)
{
    qtokens *qt = ctx;
    void *p = qt->t, *f = qt->forms;
    if (pool_grow(qt->a, &p, &qt->cap, qt->n + 1, sizeof *qt->t))
        return VZ_ENOMEM;
    qt->t = p;
    if (pool_grow(qt->a, &f, &qt->fcap, qt->n + 1, sizeof *qt->forms))
        return VZ_ENOMEM;
    qt->forms = f;
    qt->t[qt->n] = (qtoken){tok->start, tok->end, tok->flags,
                            pool_strndup(qt->a, tok->stem, tok->stem_len, 0),
                            pool_strndup(qt->a, tok->norm, tok->norm_len, 0)};
    vz_phrase_form(tok, qt->forms[qt->n]);
    qt->n++;
    if (!qt->t[qt->n - 1].stem || !qt->t[qt->n - 1].norm)
        return VZ_ENOMEM;
    return VZ_OK;
}

static int in_cue(const asking *a, const qtoken *t)
{
    return a->qt.cue_end && t->start >= a->qt.cue_start && t->end <= a->qt.cue_end;
}

/* The focus and the words written in capitals, from a content word. */
static int note_token(asking *a, const qtoken *t)
{
    size_t len = strlen(t->stem);
    int rc = VZ_OK;
    if (t->start >= a->qt.focus_start && t->end <= a->qt.focus_end && a->qt.focus_end)
        rc = add_stem(a, &a->focus, &a->nfocus, &a->capfocus, t->stem, len);
    if (!rc && (t->flags & (VZ_TOK_UPPER | VZ_TOK_ACRONYM)) && len > 1)
        rc = add_stem(a, &a->initials, &a->ninitials, &a->capinitials, t->stem, len);
    return rc;
}

/* Is question token i a noun the question takes as known: after "the",
 * "this" or "that" (two lower-case modifiers may come between: "the new
 * bridge"), with a content word before it outside the cue ("who owned the
 * trawler")?  The first noun after the wh-word and its copula is what is
 * asked ("who is the festival director"); a definite noun later is an
 * argument the asker already identifies. */
static int given_in_question(const asking *a, const qtokens *qt, size_t i)
{
    static const char *const dets[] = {"the", "this", "that"};
    size_t d = i;
    for (size_t m = 0; d > 0 && m < 3; m++) {
        const qtoken *p = &qt->t[--d];
        int det = 0;
        for (size_t k = 0; k < sizeof dets / sizeof *dets; k++)
            det |= !strcmp(p->norm, dets[k]);
        if (det) {
            for (size_t c = 0; c < d; c++)
                if (!(qt->t[c].flags & VZ_TOK_STOP) && !in_cue(a, &qt->t[c]))
                    return 1;
            return 0;
        }
        if (p->flags & (VZ_TOK_CAPITAL | VZ_TOK_STOP))
            return 0;
    }
    return 0;
}

/* Word index of the question as a key term; one in -ly is marked an
 * adverb ("constantly"), which says how, not what is done.  A capital
 * inside the question marks a name; the first word's is the sentence's,
 * and a word in capitals may be initials ("UN") that an article spells
 * out. */
static int add_plain_word(asking *a, const qtokens *qt, size_t index)
{
    const qtoken *t = &qt->t[index];
    size_t n = a->nwords;
    int rc = add_word(a, t->stem, strlen(t->stem), -1, t->norm);
    if (!rc && a->nwords > n) {
        a->words[n].adverb = t->end - t->start > 4 && !strncmp(a->q + t->end - 2, "ly", 2);
        a->words[n].given = given_in_question(a, qt, index);
    }
    if (!rc && is_name(t->flags) && index > 0)
        for (size_t i = 0; i < a->nwords && i < MAX_KEYS; i++)
            if (!strcmp(a->words[i].stem, t->stem))
                a->capitalised |= (uint64_t)1 << i;
    return rc;
}

/* Does a phrase hold a content word (one not marked as a stop word)? */
static int has_content(const char *phrase)
{
    const char *form;
    size_t len;
    for (const char *p = phrase; vz_phrase_next(&p, &form, &len);)
        if (*form != VZ_STOP_MARK)
            return 1;
    return 0;
}

/* The longest synonym phrase that the question's tokens from i on begin
 * with, outside its cue, and its length in tokens (0: none). */
static size_t phrase_in_question(const asking *a, const qtokens *qt, size_t i, const char **out)
{
    const vz_qa *qa = a->e->qa;
    size_t best = 0;
    /* A phrase that starts with another byte cannot begin here: only
     * those that start with this token's form's first byte are tried. */
    unsigned char b = (unsigned char)qt->forms[i][0];
    for (size_t p = qa->phrase_at[b]; p < qa->phrase_at[b + 1]; p++) {
        const char *ph = qa->phrases[p];
        if (!has_content(ph))
            continue;
        size_t m = vz_phrase_at(ph, qt->forms + i, qt->n - i);
        for (size_t k = i; k < i + m; k++)
            if (in_cue(a, &qt->t[k]))
                m = 0;
        if (m > best) {
            best = m;
            *out = ph;
        }
    }
    return best;
}

/* Does the question ask for the subject of its first key term, a verb:
 * the wh-word and its cue, then auxiliaries only, then the verb in lower
 * case ("who was expected to visit", "which charity fed")?  Not after a
 * do-form, whose subject follows it ("who did they beat"), nor a
 * determiner, which makes the word a noun ("who is the president"). */
static int asks_subject(const asking *a, const qtokens *qt)
{
    static const char *const aux[] = {"who", "which", "what", "was", "is", "were", "are", "has",
                                      "had", "have", "will", "would", "be", "been", "being"};
    for (size_t i = 0; i < qt->n; i++) {
        const qtoken *t = &qt->t[i];
        if (in_cue(a, t))
            continue;
        if (!(t->flags & VZ_TOK_STOP))
            return i > 0 && !(t->flags & VZ_TOK_CAPITAL);
        int known = 0;
        for (size_t k = 0; k < sizeof aux / sizeof *aux; k++)
            known |= !strcmp(t->norm, aux[k]);
        if (!known)
            return 0;
    }
    return 0;
}

/* Key terms: the question's non-stop words outside its cue; a phrase of a
 * synonym group ("in charge of") is one key term, not a term a word. */
static int take_keys(asking *a, const qtokens *qt)
{
    int rc = VZ_OK;
    int after = 0;   /* key terms after the cue so far */
    for (size_t i = 0; !rc && i < qt->n;) {
        const qtoken *t = &qt->t[i];
        const char *phrase = NULL;
        size_t n = a->nwords;
        size_t m = phrase_in_question(a, qt, i, &phrase);
        if (m) {
            for (size_t k = i; !rc && k < i + m; k++)
                if (!(qt->t[k].flags & VZ_TOK_STOP))
                    rc = note_token(a, &qt->t[k]);
            if (!rc)
                rc = add_word(a, phrase, strlen(phrase), -1, NULL);
            i += m;
        } else {
            i++;
            if (t->flags & VZ_TOK_STOP)
                continue;
            rc = note_token(a, t);
            if (!rc && in_cue(a, t))
                rc = add_stem(a, &a->cue, &a->ncue, &a->capcue, t->stem, strlen(t->stem));
            else if (!rc)
                rc = add_plain_word(a, qt, i - 1);
        }
        if (!rc && a->nwords > n && a->qt.cue_end && t->start >= a->qt.cue_end)
            a->words[n].place = ++after;
    }
    return rc;
}

/* Each key term's synonyms search for it; the focus's synonyms name the
 * focus too: "which boat" is answered by "the trawler Sea Lark". */
/* The next synonym group from *g on that holds stem (then *g is past it),
 * or NULL. */
static const vz_syngroup *group_with(const vz_qa *qa, const char *stem, size_t *g)
{
    size_t n;
    const uint32_t *ids = vz_qa_groups_of(qa, stem, strlen(stem), &n);
    for (size_t i = 0; i < n; i++)
        if (ids[i] >= *g) {
            *g = (size_t)ids[i] + 1;
            return &qa->groups[ids[i]];
        }
    *g = qa->ngroups;
    return NULL;
}

static int add_synonyms(asking *a)
{
    const vz_qa *qa = a->e->qa;
    const vz_syngroup *grp;
    size_t nfocus = a->nfocus;
    int rc = VZ_OK;
    for (size_t k = 0; !rc && k < a->nkeys; k++)
        for (size_t g = 0; !rc && (grp = group_with(qa, a->words[k].stem, &g));)
            for (size_t j = 0; !rc && j < grp->n; j++)
                rc = add_word(a, grp->stems[j], strlen(grp->stems[j]), (int)k, NULL);
    for (size_t f = 0; !rc && f < nfocus; f++)
        for (size_t g = 0; !rc && (grp = group_with(qa, a->focus[f], &g));)
            for (size_t j = 0; !rc && j < grp->n; j++)
                if (!vz_is_phrase(grp->stems[j]) &&
                    !has_stem(a->focus, a->nfocus, grp->stems[j], strlen(grp->stems[j])))
                    rc = add_stem(a, &a->focus, &a->nfocus, &a->capfocus, grp->stems[j],
                                  strlen(grp->stems[j]));
    return rc;
}

/* A word searches for itself, a phrase for its content words. */
static int add_terms(vz_query *q, const char *stem, double weight)
{
    if (!vz_is_phrase(stem))
        return vz_query_add(q, stem, strlen(stem), weight);
    const char *form;
    size_t len;
    int rc = VZ_OK;
    for (const char *p = stem; !rc && vz_phrase_next(&p, &form, &len);)
        if (*form != VZ_STOP_MARK)
            rc = vz_query_add(q, form, len, weight);
    return rc;
}

/* "Which Arab country": a word of the cue may name a class whose members
 * the data lists (a "class" rule of that label). */
static void find_class(asking *a)
{
    for (size_t i = 0; i < a->ncue && !a->class_label; i++)
        if (vz_extract_is_class(a->e->qa->extractor, a->cue[i]))
            a->class_label = a->cue[i];
}

/* Is text[0, len) a word of a class rule: TITLE_CLASS (words that name
 * an office or a trade: "minister", "foreign", "prosecutor"), FATE_CLASS
 * (verbs that say what befell people or things, which a count counts:
 * "killed", "evacuated"), PERFECT_CLASS ("has")?  A failure to match says
 * no. */
static int class_word(const asking *a, const char *label, const char *text, size_t len)
{
    int in = 0;
    if (vz_extract_in_class_cached(a->e->qa->extractor, a->xc, label, text, len, &in))
        return 0;
    return in;
}

/* The key terms of a count question that say what befell the counted. */
static void find_fates(asking *a)
{
    for (size_t k = 0; k < a->nkeys && k < MAX_KEYS; k++)
        if (a->words[k].norm &&
            class_word(a, FATE_CLASS, a->words[k].norm, strlen(a->words[k].norm)))
            a->fates |= (uint64_t)1 << k;
}

/* The key term of question token t, or -1. */
static int key_of(const asking *a, const qtoken *t)
{
    for (size_t k = 0; k < a->nwords && k < MAX_KEYS; k++)
        if (!strcmp(a->words[k].stem, t->stem))
            return (int)k;
    return -1;
}

/* The office a question asks the holder of is the noun phrase right after
 * its cue ("who is the prime minister of Spain", "the name of the farm
 * contractor who ...") or after "as" ("who will replace him as the
 * club's striker"): its words that name an office. */
static void find_titles(asking *a, const qtokens *qt)
{
    int run = 0;   /* 1: in a phrase that may name the office; 2: past its first word */
    for (size_t i = 0; i < qt->n; i++) {
        const qtoken *t = &qt->t[i];
        if (t->end <= a->qt.cue_end || !strcmp(t->norm, "as")) {
            run = 1;
            continue;
        }
        if (t->flags & VZ_TOK_STOP) {
            run = run == 2 ? 0 : run;
            continue;
        }
        if (!run)
            continue;
        run = 2;
        int k = key_of(a, t);
        if (k >= 0 && class_word(a, TITLE_CLASS, a->q + t->start, t->end - t->start))
            a->titles |= (uint64_t)1 << k;
    }
}

/* The verb of a question in the perfect that asks for its object or an
 * adjunct: the cue, an inverted "has", its subject, then the verb ("which
 * countries has the minister visited").  Its -ed tells the verb from the
 * subject's words even in a question typed in lower case. */
static void find_perfect_verb(asking *a, const qtokens *qt)
{
    size_t i = 0;
    while (i < qt->n && in_cue(a, &qt->t[i]))
        i++;
    if (i >= qt->n || !(qt->t[i].flags & VZ_TOK_STOP) ||
        !class_word(a, PERFECT_CLASS, qt->t[i].norm, strlen(qt->t[i].norm)))
        return;
    int subject = 0;
    for (size_t k = i + 1; k < qt->n && k <= i + 1 + SUBJECT_REACH; k++) {
        const qtoken *t = &qt->t[k];
        if (t->flags & VZ_TOK_STOP)
            continue;
        size_t len = strlen(t->norm);
        int key = key_of(a, t);
        if (subject && !(t->flags & VZ_TOK_CAPITAL) && len > 4 &&
            !strcmp(t->norm + len - 2, "ed") && key >= 0 && key < MAX_KEYS) {
            a->verb = (uint64_t)1 << key;
            return;
        }
        subject = 1;
    }
}

static int build_query(asking *a, vz_query *q)
{
    memset(q, 0, sizeof *q);
    qtokens qt = {.a = a};
    int rc = vz_analyse(vz_reader_analyser(a->r), a->q, a->qlen, keep_token, &qt);
    if (!rc)
        rc = take_keys(a, &qt);
    if (!rc && a->qt.type == VZ_TYPE_PERSON)
        find_titles(a, &qt);
    a->subject_of = !rc && a->nwords && asks_subject(a, &qt) ? 0 : -1;
    if (!rc)
        find_perfect_verb(a, &qt);
    find_class(a);
    a->nkeys = a->nwords;
    if (a->qt.type == VZ_TYPE_COUNT)
        find_fates(a);
    if (a->qt.label[0] && vz_extract_in_class(a->e->qa->extractor, STRICT_CLASS, a->qt.label,
                                              strlen(a->qt.label), &a->strict))
        a->strict = 0;
    if (!rc)
        rc = add_synonyms(a);
    for (size_t i = 0; !rc && i < a->nwords; i++)
        rc = add_terms(q, a->words[i].stem, (int)i < (int)a->nkeys ? 1.0 : 0.5);
    if (!rc)
        vz_query_merge(q);
    return rc;
}

static uint32_t term_df(const vz_query *q, const char *term, size_t len)
{
    for (size_t j = 0; j < q->n; j++)
        if (same_stem(q->terms[j].term, term, len))
            return q->terms[j].df;
    return 0;
}

/* A phrase is at least as rare as the rarest of its content words the
 * corpus has. */
static double idf_of(const vz_query *q, const char *stem, double n)
{
    if (!vz_is_phrase(stem))
        return vz_bm25_idf(n, term_df(q, stem, strlen(stem)));
    const char *form;
    size_t len;
    double idf = 0;
    for (const char *p = stem; vz_phrase_next(&p, &form, &len);) {
        uint32_t df = *form == VZ_STOP_MARK ? 0 : term_df(q, form, len);
        if (df)
            idf = fmax(idf, vz_bm25_idf(n, df));
    }
    return idf > 0 ? idf : vz_bm25_idf(n, 0);
}

/* IDF for coverage: terms the corpus lacks count as the rarest of all. */
static void set_idf(asking *a, const vz_query *q)
{
    double n = (double)a->e->idx->npassages;
    uint64_t present = 0;
    for (size_t i = 0; i < a->nwords; i++) {
        a->words[i].idf = idf_of(q, a->words[i].stem, n);
        if (a->words[i].idf < vz_bm25_idf(n, 0) && a->words[i].key < MAX_KEYS)
            present |= 1ull << a->words[i].key;
    }
    /* Over the key terms coverage can count (a bit each), so that a long
     * question's sentence can still cover all of it. */
    a->total_idf = 0;
    for (size_t k = 0; k < a->nkeys && k < MAX_KEYS; k++) {
        a->total_idf += a->words[k].idf;
        if (!(present >> k & 1))
            a->absent |= 1ull << k;
    }
}

/* ---- sentences ----------------------------------------------------------- */

/* A word of a sentence, and the key term it stands for (-1: none). */
typedef struct {
    uint32_t start, end;
    unsigned flags;
    int key;
    uint32_t before;         /* content (non-stop) words before it */
    uint8_t asked;           /* a word of the question: a key term or a cue word */
    uint8_t focus;           /* a word of the question's focus ("channel") */
    uint8_t synonym;         /* stands for its key term as a synonym only */
    uint8_t other_form;      /* capitalised, and only its stem or a synonym is the question's */
    char stem[ALIAS_STEM];   /* a capitalised word's stem, when short enough to be a surname */
} word;

/* A definite description that stands for a name the article gave before
 * ("the Norwegian leader"): its words [i, j), the type of what it names,
 * the name, and the key terms the name holds. */
typedef struct {
    size_t i, j;
    int type;
    uint64_t keys;
    char *name;
} reference;

typedef struct reading {
    const asking *a;
    vz_buf text;
    word *w;
    char (*forms)[VZ_FORM];    /* each word's form, for phrases */
    size_t n, cap, fcap;
    uint64_t covered;          /* key terms present, one bit each */
    size_t content;            /* content words so far */
    reference *refs;           /* resolved (resolve_references) */
    size_t nrefs, caprefs;
    int resolved;              /* its references are (read again after a hop) */
    int no_refs;               /* its text holds no reference (its memo says so) */
    int pooled;                /* it is in its question's pool (pool_take), */
    int pooled_words;          /* ... and so are w, forms and text.data */
} reading;

/* Are two spellings one word, one of them with a plural or possessive
 * ending?  "Norway's" is "Norway"; "President" is not "presidency",
 * though the stemmer joins them: a title, not the question's word. */
static int inflected(const char *s, size_t n, const char *q)
{
    static const char *const endings[] = {"", "s", "es", "'s", "'", "s'"};
    size_t m = strlen(q);
    const char *longer = n > m ? s : q;
    size_t shorter = n > m ? m : n, extra = (n > m ? n : m) - shorter;
    if (strncmp(s, q, shorter))
        return 0;
    for (size_t e = 0; e < sizeof endings / sizeof *endings; e++)
        if (strlen(endings[e]) == extra && !strncmp(longer + shorter, endings[e], extra))
            return 1;
    return 0;
}

/* Room for n more words in a reading: read_with makes it for a whole text
 * at once, so that plain_token does not grow the arrays word by word. */
static int reserve_words(reading *rd, size_t n)
{
    if (rd->pooled_words && rd->n + n > rd->cap)
        return vz_fail(VZ_EINTERNAL, "a pooled reading cannot grow");
    void *p = rd->w;
    int rc = vz_grow(&p, &rd->cap, rd->n + n, sizeof *rd->w);
    rd->w = p;
    p = rd->forms;
    if (!rc)
        rc = vz_grow(&p, &rd->fcap, rd->n + n, sizeof *rd->forms);
    rd->forms = p;
    return rc;
}

/* Append the word of tok to rd, which has room for it, but not its form. */
static inline void put_word_only(reading *rd, const vz_token *tok)
{
    word *w = &rd->w[rd->n++];
    /* Offsets within one document, which the index keeps in 32 bits. */
    *w = (word){(uint32_t)tok->start, (uint32_t)tok->end, tok->flags, -1, (uint32_t)rd->content,
                0, 0, 0, 0, ""};
    if ((tok->flags & VZ_TOK_CAPITAL) && tok->stem_len < ALIAS_STEM) {
        memcpy(w->stem, tok->stem, tok->stem_len);
        w->stem[tok->stem_len] = '\0';
    }
    rd->content += !(tok->flags & VZ_TOK_STOP);
}

/* Append the word of tok to rd, which has room for it. */
static inline void put_word(reading *rd, const vz_token *tok)
{
    vz_phrase_form(tok, rd->forms[rd->n]);
    put_word_only(rd, tok);
}

/* A token of a text read only for its words (read_plain), and the
 * start of every token read_token keeps: without what the question makes of it. */
static int plain_token(const vz_token *tok, void *ctx)
{
    reading *rd = ctx;
    if ((rd->n >= rd->cap || rd->n >= rd->fcap) && reserve_words(rd, 1))
        return VZ_ENOMEM;
    put_word(rd, tok);
    return 0;
}

/* What the question makes of word w of a reading, the n-th read (from 1),
 * no stop word, of stem and norm: the key term it stands for, whether it
 * is asked or the focus. */
static void ask_word_of(reading *rd, word *w, size_t n, const char *stem, size_t stem_len,
                        const char *norm, size_t norm_len)
{
    for (size_t i = 0; i < rd->a->nwords && w->key < 0; i++) {
        const qword *q = &rd->a->words[i];
        if (same_stem(q->stem, stem, stem_len)) {
            w->key = q->key;
            w->synonym = i >= rd->a->nkeys;
            /* A synonym of a common noun, capitalised inside a sentence,
             * is a name's word: "Nations" of "United Nations" is not the
             * "countries" asked about. */
            int common = q->key < MAX_KEYS && !(rd->a->capitalised >> q->key & 1);
            w->other_form = (w->flags & VZ_TOK_CAPITAL) &&
                            (q->norm ? !inflected(norm, norm_len, q->norm) : common && n > 1) ? 1 : 0;
            if (q->key < MAX_KEYS)
                rd->covered |= (uint64_t)1 << q->key;
        }
    }
    w->asked = w->key >= 0 || has_stem(rd->a->cue, rd->a->ncue, stem, stem_len);
    w->focus = has_stem(rd->a->focus, rd->a->nfocus, stem, stem_len) != 0;
}

/* ask_word_of for a word the question's filter may hold: most words of a
 * sentence are none of the question's, and are let go without a call. */
static inline void ask_word(reading *rd, word *w, size_t n, const char *stem, size_t stem_len,
                            const char *norm, size_t norm_len)
{
    if (filter_has(rd->a->stem_filter, stem, stem_len))
        ask_word_of(rd, w, n, stem, stem_len, norm, norm_len);
    /* else none of the question's: key -1, neither asked nor focus */
}

static int read_token(const vz_token *tok, void *ctx)
{
    reading *rd = ctx;
    int rc = plain_token(tok, ctx);
    if (rc || (tok->flags & VZ_TOK_STOP))
        return rc;
    ask_word(rd, &rd->w[rd->n - 1], rd->n, tok->stem, tok->stem_len, tok->norm, tok->norm_len);
    return 0;
}

/* A phrase among the question's words, asked or a synonym, stands in a
 * sentence for its key term, its content words as that term's words:
 * "in charge of" in a text for "who heads". */
static void apply_phrases(reading *rd)
{
    const asking *a = rd->a;
    /* Most questions have no phrase: the words are not looked at again
     * for every sentence read (find_phrases). */
    int known = a->phrased == a->nwords + 1;
    if (known && !a->phrases && a->nwords <= 64)
        return;
    for (size_t i = 0; i < a->nwords; i++) {
        const qword *q = &a->words[i];
        if (known && i < 64 ? !(a->phrases >> i & 1) : !vz_is_phrase(q->stem))
            continue;
        for (size_t k = 0; k < rd->n; k++) {
            /* A phrase starts with its first form's first byte: most words
             * differ there, without a call. */
            if (rd->forms[k][0] != q->stem[0])
                continue;
            size_t m = vz_phrase_at(q->stem, rd->forms + k, rd->n - k);
            for (size_t j = k; j < k + m; j++) {
                word *w = &rd->w[j];
                if (w->flags & VZ_TOK_STOP)
                    continue;
                w->key = q->key;
                w->synonym = i >= a->nkeys;
                w->asked = 1;
                if (q->key < MAX_KEYS)
                    rd->covered |= (uint64_t)1 << q->key;
            }
        }
    }
}

/* Which of the first 64 of a's words are phrases (apply_phrases).  Words
 * only grow: the same count, the same phrases. */
static void find_phrases(asking *a)
{
    if (a->phrased == a->nwords + 1)
        return;
    a->phrases = 0;
    for (size_t i = 0; i < a->nwords && i < 64; i++)
        if (vz_is_phrase(a->words[i].stem))
            a->phrases |= (uint64_t)1 << i;
    a->phrased = a->nwords + 1;
}

/* rd emptied for a new sentence of question a (its buffers kept). */
static void reading_start(asking *a, reading *rd)
{
    find_phrases(a);
    rd->a = a;
    rd->n = 0;
    rd->covered = 0;
    rd->content = 0;
    rd->text.len = 0;
    set_stem_filter(a);
}

/* A span of a text and its tokens, in the analysis of the whole text
 * (article_span) or of the span's own. */
typedef struct {
    vz_analysed v;
    size_t first, n;           /* the span's tokens: v's [first, first + n) */
    size_t from;               /* the span's first byte in v's text */
    int unjoin;                /* its first token is joined only to what precedes the span */
    int ok;                    /* 0: the span was analysed uncached */
} span_tokens;

/* Token k of span s, as the analysis of the span's own text gives it. */
static inline void span_token(const span_tokens *s, size_t k, vz_token *t)
{
    vz_analysed_token(&s->v, s->first + k, t);
    t->start -= s->from;
    t->end -= s->from;
    t->index = k;
    if (k == 0 && s->unjoin)
        t->flags &= ~(unsigned)VZ_TOK_JOINED;
}

/* The first of v's tokens that starts at or after byte b. */
static size_t token_from(const vz_analysed *v, size_t b)
{
    size_t lo = 0, hi = v->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v->tok[mid].start < b)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The longest article whose spans are read from its whole analysis. */
#define WHOLE_ARTICLE 65536

/* The most sentences an article's analysis is made of. */
#define ARTICLE_PARTS 512

/* The analysis of article doc's text, made of its sentences' analyses when
 * the index knows them: SQuAD's distractor passages are made of other
 * passages' sentences, which are analysed once each. */
static int article_analysed(asking *a, uint32_t doc, const vz_buf *text, vz_analysed *v)
{
    const vz_index *idx = a->e->idx;
    vz_analyser *an = vz_reader_analyser(a->r);
    uint32_t first = 0, end = 0;
    if (idx->doc_first && idx->doc_first[doc] < idx->doc_first[doc + 1]) {
        first = idx->passages[idx->doc_first[doc]].first_sentence;
        end = idx->passages[idx->doc_first[doc + 1] - 1].last_sentence + 1;
    }
    if (end <= first || end - first > ARTICLE_PARTS)
        return vz_analysed_of(a->xc, an, text->data, text->len, v);
    uint32_t parts[ARTICLE_PARTS][2];
    for (uint32_t i = first; i < end; i++) {
        if (idx->sentences[i].doc != doc)
            return vz_analysed_of(a->xc, an, text->data, text->len, v);
        parts[i - first][0] = idx->sentences[i].start;
        parts[i - first][1] = idx->sentences[i].end;
    }
    return vz_analysed_of_parts(a->xc, an, text->data, text->len, (const uint32_t(*)[2])parts,
                                end - first, v);
}

/* The text of [from, to) of article doc in text, and its tokens in s, from
 * the analysis of the whole article, made once and kept: the spans before
 * and after each sentence that its references are looked up in were each
 * analysed as a text of its own, an article's analysis made anew for
 * every reference.  The tokens of the span's own analysis are the
 * article's inside it when no token crosses either end (the tokeniser
 * looks no further back than a token's start, and no further ahead than
 * the byte after it), but for a hyphen that joins the first to a token
 * before the span.  Non-zero: they cannot be (text is then to be read
 * again). */
static int article_span(asking *a, uint32_t doc, uint32_t from, uint32_t to, vz_buf *text,
                        span_tokens *s)
{
    size_t size = a->e->idx->docs[doc].size;
    if (!a->xc || size > WHOLE_ARTICLE || from > to || to > size ||
        vz_reader_text(a->r, doc, 0, (uint32_t)size, text) ||
        article_analysed(a, doc, text, &s->v))
        return 1;
    size_t first = token_from(&s->v, from), last = token_from(&s->v, to);
    if ((first > 0 && s->v.tok[first - 1].end > from) || (last > 0 && s->v.tok[last - 1].end > to))
        return 1;
    *s = (span_tokens){s->v, first, last - first, from, 0, 1};
    if (s->n && (s->v.tok[first].flags & VZ_TOK_JOINED)) {
        /* Joined over a hyphen right before the span: to nothing in it. */
        size_t start = s->v.tok[first].start;
        s->unjoin = start - (text->data[start - 1] == '-' ? 1 : 3) == from;
    }
    memmove(text->data, text->data + from, to - from);
    text->len = to - from;
    text->data[text->len] = '\0';
    return 0;
}

/* The text of a span in text and its tokens in s: from the analysis of
 * its whole article when whole (article_span), else of its own.  s->ok is
 * 0 when no analysis could be kept (text then holds the span's text). */
static int span_of(asking *a, uint32_t doc, uint32_t start, uint32_t end, int whole,
                   vz_buf *text, span_tokens *s)
{
    if (whole && !article_span(a, doc, start, end, text, s))
        return VZ_OK;
    text->len = 0;
    int rc = vz_reader_text(a->r, doc, start, end, text);
    if (rc)
        return rc;
    if (vz_analysed_of(a->xc, vz_reader_analyser(a->r), text->data, text->len, &s->v) != VZ_OK) {
        s->ok = 0;
        return VZ_OK;
    }
    *s = (span_tokens){s->v, 0, s->v.n, 0, 0, 1};
    return VZ_OK;
}

/* Read a span's text and its tokens, each through fn (read_token or
 * plain_token), and say in s where its tokens are (span_of).  The same
 * sentences and articles are read for question after question: their
 * tokens come from the reader's cache, all at once. */
static int read_tokens(asking *a, uint32_t doc, uint32_t start, uint32_t end, reading *rd,
                       vz_token_fn fn, int whole, span_tokens *s)
{
    reading_start(a, rd);
    int rc = span_of(a, doc, start, end, whole, &rd->text, s);
    if (rc)
        return rc;
    if (!s->ok)
        return vz_analyse_cached(a->xc, vz_reader_analyser(a->r), rd->text.data, rd->text.len,
                                 fn, rd);
    if (reserve_words(rd, s->n))
        return vz_fail(VZ_ENOMEM, "out of memory");
    for (size_t i = 0; !rc && i < s->n; i++) {
        vz_token t;
        span_token(s, i, &t);
        rc = fn(&t, rd);
    }
    return rc;
}

static int read_with(asking *a, uint32_t doc, uint32_t start, uint32_t end, reading *rd,
                     vz_token_fn fn)
{
    span_tokens s;
    return read_tokens(a, doc, start, end, rd, fn, 1, &s);
}

static int read_span(asking *a, uint32_t doc, uint32_t start, uint32_t end, reading *rd)
{
    int rc = read_with(a, doc, start, end, rd, read_token);
    if (!rc)
        apply_phrases(rd);
    return rc;
}

/* Read a span for its words, forms and text only: what a search through
 * an article needs, at a fraction of read_span's cost (no key terms). */
static int read_plain(asking *a, uint32_t doc, uint32_t start, uint32_t end, reading *rd)
{
    return read_with(a, doc, start, end, rd, plain_token);
}

static int has_references(asking *a, const char *text, size_t len);

/* Memos of the reader's cache (vz_xcache_memo) are kept under a kind and
 * a sentence id. */
enum { MEMO_REFERENCES, MEMO_SENTENCE };

static uint64_t memo_id(int kind, uint32_t sid)
{
    return (uint64_t)kind << 32 | sid;
}

/* A token as memos keep it, followed by its norm and stem, each with its
 * NUL. */
typedef struct {
    uint32_t start, end, flags, norm_len, stem_len;
} memo_token;

/* Append token t to a memo. */
static int memo_add_token(vz_buf *memo, const vz_token *t)
{
    memo_token m = {(uint32_t)t->start, (uint32_t)t->end, t->flags, (uint32_t)t->norm_len,
                    (uint32_t)t->stem_len};
    int rc = vz_buf_append(memo, &m, sizeof m);
    if (!rc)
        rc = vz_buf_append(memo, t->norm, t->norm_len + 1);
    if (!rc)
        rc = vz_buf_append(memo, t->stem, t->stem_len + 1);
    return rc;
}

/* The token a memo keeps at *at, the k-th of its text; *at moves past it. */
static void memo_next_token(const char **at, size_t k, vz_token *tok)
{
    memo_token t;
    memcpy(&t, *at, sizeof t);
    const char *norm = *at + sizeof t, *stem = norm + t.norm_len + 1;
    *tok = (vz_token){t.start, t.end, norm, t.norm_len, stem, t.stem_len, t.flags, k};
    *at = stem + t.stem_len + 1;
}

/* A sentence's tokens are the same for every question: its memo keeps
 * its text and tokens, from which a question reads it as read_span would,
 * without fetching and looking up its text.  Tokens rather than the
 * words read_token makes of them, and packed (a sent_token's bytes, the
 * norm, and the stem unless it is the norm, each with its NUL): a fifth
 * of the bytes of the words, so that the sentences of SQuAD --open with
 * 20,000 distractors stay kept (the words' memos did not, and their
 * sentences and references were read again, each reference search
 * analysing its article anew).  A sentence with a token too long for the
 * packing is read from its text each time.  VZ_FORM bytes of padding
 * end the memo (recall_form).  Most sentences hold no description that
 * could be a reference: their memo says so, and no question looks up
 * (nor keeps) a memo of their references. */
typedef struct {
    uint32_t n, text_len, flags;
} sent_memo;

enum { SENT_NO_REFS = 1 };         /* sent_memo flags */

#define SENT_TOKEN 10              /* bytes of a packed token */

/* Write token t, packed, at *at, which has room for SENT_TOKEN bytes, its
 * norm and its stem, each with its NUL; *at moves past it.  0 when it does
 * not fit the packing. */
static int sent_token_put(char **at, const vz_token *t)
{
    /* The analysis keeps a stem that is its norm at the norm's bytes. */
    int same = t->stem_len == t->norm_len &&
               (t->stem == t->norm || !memcmp(t->stem, t->norm, t->norm_len));
    if (t->start > UINT32_MAX || t->end - t->start > UINT16_MAX || t->flags > UINT8_MAX ||
        t->norm_len > UINT8_MAX || t->stem_len > UINT8_MAX)
        return 0;
    uint32_t start = (uint32_t)t->start;
    uint16_t len = (uint16_t)(t->end - t->start);
    unsigned char *p = (unsigned char *)*at;
    memcpy(p, &start, 4);
    memcpy(p + 4, &len, 2);
    p[6] = (unsigned char)t->flags;
    p[7] = (unsigned char)t->norm_len;
    p[8] = (unsigned char)t->stem_len;
    p[9] = (unsigned char)same;
    char *q = *at + SENT_TOKEN;
    memcpy(q, t->norm, t->norm_len);
    q[t->norm_len] = '\0';
    q += t->norm_len + 1;
    if (!same) {
        memcpy(q, t->stem, t->stem_len);
        q[t->stem_len] = '\0';
        q += t->stem_len + 1;
    }
    *at = q;
    return 1;
}

/* The packed token at *at, the k-th of its sentence; *at moves past it. */
static void sent_token_next(const char **at, size_t k, vz_token *tok)
{
    const unsigned char *p = (const unsigned char *)*at;
    uint32_t start;
    uint16_t len;
    memcpy(&start, p, 4);
    memcpy(&len, p + 4, 2);
    const char *norm = *at + SENT_TOKEN, *stem = p[9] ? norm : norm + p[7] + 1;
    *tok = (vz_token){start, (size_t)start + len, norm, p[7], stem, p[8], p[6], k};
    *at = p[9] ? norm + p[7] + 1 : stem + p[8] + 1;
}

/* The most bytes the memo of a sentence of len bytes and tokens s takes. */
static size_t memo_room(size_t len, const span_tokens *s)
{
    size_t room = sizeof(sent_memo) + len + VZ_FORM;
    for (size_t k = 0; k < s->n; k++)
        room += SENT_TOKEN + (size_t)s->v.tok[s->first + k].norm_len +
                s->v.tok[s->first + k].stem_len + 2;
    return room;
}

/* Pack the memo of a sentence, its text of len bytes and its tokens s,
 * with flags, at m, which has memo_room bytes: its size, or 0 when a
 * token does not fit the packing. */
static size_t pack_sentence(char *m, const char *text, size_t len, const span_tokens *s,
                            uint32_t flags)
{
    if (len > UINT32_MAX)
        return 0;
    sent_memo h = {(uint32_t)s->n, (uint32_t)len, flags};
    char *at = m;
    memcpy(at, &h, sizeof h);
    memcpy(at + sizeof h, text, len);
    at += sizeof h + len;
    for (size_t k = 0; k < s->n; k++) {
        vz_token t;
        span_token(s, k, &t);
        if (!sent_token_put(&at, &t))
            return 0;
    }
    memset(at, 0, VZ_FORM);   /* the padding recall_form reads past the last stem */
    return (size_t)(at - m) + VZ_FORM;
}

/* vz_phrase_form of tok, whose stem is followed by VZ_FORM readable
 * bytes (a sentence memo's padding): a copy of fixed length, which the
 * compiler makes without a call, for the millions of words recalled. */
static inline void recall_form(const vz_token *tok, char form[VZ_FORM])
{
    size_t stop = (tok->flags & VZ_TOK_STOP) != 0;
    if (tok->stem_len + stop >= VZ_FORM) {
        form[0] = '\0';
        return;
    }
    form[0] = VZ_STOP_MARK;
    memcpy(form + stop, tok->stem, VZ_FORM - 1);
    form[stop + tok->stem_len] = '\0';
}

/* Read a sentence from its memo m, as read_span reads it. */
static int recall_sentence(asking *a, const char *m, reading *rd)
{
    sent_memo h;
    memcpy(&h, m, sizeof h);
    reading_start(a, rd);
    rd->no_refs = (h.flags & SENT_NO_REFS) != 0;
    if (rd->pooled && !rd->cap && !rd->fcap && !rd->text.cap) {
        rd->w = pool_take(a, h.n * sizeof *rd->w);
        rd->forms = pool_take(a, h.n * sizeof *rd->forms);
        rd->text.data = pool_take(a, (size_t)h.text_len + 1);
        if (!rd->w || !rd->forms || !rd->text.data)
            return vz_fail(VZ_ENOMEM, "out of memory");
        rd->pooled_words = 1;
        rd->cap = rd->fcap = h.n;
        rd->text.cap = (size_t)h.text_len + 1;
        memcpy(rd->text.data, m + sizeof h, h.text_len);
        rd->text.data[h.text_len] = '\0';
        rd->text.len = h.text_len;
    } else if (vz_buf_append(&rd->text, m + sizeof h, h.text_len) || reserve_words(rd, h.n))
        return vz_fail(VZ_ENOMEM, "out of memory");
    const char *at = m + sizeof h + h.text_len;
    /* read_token's work, with the room made once. */
    for (uint32_t k = 0; k < h.n; k++) {
        vz_token tok;
        sent_token_next(&at, k, &tok);
        recall_form(&tok, rd->forms[k]);
        put_word_only(rd, &tok);
        if (!(tok.flags & VZ_TOK_STOP))
            ask_word(rd, &rd->w[k], k + 1, tok.stem, tok.stem_len, tok.norm, tok.norm_len);
    }
    apply_phrases(rd);
    return VZ_OK;
}

/* Sentences are read for question after question: the first reading of
 * one makes its memo, from which it and the others read it. */
static int read_sentence(asking *a, uint32_t sid, reading *rd)
{
    const vz_sentence_info *si = &a->e->idx->sentences[sid];
    size_t len;
    const char *m = vz_xcache_memo(a->xc, memo_id(MEMO_SENTENCE, sid), &len);
    if (m)
        return recall_sentence(a, m, rd);
    /* A sentence from its own analysis: SQuAD's distractor passages are
     * made of sentences of other passages, and the analysis of each text
     * is kept once, however many passages hold it.  Its memo is packed in
     * the question's pool and read as a memo is: the words of the reading
     * then come from the pool too, and none is read token by token. */
    span_tokens s;
    vz_buf *text = &a->packing;
    int rc = a->xc ? span_of(a, si->doc, si->start, si->end, 0, text, &s) : VZ_OK;
    if (rc)
        return rc;
    if (a->xc && s.ok) {
        uint32_t flags = has_references(a, text->data, text->len) ? 0 : SENT_NO_REFS;
        size_t room = memo_room(text->len, &s);
        /* Packed where the cache keeps it; without memory there, in the
         * pool, and the next question reads it again. */
        char *memo = vz_xcache_memo_room(a->xc, room);
        int kept = memo != NULL;
        if (!memo && !(memo = pool_take(a, room)))
            return vz_fail(VZ_ENOMEM, "out of memory");
        size_t size = pack_sentence(memo, text->data, text->len, &s, flags);
        if (kept)
            vz_xcache_memo_commit(a->xc, memo_id(MEMO_SENTENCE, sid), memo, room, size);
        if (size)
            return recall_sentence(a, memo, rd);
    }
    /* Not analysed in the cache, or a token too long for the packing. */
    rd->no_refs = 0;
    rc = read_tokens(a, si->doc, si->start, si->end, rd, read_token, 0, &s);
    if (!rc)
        apply_phrases(rd);
    return rc;
}

static void reading_free(reading *rd)
{
    if (!rd)
        return;
    if (!rd->pooled_words) {
        vz_buf_free(&rd->text);
        free(rd->w);
        free(rd->forms);
    }
    for (size_t i = 0; i < rd->nrefs; i++)
        free(rd->refs[i].name);
    free(rd->refs);
}

/* The IDF-weighted share of the key terms in a set. */
static double coverage_of(const asking *a, uint64_t covered)
{
    double c = 0;
    for (size_t k = 0; k < a->nkeys && k < MAX_KEYS; k++)
        if (covered >> k & 1)
            c += a->words[k].idf;
    return a->total_idf > 0 ? c / a->total_idf : 0;
}

/* ---- candidates ---------------------------------------------------------- */

typedef struct {
    asking *a;
    const reading *rd;
    const ranked *sent;
    int hedged;              /* the question's words are hedged here */
    size_t dateline;         /* the byte its dateline ends at; 0: none */
    struct {
        size_t start, end;
    } apart[MAX_APART];      /* what the sentence sets apart from the rest */
    size_t napart;
    const char *referent;    /* the name the words stand for; NULL: their own */
    /* The words of the question the sentence holds, which proximity
     * measures each candidate from: a few among many words.  More than
     * MAX_ASKED: nasked is SIZE_MAX and proximity looks at every word. */
    uint32_t asked[MAX_ASKED];
    size_t nasked;
    /* Whether each of the first KEPT_MEMO words is kept (kept_word), once
     * known: the phrases of a sentence ask of the same words again. */
    uint64_t kept_known[KEPT_MEMO / 64], kept[KEPT_MEMO / 64];
} cand_ctx;

/* Content words strictly between word a and word b (a < b). */
static size_t gap(const reading *rd, size_t a, size_t b)
{
    return rd->w[b].before - rd->w[a + 1].before;
}

/* The fewest content words between an answer and a question word before
 * it and after it (SIZE_MAX: none there). */
typedef struct {
    size_t before, after;
} reach;

/* A phrase (directed) is what the sentence says of the question's words,
 * so it should follow them: "ordered a full recount". */
static double nearness(reach r, int directed)
{
    if (r.before == SIZE_MAX && r.after == SIZE_MAX)
        return 0.3;
    double scale = directed ? 3.0 : 6.0;
    double b = r.before == SIZE_MAX ? 0 : 1.0 / (1.0 + (double)r.before / scale);
    double f = r.after == SIZE_MAX ? 0 : 1.0 / (1.0 + (double)r.after / scale);
    return directed ? fmax(b, PRECEDING * f) : fmax(b, f);
}

static void reach_word(reach *r, const reading *rd, size_t k, size_t i, size_t j)
{
    if (k < i && gap(rd, k, i) < r->before)
        r->before = gap(rd, k, i);
    else if (k >= j && gap(rd, j - 1, k) < r->after)
        r->after = gap(rd, j - 1, k);
    else if (k >= i && k < j)
        r->before = 0;
}

/* How close words [i, j) stand to the question's words, in one pass.
 * *nearest is the closeness to the nearest of them, which confidence uses:
 * how sure an answer is does not depend on how many words the question
 * has.  The result, for ranking, is half that and half the closeness to
 * each key term the sentence holds, weighted by IDF, since an answer
 * stands among the words it answers ("in April 87 per cent", not "71 per
 * cent a year earlier"). */
static double proximity(const cand_ctx *x, size_t i, size_t j, int directed, double *nearest)
{
    const reading *rd = x->rd;
    const asking *a = rd->a;
    size_t nkeys = a->nkeys < MAX_KEYS ? a->nkeys : MAX_KEYS;
    reach any = {SIZE_MAX, SIZE_MAX}, key[MAX_KEYS];
    for (size_t k = 0; k < nkeys; k++)
        key[k] = any;
    int listed = x->nasked != SIZE_MAX;
    size_t n = listed ? x->nasked : rd->n;
    for (size_t m = 0; m < n; m++) {
        size_t k = listed ? x->asked[m] : m;
        if (!rd->w[k].asked)
            continue;
        reach_word(&any, rd, k, i, j);
        if (rd->w[k].key >= 0 && (size_t)rd->w[k].key < nkeys)
            reach_word(&key[rd->w[k].key], rd, k, i, j);
    }
    *nearest = nearness(any, directed);
    double sum = 0, weight = 0;
    for (size_t k = 0; k < nkeys; k++)
        if (rd->covered >> k & 1) {
            sum += a->words[k].idf * nearness(key[k], directed);
            weight += a->words[k].idf;
        }
    return weight > 0 ? 0.5 * *nearest + 0.5 * sum / weight : *nearest;
}

/* The length of the article or preposition that opens key k of len
 * bytes, with its space, or 0: "in the morning" answers as "morning". */
static size_t leading_article(const char *k, size_t len)
{
    static const struct {
        char s[5];
        size_t n;
    } skip[] = {{"the ", 4}, {"on ", 3}, {"in ", 3}, {"a ", 2}, {"an ", 3}};
    for (size_t i = 0; i < sizeof skip / sizeof *skip; i++)
        if (len > skip[i].n && k[0] == skip[i].s[0] && !memcmp(k, skip[i].s, skip[i].n))
            return skip[i].n;
    return 0;
}

/* The bytes merge_key drops: quotes and punctuation. */
static int dropped(unsigned char c)
{
    static const unsigned char table[256] = {['"'] = 1, ['\''] = 1, ['.'] = 1, [','] = 1,
                                             [';'] = 1, [':'] = 1, ['('] = 1, [')'] = 1,
                                             ['['] = 1, [']'] = 1};
    return table[c];
}

/* Is text all ASCII?  Then vz_normalise would only lower its case. */
static int all_ascii(const char *text, size_t len)
{
    unsigned char high = 0;
    for (size_t i = 0; i < len; i++)
        high |= (unsigned char)text[i];
    return high < 0x80;
}

/* The key of from[0, n) into k (room for n + 1 bytes; k == from lowers
 * nothing, the text normalised), its length. */
static size_t make_key(char *k, const char *from, size_t n, int ascii)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char c = from[i];
        if (ascii && c >= 'A' && c <= 'Z')
            c = (char)(c + ('a' - 'A'));
        /* Quotes and punctuation do not make answers differ, nor do the
         * general punctuation block's curly quotes and dashes (U+2000 to
         * U+203F, E2 80 xx in UTF-8), which part words like a space. */
        if ((unsigned char)c == 0xe2 && i + 2 < n && (unsigned char)from[i + 1] == 0x80) {
            c = ' ';
            i += 2;
        } else if (dropped((unsigned char)c)) {
            continue;
        }
        if (c == ' ' && (o == 0 || k[o - 1] == ' '))
            continue;
        k[o++] = c;
    }
    while (o && k[o - 1] == ' ')
        o--;
    k[o] = '\0';
    size_t start = 0, m;
    while ((m = leading_article(k + start, o - start)) != 0)
        start += m;
    if (start)
        memmove(k, k + start, o - start + 1);
    return o - start;
}

static char *merge_key(const char *text, size_t len)
{
    /* Most answers are ASCII: their case is lowered as they are copied,
     * in the same pass as the rest (vz_normalise's ASCII case). */
    int ascii = all_ascii(text, len);
    size_t n = len;
    char *k = ascii ? malloc(len + 1) : vz_normalise(text, len, &n);
    if (!k) {
        if (ascii)
            vz_fail(VZ_ENOMEM, "out of memory");
        return NULL;
    }
    make_key(k, ascii ? text : k, n, ascii);
    return k;
}

/* merge_key's key of a sighting, in a->keying until the next one is
 * made: only a new candidate's is copied (find_or_add).  NULL: out of
 * memory. */
static const char *cand_key(asking *a, const char *text, size_t len)
{
    int ascii = all_ascii(text, len);
    size_t n = len;
    char *norm = ascii ? NULL : vz_normalise(text, len, &n);
    if (!ascii && !norm)
        return NULL;
    a->keying.len = 0;
    int rc = vz_buf_reserve(&a->keying, n + 1);
    if (!rc) {
        if (norm)
            memcpy(a->keying.data, norm, n);
        make_key(a->keying.data, norm ? a->keying.data : text, n, ascii);
    }
    if (norm)
        free(norm);   /* most keys are ASCII: no call */
    return rc ? NULL : a->keying.data;
}

/* The hash of a candidate's key, for a->cindex. */
static uint64_t key_hash(const char *key)
{
    return vz_fnv1a(key, strlen(key), VZ_FNV_SEED);
}

/* The slot of a key of hash h in a->cindex: its own, or the empty one
 * where it would go. */
static struct cand_slot *cand_slot(const asking *a, const char *key, uint64_t h)
{
    size_t mask = a->cslots - 1;
    for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
        struct cand_slot *s = &a->cindex[i];
        if (!s->at || (s->hash == h && !strcmp(a->cands[s->at - 1].key, key)))
            return s;
    }
}

/* a->cindex made to hold every candidate, with room for one more: VZ_OK
 * or VZ_ENOMEM. */
static int index_cands(asking *a)
{
    if (a->indexed == a->ncands && 2 * (a->ncands + 1) <= a->cslots)
        return VZ_OK;
    size_t slots = a->cslots ? a->cslots : 64;
    while (2 * (a->ncands + 1) > slots)
        slots *= 2;
    if (slots > a->cindex_room) {
        free(a->cindex);
        if (!(a->cindex = malloc(slots * sizeof *a->cindex))) {
            a->cslots = a->indexed = a->cindex_room = 0;
            return vz_fail(VZ_ENOMEM, "out of memory");
        }
        a->cindex_room = slots;
    }
    a->cslots = slots;
    memset(a->cindex, 0, a->cslots * sizeof *a->cindex);
    for (size_t i = 0; i < a->ncands; i++) {
        uint64_t h = a->cands[i].hash;
        *cand_slot(a, a->cands[i].key, h) = (struct cand_slot){h, i + 1};
    }
    a->indexed = a->ncands;
    return VZ_OK;
}

/* The candidates moved (sorted, or the last ones dropped): the index
 * is made again when next asked. */
static void cands_moved(asking *a)
{
    a->indexed = 0;
    a->seen = NULL;   /* its room stays in the pool */
    a->seen_slots = a->nseen = 0;
}

/* The candidate of key (copied when new); when new, the caller gives it
 * its text, and text is the one its weakness is judged on (is_weak).
 * Keys are unique among the candidates, so the index finds what a search
 * in order would. */
static int find_or_add(asking *a, const char *key, const char *text, size_t len,
                       candidate **out)
{
    if (index_cands(a))
        return VZ_ENOMEM;
    uint64_t h = key_hash(key);
    struct cand_slot *slot = cand_slot(a, key, h);
    if (slot->at) {
        *out = &a->cands[slot->at - 1];
        return VZ_OK;
    }
    void *p = a->cands;
    if (vz_grow(&p, &a->capcands, a->ncands + 1, sizeof *a->cands))
        return vz_fail(VZ_ENOMEM, "out of memory");
    a->cands = p;
    char *own = pool_strndup(a, key, strlen(key), 0);
    if (!own)
        return VZ_ENOMEM;
    candidate *c = &a->cands[a->ncands];
    memset(c, 0, sizeof *c);
    c->key = own;
    c->hash = h;
    c->weak = -1;
    c->first = text;
    c->first_len = len;
    int rc = VZ_OK;
    if (a->class_label)
        rc = vz_extract_in_class_cached(a->e->qa->extractor, a->xc, a->class_label, text, len,
                                        &c->in_class);
    if (rc)
        return rc;
    *slot = (struct cand_slot){h, ++a->ncands};
    a->indexed = a->ncands;
    *out = c;
    return VZ_OK;
}

/* The slot of text t, len bytes of hash h, in a->seen: its own, or the
 * empty one where it would go. */
static struct seen *seen_slot(const asking *a, const char *t, size_t len, uint64_t h)
{
    size_t mask = a->seen_slots - 1;
    for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
        struct seen *s = &a->seen[i];
        if (!s->at || (s->hash == h && s->len == len && !memcmp(s->text, t, len)))
            return s;
    }
}

/* Remember that text t is candidate at; without room, it is not. */
static void remember_seen(asking *a, const char *t, size_t len, uint64_t h, size_t at)
{
    if (2 * (a->nseen + 1) > a->seen_slots) {
        size_t slots = a->seen_slots ? 2 * a->seen_slots : 64;
        struct seen *old = a->seen, *room = pool_take(a, slots * sizeof *room);
        if (!room)
            return;
        memset(room, 0, slots * sizeof *room);
        size_t n = a->seen_slots;
        a->seen = room;
        a->seen_slots = slots;
        for (size_t i = 0; i < n; i++)
            if (old[i].at)
                *seen_slot(a, old[i].text, old[i].len, old[i].hash) = old[i];
    }
    *seen_slot(a, t, len, h) = (struct seen){h, t, len, at + 1};
    a->nseen++;
}

/* The candidate of a sighting's text t: the same bytes make the same key,
 * which a text seen before (by a template and a phrase, in sentence after
 * sentence) does not make again. */
static int candidate_of(asking *a, const char *t, size_t len, candidate **out)
{
    uint64_t h = vz_fnv1a(t, len, VZ_FNV_SEED);
    struct seen *s = a->seen ? seen_slot(a, t, len, h) : NULL;
    if (s && s->at) {
        *out = &a->cands[s->at - 1];
        return VZ_OK;
    }
    const char *key = cand_key(a, t, len);
    int rc = key ? find_or_add(a, key, t, len, out) : vz_fail(VZ_ENOMEM, "out of memory");
    if (!rc)
        remember_seen(a, t, len, h, (size_t)(*out - a->cands));
    return rc;
}

/* Does a "weak" template match c's first sighting (*weak)?  Only an
 * answer that no template made for the question found asks, and many
 * never do: it is judged when first asked, once. */
static int is_weak(asking *a, candidate *c, int *weak)
{
    if (c->weak < 0) {
        int rc = vz_extract_weak_cached(a->e->qa->extractor, a->xc, c->first, c->first_len,
                                        &c->weak);
        if (rc) {
            c->weak = -1;
            return rc;
        }
    }
    *weak = c->weak;
    return VZ_OK;
}

static void add_occurrence(candidate *c, const cand_ctx *x, size_t s, size_t e)
{
    const vz_sentence_info *si = &x->a->e->idx->sentences[x->sent->sid];
    for (size_t i = 0; i < c->nocc; i++)
        if (c->occ[i].doc == si->doc && c->occ[i].sent_start == si->start)
            return;
    if (c->nocc < MAX_OCC)
        c->occ[c->nocc++] = (occurrence){si->doc, si->start, si->end, (uint32_t)(si->start + s),
                                         (uint32_t)(si->start + e)};
}

/* Does a word at the edge of an answer only repeat the question or join? */
static int edge_word(const word *w)
{
    /* A capitalised cue word belongs to the name: "High Court" answers
     * "which court", "Court" stays. */
    int own_name = (w->key < 0 || w->other_form) && (w->flags & VZ_TOK_CAPITAL);
    return (w->asked && !own_name) || (w->flags & VZ_TOK_STOP);
}

/* Is word k one that an answer keeps at its edge, a negation ("keep"
 * rules in templates.rules)?  A failure to match keeps nothing. */
static int kept_word(cand_ctx *x, size_t k)
{
    uint64_t bit = (uint64_t)1 << (k % 64);
    if (k < KEPT_MEMO && (x->kept_known[k / 64] & bit))
        return (x->kept[k / 64] & bit) != 0;
    const asking *a = x->a;
    const reading *rd = x->rd;
    int kept = 0;
    if (vz_extract_kept_cached(a->e->qa->extractor, a->xc, rd->text.data + rd->w[k].start,
                        rd->w[k].end - rd->w[k].start, &kept))
        return 0;
    if (k < KEPT_MEMO) {
        x->kept_known[k / 64] |= bit;
        if (kept)
            x->kept[k / 64] |= bit;
    }
    return kept;
}

/* How well a template's label fits the label of the question's rule:
 * "city" asked and "country" found is a poor fit, an unlabelled find a
 * middling one. */
static double label_fit(const asking *a, const char *label)
{
    if (label && !strcmp(label, "fallback"))
        return FALLBACK_FIT;
    if (!a->qt.label[0])
        return 1.0;
    if (!label || !label[0])
        return UNLABELLED_FIT;
    return strcmp(label, a->qt.label) ? OTHER_LABEL_FIT : 1.0;
}

/* Is a template made for what is asked: labelled as the question is, or,
 * when the question has no label, with its type's own name ("person" for
 * a who-question, which takes a title alone: "the Vice President
 * assumes the power")?  Such a template knows its answer's form. */
static int made_for(const asking *a, const char *label)
{
    if (!label || !label[0])
        return 0;
    return !strcmp(label, a->qt.label[0] ? a->qt.label : vz_type_name(a->qt.type));
}

static int names_focus(const reading *rd, size_t i, size_t j)
{
    for (size_t k = i ? i - 1 : 0; k < rd->n && k <= j; k++)
        if (rd->w[k].focus)
            return 1;
    return 0;
}

static int names_an_entity(int type)
{
    return type == VZ_TYPE_PERSON || type == VZ_TYPE_ORGANIZATION || type == VZ_TYPE_PLACE;
}

/* Only white space or a hyphen between words k-1 and k? */
static int joined(const reading *rd, size_t k)
{
    for (size_t b = rd->w[k - 1].end; b < rd->w[k].start; b++)
        if (!strchr(" \t\r\n-", rd->text.data[b]))
            return 0;
    return 1;
}

/* A capitalised word that is no stop word ("The" is one). */
static int name_word(const reading *rd, size_t k)
{
    return (rd->w[k].flags & VZ_TOK_CAPITAL) && !(rd->w[k].flags & VZ_TOK_STOP);
}

/* Do the capitalised words [i, j) spell the initials of a question's
 * word: "United States" is the question's own when it asks of the "US". */
static int spells_initials(const reading *rd, size_t i, size_t j)
{
    if (i >= j)
        return 0;   /* nothing left of the answer */
    /* The whole name they stand in: "United" is part of "United Nations". */
    while (i > 0 && name_word(rd, i - 1) && joined(rd, i))
        i--;
    while (j < rd->n && name_word(rd, j) && joined(rd, j))
        j++;
    char init[16];
    size_t n = 0;
    for (size_t k = i; k < j; k++) {
        if (rd->w[k].flags & VZ_TOK_STOP)
            continue;   /* "Organization of Island States" */
        /* The stem is normalised already: "Élysée" gives "e". */
        if (!(rd->w[k].flags & VZ_TOK_CAPITAL) || !rd->w[k].stem[0] || n + 1 >= sizeof init)
            return 0;
        init[n++] = rd->w[k].stem[0];
    }
    init[n] = '\0';
    return n > 1 && has_stem(rd->a->initials, rd->a->ninitials, init, n);
}

/* Is a name [i, j) right after one of the question's own words, written
 * in lower case, with only a space between?  Then that word says what the
 * name is or what was done to it: a role in apposition ("manager Ruth
 * Holloway" answers "who manages the club") or a verb and its object
 * ("beat Kirkby Rovers" answers "who did they beat").  A synonym is not
 * the question's word: a "festival director" is no hospital's "boss". */
static int follows_question_word(const reading *rd, size_t i, size_t j)
{
    if (i >= j || i == 0 || !joined(rd, i))
        return 0;
    const word *w = &rd->w[i - 1];
    if (w->key < 0 || (w->flags & VZ_TOK_CAPITAL))
        return 0;
    if (!w->synonym)
        return 1;
    /* A synonym of the question's word does, with the question's own noun
     * before it naming what the role is of: "festival director Nora
     * Pell" answers "who is in charge of the festival". */
    const word *n = i > 1 && joined(rd, i - 1) ? &rd->w[i - 2] : NULL;
    return n && n->key >= 0 && n->key != w->key && !n->synonym && !(n->flags & VZ_TOK_CAPITAL);
}

/* Does a name [.., j) stand right before the verb whose subject is asked,
 * auxiliaries between or not: "the Norwegian leader was expected"
 * answers "who was expected to visit"? */
static int subject_of_question_verb(const asking *a, const reading *rd, size_t j)
{
    size_t k = j;
    while (k < rd->n && k - j < 2 && joined(rd, k) && (rd->w[k].flags & VZ_TOK_STOP))
        k++;
    return a->subject_of >= 0 && k < rd->n && joined(rd, k) && rd->w[k].key == a->subject_of &&
           !(rd->w[k].flags & VZ_TOK_CAPITAL);
}

static int is_by(const reading *rd, size_t k)
{
    const word *w = &rd->w[k];
    return w->end - w->start == 2 && !strncasecmp(rd->text.data + w->start, "by", 2);
}

/* Is a name [i, ...) the agent of the question's verb in the passive:
 * "owned by the Harwick company North Sea Fisheries" answers "who
 * owned the trawler"?  A determiner and a few words of description may
 * stand between "by" and the name, not a comma nor a preposition ("spoke
 * by telephone with X" says how, not who). */
static int agent_of_question_verb(const reading *rd, size_t i)
{
    for (size_t k = i; k > 1 && i - k < 5; k--) {
        if (!joined(rd, k))
            return 0;
        if (is_by(rd, k - 1)) {
            const word *v = &rd->w[k - 2];
            return v->key >= 0 && !(v->flags & VZ_TOK_CAPITAL) && joined(rd, k - 1);
        }
        if ((rd->w[k - 1].flags & VZ_TOK_STOP) && !is_by(rd, k - 2))
            return 0;
    }
    return 0;
}

/* Does a count name something other than what "how many" asks to count:
 * "four other countries" for "how many people came"? */
static int counts_other(const asking *a, const reading *rd, size_t i, size_t j)
{
    if (a->qt.type != VZ_TYPE_COUNT || !a->nfocus || j - i < 2)
        return 0;
    /* "four other" counts what follows it: "four other countries". */
    size_t k = j - 1;
    while ((rd->w[k].flags & VZ_TOK_STOP) && k + 1 < rd->n && joined(rd, k + 1))
        k++;
    const word *last = &rd->w[k];
    return !last->asked && !last->focus && !(last->flags & (VZ_TOK_STOP | VZ_TOK_NUMBER | VZ_TOK_CAPITAL));
}

/* Is word k one of words (lower case)? */
static int word_is(const reading *rd, size_t k, const char *const *words, size_t n)
{
    size_t len = rd->w[k].end - rd->w[k].start;
    for (size_t d = 0; d < n; d++)
        if (len == strlen(words[d]) && !strncasecmp(rd->text.data + rd->w[k].start, words[d], len))
            return 1;
    return 0;
}

static int is_of(const reading *rd, size_t k)
{
    static const char *const of[] = {"of"};
    return word_is(rd, k, of, 1);
}

/* Is word k of a sentence a word of the class rule label? */
static int class_at(const reading *rd, const char *label, size_t k)
{
    const word *w = &rd->w[k];
    return class_word(rd->a, label, rd->text.data + w->start, w->end - w->start);
}

/* An answer ends before a possessive: "Kurt Gödel" of "Kurt Gödel's
 * theorem" is the one named. */
static size_t without_possessive(const char *t, size_t len)
{
    if (len > 2 && t[len - 2] == '\'' && t[len - 1] == 's')
        return len - 2;
    if (len > 4 && !memcmp(t + len - 4, "\xe2\x80\x99s", 4))
        return len - 4;
    return len;
}

/* Is word k a number, in figures or in words? */
static int numeral_at(const reading *rd, size_t k)
{
    return (rd->w[k].flags & VZ_TOK_NUMBER) || class_at(rd, NUMERAL_CLASS, k);
}

/* A count or quantity [i, j) without the unit the question names: "how
 * many books did she write" is answered "three", not "three major books",
 * for the question says what is counted; "40 people" still answers "how
 * many died".  The unit goes when its last word is the question's. */
static size_t without_asked_unit(const reading *rd, size_t i, size_t j)
{
    if (!rd->w[j - 1].asked || numeral_at(rd, j - 1))
        return j;
    for (size_t k = j - 1; k > i; k--)
        if (numeral_at(rd, k - 1))
            return k;
    return j;
}

/* Does the name [i, j) carry a title that is not the office the question
 * asks the holder of: "French Foreign Minister Jean-Paul Le Roux" is no
 * prime minister, "Prosecutor Odile Marchal" no farm contractor?  A
 * person named with one title holds that one.  The title is the words
 * before the name as well ("Le Roux" of "Foreign Minister Jean-Paul Le
 * Roux"), and a word of the question or a synonym agrees with it. */
static int other_title(const reading *rd, size_t i, size_t j)
{
    const asking *a = rd->a;
    if (!a->titles)
        return 0;
    while (i > 0 && joined(rd, i) && (name_word(rd, i - 1) || class_at(rd, TITLE_CLASS, i - 1)))
        i--;
    for (size_t k = i; k < j; k++)
        if (rd->w[k].key < 0 && class_at(rd, TITLE_CLASS, k))
            return 1;
    return 0;
}

/* Does the count [i, j) count what befell others than the question asks:
 * "40 people were killed" for "how many were injured"?  A count's verb
 * stands in it, right after it ("40 people total died") or right before
 * it ("killed 40 people"); one that is the question's word or its synonym
 * agrees, another of its kind does not. */
static int befell_other(const reading *rd, size_t i, size_t j)
{
    if (!rd->a->fates)
        return 0;
    int other = 0;
    size_t s = i, e = j;
    while (s > 0 && i - s < 2 && joined(rd, s))
        s--;
    while (e < rd->n && e - j < FATE_REACH && joined(rd, e))
        e++;
    for (size_t k = s; k < e; k++)
        if (class_at(rd, FATE_CLASS, k)) {
            if (rd->w[k].key >= 0)
                return 0;
            other = 1;
        }
    return other;
}

/* Is word k "the", "this" or "that"? */
static int definite(const reading *rd, size_t k)
{
    static const char *const dets[] = {"the", "this", "that"};
    return word_is(rd, k, dets, sizeof dets / sizeof *dets);
}

/* Is word k a determiner, so that the word after it is a noun ("her
 * speech"), not a verb? */
static int determiner(const reading *rd, size_t k)
{
    static const char *const dets[] = {"the", "a", "an", "this", "that", "these", "those",
                                       "his", "her", "its", "their", "our", "my", "your"};
    return word_is(rd, k, dets, sizeof dets / sizeof *dets);
}

/* Does the name [i, ...) follow the preposition that opens the question,
 * a determiner between or not: "at which organisation" is answered "at
 * the United Nations". */
static int after_question_preposition(const asking *a, const reading *rd, size_t i)
{
    size_t len = a->qt.prep_end - a->qt.prep_start, k = i;
    if (!len || k == 0 || !joined(rd, k))
        return 0;
    if (determiner(rd, k - 1) && (--k == 0 || !joined(rd, k)))
        return 0;
    const word *p = &rd->w[k - 1];
    return p->end - p->start == len &&
           !strncasecmp(rd->text.data + p->start, a->q + a->qt.prep_start, len);
}

/* Does the candidate at word i stand in the object slot of a question's
 * verb: right after a key term the sentence writes in lower case (a verb
 * or a common noun, not a name), with only stop words (determiners,
 * possessives) between ("exchange letters", "conveyed his solidarity")?
 * A key term the question writes in -ly modifies its verb and is not the
 * verb, nor is a word after a determiner ("in her speech on Monday"). */
static int in_object_slot(const reading *rd, size_t i, size_t j)
{
    /* A noun before "of" heads the object, it is not all of it: "control
     * of the assets" is what was transferred, not "control". */
    if (j < rd->n && joined(rd, j) && is_of(rd, j))
        return 0;
    size_t k = i;
    while (k > 0 && joined(rd, k) && (rd->w[k - 1].flags & VZ_TOK_STOP))
        k--;
    if (k == 0 || !joined(rd, k))
        return 0;
    const word *v = &rd->w[k - 1];
    int noun = k > 1 && joined(rd, k - 1) && determiner(rd, k - 2);
    return v->key >= 0 && !(v->flags & VZ_TOK_CAPITAL) && !rd->a->words[v->key].adverb && !noun;
}

/* Does word i follow the question's verb with no word between? */
static int right_after_verb(const reading *rd, size_t i)
{
    return i > 0 && joined(rd, i) && rd->w[i - 1].key >= 0 && !(rd->w[i - 1].flags & VZ_TOK_STOP);
}

/* "What did X VERB" asks for the verb's object, and so do the labelled
 * kinds whose verb takes the answer as its object: what one demanded or
 * urged ("urged them to show restraint"), what one called a thing
 * ("characterized by mutual trust"), which a template made for the
 * label finds already.  A role, a manner, a kind or a reason is no
 * object (question.rules names these labels). */
static int asks_object(const asking *a)
{
    static const char *const objects[] = {"", "called", "demand"};
    if (a->qt.type != VZ_TYPE_DESCRIPTION)
        return 0;
    for (size_t i = 0; i < sizeof objects / sizeof *objects; i++)
        if (!strcmp(a->qt.label, objects[i]))
            return 1;
    return 0;
}

/* Is word k a name the question names ("Norway", not "President")? */
static int named_key(const reading *rd, size_t k)
{
    const word *w = &rd->w[k];
    return w->key >= 0 && !w->synonym && !w->other_form && is_name(w->flags);
}

/* A closing quotation mark and white space alone between words k-1 and
 * k? */
static int quoted_next(const reading *rd, size_t k)
{
    int quote = 0;
    for (size_t b = rd->w[k - 1].end; b < rd->w[k].start; b++) {
        const char *t = rd->text.data + b;
        if (strchr(" \t\r\n", *t))
            continue;
        if (*t == '"' || !strncmp(t, "\xe2\x80\x9d", 3)) {
            b += *t == '"' ? 0 : 2;
            quote = 1;
            continue;
        }
        return 0;
    }
    return quote;
}

/* Do words [i, j) stand in apposition to a name the question names, as
 * news describes a thing beside its name: quoted before it ("its 'friend and
 * partner' Norway"), or after it, set off by a comma or "as" ("Berg, a
 * close ally of the mayor", "Norway as a trusted neighbour")? */
static int in_apposition(const reading *rd, size_t i, size_t j)
{
    if (j < rd->n && named_key(rd, j) && quoted_next(rd, j))
        return 1;
    size_t k = i;
    while (k > 0 && (rd->w[k - 1].flags & VZ_TOK_STOP) && joined(rd, k))
        k--;
    if (k == 0 || !named_key(rd, k - 1))
        return 0;
    const char *t = rd->text.data;
    size_t n = rd->w[k].end - rd->w[k].start;
    int comma = memchr(t + rd->w[k - 1].end, ',', rd->w[k].start - rd->w[k - 1].end) != NULL;
    int as = k < i && n == 2 && !strncasecmp(t + rd->w[k].start, "as", 2);
    return comma || (as && joined(rd, k));
}

/* How much of the question a sentence tells, for confidence: its own key
 * terms and the names of the sentence before it, which news names once
 * and then calls "he" or "the minister".  Other words do not carry over:
 * "230 wounded" before "40 were killed" does not make the 40 wounded. */
static double told(const asking *a, const ranked *s)
{
    return s->own + coverage_of(a, s->prev & a->names & ~s->rd->covered);
}

/* The words of [i, j) that make a phrase long: an "of" and the stop words
 * after it only join a noun to its complement ("control of some of the
 * assets"). */
static size_t phrase_length(const reading *rd, size_t i, size_t j)
{
    size_t n = j - i;
    for (size_t k = i; k < j; k++)
        if (is_of(rd, k))
            for (n--; k + 1 < j && (rd->w[k + 1].flags & VZ_TOK_STOP) && !is_of(rd, k + 1); k++)
                n--;
    return n;
}

/* Is [s, e) of the sentence within a span it sets apart from the rest? */
static int within_apart(const cand_ctx *x, size_t s, size_t e)
{
    for (size_t k = 0; k < x->napart; k++)
        if (s >= x->apart[k].start && e <= x->apart[k].end)
            return 1;
    return 0;
}

/* Add words [i, j) of the sentence as a candidate with a template weight;
 * own: a template made for the question's label found it. */
static int add_candidate(cand_ctx *x, size_t i, size_t j, double weight, int phrase, int own)
{
    asking *a = x->a;
    const reading *rd = x->rd;
    /* A dateline says where and when the report was filed, which only a
     * question of its date asks (the date templates know its form). */
    if (a->qt.type != VZ_TYPE_DATE && rd->w[i].start < x->dateline)
        return 0;
    /* A count names what it counts ("205 detained" answers "how many were
     * detained"); other answers drop the question's words at their edges. */
    int counted = a->qt.type == VZ_TYPE_COUNT || a->qt.type == VZ_TYPE_QUANTITY;
    /* News names a thing with its kind beside it: "the Daily Echo
     * newspaper" answers "which newspaper", "the River Thames" "which river",
     * "four Labour councillors" "how many councillors".  A quantity's unit
     * names it instead, and a list's kind introduces every list, the wrong
     * ones too ("several countries, including ..."). */
    int focused = a->qt.type != VZ_TYPE_QUANTITY && a->qt.type != VZ_TYPE_LIST &&
                  names_focus(rd, i, j);
    if (focused)
        weight *= FOCUS_BONUS;
    else if (counts_other(a, rd, i, j))
        weight *= OTHER_LABEL_FIT;
    /* An answer of the wrong form for what was asked is unlikely however
     * well it stands: its factor is kept apart from the fit, which a
     * focused count saturates. */
    double form = 1.0;
    if (a->qt.type == VZ_TYPE_COUNT && befell_other(rd, i, j))
        form *= OTHER_FORM;
    /* A quantity in another unit measures something else ("thirty years"
     * is no population), a date not beside "born" is another event's. */
    if (a->strict && !own)
        form *= OTHER_FORM;
    if (!counted) {
        /* A negation stays: "not be demolished" says the opposite of
         * "demolished". */
        while (i < j && edge_word(&rd->w[i]) && !kept_word(x, i))
            i++;
        /* A name that ends in the question's word is the question's own
         * ("Mayor Jane Smith" when Smith is asked about). */
        if (i < j && names_an_entity(a->qt.type) && rd->w[j - 1].key >= 0 &&
            (rd->w[j - 1].flags & VZ_TOK_CAPITAL) && !rd->w[j - 1].other_form)
            return 0;
        /* ... and alone it is an answer: "No" answers "was it ...". */
        while (j > i && edge_word(&rd->w[j - 1]) && !(j - 1 == i && kept_word(x, i)))
            j--;
        if (i >= j)
            return 0;
        if (names_an_entity(a->qt.type) && spells_initials(rd, i, j))
            return 0;
        /* Such a name is tied to the question as one named with its
         * focus is. */
        if (!focused && names_an_entity(a->qt.type) && follows_question_word(rd, i, j)) {
            /* ... unless that word is a noun the question takes as known:
             * "the trawler Sea Lark" is the trawler "who owned the
             * trawler" asks about, not its owner. */
            if (a->words[rd->w[i - 1].key].given)
                return 0;
            focused = 1;
            weight *= FOCUS_BONUS;
        } else if (!focused && names_an_entity(a->qt.type) &&
                   (agent_of_question_verb(rd, i) || after_question_preposition(a, rd, i) ||
                    (x->referent && subject_of_question_verb(a, rd, j)))) {
            focused = 1;
            weight *= FOCUS_BONUS;
        }
    }
    if (i >= j || (a->qt.type != VZ_TYPE_LIST && j - i > MAX_WORDS))
        return 0;
    /* What a sentence sets apart ("members (excluding Portugal) recognized
     * him") is what a question of who did not answers, and what one of
     * who did does not. */
    int apart = within_apart(x, rd->w[i].start, rd->w[j - 1].end);
    if (apart)
        weight *= a->negated ? FOCUS_BONUS : UNFOCUSED;
    if (other_title(rd, i, j))
        form *= OTHER_FORM;
    size_t qwords = 0, asked = 0;
    for (size_t k = i; k < j; k++) {
        qwords += rd->w[k].key >= 0 && !rd->w[k].other_form;
        asked += rd->w[k].asked;
    }
    if (asked == j - i)
        return 0;   /* the question's own words are never the answer */
    double fit = qwords ? (counted ? 2.0 : 0.5) : 1.0;
    if (counted)
        j = without_asked_unit(rd, i, j);
    size_t s = rd->w[i].start, e = rd->w[j - 1].end;
    /* A reference answers with the name it stands for. */
    const char *t = x->referent ? x->referent : rd->text.data + s;
    size_t len = without_possessive(t, x->referent ? strlen(x->referent) : e - s);
    if (!x->referent)
        e = s + len;
    candidate *c = NULL;
    int rc = candidate_of(a, t, len, &c);
    if (rc)
        return rc;
    /* A template made for what is asked knows its answer's form: "Deputy
     * Foreign Minister" answers "what is his position", "peacefully" "how". */
    int weak = 0;
    if (!own && (rc = is_weak(a, c, &weak)) != VZ_OK)
        return rc;
    if (weak)
        weight *= WEAK_WEIGHT;
    int object = 0;
    if (asks_object(a) && !own && in_object_slot(rd, i, j))
        object = 1;
    /* "How did they describe X" asks for what news sets beside X. */
    else if (a->qt.type == VZ_TYPE_DESCRIPTION && !strcmp(a->qt.label, "called") &&
             in_apposition(rd, i, j))
        object = 1;
    if (object)
        weight *= OBJECT_BONUS;
    if (x->hedged)
        weight *= HEDGED;
    c->focused |= focused;
    c->own |= own;
    c->framed |= !phrase || (object && (j - i > 1 || right_after_verb(rd, i)));
    c->set_apart |= apart && a->negated;
    double nearest, closeness = proximity(x, i, j, phrase, &nearest);
    double score = x->sent->score * closeness * fit * weight * form;
    size_t length = phrase_length(rd, i, j);
    if (phrase && length > SHORT_PHRASE)
        score /= 1.0 + 0.2 * (double)(length - SHORT_PHRASE);
    c->score += score;
    if (score > c->best || !c->text) {   /* its text is its best sighting's */
        c->best = score;
        /* A better sighting's text: in its room, or in new room of the
         * pool (the old stays there until the question ends). */
        if (c->text && len < c->room) {
            memcpy(c->text, t, len);
            c->text[len] = '\0';
        } else if (!(c->text = pool_strndup(a, t, len, 0))) {
            return VZ_ENOMEM;
        } else {
            c->room = len + 1;
        }
        c->named = x->referent || (rd->w[i].flags & VZ_TOK_CAPITAL) != 0;
    }
    if (x->sent->own > c->coverage)
        c->coverage = x->sent->own;
    /* Read with the sentence before, as its score is: "recognized him"
     * names whom the previous sentence named. */
    c->covered |= x->rd->covered | x->sent->prev;
    /* A sentence that only asks for, plans or fears what was asked does
     * not say it happened: it may rank an answer, never make it sure. */
    double unhedged = x->hedged ? weight / HEDGED : weight;
    double tells = told(a, x->sent);
    double bare = tells * nearest * fmin(1.0, fit * unhedged) * form;
    double quality = x->hedged ? 0 : bare;
    if (bare > c->bare)
        c->bare = bare;
    if (c->last_sid != x->sent->sid + 1) {
        c->sightings++;
        c->last_sid = x->sent->sid + 1;
    }
    c->docs |= 1ull << (a->e->idx->sentences[x->sent->sid].doc % 64);
    if (quality > c->quality) {
        c->told_keys = x->rd->covered | (x->sent->prev & a->names);
        c->quality = quality;
        c->factor[0] = tells;
        c->factor[1] = nearest;
        c->factor[2] = fmin(1.0, fit * weight) * form;
        c->doc = a->e->idx->sentences[x->sent->sid].doc;
    }
    add_occurrence(c, x, s, e);
    return 0;
}

/* Do words [i, j) restate the question: hold two or more of its key
 * terms, and at least half of them? */
static int restates(const reading *rd, size_t i, size_t j)
{
    uint64_t keys = 0;
    for (size_t k = i; k < j; k++)
        if (rd->w[k].key >= 0 && rd->w[k].key < MAX_KEYS)
            keys |= (uint64_t)1 << rd->w[k].key;
    size_t n = 0;
    for (; keys; keys &= keys - 1)
        n++;
    return n >= 2 && 2 * n >= rd->a->nkeys;
}

/* The words a template matched, [s, e) of the sentence.  A long match that
 * restates the question ("after the old bridge was shut" for "why was the
 * old bridge shut") says when or why something else happened. */
static int on_template(size_t s, size_t e, const char *label, void *ctx)
{
    cand_ctx *x = ctx;
    const reading *rd = x->rd;
    size_t i = 0;
    while (i < rd->n && rd->w[i].end <= s)
        i++;
    size_t j = i;
    while (j < rd->n && rd->w[j].start < e)
        j++;
    if (x->a->qt.type == VZ_TYPE_DESCRIPTION && restates(rd, i, j))
        return 0;
    /* An office is held by a person: a body ("institution" templates: a
     * club, a country) is no holder of the one asked about. */
    double fit = label_fit(x->a, label);
    if (x->a->titles && !strcmp(label, INSTITUTION))
        fit *= OTHER_FORM;
    return add_candidate(x, i, j, fit, 0, made_for(x->a, label));
}

/* A noun and its "of" complement are one noun phrase: "control of some
 * of the assets".  The end of the phrase that word m, an "of" before
 * word j, opens (m: none). */
static size_t of_phrase_end(const reading *rd, size_t m, size_t j)
{
    size_t end = m;
    while (end < j && is_of(rd, end)) {
        size_t k = end + 1;
        while (k < j && (rd->w[k].flags & VZ_TOK_STOP) && !is_of(rd, k))
            k++;
        if (k < j && is_of(rd, k)) {
            end = k;   /* "some of": the quantity's own "of" */
            continue;
        }
        size_t n = k;
        while (n < j && !(rd->w[n].flags & VZ_TOK_STOP))
            n++;
        if (n == k)
            break;
        end = n;
    }
    return end;
}

/* What a sentence says beyond the question: each run of words between
 * punctuation and the question's own words is a candidate phrase; a run
 * too long for an answer gives its stop-word-free pieces instead. */
static int add_phrases(cand_ctx *x)
{
    const reading *rd = x->rd;
    /* A phrase has no label: a labelled question takes it as it takes an
     * unlabelled template. */
    double weight = PHRASE_WEIGHT * label_fit(x->a, NULL);
    size_t i = 0;
    while (i < rd->n) {
        if (rd->w[i].asked) {
            i++;
            continue;
        }
        size_t j = i + 1;
        while (j < rd->n && !rd->w[j].asked && joined(rd, j))
            j++;
        int rc = add_candidate(x, i, j, weight, 1, 0);
        /* No piece after a negation: "sold" of "will not be sold". */
        for (size_t k = i; !rc && k < j;) {
            while (k < j && (rd->w[k].flags & VZ_TOK_STOP) && !kept_word(x, k))
                k++;
            if (k < j && kept_word(x, k))
                break;
            size_t m = k;
            while (m < j && !(rd->w[m].flags & VZ_TOK_STOP))
                m++;
            if (m > k && (k > i || m < j))
                rc = add_candidate(x, k, m, weight, 1, 0);
            size_t o = of_phrase_end(rd, m, j);
            if (!rc && m > k && o > m && (k > i || o < j))
                rc = add_candidate(x, k, o, weight, 1, 0);
            k = m;
        }
        if (rc)
            return rc;
        i = j;
    }
    return VZ_OK;
}

/* "What kind of contact" asks for what qualifies the noun where news
 * writes it: the lower-case word right before it ("constant contact",
 * "in close contact"), found as a template made for the kind finds it. */
static int add_modifiers(cand_ctx *x)
{
    const reading *rd = x->rd;
    int rc = VZ_OK;
    for (size_t k = 1; !rc && k < rd->n; k++) {
        const word *m = &rd->w[k - 1];
        if (rd->w[k].focus && joined(rd, k) && !m->asked &&
            !(m->flags & (VZ_TOK_STOP | VZ_TOK_CAPITAL | VZ_TOK_NUMBER)))
            rc = add_candidate(x, k - 1, k, 1.0, 0, 1);
    }
    return rc;
}

/* A hedge that holds one of the question's words: "asked the council to
 * hold a meeting" does not say the council held one.  When its own verb is
 * the question's ("whom did they ask"), it is what was asked about. */
static int on_hedge(size_t s, size_t e, const char *label, void *ctx)
{
    (void)label;
    cand_ctx *x = ctx;
    const reading *rd = x->rd;
    size_t k = 0;
    while (k < rd->n && rd->w[k].start < s)
        k++;
    if (k < rd->n && rd->w[k].key >= 0)
        return 0;
    for (; k < rd->n && rd->w[k].end <= e && !x->hedged; k++)
        x->hedged = rd->w[k].key >= 0;
    return 0;
}

static int on_question_hedge(size_t s, size_t e, const char *label, void *ctx)
{
    (void)s, (void)e, (void)label;
    ((asking *)ctx)->hedged = 1;
    return 0;
}

static int on_question_negation(size_t s, size_t e, const char *label, void *ctx)
{
    (void)s, (void)e, (void)label;
    ((asking *)ctx)->negated = 1;
    return 0;
}

static int on_exclusion(size_t s, size_t e, const char *label, void *ctx)
{
    (void)label;
    cand_ctx *x = ctx;
    if (x->napart < MAX_APART) {
        x->apart[x->napart].start = s;
        x->apart[x->napart++].end = e;
    }
    return 0;
}

static int on_dateline(size_t s, size_t e, const char *label, void *ctx)
{
    (void)s, (void)label;
    ((cand_ctx *)ctx)->dateline = e;
    return 0;
}

/* ---- references -------------------------------------------------------- */

/* Is form f (a word's stem) the description's word g, or its synonym
 * ("premier" for "leader", "Norway's" for "Norwegian")?  gg: g's ng
 * groups. */
static int same_word_of(const asking *a, const char *f, const char *g, const uint32_t *gg,
                        size_t ng)
{
    if (!strcmp(f, g))
        return 1;
    /* Both in one group: the two ascending lists of groups meet. */
    size_t nf, i = 0, j = 0;
    if (!ng)
        return 0;
    const uint32_t *gf = vz_qa_groups_of(a->e->qa, f, strlen(f), &nf);
    while (i < nf && j < ng) {
        if (gf[i] == gg[j])
            return 1;
        if (gf[i] < gg[j])
            i++;
        else
            j++;
    }
    return 0;
}

static int same_word(const asking *a, const char *f, const char *g)
{
    size_t ng;
    const uint32_t *gg = vz_qa_groups_of(a->e->qa, g, strlen(g), &ng);
    return same_word_of(a, f, g, gg, ng);
}

/* Are the modifiers of description [i, j) of rd (the words between its
 * "the" and its noun) all among words [s, e) of pre? */
static int has_modifiers(const asking *a, const reading *pre, size_t s, size_t e,
                         const reading *rd, size_t i, size_t j)
{
    for (size_t m = i + 1; m + 1 < j; m++) {
        int found = 0;
        for (size_t k = s; k < e && !found; k++)
            found = same_word(a, pre->forms[k], rd->forms[m]);
        if (!found)
            return 0;
    }
    return 1;
}

/* Does white space alone, on one line, stand between words k-1 and k?
 * A name does not run on over a line's end into a heading or a caption. */
static int same_line(const reading *rd, size_t k)
{
    return joined(rd, k) &&
           !memchr(rd->text.data + rd->w[k - 1].end, '\n', rd->w[k].start - rd->w[k - 1].end);
}

/* Is word k in the possessive ("the hospital's"), a modifier of the
 * noun after it, not a noun phrase's head? */
static int possessive(const reading *rd, size_t k)
{
    const char *t = rd->text.data + rd->w[k].start;
    size_t n = rd->w[k].end - rd->w[k].start;
    return (n > 2 && !strncmp(t + n - 2, "'s", 2)) ||
           (n > 4 && !strncmp(t + n - 4, "\xe2\x80\x99s", 4));
}

/* Do words [s, e) of pre, beside a role noun, make it another office
 * than the description's ("Vice President" is not "the president"): a
 * word of the "rank" class not among the description's modifiers? */
static int other_rank(const asking *a, const reading *pre, size_t s, size_t e,
                      const reading *rd, size_t i, size_t j)
{
    for (size_t k = s; k < e; k++) {
        int in = 0, said = 0;
        if (vz_extract_in_class_cached(a->e->qa->extractor, a->xc, "rank",
                                       pre->text.data + pre->w[k].start,
                                       pre->w[k].end - pre->w[k].start, &in) || !in)
            continue;
        for (size_t m = i + 1; m + 1 < j && !said; m++)
            said = same_word(a, pre->forms[k], rd->forms[m]);
        if (!said)
            return 1;
    }
    return 0;
}

/* The name that a role or kind noun at word k of pre is given:
 * right after it as a title ("Norwegian Prime Minister Kari Berg", "the
 * company North Sea Fisheries"), or before it, the noun in apposition
 * and the apposition closed by punctuation or a joining word ("Kari
 * Berg, Norwegian opposition leader and"), with the description's
 * modifiers beside the noun either way, and no rank it lacks.  A kind
 * word written with a capital is a name's own ("the Harwick Hospitals
 * Charity"), only a role's is a title.  Its words are [*ns, *ne); 0: none. */
static int name_of_role(const asking *a, const reading *pre, size_t k, const reading *rd,
                        size_t i, size_t j, int type, size_t *ns, size_t *ne)
{
    size_t m = k, p = k;
    if (possessive(pre, k) || (type != VZ_TYPE_PERSON && (pre->w[k].flags & VZ_TOK_CAPITAL)))
        return 0;
    while (m + 1 < pre->n && name_word(pre, m + 1) && same_line(pre, m + 1))
        m++;
    while (p > 0 && k - p < 3 && same_line(pre, p))
        p--;
    if (!has_modifiers(a, pre, p, k, rd, i, j) || other_rank(a, pre, p, k, rd, i, j))
        return 0;
    if (m > k) {
        *ns = k + 1;
        *ne = m + 1;
        return 1;
    }
    int closed = k + 1 == pre->n || !joined(pre, k + 1) || (pre->w[k + 1].flags & VZ_TOK_STOP);
    if (!closed || p == 0 || !name_word(pre, p - 1) || joined(pre, p) ||
        !memchr(pre->text.data + pre->w[p - 1].end, ',', pre->w[p].start - pre->w[p - 1].end))
        return 0;
    *ne = p;
    for (*ns = p - 1; *ns > 0 && name_word(pre, *ns - 1) && same_line(pre, *ns); (*ns)--)
        ;
    return 1;
}

/* The name description [i, j) of rd stands for, in the text of other
 * read: the last name there given its noun or a synonym of it, with its
 * modifiers, or the first when forward.  [*ns, *ne) of other; 0: none. */
static int antecedent(const asking *a, const reading *other, int forward, const reading *rd,
                      size_t i, size_t j, int type, size_t *ns, size_t *ne)
{
    /* The noun's groups are looked up once, not for every word read. */
    const char *g = rd->forms[j - 1];
    size_t ng;
    const uint32_t *gg = vz_qa_groups_of(a->e->qa, g, strlen(g), &ng);
    for (size_t n = 0; n < other->n; n++) {
        size_t k = forward ? n : other->n - 1 - n;
        if (same_word_of(a, other->forms[k], g, gg, ng) &&
            name_of_role(a, other, k, rd, i, j, type, ns, ne))
            return 1;
    }
    return 0;
}

typedef struct {
    size_t s[MAX_REFS], e[MAX_REFS];
    int type[MAX_REFS];
    size_t n;
} ref_spans;

static int on_reference(size_t s, size_t e, const char *label, void *ctx)
{
    ref_spans *r = ctx;
    int type = 1;
    while (type < VZ_NTYPES && strcmp(vz_type_name(type), label))
        type++;
    if (r->n < MAX_REFS && type < VZ_NTYPES) {
        r->s[r->n] = s;
        r->e[r->n] = e;
        r->type[r->n++] = type;
    }
    return 0;
}

/* What resolve_reference finds depends on the article alone, not on the
 * question, but for the key terms the name holds: each sentence's
 * references are found once and kept in the reader's cache as memos (a
 * ref_memo per reference resolved, in the order found), each with the
 * tokens of the name and of REF_WINDOW words either side of it, from
 * which a later question reads its key terms as read_span would: a
 * phrase of the question over the name's words lies inside that window
 * when it has at most REF_WINDOW + 1 words (a longer one reads the
 * article's span again).  The memo of a sentence is kept only when all
 * of its references were resolved without error. */
#define REF_WINDOW 8

typedef struct {
    uint32_t i, j;           /* the description's words in its sentence */
    int32_t type;
    uint32_t from, to;       /* the article's span the name was found in */
    uint32_t w0;             /* the window's first word in that span */
    uint32_t ns, ne;         /* the name's words, from the window's first */
    uint32_t ntok;           /* window tokens after it (memo_token, norm, stem) */
    uint32_t name_len;       /* the name's bytes after those */
} ref_memo;

/* read_token, recording the tokens of words [w0, w1) into out. */
typedef struct {
    reading rd;              /* first: read_token's context */
    vz_buf *out;
    size_t w0, w1;
    uint32_t ntok;
    int rc;
} recorder;

static int record_token(const vz_token *tok, void *ctx)
{
    recorder *r = ctx;
    size_t k = r->rd.n;
    if (k >= r->w0 && k < r->w1 && !r->rc) {
        r->rc = memo_add_token(r->out, tok);
        r->ntok++;
    }
    return read_token(tok, &r->rd);
}

/* The key terms words [ns, ne) of a reading stand for. */
static uint64_t keys_of(const reading *rd, size_t ns, size_t ne)
{
    uint64_t keys = 0;
    for (size_t k = ns; k < ne; k++)
        if (rd->w[k].key >= 0 && rd->w[k].key < MAX_KEYS)
            keys |= (uint64_t)1 << rd->w[k].key;
    return keys;
}

/* Keep reference f of rd, its name text[0, len). */
static int add_reference(reading *rd, const reference *f, const char *name, size_t len)
{
    void *p = rd->refs;
    if (vz_grow(&p, &rd->caprefs, rd->nrefs + 1, sizeof *rd->refs))
        return vz_fail(VZ_ENOMEM, "out of memory");
    rd->refs = p;
    rd->refs[rd->nrefs] = *f;
    if (!(rd->refs[rd->nrefs].name = vz_strndup(name, len)))
        return vz_fail(VZ_ENOMEM, "out of memory");
    rd->nrefs++;
    return VZ_OK;
}

/* Record into memo the tokens of words [w0, w1) of the span [from, to)
 * of article doc, read plain as n words, as record_token would, without
 * reading the span again word by word: from its kept analysis.
 * *recorded is 0 when it is not kept (or not as the n words read). */
static int record_window(asking *a, uint32_t doc, uint32_t from, uint32_t to, size_t n,
                         size_t w0, size_t w1, vz_buf *memo, uint32_t *ntok, int *recorded)
{
    vz_buf text = {0};
    span_tokens s;
    int rc = span_of(a, doc, from, to, 1, &text, &s);
    *recorded = !rc && s.ok && s.n == n;
    *ntok = 0;
    for (size_t k = w0; *recorded && !rc && k < w1 && k < s.n; k++) {
        vz_token t;
        span_token(&s, k, &t);
        rc = memo_add_token(memo, &t);
        (*ntok)++;
    }
    vz_buf_free(&text);
    return rc;
}

/* The key terms of a memo's name for this question (below). */
static int memo_keys(asking *a, const ranked *r, const ref_memo *m, const char *toks,
                     uint64_t *keys);

/* Resolve the description of words [i, j) of sentence r, when the
 * article names what it stands for, and keep it in its reading, and its
 * memo in memo.  A description stands for a name given before it; one
 * that none before fits is a headline's or a standfirst's, which describe
 * whom the body goes on to name ("the Norwegian leader was expected to
 * pay a visit" over a report on "Norwegian Prime Minister Kari Berg"). */
static int resolve_reference(asking *a, const ranked *r, size_t i, size_t j, int type,
                             vz_buf *memo)
{
    reading *rd = r->rd;
    const vz_sentence_info *si = &a->e->idx->sentences[r->sid];
    uint32_t at = si->start + (uint32_t)rd->w[i].start;
    reading pre = {0};
    size_t ns, ne;
    uint32_t from = 0, to = at;
    /* The search needs the article's words only; the span the name is
     * found in is read again in full for the key terms it holds. */
    int rc = read_plain(a, si->doc, from, to, &pre);
    int found = !rc && antecedent(a, &pre, 0, rd, i, j, type, &ns, &ne);
    if (!rc && !found) {
        from = si->start + (uint32_t)rd->w[j - 1].end;
        to = (uint32_t)a->e->idx->docs[si->doc].size;
        rc = read_plain(a, si->doc, from, to, &pre);
        found = !rc && antecedent(a, &pre, 1, rd, i, j, type, &ns, &ne);
    }
    if (rc || !found) {
        reading_free(&pre);
        return rc;
    }
    size_t w0 = ns > REF_WINDOW ? ns - REF_WINDOW : 0;
    size_t name_at = pre.w[ns].start, name_len = pre.w[ne - 1].end - name_at;
    ref_memo m = {(uint32_t)i, (uint32_t)j, type, from, to, (uint32_t)w0,
                  (uint32_t)(ns - w0), (uint32_t)(ne - w0), 0, (uint32_t)name_len};
    size_t head = memo->len;
    rc = vz_buf_append(memo, &m, sizeof m);
    reference f = {i, j, type, 0, NULL};
    int recorded = 0;
    if (!rc)
        rc = record_window(a, si->doc, from, to, pre.n, w0, ne + REF_WINDOW, memo, &m.ntok,
                           &recorded);
    if (!rc && recorded) {
        /* The key terms as a later question reads them from the memo. */
        memcpy(memo->data + head, &m, sizeof m);
        rc = vz_buf_append(memo, pre.text.data + name_at, name_len);
        if (!rc)
            rc = memo_keys(a, r, &m, memo->data + head + sizeof m, &f.keys);
    } else if (!rc) {
        recorder rec = {pre, memo, w0, ne + REF_WINDOW, 0, rc};
        rc = read_with(a, si->doc, from, to, &rec.rd, record_token);
        pre = rec.rd;
        if (!rc && !(rc = rec.rc)) {
            apply_phrases(&pre);
            m.ntok = rec.ntok;
            memcpy(memo->data + head, &m, sizeof m);
            rc = vz_buf_append(memo, pre.text.data + name_at, name_len);
        }
        if (!rc)
            f.keys = keys_of(&pre, ns, ne);
    }
    if (!rc)
        rc = add_reference(rd, &f, pre.text.data + name_at, name_len);
    reading_free(&pre);
    return rc;
}

/* The longest phrase among the question's words, in words. */
static size_t longest_phrase(const asking *a)
{
    size_t most = 1;
    for (size_t i = 0; i < a->nwords; i++) {
        size_t n = 1;
        for (const char *c = a->words[i].stem; *c; c++)
            n += *c == ' ';
        most = n > most ? n : most;
    }
    return most;
}

/* The key terms of a memo's name for this question: its window's tokens
 * read as read_span reads them, phrases and all. */
static int memo_keys(asking *a, const ranked *r, const ref_memo *m, const char *toks,
                     uint64_t *keys)
{
    reading win = {0};
    int rc = VZ_OK;
    if (longest_phrase(a) > REF_WINDOW + 1) {
        rc = read_span(a, a->e->idx->sentences[r->sid].doc, m->from, m->to, &win);
        *keys = rc ? 0 : keys_of(&win, m->w0 + m->ns, m->w0 + m->ne);
        reading_free(&win);
        return rc;
    }
    win.a = a;
    set_stem_filter(a);
    for (uint32_t k = 0; !rc && k < m->ntok; k++) {
        vz_token tok;
        memo_next_token(&toks, k, &tok);
        rc = read_token(&tok, &win);
    }
    if (!rc) {
        apply_phrases(&win);
        *keys = keys_of(&win, m->ns, m->ne);
    }
    reading_free(&win);
    return rc ? vz_fail(VZ_ENOMEM, "out of memory") : VZ_OK;
}

/* The references of sentence r as its memo keeps them. */
static int recall_references(asking *a, const ranked *r, const char *memo, size_t len)
{
    const char *end = memo + len;
    int rc = VZ_OK;
    while (!rc && memo < end) {
        ref_memo m;
        memcpy(&m, memo, sizeof m);
        const char *toks = memo + sizeof m, *name = toks;
        for (uint32_t k = 0; k < m.ntok; k++) {
            vz_token skipped;
            memo_next_token(&name, k, &skipped);
        }
        memo = name + m.name_len;
        reference f = {m.i, m.j, m.type, 0, NULL};
        rc = memo_keys(a, r, &m, toks, &f.keys);
        if (!rc)
            rc = add_reference(r->rd, &f, name, m.name_len);
    }
    return rc;
}

/* A description that stands for a name the question names tells that
 * name: "the Norwegian leader was expected" speaks of Berg.  Its words
 * then stand for the name's key terms, as a surname does. */
static void tell_reference(reading *rd, const reference *f)
{
    if (!f->keys)
        return;
    rd->covered |= f->keys;
    int key = 0;
    while (!(f->keys >> key & 1))
        key++;
    for (size_t k = f->i; k < f->j; k++)
        if (!(rd->w[k].flags & VZ_TOK_STOP)) {
            rd->w[k].key = key;
            rd->w[k].asked = 1;
        }
}

/* Find the references of sentence r and keep their memo. */
static int find_references(asking *a, const ranked *r)
{
    reading *rd = r->rd;
    vz_buf memo = {0};
    ref_spans spans = {.n = 0};
    int rc = vz_extract_references_cached(a->e->qa->extractor, a->xc, rd->text.data,
                                          rd->text.len, on_reference, &spans);
    for (size_t m = 0; !rc && m < spans.n; m++) {
        size_t i = 0, j;
        while (i < rd->n && rd->w[i].end <= spans.s[m])
            i++;
        for (j = i; j < rd->n && rd->w[j].start < spans.e[m]; j++)
            ;
        if (j - i >= 2)
            rc = resolve_reference(a, r, i, j, spans.type[m], &memo);
    }
    /* Without memory for the memo, the next question finds them again. */
    if (!rc)
        (void)vz_xcache_memo_keep(a->xc, memo_id(MEMO_REFERENCES, r->sid), memo.data, memo.len);
    vz_buf_free(&memo);
    return rc;
}

/* May text hold a reference (find_references)?  1 when that cannot be
 * told (an error: find_references then reports it). */
static int has_references(asking *a, const char *text, size_t len)
{
    ref_spans spans = {.n = 0};
    return vz_extract_references_cached(a->e->qa->extractor, a->xc, text, len, on_reference,
                                        &spans) != VZ_OK || spans.n > 0;
}

static int resolve_references(asking *a)
{
    int rc = VZ_OK;
    for (size_t n = 0; !rc && n < a->nsents; n++) {
        reading *rd = a->sents[n].rd;
        if (rd->resolved)
            continue;
        rd->resolved = 1;
        if (rd->no_refs)
            continue;    /* as find_references would find none */
        size_t had = rd->nrefs, len = 0;
        const char *memo = vz_xcache_memo(a->xc, memo_id(MEMO_REFERENCES, a->sents[n].sid), &len);
        rc = memo ? recall_references(a, &a->sents[n], memo, len)
                  : find_references(a, &a->sents[n]);
        for (size_t k = had; !rc && k < rd->nrefs; k++)
            tell_reference(rd, &rd->refs[k]);
    }
    return rc;
}

/* Does a description hold a word of the question? */
static int asks_of(const reading *rd, const reference *f)
{
    for (size_t k = f->i; k < f->j; k++)
        if (rd->w[k].asked)
            return 1;
    return 0;
}

/* A description of the kind asked for, in the slot the question asks of,
 * answers with the name it stands for ("who was expected to visit": "the
 * Norwegian leader was expected"; "owned by the company"), unless that
 * name is the question's own.  Elsewhere a description says nothing of
 * what was asked, only that its name was there.  One that holds the question's
 * words restates what is asked ("the Spanish minister" for "who is the
 * defence minister"): the name beside its title answers that, not a
 * reference that may be to another minister. */
static int reference_candidates(cand_ctx *x)
{
    const reading *rd = x->rd;
    int rc = VZ_OK;
    for (size_t n = 0; !rc && n < rd->nrefs; n++) {
        const reference *f = &rd->refs[n];
        if (f->keys || f->type != x->a->qt.type || asks_of(rd, f) ||
            !(subject_of_question_verb(x->a, rd, f->j) || agent_of_question_verb(rd, f->i) ||
              follows_question_word(rd, f->i, f->j)))
            continue;
        const char *label = vz_type_name(f->type);
        x->referent = f->name;
        rc = add_candidate(x, f->i, f->j, label_fit(x->a, label), 0, made_for(x->a, label));
        x->referent = NULL;
    }
    return rc;
}

/* The question's words of x's sentence, for proximity. */
static void list_asked(cand_ctx *x)
{
    const reading *rd = x->rd;
    x->nasked = 0;
    for (size_t k = 0; k < rd->n; k++) {
        if (!rd->w[k].asked)
            continue;
        if (x->nasked == MAX_ASKED || k > UINT32_MAX) {
            x->nasked = SIZE_MAX;
            return;
        }
        x->asked[x->nasked++] = (uint32_t)k;
    }
}

static int sentence_candidates(asking *a, const ranked *sent)
{
    const reading *rd = sent->rd;
    cand_ctx x = {.a = a, .rd = rd, .sent = sent};
    list_asked(&x);
    int rc = vz_extract_datelines_cached(a->e->qa->extractor, a->xc, rd->text.data,
                                         rd->text.len, on_dateline, &x);
    if (!rc)
        rc = vz_extract_exclusions_cached(a->e->qa->extractor, a->xc, rd->text.data,
                                          rd->text.len, on_exclusion, &x);
    /* ... and what it sets apart is a name of its own, whatever its form. */
    for (size_t k = 0; !rc && a->negated && names_an_entity(a->qt.type) && k < x.napart; k++)
        rc = on_template(x.apart[k].start, x.apart[k].end, "", &x);
    if (!rc && !a->hedged)
        rc = vz_extract_hedges_cached(a->e->qa->extractor, a->xc, rd->text.data, rd->text.len,
                                      on_hedge, &x);
    if (!rc)
        rc = vz_extract_cached(a->e->qa->extractor, a->xc, a->qt.type, rd->text.data,
                               rd->text.len, on_template, &x);
    if (!rc && names_an_entity(a->qt.type))
        rc = reference_candidates(&x);
    if (!rc && (a->qt.type == VZ_TYPE_DESCRIPTION || a->qt.type == VZ_TYPE_UNKNOWN))
        rc = add_phrases(&x);
    if (!rc && a->qt.type == VZ_TYPE_DESCRIPTION && !strcmp(a->qt.label, "kind"))
        rc = add_modifiers(&x);
    return rc;
}

/* ---- the sentences that answer ------------------------------------------- */

static int by_sentence_score(const void *x, const void *y)
{
    const ranked *a = x, *b = y;
    return a->score < b->score ? 1 : a->score > b->score ? -1 : (a->sid > b->sid) - (a->sid < b->sid);
}

static int add_ranked(asking *a, const ranked *s)
{
    void *p = a->sents;
    if (vz_grow(&p, &a->capsents, a->nsents + 1, sizeof *a->sents))
        return vz_fail(VZ_ENOMEM, "out of memory");
    a->sents = p;
    a->sents[a->nsents++] = *s;
    return VZ_OK;
}

/* Read the sentences of one passage, each with its previous sentence's key
 * terms; they are scored once every passage is read (score_sentences). */
static int rank_passage(asking *a, const vz_passage_info *p, double passage)
{
    uint64_t prev = 0;
    int rc = VZ_OK;
    if (p->first_sentence > 0 && a->e->idx->sentences[p->first_sentence - 1].doc == p->doc) {
        reading before = {.pooled = 1};   /* its words in the pool, as the others' */
        rc = read_sentence(a, p->first_sentence - 1, &before);
        prev = before.covered;
        reading_free(&before);
    }
    for (uint32_t s = p->first_sentence; !rc && s <= p->last_sentence; s++) {
        reading *rd = pool_take(a, sizeof *rd);
        if (!rd)
            return vz_fail(VZ_ENOMEM, "out of memory");
        *rd = (reading){.pooled = 1};
        rc = read_sentence(a, s, rd);
        ranked r = {s, passage, 0, 0, prev, 0, rd};
        prev = rd->covered;
        if (!rc)
            rc = add_ranked(a, &r);
        if (rc)
            reading_free(rd);
    }
    return rc;
}

/* List the words of the sentences read that stand for a key term (a->keyed). */
static int list_keyed(asking *a)
{
    size_t words = 0, n = 0;
    for (size_t i = 0; i < a->nsents; i++)
        words += a->sents[i].rd->n;
    if (words > UINT32_MAX || a->nsents > UINT32_MAX)
        return vz_fail(VZ_ENOMEM, "out of memory");
    struct keyed *list = pool_take(a, (words ? words : 1) * sizeof *list);
    if (!list)
        return vz_fail(VZ_ENOMEM, "out of memory");
    for (size_t i = 0; i < a->nsents; i++) {
        const reading *rd = a->sents[i].rd;
        for (size_t k = 0; k < rd->n; k++)
            if (rd->w[k].key >= 0)
                list[n++] = (struct keyed){(uint32_t)i, (uint32_t)k};
    }
    a->keyed = list;
    a->nkeyed = n;
    return VZ_OK;
}

/* News names a person in full once, then by surname: in "Ana Lucia
 * Herrera", asked as "Ana Lucia", "Herrera" is the same person.  A
 * capitalised word that ends a name right after a capitalised key term is
 * an alias of that term. */
/* The key terms the sentences read write in lower case somewhere, and
 * those they write as a name inside a sentence (not as its first word). */
static uint64_t key_cases(const asking *a, uint64_t *named)
{
    uint64_t lower = 0;
    *named = 0;
    for (size_t n = 0; n < a->nkeyed; n++) {
        size_t k = a->keyed[n].word;
        const word *w = &a->sents[a->keyed[n].sent].rd->w[k];
        if (w->key >= MAX_KEYS)
            continue;
        if (!(w->flags & VZ_TOK_CAPITAL))
            lower |= (uint64_t)1 << w->key;
        else if (k > 0 && is_name(w->flags))
            *named |= (uint64_t)1 << w->key;
    }
    return lower;
}

/* A key term is a name when the question or the sentences read write it
 * as one and the sentences never in lower case ("july", asked in lower
 * case, is "July" in the news; "President" is also "president"). */
static void find_names(asking *a)
{
    uint64_t named, lower = key_cases(a, &named);
    a->lower = lower;
    a->names = (a->capitalised | named) & ~lower;
}

/* Right after find_names, whose sentences they read (a->lower). */
static void find_aliases(asking *a)
{
    /* "President Smith" is no name: a key term also written in lower case
     * in the sentences read is a common word, whatever follows it. */
    uint64_t common = a->lower;
    for (size_t n = 0; n < a->nkeyed; n++) {
        const reading *rd = a->sents[a->keyed[n].sent].rd;
        size_t k = a->keyed[n].word + 1;   /* the word after a key term */
        if (k >= rd->n)
            continue;
        const word *w = &rd->w[k], *p = &rd->w[k - 1];
        if (!(w->flags & VZ_TOK_CAPITAL) || w->key >= 0 || !(p->flags & VZ_TOK_CAPITAL) ||
            (w->flags & VZ_TOK_STOP) || !w->stem[0])
            continue;
        int ends = k + 1 == rd->n || !(rd->w[k + 1].flags & VZ_TOK_CAPITAL);
        if (!ends || (p->key < MAX_KEYS && (common >> p->key & 1)) || !joined(rd, k))
            continue;
        size_t j = 0;
        while (j < a->nalias && strcmp(a->alias[j].stem, w->stem))
            j++;
        if (j == a->nalias && a->nalias < MAX_ALIASES) {
            memcpy(a->alias[j].stem, w->stem, ALIAS_STEM);
            a->alias[a->nalias++].key = p->key;
        }
    }
}

/* Read each surname as the name it stands for. */
static void apply_aliases(asking *a)
{
    for (size_t i = 0; a->nalias && i < a->nsents; i++) {
        reading *rd = a->sents[i].rd;
        for (size_t k = 0; k < rd->n; k++) {
            word *w = &rd->w[k];
            for (size_t j = 0; w->key < 0 && w->stem[0] && j < a->nalias; j++)
                if (!strcmp(a->alias[j].stem, w->stem)) {
                    w->key = a->alias[j].key;
                    w->asked = 1;
                    if (w->key < MAX_KEYS)
                        rd->covered |= (uint64_t)1 << w->key;
                }
        }
    }
}

/* Does word k follow "the" with at most two lower-case modifiers between:
 * "the festival", "the new bridge", "the 118-metre bridge"? */
static int after_definite(const reading *rd, size_t k)
{
    for (size_t j = k; j > 0 && k - j < 3; j--) {
        if (!joined(rd, j))
            return 0;
        if (definite(rd, j - 1))
            return 1;
        if (rd->w[j - 1].flags & VZ_TOK_CAPITAL)
            return 0;
    }
    return 0;
}

/* A name's last word and the key terms of the capitalised words before it:
 * "Harwick Kite Festival" gives "festival" with "kite". */
typedef struct {
    uint32_t doc;
    int head;
    uint64_t rest;
} named;

/* The key terms of the name that word k ends, and of the modifiers that
 * the article gives it between "the" and the name: "the new Mill
 * Bridge" gives "bridge" with "new". */
static uint64_t name_keys(const reading *rd, size_t k)
{
    uint64_t keys = 0;
    size_t p = k;
    for (; p > 0 && name_word(rd, p - 1) && joined(rd, p); p--)
        if (rd->w[p - 1].key >= 0 && rd->w[p - 1].key < MAX_KEYS)
            keys |= (uint64_t)1 << rd->w[p - 1].key;
    if (p == k || !after_definite(rd, p))
        return keys;
    for (; p > 0 && !definite(rd, p - 1); p--)
        if (rd->w[p - 1].key >= 0 && rd->w[p - 1].key < MAX_KEYS)
            keys |= (uint64_t)1 << rd->w[p - 1].key;
    return keys;
}

/* News names a thing once, then by its kind: "the Harwick Kite
 * Festival ... The festival runs from Friday".  A key term written in
 * lower case after "the" stands for the name it ends elsewhere in the same
 * document, so its sentence covers the name's other key terms too. */
static void apply_definites(asking *a)
{
    const vz_sentence_info *si = a->e->idx->sentences;
    named names[MAX_ALIASES];
    size_t nn = 0;
    for (size_t n = 0; n < a->nkeyed && nn < MAX_ALIASES; n++) {
        const ranked *sent = &a->sents[a->keyed[n].sent];
        size_t k = a->keyed[n].word;
        const word *w = &sent->rd->w[k];
        if (k == 0 || w->key >= MAX_KEYS || !(w->flags & VZ_TOK_CAPITAL))
            continue;
        uint64_t rest = name_keys(sent->rd, k) & ~((uint64_t)1 << w->key);
        if (rest)
            names[nn++] = (named){si[sent->sid].doc, w->key, rest};
    }
    for (size_t n = 0; nn && n < a->nkeyed; n++) {
        const ranked *sent = &a->sents[a->keyed[n].sent];
        reading *rd = sent->rd;
        size_t k = a->keyed[n].word;
        const word *w = &rd->w[k];
        if (k == 0 || (w->flags & VZ_TOK_CAPITAL) || !after_definite(rd, k))
            continue;
        uint32_t doc = si[sent->sid].doc;
        for (size_t m = 0; m < nn; m++)
            if (names[m].doc == doc && names[m].head == w->key)
                rd->covered |= names[m].rest;
    }
}

/* News names the holder of a role once beside the role ("the death of
 * volunteer firefighter Paul Dubois") and tells the rest by the name
 * alone ("Dubois, 27, a carpenter"), in sentences that hold none of the
 * question's words.  A question about the holder of a role ("how old was
 * the volunteer firefighter who was killed") is then about that name.  A
 * question that asks for a person asks for the name itself, unless the
 * role is a noun it takes as known ("who owned the trawler": the trawler
 * Mary Rose is not its owner, and what is told of it may name him). */
static int may_hop(const asking *a, int key)
{
    return (a->qt.type != VZ_TYPE_PERSON && a->qt.type != VZ_TYPE_LIST) || a->words[key].given;
}

static void add_hop(asking *a, const char *stem, int key, uint64_t covered, double passage)
{
    for (size_t i = 0; i < a->nhop; i++)
        if (!strcmp(a->hop[i].stem, stem))
            return;
    if (a->nhop == MAX_HOPS)
        return;
    struct hop *h = &a->hop[a->nhop++];
    memcpy(h->stem, stem, ALIAS_STEM);
    h->key = key;
    h->covered = covered;
    a->hop_passage = fmax(a->hop_passage, passage);
}

/* The names right after a role word of the question, written in lower
 * case, in the sentences that tell most of the question. */
static void find_hops(asking *a)
{
    for (size_t i = 0; i < a->nsents; i++) {
        const ranked *s = &a->sents[i];
        const reading *rd = s->rd;
        if (s->own < HOP_COVERAGE)
            continue;
        for (size_t k = 1; k < rd->n; k++) {
            /* A number before a name is no role: "Channel-4 TV". */
            if (!name_word(rd, k) || rd->w[k].key >= 0 || !follows_question_word(rd, k, k + 1) ||
                (rd->w[k - 1].flags & VZ_TOK_NUMBER) || !may_hop(a, rd->w[k - 1].key))
                continue;
            /* A name with a word of the question in it is the question's
             * own thing, the word before it a modifier: "the new Mill
             * Bridge". */
            size_t end = k;
            while (end < rd->n && name_word(rd, end) && rd->w[end].key < 0 &&
                   (end == k || joined(rd, end)))
                end++;
            if (end < rd->n && name_word(rd, end) && joined(rd, end))
                continue;
            for (size_t m = k; m < end; m++)
                if (rd->w[m].stem[0])
                    add_hop(a, rd->w[m].stem, rd->w[k - 1].key, rd->covered, s->passage);
        }
    }
}

static int passage_read(const asking *a, const vz_passage_info *p)
{
    for (size_t i = 0; i < a->nsents; i++)
        if (a->sents[i].sid >= p->first_sentence && a->sents[i].sid <= p->last_sentence)
            return 1;
    return 0;
}

/* A second search, for the names alone: its passages count as much as the
 * passage that named them, relative to its own best. */
static int read_hops(asking *a, const unsigned char *mask)
{
    vz_query q = {0};
    vz_hit hits[PASSAGES];
    size_t n = 0;
    int rc = VZ_OK;
    for (size_t i = 0; !rc && i < a->nhop; i++)
        rc = vz_query_add(&q, a->hop[i].stem, strlen(a->hop[i].stem), 1.0);
    if (!rc) {
        vz_query_merge(&q);
        rc = vz_reader_search(a->r, &q, mask, PASSAGES, hits, &n);
    }
    vz_query_free(&q);
    for (size_t i = 0; !rc && i < n; i++) {
        const vz_passage_info *p = &a->e->idx->passages[hits[i].passage];
        if (passage_read(a, p))
            continue;
        rc = rank_passage(a, p, a->hop_passage * hits[i].score / hits[0].score);
        if (a->explaining)
            vz_buf_printf(&a->explain, "hop passage %zu  %.3f  %s [%u, %u)\n", i + 1,
                          hits[i].score, a->e->idx->docs[p->doc].name, p->start, p->end);
    }
    return rc;
}

/* A name searched for stands, wherever it is found, for its role word
 * and for what its first sentence told of the question. */
static void apply_hops(asking *a)
{
    for (size_t i = 0; a->nhop && i < a->nsents; i++) {
        reading *rd = a->sents[i].rd;
        for (size_t k = 0; k < rd->n; k++) {
            word *w = &rd->w[k];
            for (size_t j = 0; w->key < 0 && w->stem[0] && j < a->nhop; j++)
                if (!strcmp(a->hop[j].stem, w->stem)) {
                    w->key = a->hop[j].key;
                    w->asked = 1;
                    rd->covered |= a->hop[j].covered;
                }
        }
    }
}

/* Does a sentence open a quotation that it does not close?  Then the
 * quotation runs on into the next sentence. */
static int quote_runs_on(const reading *rd)
{
    /* The sentences of every question pass here, most without a quote:
     * memchr finds the few straight quotes and curly quotes' first bytes. */
    if (!rd->text.len)
        return 0;
    const char *t = rd->text.data, *end = t + rd->text.len;
    size_t straight = 0, opened = 0, closed = 0;
    for (const char *p = t; (p = memchr(p, '"', (size_t)(end - p))) != NULL; p++)
        straight++;
    for (const char *p = t; (p = memchr(p, 0xe2, (size_t)(end - p))) != NULL; p++)
        if (end - p >= 3 && (unsigned char)p[1] == 0x80) {
            opened += (unsigned char)p[2] == 0x9c;    /* U+201C */
            closed += (unsigned char)p[2] == 0x9d;    /* U+201D */
        }
    return straight % 2 || opened > closed;
}

/* A sentence's score: how much of the question it covers, its previous
 * sentence's terms at half weight (for "he" and "the minister"), times its
 * passage's retrieval score.  News gives a quotation of several sentences
 * its speaker once, at its end ("...," Berg said in her speech): a
 * sentence whose quotation runs on takes the next sentence's terms as it
 * takes the previous one's. */
static void score_sentences(asking *a)
{
    const vz_sentence_info *si = a->e->idx->sentences;
    for (size_t i = 0; i < a->nsents; i++) {
        ranked *r = &a->sents[i];
        /* The previous sentence as read here, with its aliases, when it
         * was (sentences are in reading order until sorted). */
        const ranked *p = i ? &a->sents[i - 1] : NULL;
        if (p && p->sid + 1 == r->sid && si[p->sid].doc == si[r->sid].doc)
            r->prev = p->rd->covered;
        const ranked *n = i + 1 < a->nsents ? &a->sents[i + 1] : NULL;
        if (n && n->sid == r->sid + 1 && si[n->sid].doc == si[r->sid].doc && quote_runs_on(r->rd))
            r->prev |= n->rd->covered;
        r->own = coverage_of(a, r->rd->covered);
        r->near = r->own + 0.5 * coverage_of(a, r->prev & ~r->rd->covered);
        r->score = sqrt(r->passage) * r->near * r->near;
    }
}

static void explain_question(asking *a)
{
    vz_buf_printf(&a->explain, "type %s%s%s (question.rules line %u)\n",
                  vz_type_name(a->qt.type), a->qt.label[0] ? ":" : "", a->qt.label,
                  a->qt.rule_line);
    if (a->qt.focus_end > a->qt.focus_start)
        vz_buf_printf(&a->explain, "focus \"%.*s\"\n", (int)(a->qt.focus_end - a->qt.focus_start),
                      a->q + a->qt.focus_start);
    if (a->class_label)
        vz_buf_printf(&a->explain, "class \"%s\"\n", a->class_label);
    for (size_t k = 0; k < a->nkeys && k < MAX_KEYS; k++)
        if (a->titles >> k & 1)
            vz_buf_printf(&a->explain, "office %s\n", a->words[k].stem);
    for (size_t i = 0; i < a->nwords; i++)
        vz_buf_printf(&a->explain, "%s %s  idf %.2f\n", i < a->nkeys ? "term" : "synonym",
                      a->words[i].stem, a->words[i].idf);
}

/* Names, aliases, definites and references of the sentences read, then
 * their scores. */
static int prepare_sentences(asking *a)
{
    int rc = list_keyed(a);
    if (rc)
        return rc;
    find_names(a);
    find_aliases(a);
    if (a->nalias) {   /* surnames stand for key terms now */
        apply_aliases(a);
        if ((rc = list_keyed(a)) != VZ_OK)
            return rc;
    }
    apply_definites(a);
    rc = resolve_references(a);
    if (!rc)
        score_sentences(a);
    return rc;
}

/* The references a sentence shown holds, and the names they stand for. */
static void explain_references(asking *a, const reading *rd)
{
    for (size_t n = 0; n < rd->nrefs; n++) {
        const reference *f = &rd->refs[n];
        size_t s = rd->w[f->i].start, e = rd->w[f->j - 1].end;
        vz_buf_printf(&a->explain, "  reference \"%.*s\" = \"%s\"%s\n", (int)(e - s),
                      rd->text.data + s, f->name, f->keys ? " (the question's)" : "");
    }
}

static void carried_free(void *p)
{
    carried *k = p;
    if (!k)
        return;
    vz_xcache_free(k->xc);
    chunks_free(k->spare);
    vz_rk_spans_free(&k->spans);
    free(k->sents);
    free(k->cands);
    free(k->cindex);
    vz_buf_free(&k->packing);
    vz_buf_free(&k->keying);
    reading_free(k->article);
    free(k->article);
    free(k);
}

/* What the reader keeps, made on its first ask; without memory for it,
 * extraction goes uncached and every question allocates its own room. */
static carried *reader_carry(vz_reader *r)
{
    carried *k = vz_reader_aux(r);
    if (!k && (k = calloc(1, sizeof *k)) != NULL) {
        k->xc = vz_xcache_new();
        vz_reader_set_aux(r, k, carried_free);
    }
    return k;
}

/* The memos of the sentences rank_passage reads of passage p, asked of
 * the reader's cache ahead (vz_xcache_memo_prefetch): their slots, or
 * with data their first bytes. */
static void prefetch_passage(asking *a, const vz_passage_info *p, int data)
{
    uint32_t s = p->first_sentence;
    if (s > 0 && a->e->idx->sentences[s - 1].doc == p->doc)
        s--;
    for (; s <= p->last_sentence; s++) {
        if (data)
            vz_xcache_memo_prefetch_data(a->xc, memo_id(MEMO_SENTENCE, s));
        else
            vz_xcache_memo_prefetch(a->xc, memo_id(MEMO_SENTENCE, s));
    }
}

/* How many of hits[0, n) gather reads: passages up to PASSAGE_SENTENCES
 * sentences. */
static size_t passages_read(const asking *a, const vz_hit *hits, size_t n)
{
    size_t i = 0, nread = 0;
    for (; i < n && nread < PASSAGE_SENTENCES; i++) {
        const vz_passage_info *p = &a->e->idx->passages[hits[i].passage];
        nread += p->last_sentence - p->first_sentence + 1;
    }
    return i;
}

/* How many of the sentences read, best first, give candidates: the
 * SENTENCES best, down to SENTENCE_FLOOR of the best one's score. */
static size_t sentences_read(const asking *a)
{
    size_t i = 0;
    while (i < a->nsents && i < SENTENCES &&
           !(a->sents[i].score < SENTENCE_FLOOR * a->sents[0].score))
        i++;
    return i;
}

/* The template matches sentence_candidates looks up for sentence
 * a->sents[i], asked of the reader's cache ahead: their slots, noted in
 * pre[i]. */
static void prefetch_candidates(asking *a, size_t i, vz_xprefetch *pre)
{
    const reading *rd = a->sents[i].rd;
    vz_xcache_prefetch_sentence(a->xc, a->qt.type, !a->hedged, rd->text.data, rd->text.len,
                                &pre[i]);
}

static int gather(asking *a, const unsigned char *mask)
{
    vz_query q;
    vz_hit hits[PASSAGES];
    size_t n = 0;
    int rc = build_query(a, &q);
    if (!rc)
        rc = vz_reader_search(a->r, &q, mask, PASSAGES, hits, &n);
    size_t nread = rc ? 0 : passages_read(a, hits, n);
    for (size_t i = 0; i < nread; i++)
        prefetch_passage(a, &a->e->idx->passages[hits[i].passage], 0);
    if (!rc)
        set_idf(a, &q);
    if (!rc && a->explaining)
        explain_question(a);
    vz_query_free(&q);
    for (size_t i = 0; !rc && i < nread; i++) {
        const vz_passage_info *p = &a->e->idx->passages[hits[i].passage];
        /* The next passage's memos arrive while this one is read. */
        if (i == 0)
            prefetch_passage(a, p, 1);
        if (i + 1 < nread)
            prefetch_passage(a, &a->e->idx->passages[hits[i + 1].passage], 1);
        rc = rank_passage(a, p, hits[i].score / hits[0].score);
        if (a->explaining)
            vz_buf_printf(&a->explain, "passage %zu  %.3f  %s [%u, %u)\n", i + 1, hits[i].score,
                          a->e->idx->docs[p->doc].name, p->start, p->end);
    }
    if (rc || !a->nsents)
        return rc;
    if ((rc = prepare_sentences(a)) != VZ_OK)
        return rc;
    find_hops(a);
    if (a->nhop) {
        if ((rc = read_hops(a, mask)) != VZ_OK || (rc = prepare_sentences(a)) != VZ_OK)
            return rc;
        apply_hops(a);
        score_sentences(a);
    }
    for (size_t i = 0; a->explaining && i < a->nhop; i++)
        vz_buf_printf(&a->explain, "hop %s  for %s\n", a->hop[i].stem,
                      a->words[a->hop[i].key].stem);
    for (size_t i = 0; a->explaining && i < a->nalias; i++)
        vz_buf_printf(&a->explain, "alias %s  for %s\n", a->alias[i].stem,
                      a->words[a->alias[i].key].stem);
    qsort(a->sents, a->nsents, sizeof *a->sents, by_sentence_score);
    size_t best = sentences_read(a);
    /* The slots two sentences ahead, what they keep one ahead: asked all
     * at once, the look-ups queued behind each other in the prefetches. */
    vz_xprefetch pre[SENTENCES];
    for (size_t i = 0; i < best && i < 2; i++)
        prefetch_candidates(a, i, pre);
    if (best)
        vz_xcache_prefetch_entries(a->xc, &pre[0]);
    for (size_t i = 0; !rc && i < best; i++) {
        const ranked *s = &a->sents[i];
        if (i + 2 < best)
            prefetch_candidates(a, i + 2, pre);
        if (i + 1 < best)
            vz_xcache_prefetch_entries(a->xc, &pre[i + 1]);
        if (a->explaining) {
            const vz_sentence_info *si = &a->e->idx->sentences[s->sid];
            vz_buf_printf(&a->explain, "sentence %zu  %.3f  coverage %.2f near %.2f passage %.2f"
                          "  %s [%u, %u)\n", i + 1, s->score, s->own, s->near, s->passage,
                          a->e->idx->docs[si->doc].name, si->start, si->end);
            explain_references(a, s->rd);
        }
        rc = sentence_candidates(a, s);
    }
    return rc;
}

/* ---- results --------------------------------------------------------------- */

static int by_score(const void *x, const void *y)
{
    const candidate *a = x, *b = y;
    return a->score < b->score ? 1 : a->score > b->score ? -1 : strcmp(a->key, b->key);
}

/* Is key a's text a run of whole words of key b? */
static int within(const char *a, const char *b)
{
    size_t n = strlen(a);
    for (const char *p = strstr(b, a); n && p; p = strstr(p + 1, a))
        if ((p == b || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
            return 1;
    return 0;
}

/* Confidence: the best single sighting of the answer (how much of the
 * question its sentence covers, how close the answer stands to the
 * question's words, how well it fits the type), lowered when a rival
 * answer scores nearly as well.  An answer a template made for the
 * question's label found has the form of what was asked ("Deputy Foreign
 * Minister" for "what is his position", what follows "called for" for
 * "what did they call for"), which a sentence that tells the question in
 * other words still shows: it is a fifth surer.  A logistic model fitted
 * on these parts and more (tools/fit_confidence.py) did worse than this
 * formula on the question set it was not fitted on. */
/* How much of its own and its rival's score is the answer's: a half when
 * both score nothing (a tie, not 0/0). */
static double share_of(const candidate *c, const candidate *next)
{
    if (!next)
        return 1.0;
    double total = c->score + next->score;
    return total > 0 ? c->score / total : 0.5;
}

static double confidence_of(const candidate *c, const candidate *next)
{
    double share = share_of(c, next);
    double quality = fmin(1.0, c->quality * (c->own ? OWN_SURE : 1.0));
    return quality * (0.5 + 0.5 * share) * (c->unnamed ? UNNAMED : 1.0) *
           (c->verbless ? UNTOLD_VERB : 1.0);
}

/* The rarest key term the answer's surest sentence does not tell, by its
 * IDF over the rarest key term's: 0 when it tells them all. */
static double rarest_missing(const asking *a, const candidate *c)
{
    double most = 0, missing = 0;
    for (size_t k = 0; k < a->nkeys && k < MAX_KEYS; k++) {
        most = fmax(most, a->words[k].idf);
        if (!(c->told_keys >> k & 1))
            missing = fmax(missing, a->words[k].idf);
    }
    return most > 0 ? missing / most : 0;
}

static int popcount64(uint64_t x)
{
    int n = 0;
    for (; x; x &= x - 1)
        n++;
    return n;
}

/* The signals an answer's confidence could be drawn from, one key=value
 * line for tools/fit_confidence.py, which measures whether a model fitted
 * on them beats confidence_of: what its surest sentence tells, closeness,
 * fit, share, unnamed (the parts confidence_of uses); the best sentence
 * coverage; named with the focus; found by its own template; sentences
 * and articles it was found in; the best sentence's coverage of all; key
 * terms; the rarest one missing; quality were nothing hedged; a name; the
 * share of the question the corpus lacks. */
static void explain_features(asking *a, const candidate *c, const candidate *next)
{
    vz_buf_printf(&a->explain, "features told=%.4f near=%.4f fit=%.4f share=%.4f unnamed=%d"
                  " coverage=%.4f focused=%d own=%d sightings=%d docs=%d top=%.4f keys=%zu"
                  " missing=%.4f bare=%.4f named=%d absent=%.4f type=%s\n",
                  c->factor[0], c->factor[1], c->factor[2],
                  share_of(c, next), c->unnamed, c->coverage,
                  c->focused, c->own, c->sightings, popcount64(c->docs),
                  a->nsents ? a->sents[0].near : 0.0, a->nkeys, rarest_missing(a, c), c->bare,
                  c->named, coverage_of(a, a->absent), vz_type_name(a->qt.type));
}

/* The answer after answer i that says something else: "France, Spain"
 * is no rival to "France, Spain and the UK", nor "June" to "June 3". */
static const candidate *rival_of(const asking *a, size_t i)
{
    const char *k = a->cands[i].key;
    for (size_t j = i + 1; j < a->ncands; j++)
        if (!within(a->cands[j].key, k) && !within(k, a->cands[j].key))
            return &a->cands[j];
    return NULL;
}

static int add_item(vz_answer *ans, size_t *cap, const char *s, size_t n)
{
    char *key = merge_key(s, n);
    if (!key)
        return vz_fail(VZ_ENOMEM, "out of memory");
    for (size_t i = 0; i < ans->nitems; i++) {
        char *other = merge_key(ans->items[i], strlen(ans->items[i]));
        int same = other && !strcmp(other, key);
        free(other);
        if (same) {
            free(key);
            return VZ_OK;   /* the same item from another list */
        }
    }
    free(key);
    void *p = ans->items;
    if (vz_grow(&p, cap, ans->nitems + 1, sizeof *ans->items))
        return VZ_ENOMEM;
    ans->items = p;
    if (!(ans->items[ans->nitems] = vz_strndup(s, n)))
        return vz_fail(VZ_ENOMEM, "out of memory");
    ans->nitems++;
    return VZ_OK;
}

/* "A, B, C and D" again, from the items, once each. */
static int join_items(vz_answer *ans)
{
    vz_buf b = {0};
    int rc = VZ_OK;
    for (size_t i = 0; !rc && i < ans->nitems; i++) {
        const char *sep = i == 0 ? "" : i + 1 == ans->nitems ? " and " : ", ";
        rc = vz_buf_printf(&b, "%s%s", sep, ans->items[i]);
    }
    if (rc) {
        vz_buf_free(&b);
        return rc;
    }
    free(ans->text);
    ans->text = b.data ? b.data : vz_strdup("");
    return ans->text ? VZ_OK : vz_fail(VZ_ENOMEM, "out of memory");
}

static int split_items(vz_answer *ans)
{
    const char *s = ans->text;
    size_t cap = 0;
    int rc = VZ_OK;
    while (*s && !rc) {
        size_t n = strcspn(s, ",");
        const char *and_ = strstr(s, " and ");
        if (and_ && (size_t)(and_ - s) < n)
            n = (size_t)(and_ - s);
        const char *end = s + n;
        while (*s == ' ')
            s++;
        if (end > s + 11 && !strncmp(s, "as well as ", 11))
            s += 11;
        if (end > s)
            rc = add_item(ans, &cap, s, (size_t)(end - s));
        s = *end == ',' ? end + 1 : *end ? end + 5 : end;
        if (!strncmp(s, " and ", 5))
            s += 5;
        else if (!strncmp(s, "and ", 4))
            s += 4;
    }
    return rc ? rc : join_items(ans);
}

static int make_citation(asking *a, const occurrence *o, vz_citation *c)
{
    const vz_doc_meta *d = &a->e->idx->docs[o->doc];
    vz_buf text = {0};
    int rc = vz_reader_text(a->r, o->doc, o->sent_start, o->sent_end, &text);
    if (rc)
        return rc;
    c->doc = vz_strdup(d->name);
    c->title = vz_strdup(d->title);
    c->date = vz_strdup(d->date);
    c->sentence = text.data;
    c->start = o->sent_start;
    c->end = o->sent_end;
    c->answer_start = o->ans_start;
    c->answer_end = o->ans_end;
    int lost = !c->doc || (d->title && !c->title) || (d->date && !c->date);
    return lost ? vz_fail(VZ_ENOMEM, "out of memory") : VZ_OK;
}

static int make_answer(asking *a, size_t i, vz_answer *ans)
{
    const candidate *c = &a->cands[i];
    ans->text = vz_strdup(c->text);
    ans->confidence = fmin(a->ceiling, confidence_of(c, rival_of(a, i)));
    ans->citations = calloc(c->nocc, sizeof *ans->citations);
    if (!ans->text || !ans->citations)
        return vz_fail(VZ_ENOMEM, "out of memory");
    int rc = VZ_OK;
    for (size_t k = 0; rc == VZ_OK && k < c->nocc; k++, ans->ncitations++)
        rc = make_citation(a, &c->occ[k], &ans->citations[k]);
    if (rc == VZ_OK && a->qt.type == VZ_TYPE_LIST)
        rc = split_items(ans);
    return rc;
}

/* A fuller answer gets the support of the shorter ones it contains:
 * "June" found twice and "June 3" once make "June 3" the answer, as sure
 * as the surest sighting of "June". */
static void add_support(asking *a)
{
    if (a->qt.type == VZ_TYPE_DESCRIPTION || a->qt.type == VZ_TYPE_UNKNOWN)
        return;   /* a longer phrase is not a fuller one */
    double *extra = pool_take(a, (a->ncands ? a->ncands : 1) * sizeof *extra);
    if (!extra)
        return;   /* the answers stay right, only less sharp */
    memset(extra, 0, (a->ncands ? a->ncands : 1) * sizeof *extra);
    /* Containment is transitive, so raising qualities in place gives each
     * answer the best quality of all it contains, in any order. */
    for (size_t j = 0; j < a->ncands; j++)
        for (size_t i = 0; i < a->ncands; i++)
            if (i != j && strlen(a->cands[j].key) > strlen(a->cands[i].key) &&
                within(a->cands[i].key, a->cands[j].key)) {
                extra[j] += a->cands[i].score;
                if (a->cands[i].quality > a->cands[j].quality) {
                    a->cands[j].quality = a->cands[i].quality;
                    a->cands[j].doc = a->cands[i].doc;
                    a->cands[j].told_keys = a->cands[i].told_keys;
                    memcpy(a->cands[j].factor, a->cands[i].factor, sizeof a->cands[j].factor);
                }
            }
    for (size_t i = 0; i < a->ncands; i++)
        a->cands[i].score += extra[i];
}

/* A token of an article judge_names reads: the key term it stands for,
 * as read_token finds it, without the words a reading keeps, which
 * judge_names does not look at. */
static int name_token(const vz_token *tok, void *ctx)
{
    reading *rd = ctx;
    const asking *a = rd->a;
    if ((tok->flags & VZ_TOK_STOP) || !filter_has(a->stem_filter, tok->stem, tok->stem_len))
        return 0;
    for (size_t i = 0; i < a->nwords; i++)
        if (same_stem(a->words[i].stem, tok->stem, tok->stem_len)) {
            if (a->words[i].key < MAX_KEYS)
                rd->covered |= (uint64_t)1 << a->words[i].key;
            break;
        }
    return 0;
}

/* Is a name of the question, or a synonym of one, a phrase?  Then only
 * a reading's phrases (apply_phrases) find it. */
static int phrased_name(const asking *a)
{
    for (size_t i = 0; i < a->nwords; i++)
        if (a->words[i].key < MAX_KEYS && (a->names >> a->words[i].key & 1) &&
            vz_is_phrase(a->words[i].stem))
            return 1;
    return 0;
}

/* The reading an article is read into: the reader's, whose room stays
 * for the next (articles are long), or else own. */
static reading *article_room(asking *a, reading *own)
{
    carried *k = a->carry;
    if (k && !k->article)
        k->article = calloc(1, sizeof *k->article);
    return k && k->article ? k->article : own;
}

/* A name has no paraphrase: an article that never names what the
 * question names (nor its synonyms) is not about it, whatever its
 * sentence says ("advisers Spain sent" for "advisers Italy sent"). */
static int judge_names(asking *a, candidate *c)
{
    if (!a->names)
        return VZ_OK;
    /* What an article holds of the question depends on the article and
     * the question's words only: candidates from one article read it once. */
    uint64_t covered = 0;
    int rc = VZ_OK;
    size_t m = 0;
    while (m < a->nnamed && !(a->named[m].doc == c->doc && a->named[m].nwords == a->nwords))
        m++;
    if (m < a->nnamed) {
        covered = a->named[m].covered;
    } else {
        reading own = {0}, *rd = article_room(a, &own);
        uint32_t size = (uint32_t)a->e->idx->docs[c->doc].size;
        /* Only the names' key terms matter here: the article's tokens are
         * looked up, not made words, unless a name is a phrase. */
        rc = phrased_name(a) ? read_span(a, c->doc, 0, size, rd)
                             : read_with(a, c->doc, 0, size, rd, name_token);
        covered = rd->covered;
        reading_free(&own);
        if (!rc && a->nnamed < NAMED_MEMO)
            a->named[a->nnamed++] = (struct named){c->doc, a->nwords, covered};
    }
    c->unnamed = !rc && (a->names & ~covered) != 0;
    if (a->explaining && c->unnamed)
        vz_buf_printf(&a->explain, "unnamed \"%s\": its article lacks a name the question names\n",
                      c->text);
    return rc;
}

/* The question's verb (or its synonym) is what makes the answer its
 * object: a sentence without it tells something else of the subject
 * ("recognized the minister" for "which countries has the minister visited"). */
static void judge_verb(asking *a, candidate *c)
{
    c->verbless = (a->verb & ~c->told_keys) != 0;
    if (a->explaining && c->verbless)
        vz_buf_printf(&a->explain, "verbless \"%s\": its sentence lacks the question's verb\n",
                      c->text);
}

/* A list question's answer is every list that scores near the best one:
 * news names those who did something in more than one sentence, each
 * sentence with the question's words the best one has ("sponsors"). */
static int unite_lists(asking *a)
{
    candidate *top = &a->cands[0];
    for (size_t i = 1; i < a->ncands; i++) {
        candidate *c = &a->cands[i];
        /* A list of names does not go on a list of kinds: "soldiers and
         * civilians" died, "Spain, Italy, Greece" condemned. */
        if (c->score < LIST_UNION * top->score || !strchr(c->text, ',') ||
            (top->covered & ~c->covered) || c->named != top->named)
            continue;
        size_t n = strlen(top->text), m = strlen(c->text);
        char *t = pool_strndup(a, top->text, n, n + m + 3);
        if (!t)
            return VZ_ENOMEM;
        memcpy(t + n, ", ", 2);
        memcpy(t + n + 2, c->text, m + 1);
        top->text = t;
        top->room = n + m + 3;
        for (size_t k = 0; k < c->nocc && top->nocc < MAX_OCC; k++)
            top->occ[top->nocc++] = c->occ[k];
        c->score = 0;   /* now part of the first */
    }
    qsort(a->cands + 1, a->ncands - 1, sizeof *a->cands, by_score);
    while (a->ncands > 1 && a->cands[a->ncands - 1].score == 0)
        a->ncands--;
    cands_moved(a);
    return VZ_OK;
}

/* When some answers bear a mark of what was asked, the others are less
 * likely what was asked. */
static void prefer(asking *a, int (*marked)(const candidate *))
{
    int any = 0;
    for (size_t i = 0; i < a->ncands && !any; i++)
        any = marked(&a->cands[i]);
    for (size_t i = 0; any && i < a->ncands; i++)
        if (!marked(&a->cands[i]))
            a->cands[i].score *= UNFOCUSED;
}

static int is_focused(const candidate *c)
{
    return c->focused;
}

static int is_own(const candidate *c)
{
    return c->own;
}

static int is_set_apart(const candidate *c)
{
    return c->set_apart;
}

static int is_in_class(const candidate *c)
{
    return c->in_class;
}

/* "Which hospital", "what kind of contact": the answers named with the
 * focus. */
static void prefer_focused(asking *a)
{
    if (a->qt.type == VZ_TYPE_QUANTITY || a->qt.type == VZ_TYPE_COUNT)
        return;   /* "205 detained" answers "how many people were detained" */
    prefer(a, is_focused);
}

/* "What did they call for", "why did it close": a demand is what follows
 * "called for" or "urged", a reason what follows "because" or "after",
 * and a phrase of the sentence in no such form is not what was asked,
 * when one in that form is found.  What a thing was called may be any
 * phrase, quoted or not: its forms do not exhaust it. */
static void prefer_own(asking *a)
{
    if (a->qt.type == VZ_TYPE_DESCRIPTION && a->qt.label[0] && strcmp(a->qt.label, "called"))
        prefer(a, is_own);
}


/* ---- the learned ranker ------------------------------------------------------ */

/* What the ranker reads: the best sentences, with those of the best
 * template answers, and where those answers stand (in the question's
 * pool). */
typedef struct {
    vz_rk_sentence *sent;
    const ranked **from;     /* the ranked sentence each one is */
    vz_rk_marked *mark;
    size_t n, nmark, capmark;
} rk_input;

static int rk_tokens(asking *a, const reading *rd, vz_rk_token **out)
{
    vz_rk_token *t = pool_take(a, (rd->n ? rd->n : 1) * sizeof *t);
    if (!(*out = t))
        return vz_fail(VZ_ENOMEM, "out of memory");
    for (size_t k = 0; k < rd->n; k++) {
        const word *w = &rd->w[k];
        int key = w->key >= 0 && (size_t)w->key < a->nwords ? w->key : -1;
        t[k] = (vz_rk_token){(uint32_t)w->start, (uint32_t)w->end, w->flags,
                             key >= 0 || w->asked, key >= 0 && !w->synonym && !w->other_form,
                             w->focus, key >= 0 ? a->words[key].idf : 0,
                             key >= 0 ? a->words[key].place : 0};
    }
    return VZ_OK;
}

/* The index among a->sents of the sentence of occurrence o; nsents: none. */
static size_t sentence_of(const asking *a, const occurrence *o)
{
    const vz_sentence_info *si = a->e->idx->sentences;
    for (size_t i = 0; i < a->nsents; i++)
        if (si[a->sents[i].sid].doc == o->doc && si[a->sents[i].sid].start == o->sent_start)
            return i;
    return a->nsents;
}

/* The sentences (indices among a->sents) of the best MARKED template
 * answers, into held (room for MARKED * MAX_OCC); how many. */
static size_t holds_mark(const asking *a, size_t *held)
{
    size_t n = 0;
    for (size_t c = 0; c < a->ncands && c < MARKED; c++)
        for (size_t k = 0; k < a->cands[c].nocc; k++)
            held[n++] = sentence_of(a, &a->cands[c].occ[k]);
    return n;
}

static int add_marks(asking *a, rk_input *in, size_t at, size_t i)
{
    const vz_sentence_info *si = &a->e->idx->sentences[a->sents[i].sid];
    for (size_t c = 0; c < a->ncands; c++)
        for (size_t k = 0; k < a->cands[c].nocc; k++) {
            const occurrence *o = &a->cands[c].occ[k];
            if (o->doc != si->doc || o->sent_start != si->start)
                continue;
            void *p = in->mark;
            if (pool_grow(a, &p, &in->capmark, in->nmark + 1, sizeof *in->mark))
                return VZ_ENOMEM;
            in->mark = p;
            in->mark[in->nmark++] = (vz_rk_marked){at, o->ans_start - si->start,
                                                   o->ans_end - si->start, (int)c + 1};
        }
    return VZ_OK;
}

static int rk_read(asking *a, size_t sentences, rk_input *in)
{
    size_t held[MARKED * MAX_OCC];
    size_t nheld = holds_mark(a, held);
    /* Room for the best sentences and the marks' others. */
    size_t room = (a->nsents < sentences ? a->nsents : sentences) + nheld + 1;
    in->sent = pool_take(a, room * sizeof *in->sent);
    in->from = pool_take(a, room * sizeof *in->from);
    if (!in->sent || !in->from)
        return vz_fail(VZ_ENOMEM, "out of memory");
    double best = a->nsents && a->sents[0].score > 0 ? a->sents[0].score : 1;
    for (size_t i = 0; i < a->nsents; i++) {
        int marked = 0;
        for (size_t h = 0; i >= sentences && h < nheld; h++)
            marked |= held[h] == i;
        if (i >= sentences && !marked)
            continue;
        const ranked *r = &a->sents[i];
        vz_rk_token *tok;
        int rc = rk_tokens(a, r->rd, &tok);
        if (!rc)
            rc = add_marks(a, in, in->n, i);
        if (rc)
            return rc;
        in->from[in->n] = r;
        in->sent[in->n++] = (vz_rk_sentence){r->rd->text.data, r->rd->text.len, tok, r->rd->n,
                                             r->score / best, a->total_idf};
    }
    return VZ_OK;
}

/* The candidate of a span the ranker rates, made when no template found it. */
static int span_candidate(asking *a, const rk_input *in, const vz_rk_span *sp, candidate **out)
{
    const vz_rk_sentence *s = &in->sent[sp->sent];
    const ranked *r = in->from[sp->sent];
    const char *t = s->text + sp->start;
    size_t len = without_possessive(t, sp->end - sp->start);
    const char *key = cand_key(a, t, len);
    int rc = key ? find_or_add(a, key, t, len, out) : vz_fail(VZ_ENOMEM, "out of memory");
    if (rc || (*out)->text)
        return rc;   /* found before, by a template or a better span */
    candidate *c = *out;
    const vz_sentence_info *si = &a->e->idx->sentences[r->sid];
    if (!(c->text = pool_strndup(a, t, len, 0)))
        return VZ_ENOMEM;
    c->room = len + 1;
    c->named = (s->tok[sp->i].flags & VZ_TOK_CAPITAL) != 0;
    c->quality = c->factor[0] = told(a, r);
    c->factor[1] = c->factor[2] = 1.0;
    c->coverage = r->own;
    c->covered = r->rd->covered | r->prev;
    c->told_keys = r->rd->covered | (r->prev & a->names);
    c->doc = si->doc;
    c->occ[c->nocc++] = (occurrence){si->doc, si->start, si->end,
                                     (uint32_t)(si->start + sp->start),
                                     (uint32_t)(si->start + sp->start + len)};
    return VZ_OK;
}

static void explain_spans(asking *a, const rk_input *in, const vz_rk_spans *sp)
{
    for (size_t k = 0; k < sp->nbest && k < 10; k++) {
        const vz_rk_span *s = &sp->best[k];
        vz_buf_printf(&a->explain, "span %zu  %.3f  p %.3f  \"%.*s\"\n", k + 1, s->score, s->prob,
                      (int)(s->end - s->start), in->sent[s->sent].text + s->start);
    }
}

/* Does span sp keep every name and number of mark mk, reaching past it
 * only at its edges? */
static int keeps_names(const vz_rk_sentence *s, const vz_rk_span *sp, const vz_rk_marked *mk)
{
    if (sp->start >= mk->end || sp->end <= mk->start)
        return 0;
    for (size_t k = 0; k < s->ntok; k++) {
        const vz_rk_token *t = &s->tok[k];
        int kept = (t->flags & VZ_TOK_NUMBER) ||
                    ((t->flags & VZ_TOK_CAPITAL) && !(t->flags & VZ_TOK_STOP));
        if (kept && t->start >= mk->start && t->end <= mk->end &&
            (t->start < sp->start || t->end > sp->end))
            return 0;
    }
    return 1;
}

/* May span s stand for mark mk: does it keep mk's names and numbers, and
 * of a count, what it counts ("40 people")? Only a count's qualifier may
 * go ("as many as 22" -> "22"). */
static int may_redraw(const asking *a, const rk_input *in, const vz_rk_span *s,
                      const vz_rk_marked *mk)
{
    int counted = a->qt.type == VZ_TYPE_COUNT || a->qt.type == VZ_TYPE_QUANTITY;
    return s->sent == mk->sent && keeps_names(&in->sent[s->sent], s, mk) &&
           !(counted && (s->end != mk->end || s->start < mk->start));
}

/* The span the ranker prefers to the templates' answer where it stands:
 * of the MBR_SPANS best that may stand for it, the one with the best
 * expected gain, its edges redrawn ("the University" -> "University of
 * Chicago"), in *out; NULL none, or the answer itself. */
static int redrawn(const asking *a, const rk_input *in, const vz_rk_spans *sp,
                   const vz_rk_span **out)
{
    *out = NULL;
    for (size_t m = 0; m < in->nmark; m++) {
        const vz_rk_marked *mk = &in->mark[m];
        if (mk->rank != 1)
            continue;
        /* Only spans over the mark's bytes may stand for it. */
        const vz_rk_span **near;
        size_t n;
        if (vz_rk_overlapping(sp, mk->sent, mk->start, mk->end, &near, &n))
            return VZ_ENOMEM;
        const vz_rk_span *best = NULL;
        double top = -1;
        for (size_t k = 0, seen = 0; k < n && seen < MBR_SPANS; k++) {
            const vz_rk_span *s = near[k];
            if (!may_redraw(a, in, s, mk))
                continue;
            seen++;
            double gain = vz_rk_expected_f1(sp, s);
            if (gain > top) {
                top = gain;
                best = s;
            }
        }
        free(near);
        if (best) {
            *out = best->start == mk->start && best->end == mk->end ? NULL : best;
            return VZ_OK;
        }
    }
    return VZ_OK;
}

typedef struct {
    const vz_rk_span *span;
    double gain;             /* the F1 it is expected to score */
} weighed;

static int by_gain(const void *x, const void *y)
{
    const weighed *a = x, *b = y;
    if (a->gain != b->gain)
        return a->gain < b->gain ? 1 : -1;
    return a->span < b->span ? -1 : a->span > b->span;
}

/* The ranker's best MBR_SPANS spans by the F1 each is expected to score
 * (in a's pool). */
static int expected_gains(asking *a, const vz_rk_spans *sp, weighed **out, size_t *n)
{
    *n = sp->nbest < MBR_SPANS ? sp->nbest : MBR_SPANS;
    if (!(*out = pool_take(a, (*n + 1) * sizeof **out)))
        return vz_fail(VZ_ENOMEM, "out of memory");
    for (size_t k = 0; k < *n; k++) {   /* best[] in rank order: by_gain's ties keep it */
        (*out)[k].span = &sp->best[k];
        (*out)[k].gain = vz_rk_expected_f1(sp, &sp->best[k]);
    }
    qsort(*out, *n, sizeof **out, by_gain);
    return VZ_OK;
}

/* An answer's score becomes the F1 its span is expected to score
 * (vz_rk_expected_f1), unless the templates' answer stands (templated); a
 * template's answer counts among the ranker's features, with its rank. */
static int apply_ranker(asking *a, const vz_ranker *m, int templated)
{
    rk_input in = {0};
    vz_rk_spans own = {0}, *sp = a->carry ? &a->carry->spans : &own;
    vz_rk_question q;
    vz_rk_question_init(&q, a->q, a->qlen, vz_type_name(a->qt.type), a->qt.label);
    /* Answering reads the best spans (explain_spans: 10) and those near
     * a few: all of them need not be sorted.  Training reads them all. */
    enum { SHOWN = MBR_SPANS > 10 ? MBR_SPANS : 10 };
    int rc = rk_read(a, vz_ranker_sentences(m), &in);
    if (!rc && a->hook)
        rc = vz_rk_score(m, &q, in.sent, in.n, in.mark, in.nmark, a->hook->names, sp);
    else if (!rc)
        rc = vz_rk_rank(m, &q, in.sent, in.n, in.mark, in.nmark, SHOWN, sp);
    /* "@sure S": the ranker overrules the templates when its best span
     * holds a share of S. */
    double overrule = vz_ranker_sure(m);
    if (templated && overrule < 1 && sp->nbest && sp->best[0].prob >= overrule)
        templated = 0;
    if (!rc && a->hook) {
        rc = a->hook->fn(a->hook->ctx, in.sent, in.n, sp);
    } else if (!rc && templated) {
        const vz_rk_span *s;
        candidate *c;
        rc = redrawn(a, &in, sp, &s);
        if (!rc && a->explaining)
            explain_spans(a, &in, sp);
        if (!rc && s && !(rc = span_candidate(a, &in, s, &c)) && c != &a->cands[0]) {
            c->score = a->cands[0].score * (1 + 1e-9) + 1e-12;
            qsort(a->cands, a->ncands, sizeof *a->cands, by_score);
            cands_moved(a);
        }
    } else if (!rc) {
        if (a->explaining)
            explain_spans(a, &in, sp);
        for (size_t i = 0; i < a->ncands; i++)
            a->cands[i].learned = 0;
        weighed *best = NULL;
        size_t n = 0;
        rc = expected_gains(a, sp, &best, &n);
        for (size_t k = 0; !rc && k < n; k++) {
            candidate *c;
            rc = span_candidate(a, &in, best[k].span, &c);
            if (!rc)
                c->learned = fmax(c->learned, best[k].gain);
        }
        for (size_t i = 0; !rc && i < a->ncands; i++)
            a->cands[i].score = a->cands[i].learned;
        if (!rc && a->ncands > 1) {
            qsort(a->cands, a->ncands, sizeof *a->cands, by_score);
            cands_moved(a);
        }
    }
    if (sp == &own)
        vz_rk_spans_free(sp);
    else
        vz_rk_spans_empty(sp);
    return rc;
}

/* The verb and the names of the first answers, up to want of them (*n). */
static int judge(asking *a, size_t want, size_t *n)
{
    int rc = VZ_OK;
    *n = a->ncands < want ? a->ncands : want;
    for (size_t i = 0; rc == VZ_OK && i < *n; i++) {
        if (a->cands[i].judged)
            continue;   /* judged before the ranker ran */
        a->cands[i].judged = 1;
        judge_verb(a, &a->cands[i]);
        rc = judge_names(a, &a->cands[i]);
    }
    return rc;
}

static int build_result(asking *a, const vz_ask_options *o, vz_result *res)
{
    add_support(a);
    prefer_focused(a);
    prefer_own(a);
    /* "Which Arab country": the answers of that class, when there are. */
    if (a->class_label && a->qt.type != VZ_TYPE_LIST)
        prefer(a, is_in_class);
    /* "Which member did not recognize him": what was set apart. */
    if (a->negated)
        prefer(a, is_set_apart);
    if (a->ncands > 1) {
        qsort(a->cands, a->ncands, sizeof *a->cands, by_score);
        cands_moved(a);
    }
    int rc = a->ncands > 1 && a->qt.type == VZ_TYPE_LIST ? unite_lists(a) : VZ_OK;
    if (rc)
        return rc;
    size_t want = o && o->max_answers ? o->max_answers : DEFAULT_ANSWERS;
    size_t n;
    if ((rc = judge(a, want, &n)) != VZ_OK)
        return rc;
    if (a->hook)
        return a->qt.type == VZ_TYPE_LIST ? VZ_OK : apply_ranker(a, a->hook->model, 0);
    /* The templates' confidence decides whether to answer; what, the
     * ranker where no template found their best (it may redraw the edges
     * of one that did); a list's answer is several template answers joined. */
    double sure = n ? confidence_of(&a->cands[0], rival_of(a, 0)) : 0;
    int abstain = !(o && (o->flags & VZ_ASK_NO_ABSTAIN)) && sure < ABSTAIN_BELOW;
    const vz_ranker *m = a->e->qa->ranker;
    /* A template knows its answer's form; a bare phrase of the sentence
     * is a guess the ranker makes better. */
    int templated = n && sure >= ABSTAIN_BELOW && a->cands[0].framed;
    if (!abstain && a->qt.type != VZ_TYPE_LIST && !vz_ranker_empty(m)) {
        /* An answer the ranker chose is no surer than the templates'
         * best: weights learned on an encyclopaedia know news less. */
        a->ceiling = sure;
        if ((rc = apply_ranker(a, m, templated)) != VZ_OK ||
            (rc = judge(a, want, &n)) != VZ_OK)
            return rc;
    }
    if (abstain)
        n = 0;
    res->answers = n ? calloc(n, sizeof *res->answers) : NULL;
    if (n && !res->answers)
        return vz_fail(VZ_ENOMEM, "out of memory");
    for (size_t i = 0; rc == VZ_OK && i < n; i++, res->nanswers++)
        rc = make_answer(a, i, &res->answers[i]);
    for (size_t i = 0; a->explaining && i < a->ncands && i < 10; i++)
        vz_buf_printf(&a->explain, "candidate %zu  %.4f  coverage %.2f  quality %.2f (told %.2f"
                      " near %.2f fit %.2f)%s  confidence %.2f  \"%s\"\n",
                      i + 1, a->cands[i].score, a->cands[i].coverage, a->cands[i].quality,
                      a->cands[i].factor[0], a->cands[i].factor[1], a->cands[i].factor[2],
                      a->cands[i].unnamed ? " unnamed" : "",
                      confidence_of(&a->cands[i], rival_of(a, i)), a->cands[i].text);
    if (a->explaining && a->ncands)
        explain_features(a, &a->cands[0], rival_of(a, 0));
    return rc;
}

/* ---- vz_ask ------------------------------------------------------------------ */

/* a's arrays and buffers, empty, with the room the reader keeps. */
static void take_room(asking *a, carried *k)
{
    a->sents = k->sents;
    a->capsents = k->capsents;
    a->cands = k->cands;
    a->capcands = k->capcands;
    a->cindex = k->cindex;
    a->cindex_room = k->cindex_room;
    a->packing = k->packing;
    a->keying = k->keying;
    k->sents = NULL;
    k->cands = NULL;
    k->cindex = NULL;
    k->packing = k->keying = (vz_buf){0};
}

static void give_room(asking *a, carried *k)
{
    k->sents = a->sents;
    k->capsents = a->capsents;
    k->cands = a->cands;
    k->capcands = a->capcands;
    k->cindex = a->cindex;
    k->cindex_room = a->cindex_room;
    k->packing = a->packing;
    k->keying = a->keying;
}

static void release(asking *a)
{
    for (size_t i = 0; i < a->nsents; i++)
        reading_free(a->sents[i].rd);
    pool_free(a);
    if (a->carry) {
        give_room(a, a->carry);
    } else {
        free(a->cands);
        free(a->cindex);
        free(a->sents);
        vz_buf_free(&a->packing);
        vz_buf_free(&a->keying);
    }
    vz_buf_free(&a->explain);
}

static int ask(vz_engine *e, const char *question, size_t len, const vz_ask_options *opts,
               const vz_span_hook *hook, vz_result **out);

int vz_ask(vz_engine *e, const char *question, size_t len, const vz_ask_options *opts,
           vz_result **out)
{
    return ask(e, question, len, opts, NULL, out);
}

int vz_ask_spans(vz_engine *e, const char *question, size_t len, const vz_ask_options *opts,
                 const vz_span_hook *hook)
{
    vz_result *res = NULL;
    int rc = ask(e, question, len, opts, hook, &res);
    vz_result_free(res);
    return rc;
}

static int ask(vz_engine *e, const char *question, size_t len, const vz_ask_options *opts,
               const vz_span_hook *hook, vz_result **out)
{
    if (!out)
        return vz_fail(VZ_EINVAL, "vz_ask: out is NULL: pass the address of a vz_result pointer");
    *out = NULL;
    if (!e || !question)
        return vz_fail(VZ_EINVAL, "vz_ask: %s", e ? "the question is NULL: pass its text and length"
                                                  : "the engine is NULL: open one with vz_engine_open");
    if (opts && opts->version != VZ_ASK_OPTIONS_VERSION)
        return vz_fail(VZ_EINVAL, "vz_ask: options version %u is not %u: initialise them "
                       "with VZ_ASK_OPTIONS_INIT", opts->version, VZ_ASK_OPTIONS_VERSION);
    int rc = vz_engine_check_text(question, len, "question");
    if (rc)
        return rc;
    asking a = {.e = e, .q = question, .qlen = len,
                .explaining = opts && (opts->flags & VZ_ASK_EXPLAIN), .hook = hook,
                .ceiling = 1.0};
    unsigned char *mask = NULL;
    vz_result *res = calloc(1, sizeof *res);
    if (!res)
        return vz_fail(VZ_ENOMEM, "out of memory");
    rc = opts ? vz_engine_doc_mask(e, opts->docs, opts->ndocs, &mask) : VZ_OK;
    if (!rc) rc = vz_engine_reader(e, &a.r);
    if (!rc && (a.carry = reader_carry(a.r)) != NULL) {
        a.xc = a.carry->xc;
        take_room(&a, a.carry);
    }
    if (!rc) rc = vz_question_type(e->qa->qrules, question, len, &a.qt);
    if (!rc) rc = vz_extract_hedges(e->qa->extractor, question, len, on_question_hedge, &a);
    if (!rc) rc = vz_extract_negations(e->qa->extractor, question, len, on_question_negation, &a);
    if (!rc) rc = gather(&a, mask);
    res->type = a.qt.type;
    if (!rc) rc = build_result(&a, opts, res);
    if (!rc && !(res->question = vz_strndup(question, len)))
        rc = vz_fail(VZ_ENOMEM, "out of memory");
    if (!rc && a.explaining) {
        res->explain = a.explain.data;
        a.explain = (vz_buf){0};
    }
    release(&a);   /* first: its room goes back to the reader */
    vz_engine_release(e, a.r);
    free(mask);
    if (rc) {
        vz_result_free(res);
        return rc;
    }
    *out = res;
    return VZ_OK;
}
