/*
 * test_analyse.c - tests of the analyser (index/analyse.c): the token rules
 * as a table (tests/data/analyse.cases), byte offsets, flags, stop words,
 * invalid UTF-8, the Snowball English reference vocabulary, threads, and
 * the throughput on the SQuAD paragraphs.
 */
#include "support.h"

#include "analyse.h"
#include "data.h"
#include "util.h"
#include "vzask.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ------------------------------------------------------------ helpers */

#define MAX_TOKENS 512

typedef struct {
    size_t start, end, index;
    unsigned flags;
    char norm[128], stem[128];
} rec;

typedef struct {
    rec toks[MAX_TOKENS];
    size_t n;
    size_t stop_after;   /* return 7 from the callback after this many (0: never) */
    const char *text;
    size_t len;
} collected;

typedef struct {
    vz_data words;
    vz_stoplist *stop;
    vz_analyser *a;
} fixture;

static int collect_fn(const vz_token *t, void *ctx)
{
    collected *c = ctx;
    assert_true(c->n < MAX_TOKENS);
    rec *r = &c->toks[c->n];
    /* Invariants of every token, whatever the text. */
    assert_int_equal(t->index, c->n);
    assert_true(t->start < t->end && t->end <= c->len);
    assert_true(c->n == 0 || t->start >= c->toks[c->n - 1].end);
    assert_int_equal(strlen(t->norm), t->norm_len);
    assert_true(t->norm_len > 0 && t->norm_len < sizeof r->norm);
    assert_true(t->stem_len > 0 && t->stem_len < sizeof r->stem);
    r->start = t->start;
    r->end = t->end;
    r->index = t->index;
    r->flags = t->flags;
    memcpy(r->norm, t->norm, t->norm_len + 1);
    memcpy(r->stem, t->stem, t->stem_len);
    r->stem[t->stem_len] = '\0';
    c->n++;
    return c->stop_after && c->n == c->stop_after ? 7 : 0;
}

/* Analyse text, which must succeed, into c. */
static void analyse(fixture *f, const char *text, collected *c)
{
    memset(c, 0, sizeof *c);
    c->text = text;
    c->len = strlen(text);
    assert_int_equal(vz_analyse(f->a, text, c->len, collect_fn, c), VZ_OK);
}

/* Token i's surface is exactly text[start, end). */
static void assert_surface(const collected *c, size_t i, const char *surface)
{
    assert_true(i < c->n);
    const rec *r = &c->toks[i];
    assert_int_equal(r->end - r->start, strlen(surface));
    assert_memory_equal(c->text + r->start, surface, strlen(surface));
}

static void assert_token(const collected *c, size_t i, const char *surface,
                         const char *norm, const char *stem, unsigned flags)
{
    assert_surface(c, i, surface);
    assert_string_equal(c->toks[i].norm, norm);
    assert_string_equal(c->toks[i].stem, stem);
    assert_int_equal(c->toks[i].flags, flags);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    assert_int_equal(vz_data_load(NULL, "stopwords.txt", &f->words), VZ_OK);
    assert_int_equal(vz_stoplist_new(&f->stop, f->words.text, f->words.len), VZ_OK);
    assert_int_equal(vz_analyser_new(&f->a, f->stop), VZ_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    vz_analyser_free(f->a);
    vz_stoplist_free(f->stop);
    vz_data_release(&f->words);
    free(f);
    return 0;
}

/* ------------------------------------------------------ the table */

static unsigned parse_flags(const char *s)
{
    unsigned f = 0;
    for (; *s; s++) {
        const char *letters = "SNCUAJ", *p = strchr(letters, *s);
        if (!p)
            fail_msg("unknown flag letter '%c' in analyse.cases", *s);
        f |= 1u << (p - letters);
    }
    return f;
}

/* "surface[=norm][/stem][:FLAGS]" against token i (spec is cut up):
 * 1 and a message on a mismatch, so that one run lists every failing case. */
static int check_spec(const collected *c, size_t i, char *spec, unsigned lineno)
{
    char *flags = strchr(spec, ':'), *stem, *norm;
    if (flags)
        *flags++ = '\0';
    if ((stem = strchr(spec, '/')) != NULL)
        *stem++ = '\0';
    if ((norm = strchr(spec, '=')) != NULL)
        *norm++ = '\0';
    norm = norm ? norm : spec;
    stem = stem ? stem : norm;
    if (i >= c->n) {
        print_message("analyse.cases:%u: token %zu (%s) missing\n", lineno, i, spec);
        return 1;
    }
    const rec *r = &c->toks[i];
    if (r->end - r->start == strlen(spec) && memcmp(c->text + r->start, spec, strlen(spec)) == 0 &&
        strcmp(r->norm, norm) == 0 && strcmp(r->stem, stem) == 0 &&
        r->flags == parse_flags(flags ? flags : ""))
        return 0;
    print_message("analyse.cases:%u: token %zu: want %s=%s/%s:%s, got %.*s=%s/%s flags %#x\n",
                  lineno, i, spec, norm, stem, flags ? flags : "", (int)(r->end - r->start),
                  c->text + r->start, r->norm, r->stem, r->flags);
    return 1;
}

/* One line of the table; returns the number of mismatches. */
static int check_case(fixture *f, char *line, unsigned lineno)
{
    char *tab = strchr(line, '\t');
    if (!tab)
        fail_msg("analyse.cases:%u: no tab", lineno);
    *tab = '\0';
    collected *c = malloc(sizeof *c);
    assert_non_null(c);
    analyse(f, line, c);
    size_t i = 0;
    int bad = 0;
    char *save = NULL;
    if (strcmp(tab + 1, "-") != 0)
        for (char *s = strtok_r(tab + 1, " ", &save); s; s = strtok_r(NULL, " ", &save))
            bad += check_spec(c, i++, s, lineno);
    if (c->n != i) {
        print_message("analyse.cases:%u: %zu tokens, want %zu\n", lineno, c->n, i);
        bad++;
    }
    free(c);
    return bad;
}

static void test_cases_file(void **state)
{
    size_t len;
    char *text = ts_read("tests/data/analyse.cases", &len);
    assert_non_null(text);
    unsigned lineno = 0, cases = 0, bad = 0;
    /* Split by hand, not with strtok_r, which would skip empty lines and
     * so lose the line numbers that failure messages give. */
    for (char *p = text, *nl; p && *p; p = nl ? nl + 1 : NULL) {
        nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        lineno++;
        if (*p && *p != '#') {
            bad += (unsigned)check_case(*state, p, lineno);
            cases++;
        }
    }
    free(text);
    assert_true(cases >= 54);   /* the whole table was read */
    assert_int_equal(bad, 0);
}

/* ------------------------------------------------ rules, one by one */

static void test_accents_and_case(void **state)
{
    collected c;
    analyse(*state, "Guaidó Guaido GUAIDO Guaido\xCC\x81", &c);
    assert_int_equal(c.n, 4);
    for (size_t i = 0; i < 4; i++) {
        assert_string_equal(c.toks[i].norm, "guaido");
        assert_string_equal(c.toks[i].stem, c.toks[0].stem);
        assert_true(c.toks[i].flags & VZ_TOK_CAPITAL);
    }
    assert_int_equal(c.toks[2].flags, VZ_TOK_CAPITAL | VZ_TOK_UPPER);
    assert_surface(&c, 3, "Guaido\xCC\x81");   /* the combining mark is in the span */
}

static void test_nfkc(void **state)
{
    collected c;
    /* U+FB01 ligature, full-width digits (U+FF14...) and letters. */
    analyse(*state, "\xEF\xAC\x81nance \xEF\xBC\x94\xEF\xBC\x90 \xEF\xBC\xB5\xEF\xBC\xAE", &c);
    assert_int_equal(c.n, 3);
    assert_token(&c, 0, "\xEF\xAC\x81nance", "finance", "financ", 0);
    assert_token(&c, 1, "\xEF\xBC\x94\xEF\xBC\x90", "40", "40", VZ_TOK_NUMBER);
    assert_token(&c, 2, "\xEF\xBC\xB5\xEF\xBC\xAE", "un", "un", VZ_TOK_CAPITAL | VZ_TOK_UPPER);
}

static void test_numbers(void **state)
{
    collected c;
    analyse(*state, "4,054 died; 3.5% of $2 and 40, not 1,000,000.", &c);
    assert_int_equal(c.n, 9);
    assert_token(&c, 0, "4,054", "4054", "4054", VZ_TOK_NUMBER);
    assert_token(&c, 1, "died", "died", "die", 0);
    assert_token(&c, 2, "3.5", "3.5", "3.5", VZ_TOK_NUMBER);
    assert_token(&c, 4, "2", "2", "2", VZ_TOK_NUMBER);
    assert_token(&c, 6, "40", "40", "40", VZ_TOK_NUMBER);
    assert_token(&c, 8, "1,000,000", "1000000", "1000000", VZ_TOK_NUMBER);
}

static void test_acronyms(void **state)
{
    collected c;
    const unsigned acr = VZ_TOK_ACRONYM | VZ_TOK_UPPER | VZ_TOK_CAPITAL;
    analyse(*state, "The U.S. and the U.N., e.g. in the U.S", &c);
    assert_int_equal(c.n, 9);
    assert_token(&c, 1, "U.S.", "us", "us", acr);
    assert_token(&c, 4, "U.N.", "un", "un", acr);
    assert_token(&c, 5, "e.g.", "eg", "eg", VZ_TOK_ACRONYM);
    assert_token(&c, 8, "U.S", "us", "us", acr);
}

static void test_hyphens(void **state)
{
    collected c;
    analyse(*state, "Rossiya-24 and Jean-Yves, a U.S.-backed -5", &c);
    assert_int_equal(c.n, 9);
    assert_token(&c, 0, "Rossiya", "rossiya", "rossiya", VZ_TOK_CAPITAL);
    assert_token(&c, 1, "24", "24", "24", VZ_TOK_NUMBER | VZ_TOK_JOINED);
    assert_int_equal(c.toks[0].end, 7);
    assert_int_equal(c.toks[1].start, 8);
    assert_token(&c, 3, "Jean", "jean", "jean", VZ_TOK_CAPITAL);
    assert_token(&c, 4, "Yves", "yves", "yves", VZ_TOK_CAPITAL | VZ_TOK_JOINED);
    assert_int_equal(c.toks[7].flags & VZ_TOK_JOINED, VZ_TOK_JOINED);   /* backed */
    assert_int_equal(c.toks[8].flags, VZ_TOK_NUMBER);                    /* " -5" */
}

static void test_apostrophes_and_quotes(void **state)
{
    collected c;
    analyse(*state, "Guaid\xC3\xB3's rival \xE2\x80\x98Venezuela\xE2\x80\x99s\xE2\x80\x99 "
                    "hasn\xE2\x80\x99t \xE2\x80\x9C" "said\xE2\x80\x9D", &c);
    assert_int_equal(c.n, 5);
    assert_token(&c, 0, "Guaid\xC3\xB3's", "guaido's", "guaido", VZ_TOK_CAPITAL);
    assert_token(&c, 2, "Venezuela\xE2\x80\x99s", "venezuela's", "venezuela", VZ_TOK_CAPITAL);
    assert_token(&c, 3, "hasn\xE2\x80\x99t", "hasn't", "hasn't", 0);
    assert_token(&c, 4, "said", "said", "said", 0);
}

/* Every token of a sentence full of multi-byte characters: the exact span. */
static void test_offsets_multibyte(void **state)
{
    static const char text[] =
        "\xE2\x80\x9C" "El Pa\xC3\xADs\xE2\x80\x9D reported: Guaid\xC3\xB3\xE2\x80\x99s "
        "aide \xE2\x80\x94 Jos\xC3\xA9 Mar\xC3\xAD" "a \xC3\x91" "a\xC3\xB1" "ez \xE2\x80\x94 "
        "paid \xE2\x82\xAC" "4,054 in Bogot\xC3\xA1 (U.S.) \xF0\x9F\x98\x80 na\xC3\xAFve caf\xC3\xA9s.";
    static const char *const surfaces[] = {
        "El", "Pa\xC3\xADs", "reported", "Guaid\xC3\xB3\xE2\x80\x99s", "aide", "Jos\xC3\xA9",
        "Mar\xC3\xAD" "a", "\xC3\x91" "a\xC3\xB1" "ez", "paid", "4,054", "in", "Bogot\xC3\xA1",
        "U.S.", "na\xC3\xAFve", "caf\xC3\xA9s"};
    static const char *const norms[] = {
        "el", "pais", "reported", "guaido's", "aide", "jose", "maria", "nanez", "paid",
        "4054", "in", "bogota", "us", "naive", "cafes"};
    size_t n = sizeof surfaces / sizeof *surfaces;
    collected c;
    analyse(*state, text, &c);
    assert_int_equal(c.n, n);
    for (size_t i = 0; i < n; i++) {
        assert_surface(&c, i, surfaces[i]);
        assert_string_equal(c.toks[i].norm, norms[i]);
    }
}

static void test_stop_flags(void **state)
{
    collected c;
    analyse(*state, "The president of Venezuela IS here, but THE army", &c);
    static const int stop[] = {1, 0, 1, 0, 1, 1, 1, 1, 0};
    assert_int_equal(c.n, 9);
    for (size_t i = 0; i < c.n; i++)
        assert_int_equal(!!(c.toks[i].flags & VZ_TOK_STOP), stop[i]);
    assert_int_equal(c.toks[7].flags, VZ_TOK_STOP | VZ_TOK_CAPITAL | VZ_TOK_UPPER);
}

static void test_no_stoplist(void **state)
{
    (void)state;
    vz_analyser *a;
    assert_int_equal(vz_analyser_new(&a, NULL), VZ_OK);
    fixture f = {.a = a};
    collected c;
    analyse(&f, "the and of", &c);
    assert_int_equal(c.n, 3);
    for (size_t i = 0; i < c.n; i++)
        assert_int_equal(c.toks[i].flags & VZ_TOK_STOP, 0);
    vz_analyser_free(a);
}

/* ------------------------------------------------------- failures */

static int count_fn(const vz_token *t, void *ctx)
{
    (void)t;
    ++*(size_t *)ctx;
    return 0;
}

static void expect_invalid(fixture *f, const char *text, size_t len, size_t at)
{
    size_t calls = 0;
    char want[64];
    vz_clear_error();
    assert_int_equal(vz_analyse(f->a, text, len, count_fn, &calls), VZ_EINVAL);
    assert_int_equal(calls, 0);   /* nothing reported before the check */
    snprintf(want, sizeof want, "invalid UTF-8 at byte %zu", at);
    assert_string_equal(vz_last_error(), want);
    assert_null(vz_normalise(text, len, NULL));
}

static void test_invalid_utf8(void **state)
{
    expect_invalid(*state, "caf\xC3", 4, 3);                       /* truncated */
    expect_invalid(*state, "ab \xE2\x80 cd", 8, 3);                 /* truncated 3-byte */
    expect_invalid(*state, "x\xC0\xAF", 3, 1);                      /* overlong '/' */
    expect_invalid(*state, "\xE0\x80\xAF", 3, 0);                   /* overlong, 3 bytes */
    expect_invalid(*state, "word \x80 word", 11, 5);                /* lone continuation */
    expect_invalid(*state, "\xED\xA0\x80", 3, 0);                   /* surrogate */
    expect_invalid(*state, "\xF4\x90\x80\x80", 4, 0);               /* above U+10FFFF */
    expect_invalid(*state, "0123456789abcdef\xFF", 17, 16);         /* after the fast path */
}

static void test_empty_and_punctuation(void **state)
{
    fixture *f = *state;
    size_t calls = 0;
    assert_int_equal(vz_analyse(f->a, "", 0, count_fn, &calls), VZ_OK);
    assert_int_equal(vz_analyse(f->a, NULL, 0, count_fn, &calls), VZ_OK);
    const char *p = "... -- !? \xE2\x80\x94 \xC2\xAB\xC2\xBB ' \xE2\x80\x99 ,.";
    assert_int_equal(vz_analyse(f->a, p, strlen(p), count_fn, &calls), VZ_OK);
    assert_int_equal(calls, 0);
    assert_int_equal(vz_analyse(f->a, "x", 1, NULL, NULL), VZ_EINVAL);
}

/* A combining mark with no letter has an empty norm: no token, no crash on
 * an analyser that has not yet normalised anything. */
static void test_lone_marks(void **state)
{
    (void)state;
    vz_analyser *a;
    assert_int_equal(vz_analyser_new(&a, NULL), VZ_OK);
    fixture f = {.a = a};
    collected c;
    analyse(&f, " \xCC\x81 \xCC\x81\xCC\x88 ", &c);
    assert_int_equal(c.n, 0);
    analyse(&f, "\xCC\x81" "abc \xCC\x81", &c);
    assert_int_equal(c.n, 1);
    assert_token(&c, 0, "\xCC\x81" "abc", "abc", "abc", 0);
    vz_analyser_free(a);
}

/* The text need not be NUL-terminated: tokens end at len, and nothing past
 * it is read (the sanitizer build checks that). */
static void test_unterminated(void **state)
{
    fixture *f = *state;
    static const char src[] = "1,000 U.S\xC3\xA9";
    size_t len = sizeof src - 1;
    char *t = malloc(len);
    assert_non_null(t);
    memcpy(t, src, len);
    collected c;
    memset(&c, 0, sizeof c);
    c.text = t;
    c.len = len - 2;   /* "1,000 U.S" */
    assert_int_equal(vz_analyse(f->a, t, c.len, collect_fn, &c), VZ_OK);
    assert_int_equal(c.n, 2);
    assert_token(&c, 1, "U.S", "us", "us", VZ_TOK_CAPITAL | VZ_TOK_UPPER | VZ_TOK_ACRONYM);
    memset(&c, 0, sizeof c);
    c.text = t;
    c.len = 4;         /* "1,00": the comma no longer joins */
    assert_int_equal(vz_analyse(f->a, t, c.len, collect_fn, &c), VZ_OK);
    assert_int_equal(c.n, 2);
    assert_token(&c, 1, "00", "00", "00", VZ_TOK_NUMBER);
    memset(&c, 0, sizeof c);
    c.text = t;
    c.len = len;       /* "U.S\xC3\xA9" ends the buffer: not an acronym */
    assert_int_equal(vz_analyse(f->a, t, c.len, collect_fn, &c), VZ_OK);
    assert_int_equal(c.n, 3);
    assert_token(&c, 1, "U", "u", "u", VZ_TOK_CAPITAL);
    assert_token(&c, 2, "S\xC3\xA9", "se", "se", VZ_TOK_CAPITAL);
    free(t);
}

static void test_callback_stops(void **state)
{
    fixture *f = *state;
    collected c;
    memset(&c, 0, sizeof c);
    c.stop_after = 3;
    c.text = "one two three four five";
    c.len = strlen(c.text);
    assert_int_equal(vz_analyse(f->a, c.text, c.len, collect_fn, &c), 7);
    assert_int_equal(c.n, 3);
    assert_string_equal(c.toks[2].norm, "three");
}

/* ------------------------------------------ pieces of the analyser */

static void test_stem_alone(void **state)
{
    fixture *f = *state;
    size_t n;
    const char *s = vz_analyser_stem(f->a, "running", 7, &n);
    assert_non_null(s);
    assert_int_equal(n, 3);
    assert_memory_equal(s, "run", 3);
    s = vz_analyser_stem(f->a, "generously", 10, &n);
    assert_non_null(s);
    assert_int_equal(n, 8);
    assert_memory_equal(s, "generous", 8);
}

/* One pass over Snowball's vocabulary: returns the mismatches, *checked
 * the words seen. */
static size_t stem_vocabulary(vz_analyser *a, char *voc, char *out, size_t *checked)
{
    char *vs = NULL, *os = NULL;
    char *w = strtok_r(voc, "\n", &vs), *want = strtok_r(out, "\n", &os);
    size_t mismatches = 0;
    for (*checked = 0; w && want; w = strtok_r(NULL, "\n", &vs), want = strtok_r(NULL, "\n", &os)) {
        size_t n;
        const char *s = vz_analyser_stem(a, w, strlen(w), &n);
        assert_non_null(s);
        if (n != strlen(want) || memcmp(s, want, n) != 0) {
            if (mismatches++ < 10)
                print_message("stem(%s) = %.*s, want %s\n", w, (int)n, s, want);
        }
        ++*checked;
    }
    assert_null(w);      /* both files end together */
    assert_null(want);
    return mismatches;
}

/* Every word of Snowball's own English vocabulary gives its reference stem;
 * twice, since the second pass answers many words from the stem cache. */
static void test_snowball_vocabulary(void **state)
{
    fixture *f = *state;
    char vpath[4096], opath[4096];
    ts_shared_file(vpath, sizeof vpath, "data/snowball-english/voc.txt");
    ts_shared_file(opath, sizeof opath, "data/snowball-english/output.txt");
    for (int pass = 0; pass < 2; pass++) {
        size_t vlen, olen, checked;
        char *voc = ts_read(vpath, &vlen), *out = ts_read(opath, &olen);
        assert_non_null(voc);
        assert_non_null(out);
        size_t mismatches = stem_vocabulary(f->a, voc, out, &checked);
        free(voc);
        free(out);
        assert_int_equal(checked, 42603);
        assert_int_equal(mismatches, 0);
    }
}

static void expect_normalise(const char *in, const char *want)
{
    size_t n = 0;
    char *s = vz_normalise(in, strlen(in), &n);
    assert_non_null(s);
    assert_string_equal(s, want);
    assert_int_equal(n, strlen(want));
    free(s);
}

static void test_normalise(void **state)
{
    (void)state;
    expect_normalise("Guaid\xC3\xB3\xE2\x80\x99s \xEF\xBC\xB5\xEF\xBC\xAE \xEF\xAC\x81", "guaido's un fi");
    expect_normalise("GUAIDO, U.S.", "guaido, u.s.");
    expect_normalise("Stra\xC3\x9F" "e \xCA\xBC" "x", "strasse 'x");
    expect_normalise("", "");
}

static void test_stoplist(void **state)
{
    (void)state;
    vz_stoplist *a, *b, *c, *e;
    const char *t1 = "# comment\nthe\nOF\n  and\nthe\nU.S.\nDon\xE2\x80\x99t\n";
    const char *t2 = "and\nof\nus\ndon't\nthe\n";
    assert_int_equal(vz_stoplist_new(&a, t1, strlen(t1)), VZ_OK);
    assert_int_equal(vz_stoplist_new(&b, t2, strlen(t2)), VZ_OK);
    assert_int_equal(vz_stoplist_new(&c, "and\nof\n", 7), VZ_OK);
    assert_int_equal(vz_stoplist_new(&e, "", 0), VZ_OK);
    /* Normalised like tokens, order and duplicates do not matter. */
    assert_true(vz_stoplist_has(a, "of", 2));
    assert_true(vz_stoplist_has(a, "us", 2));
    assert_true(vz_stoplist_has(a, "don't", 5));
    assert_false(vz_stoplist_has(a, "do", 2));
    assert_false(vz_stoplist_has(a, "then", 4));
    assert_false(vz_stoplist_has(e, "the", 3));
    assert_false(vz_stoplist_has(NULL, "the", 3));
    assert_true(vz_stoplist_hash(a) == vz_stoplist_hash(b));
    assert_true(vz_stoplist_hash(a) != vz_stoplist_hash(c));
    assert_true(vz_stoplist_hash(c) != vz_stoplist_hash(e));
    vz_stoplist_free(a);
    vz_stoplist_free(b);
    vz_stoplist_free(c);
    vz_stoplist_free(e);
    vz_stoplist_free(NULL);
    vz_stoplist *bad = (vz_stoplist *)&bad;
    assert_int_equal(vz_stoplist_new(&bad, "the\nb\xFFz\n", 8), VZ_EINVAL);
    assert_null(bad);
    ts_assert_error("line 2");
}

/* Tokens longer than any scratch buffer's first size, ASCII and not. */
static void test_long_tokens(void **state)
{
    fixture *f = *state;
    size_t n = 300000;
    char *t = malloc(2 * n + 2);
    assert_non_null(t);
    for (size_t i = 0; i < n; i++)
        memcpy(t + 2 * i, "\xC3\xA9", 2);   /* é: NFKC + strip -> e */
    t[2 * n] = '\0';
    size_t calls = 0;
    assert_int_equal(vz_analyse(f->a, t, 2 * n, count_fn, &calls), VZ_OK);
    assert_int_equal(calls, 1);
    char *norm = vz_normalise(t, 2 * n, &calls);
    assert_non_null(norm);
    assert_int_equal(calls, n);
    assert_int_equal(norm[0], 'e');
    free(norm);
    memset(t, 'a', 2 * n);
    calls = 0;
    assert_int_equal(vz_analyse(f->a, t, 2 * n, count_fn, &calls), VZ_OK);
    assert_int_equal(calls, 1);
    free(t);
}

/* --------------------------------------------------------- threads */

typedef struct {
    const vz_stoplist *stop;
    const char *text;
    uint64_t digest;
    int rc;
} thread_job;

static int digest_fn(const vz_token *t, void *ctx)
{
    uint64_t *h = ctx;
    size_t pos[2] = {t->start, t->end};
    *h = vz_fnv1a(pos, sizeof pos, *h);
    *h = vz_fnv1a(&t->flags, sizeof t->flags, *h);
    *h = vz_fnv1a(t->norm, t->norm_len, *h);
    *h = vz_fnv1a(t->stem, t->stem_len, *h);
    return 0;
}

static void *thread_main(void *arg)
{
    thread_job *j = arg;
    vz_analyser *a;
    j->rc = vz_analyser_new(&a, j->stop);
    j->digest = VZ_FNV_SEED;
    for (int k = 0; j->rc == VZ_OK && k < 200; k++)
        j->rc = vz_analyse(a, j->text, strlen(j->text), digest_fn, &j->digest);
    vz_analyser_free(a);
    return NULL;
}

/* One analyser per thread, one shared stop list: all agree with one thread. */
static void test_threads(void **state)
{
    fixture *f = *state;
    enum { N = 4 };
    const char *text = "The U.S.-backed Guaid\xC3\xB3\xE2\x80\x99s 4,054 supporters "
                       "marched in Caracas on Saturday, \xE2\x80\x98peacefully\xE2\x80\x99.";
    thread_job one = {f->stop, text, 0, 0};
    thread_main(&one);
    assert_int_equal(one.rc, VZ_OK);
    thread_job jobs[N];
    pthread_t th[N];
    for (int i = 0; i < N; i++) {
        jobs[i] = (thread_job){f->stop, text, 0, -1};
        assert_int_equal(pthread_create(&th[i], NULL, thread_main, &jobs[i]), 0);
    }
    for (int i = 0; i < N; i++) {
        assert_int_equal(pthread_join(th[i], NULL), 0);
        assert_int_equal(jobs[i].rc, VZ_OK);
        assert_true(jobs[i].digest == one.digest);
    }
}

/* ------------------------------------------------- index terms only */

typedef struct {
    uint64_t digest;
    size_t n;
    int terms;   /* 1: counting vz_analyse_terms's tokens, which are never stop words */
} terms_digest;

static int terms_fn(const vz_token *t, void *ctx)
{
    terms_digest *d = ctx;
    if (d->terms)
        assert_int_equal(t->flags & VZ_TOK_STOP, 0);
    else if (t->flags & VZ_TOK_STOP)
        return 0;
    d->n++;
    d->digest = vz_fnv1a(&t->index, sizeof t->index, d->digest);
    return digest_fn(t, &d->digest);
}

/* vz_analyse_terms reports exactly vz_analyse's tokens that are not stop
 * words, with the same offsets, index, flags, norm and stem. */
static void expect_terms(fixture *f, const char *text, size_t len)
{
    terms_digest all = {VZ_FNV_SEED, 0, 0}, terms = {VZ_FNV_SEED, 0, 1};
    assert_int_equal(vz_analyse(f->a, text, len, terms_fn, &all), VZ_OK);
    assert_int_equal(vz_analyse_terms(f->a, text, len, terms_fn, &terms), VZ_OK);
    assert_int_equal(terms.n, all.n);
    assert_true(terms.digest == all.digest);
}

/* Calls fn on every context of the SQuAD development file; their number. */
static size_t each_squad_context(void (*fn)(const char *text, size_t len, void *ctx), void *ctx)
{
    char path[4096];
    ts_shared_file(path, sizeof path, "data/squad/train-v1.1-articles-000-043.json");
    json_error_t err;
    json_t *root = json_load_file(path, 0, &err);
    if (!root)
        fail_msg("%s: %s", path, err.text);
    size_t k, j, n = 0;
    json_t *article, *para;
    json_array_foreach(json_object_get(root, "data"), k, article)
        json_array_foreach(json_object_get(article, "paragraphs"), j, para) {
            json_t *ctx_text = json_object_get(para, "context");
            fn(json_string_value(ctx_text), json_string_length(ctx_text), ctx);
            n++;
        }
    json_decref(root);
    return n;
}

static void expect_terms_of(const char *text, size_t len, void *ctx) { expect_terms(ctx, text, len); }


static void test_terms_only(void **state)
{
    fixture *f = *state;
    static const char *const texts[] = {
        "The president of Venezuela IS here, but THE army",
        "The U.S.-backed Guaid\xC3\xB3\xE2\x80\x99s 4,054 supporters marched in Caracas",
        "it is what it is", "", "a", "The", "x.y. and 3.5 of 1,2 A&E rock'n'roll end",
        "caf\xC3\xA9 Apollo-11 (of) \xE2\x80\x9Cthe\xE2\x80\x9D co\xC2\xADoperate",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        expect_terms(f, texts[i], strlen(texts[i]));
    const char *text = "The army of the people";
    terms_digest d = {VZ_FNV_SEED, 0, 1};
    assert_int_equal(vz_analyse_terms(f->a, text, strlen(text), terms_fn, &d), VZ_OK);
    assert_int_equal(d.n, 2);   /* army, people */
    each_squad_context(expect_terms_of, f);
}

/* The stem cache also remembers whether a word is a stop word, filled by
 * whichever call meets the word first: a skipped stop word of
 * vz_analyse_terms, vz_analyser_stem, or a token.  Whatever filled it, and
 * whatever the length (the cache holds words of up to 16 bytes), a warm
 * analyser reports exactly what a fresh one does. */
static void test_cache_fill_order(void **state)
{
    fixture *f = *state;
    static const char *const texts[] = {
        "The THE the Of running Runs",
        "internationalism internationalisms internationalization abcdefghijklmnop",
        "end. word, it's I. a. 9. x' 3,5 1,234 A&E A& E rock\xE2\x80\x99n\xE2\x80\x99roll U.S.A Army.",
        "caf\xC3\xA9 Apollo-11 (of) \xE2\x80\x9Cthe\xE2\x80\x9D co\xC2\xADoperate 1990 1990s",
    };
    size_t n = sizeof texts / sizeof texts[0];
    uint64_t cold[sizeof texts / sizeof texts[0]];
    for (size_t i = 0; i < n; i++) {
        vz_analyser *a;
        assert_int_equal(vz_analyser_new(&a, f->stop), VZ_OK);
        cold[i] = VZ_FNV_SEED;
        assert_int_equal(vz_analyse(a, texts[i], strlen(texts[i]), digest_fn, &cold[i]), VZ_OK);
        vz_analyser_free(a);
    }
    vz_analyser *warm;
    assert_int_equal(vz_analyser_new(&warm, f->stop), VZ_OK);
    static const char *const words[] = {"the", "of", "run", "it's", "internationalism"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        size_t len;
        assert_non_null(vz_analyser_stem(warm, words[i], strlen(words[i]), &len));
    }
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < n; i++) {
            uint64_t d = VZ_FNV_SEED;
            size_t calls = 0;
            assert_int_equal(vz_analyse_terms(warm, texts[i], strlen(texts[i]), count_fn, &calls),
                             VZ_OK);
            assert_int_equal(vz_analyse(warm, texts[i], strlen(texts[i]), digest_fn, &d), VZ_OK);
            assert_true(d == cold[i]);
        }
    size_t len;
    const char *s = vz_analyser_stem(warm, "running", 7, &len);
    assert_non_null(s);
    assert_int_equal(len, 3);
    assert_memory_equal(s, "run", 3);
    vz_analyser_free(warm);
}

/* ------------------------------------------------------ throughput */

typedef struct {
    vz_analyser *a;
    size_t tokens, stops, len, bytes;
    const char *text;
} squad_count;

static int squad_fn(const vz_token *t, void *ctx)
{
    squad_count *c = ctx;
    if (t->end > c->len || t->start >= t->end)
        return -1;
    c->tokens++;
    c->stops += (t->flags & VZ_TOK_STOP) != 0;
    return 0;
}

static void count_tokens(const char *text, size_t len, void *ctx)
{
    squad_count *c = ctx;
    c->text = text;
    c->len = len;
    assert_int_equal(vz_analyse(c->a, text, len, squad_fn, c), VZ_OK);
    c->bytes += len;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Analyse every SQuAD context; prints the rate (a measure, not a test). */
static void test_squad_throughput(void **state)
{
    fixture *f = *state;
    squad_count c = {.a = f->a};
    double t0 = now();
    size_t contexts = each_squad_context(count_tokens, &c);
    double secs = now() - t0;
    size_t bytes = c.bytes;
    print_message("squad: %zu contexts, %zu bytes, %zu tokens (%zu stop) in %.3f s: %.1f MB/s\n",
                  contexts, bytes, c.tokens, c.stops, secs, (double)bytes / 1e6 / secs);
    assert_true(contexts > 1000);
    assert_true(c.tokens > bytes / 10 && c.stops > c.tokens / 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases_file),
        cmocka_unit_test(test_terms_only),
        cmocka_unit_test(test_cache_fill_order),
        cmocka_unit_test(test_accents_and_case),
        cmocka_unit_test(test_nfkc),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_acronyms),
        cmocka_unit_test(test_hyphens),
        cmocka_unit_test(test_apostrophes_and_quotes),
        cmocka_unit_test(test_offsets_multibyte),
        cmocka_unit_test(test_stop_flags),
        cmocka_unit_test(test_no_stoplist),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_empty_and_punctuation),
        cmocka_unit_test(test_lone_marks),
        cmocka_unit_test(test_unterminated),
        cmocka_unit_test(test_callback_stops),
        cmocka_unit_test(test_stem_alone),
        cmocka_unit_test(test_snowball_vocabulary),
        cmocka_unit_test(test_normalise),
        cmocka_unit_test(test_stoplist),
        cmocka_unit_test(test_long_tokens),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_squad_throughput),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
