/*
 * test_segment.c - tests of the segmenter (index/segment.c): the table of
 * cases in tests/data/segment.cases, properties that must hold for every
 * document of corpus/ and every SQuAD paragraph, the rule language of
 * segment.rules, errors, and sharing one segmenter between threads.
 */
#include "support.h"
#include "data.h"
#include "segment.h"
#include "util.h"

#include <dirent.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#define CASES_PATH "tests/data/segment.cases"
#define SQUAD_FILE "data/squad/train-v1.1-articles-000-043.json"

/* Paragraph and sentence separators in the flat form of a segmentation. */
#define PARA_SEP '\x1E'
#define SENT_SEP '\x1F'

typedef struct {
    vz_cleaner *cleaner;
    vz_segmenter *segmenter;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    vz_data fr, sr;
    if (!f || vz_data_load(NULL, "furniture.rules", &fr) || vz_data_load(NULL, "segment.rules", &sr))
        return -1;
    int rc = vz_cleaner_new(&f->cleaner, fr.text, fr.len);
    if (rc == VZ_OK)
        rc = vz_segmenter_new(&f->segmenter, sr.text, sr.len);
    if (rc)
        print_error("rules: %s\n", vz_last_error());
    vz_data_release(&fr);
    vz_data_release(&sr);
    *state = f;
    return rc ? -1 : 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    vz_cleaner_free(f->cleaner);
    vz_segmenter_free(f->segmenter);
    free(f);
    return 0;
}

/* ---- White space, as the segmenter defines it ---------------------------- */

/* Bytes of a white-space character at t[i] (ASCII \t..\r, space, Unicode
 * Zs/Zl/Zp), or 0. */
static size_t ws_len(const char *t, size_t i, size_t len)
{
    unsigned char c = (unsigned char)t[i];
    if (c == ' ' || (c >= '\t' && c <= '\r'))
        return 1;
    if (c < 0x80)
        return 0;
    utf8proc_int32_t cp;
    utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)t + i,
                                          (utf8proc_ssize_t)(len - i), &cp);
    if (n <= 0)
        return 0;
    utf8proc_category_t cat = utf8proc_category(cp);
    return cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL ||
                   cat == UTF8PROC_CATEGORY_ZP ? (size_t)n : 0;
}

static int is_cont(const char *t, size_t i) { return ((unsigned char)t[i] & 0xC0) == 0x80; }

/* Is [s, e) non-empty, on character boundaries, with no white space at
 * either edge? */
static int tight(const char *t, size_t len, size_t s, size_t e)
{
    if (s >= e || e > len || is_cont(t, s) || (e < len && is_cont(t, e)))
        return 0;
    size_t last = e - 1;
    while (last > s && is_cont(t, last))
        last--;
    return ws_len(t, s, len) == 0 && ws_len(t, last, len) == 0;
}

/* ---- Properties ------------------------------------------------------------ */

/* Check everything segment.h promises about seg over text[0, len); returns
 * NULL or what is wrong (written into why). */
static const char *check_props(const char *t, size_t len, const vz_segments *seg, char *why, size_t n)
{
    for (size_t i = 0; i < seg->nparagraphs; i++) {
        const vz_span *p = &seg->paragraphs[i];
        if (!tight(t, len, p->start, p->end))
            return snprintf(why, n, "paragraph %zu [%zu,%zu) not tight", i, p->start, p->end), why;
        if (i > 0 && seg->paragraphs[i - 1].end >= p->start)
            return snprintf(why, n, "paragraph %zu overlaps or is out of order", i), why;
    }
    size_t covered = 0;   /* text[0, covered) checked for coverage */
    for (size_t i = 0; i < seg->nsentences; i++) {
        const vz_sentence_span *s = &seg->sentences[i];
        if (s->paragraph >= seg->nparagraphs)
            return snprintf(why, n, "sentence %zu: bad paragraph %zu", i, s->paragraph), why;
        const vz_span *p = &seg->paragraphs[s->paragraph];
        if (s->start < p->start || s->end > p->end)
            return snprintf(why, n, "sentence %zu [%zu,%zu) outside its paragraph", i, s->start, s->end), why;
        if (!tight(t, len, s->start, s->end))
            return snprintf(why, n, "sentence %zu [%zu,%zu) not tight", i, s->start, s->end), why;
        if (i > 0 && (seg->sentences[i - 1].end >= s->start || seg->sentences[i - 1].paragraph > s->paragraph))
            return snprintf(why, n, "sentence %zu overlaps or is out of order", i), why;
        if ((i == 0 || seg->sentences[i - 1].paragraph != s->paragraph) && s->start != p->start)
            return snprintf(why, n, "paragraph %zu does not start with a sentence", s->paragraph), why;
        if ((i + 1 == seg->nsentences || seg->sentences[i + 1].paragraph != s->paragraph) && s->end != p->end)
            return snprintf(why, n, "paragraph %zu does not end with a sentence", s->paragraph), why;
        for (size_t k = covered, w; k < s->start; k += w)
            if ((w = ws_len(t, k, len)) == 0)
                return snprintf(why, n, "byte %zu (%.20s) is in no sentence", k, t + k), why;
        covered = s->end;
    }
    for (size_t k = covered, w; k < len; k += w)
        if ((w = ws_len(t, k, len)) == 0)
            return snprintf(why, n, "byte %zu (%.20s) is in no sentence", k, t + k), why;
    return NULL;
}

/* Clean and segment one document and check the properties; returns the
 * number of sentences. */
static size_t check_document(const fixture *f, const char *name, const char *raw, size_t len)
{
    char *work = NULL, why[256];
    vz_segments seg;
    int rc = vz_clean(f->cleaner, raw, len, &work);
    if (rc == VZ_OK)
        rc = vz_segment(f->segmenter, work, len, &seg);
    if (rc)
        fail_msg("%s: %s", name, vz_last_error());
    const char *bad = check_props(work, len, &seg, why, sizeof why);
    if (bad)
        fail_msg("%s: %s", name, bad);
    size_t n = seg.nsentences;
    vz_segments_free(&seg);
    free(work);
    return n;
}

static void test_corpus_properties(void **state)
{
    DIR *d = opendir("corpus");
    assert_non_null(d);
    struct dirent *e;
    size_t files = 0;
    while ((e = readdir(d)) != NULL) {
        size_t nl = strlen(e->d_name);
        if (nl < 4 || strcmp(e->d_name + nl - 4, ".txt") != 0)
            continue;
        char path[512], *raw;
        size_t len;
        snprintf(path, sizeof path, "corpus/%s", e->d_name);
        assert_int_equal(vz_read_file(path, &raw, &len), VZ_OK);
        assert_true(check_document(*state, path, raw, len) >= 5);
        free(raw);
        files++;
    }
    closedir(d);
    assert_int_equal(files, 5);
}

/* SQuAD's answer_start counts characters; segment offsets are bytes. */
static size_t byte_offset(const char *s, size_t len, size_t chars)
{
    size_t i = 0;
    for (size_t c = 0; c < chars && i < len; c++)
        for (i++; i < len && is_cont(s, i); i++)
            ;
    return i;
}

/* Answers that a sentence break cuts in two: almost always a wrong break
 * (an abbreviation taken for a full stop). */
static size_t cut_answers(const char *ctx, size_t len, const vz_segments *seg, json_t *qas)
{
    size_t cut = 0;
    for (size_t q = 0; q < json_array_size(qas); q++) {
        json_t *ans = json_array_get(json_object_get(json_array_get(qas, q), "answers"), 0);
        size_t a = byte_offset(ctx, len, (size_t)json_integer_value(json_object_get(ans, "answer_start")));
        size_t b = a + strlen(json_string_value(json_object_get(ans, "text")));
        for (size_t k = 0; k + 1 < seg->nsentences; k++)
            if (seg->sentences[k].paragraph == seg->sentences[k + 1].paragraph &&
                seg->sentences[k].end > a && seg->sentences[k].end < b)
                cut++;
    }
    return cut;
}

static void test_squad_properties(void **state)
{
    const fixture *f = *state;
    char path[4096], why[256];
    ts_shared_file(path, sizeof path, SQUAD_FILE);
    json_error_t err;
    json_t *root = json_load_file(path, 0, &err);
    if (!root)
        fail_msg("%s: %s", path, err.text);
    json_t *data = json_object_get(root, "data");
    size_t paragraphs = 0, sentences = 0, answers = 0, cut = 0;
    for (size_t a = 0; a < json_array_size(data); a++) {
        json_t *ps = json_object_get(json_array_get(data, a), "paragraphs");
        for (size_t p = 0; p < json_array_size(ps); p++) {
            json_t *para = json_array_get(ps, p);
            const char *ctx = json_string_value(json_object_get(para, "context"));
            size_t len = strlen(ctx);
            char *work;
            vz_segments seg;
            assert_int_equal(vz_clean(f->cleaner, ctx, len, &work), VZ_OK);
            assert_int_equal(vz_segment(f->segmenter, work, len, &seg), VZ_OK);
            const char *bad = check_props(work, len, &seg, why, sizeof why);
            if (bad)
                fail_msg("SQuAD paragraph %zu: %s", paragraphs, bad);
            cut += cut_answers(ctx, len, &seg, json_object_get(para, "qas"));
            answers += json_array_size(json_object_get(para, "qas"));
            sentences += seg.nsentences;
            paragraphs++;
            vz_segments_free(&seg);
            free(work);
        }
    }
    json_decref(root);
    print_message("SQuAD: %zu paragraphs, %zu sentences, %zu of %zu answers cut by a break\n",
                  paragraphs, sentences, cut, answers);
    assert_int_equal(paragraphs, 2430);
    /* Wikipedia paragraphs average about four sentences. */
    assert_true(sentences > 3 * paragraphs && sentences < 6 * paragraphs);
    /* Measured: 3 (two answers that are two sentences, one book title "Is
     * It Too Late? A Theology of Ecology").  A wrong abbreviation rule
     * shows up here first. */
    assert_true(cut <= 10);
}

/* ---- The case table ------------------------------------------------------------ */

typedef struct {
    char name[160];
    unsigned line;
    vz_buf input, expect;   /* expect: sentences in the flat form */
} seg_case;

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Append line[0, n) to b with the escapes \n \r \t \xHH \\ decoded. */
static void unescape(vz_buf *b, const char *line, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = line[i];
        if (c == '\\' && i + 1 < n) {
            char e = line[++i];
            if (e == 'x' && i + 2 < n && hexval(line[i + 1]) >= 0 && hexval(line[i + 2]) >= 0) {
                c = (char)(hexval(line[i + 1]) * 16 + hexval(line[i + 2]));
                i += 2;
            } else {
                c = e == 'n' ? '\n' : e == 'r' ? '\r' : e == 't' ? '\t' : e;
            }
        }
        assert_int_equal(vz_buf_append(b, &c, 1), VZ_OK);
    }
}

/* Add one expected line: a sentence, or (blank) the end of a paragraph. */
static void add_expected(vz_buf *b, const char *line, size_t n, int *pending_para)
{
    if (n == 0) {
        *pending_para = b->len > 0;
        return;
    }
    if (b->len > 0) {
        char sep = *pending_para ? PARA_SEP : SENT_SEP;
        assert_int_equal(vz_buf_append(b, &sep, 1), VZ_OK);
    }
    *pending_para = 0;
    unescape(b, line, n);
}

/* Parse the case file; returns the number of cases in *out. */
static size_t parse_cases(const char *text, size_t len, seg_case **out)
{
    seg_case *cases = NULL;
    size_t n = 0, cap = 0, pos = 0;
    unsigned lineno = 0;
    int section = 0, pending_para = 0, input_lines = 0;   /* section: 0 none, 1 input, 2 expected */
    while (pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - text) : len, ll = end - pos;
        const char *line = text + pos;
        pos = end + 1;
        lineno++;
        if (ll >= 1 && line[0] == '#' && (ll == 1 || line[1] == ' '))
            continue;
        if (ll >= 4 && memcmp(line, "=== ", 4) == 0) {
            void *p = cases;
            assert_int_equal(vz_grow(&p, &cap, n + 1, sizeof *cases), VZ_OK);
            cases = p;
            memset(&cases[n], 0, sizeof cases[n]);
            snprintf(cases[n].name, sizeof cases[n].name, "%.*s", (int)(ll - 4), line + 4);
            cases[n++].line = lineno;
            section = 1;
            input_lines = 0;
            pending_para = 0;
        } else if (section == 1 && ll == 3 && memcmp(line, "---", 3) == 0) {
            assert_int_equal(vz_buf_append(&cases[n - 1].input, "", 0), VZ_OK);
            section = 2;
        } else if (section == 1) {
            if (input_lines++)
                assert_int_equal(vz_buf_append(&cases[n - 1].input, "\n", 1), VZ_OK);
            unescape(&cases[n - 1].input, line, ll);
        } else if (section == 2) {
            add_expected(&cases[n - 1].expect, line, ll, &pending_para);
        } else if (ll > 0) {
            fail_msg("%s line %u: text outside a case", CASES_PATH, lineno);
        }
    }
    for (size_t i = 0; i < n; i++)
        assert_int_equal(vz_buf_append(&cases[i].expect, "", 0), VZ_OK);
    *out = cases;
    return n;
}

/* The segmentation in flat form: sentences of the working copy separated
 * by SENT_SEP within a paragraph and PARA_SEP between paragraphs. */
static void flatten(const char *work, const vz_segments *seg, vz_buf *out)
{
    assert_int_equal(vz_buf_append(out, "", 0), VZ_OK);
    for (size_t i = 0; i < seg->nsentences; i++) {
        const vz_sentence_span *s = &seg->sentences[i];
        if (i > 0) {
            char sep = seg->sentences[i - 1].paragraph != s->paragraph ? PARA_SEP : SENT_SEP;
            assert_int_equal(vz_buf_append(out, &sep, 1), VZ_OK);
        }
        assert_int_equal(vz_buf_append(out, work + s->start, s->end - s->start), VZ_OK);
    }
}

/* Print a flat segmentation one sentence a line, paragraphs marked. */
static void print_flat(const char *label, const char *flat)
{
    print_message("    %s:\n      | ", label);
    for (const char *p = flat; *p; p++) {
        if (*p == SENT_SEP)
            print_message("\n      | ");
        else if (*p == PARA_SEP)
            print_message("\n      ¶\n      | ");
        else if (*p == '\n')
            print_message("\\n");
        else
            print_message("%c", *p);
    }
    print_message("\n");
}

static int run_case(const fixture *f, const seg_case *c)
{
    char *work = NULL, why[256];
    vz_segments seg;
    size_t len = c->input.len;
    int rc = vz_clean(f->cleaner, c->input.data, len, &work);
    if (rc == VZ_OK)
        rc = vz_segment(f->segmenter, work, len, &seg);
    if (rc) {
        print_message("  case '%s' (line %u): %s\n", c->name, c->line, vz_last_error());
        free(work);
        return 1;
    }
    vz_buf got = {0};
    flatten(work, &seg, &got);
    const char *bad = check_props(work, len, &seg, why, sizeof why);
    int failed = bad != NULL || strcmp(got.data, c->expect.data) != 0;
    if (failed) {
        print_message("  case '%s' (line %u) failed%s%s\n", c->name, c->line, bad ? ": " : "", bad ? bad : "");
        print_flat("expected", c->expect.data);
        print_flat("got", got.data);
    }
    vz_buf_free(&got);
    vz_segments_free(&seg);
    free(work);
    return failed;
}

static void test_cases(void **state)
{
    size_t len;
    char *text = ts_read(CASES_PATH, &len);
    assert_non_null(text);
    seg_case *cases;
    size_t n = parse_cases(text, len, &cases), failed = 0;
    for (size_t i = 0; i < n; i++)
        failed += (size_t)run_case(*state, &cases[i]);
    print_message("%zu segmentation cases, %zu failed\n", n, failed);
    for (size_t i = 0; i < n; i++) {
        vz_buf_free(&cases[i].input);
        vz_buf_free(&cases[i].expect);
    }
    free(cases);
    free(text);
    assert_true(n >= 30);
    assert_int_equal(failed, 0);
}

/* ---- The rule language ------------------------------------------------------------ */

/* Segment text with a segmenter built from rules; flat result into out. */
static void segment_with(const char *rules, const char *text, vz_buf *out)
{
    vz_segmenter *s;
    vz_segments seg;
    assert_int_equal(vz_segmenter_new(&s, rules, strlen(rules)), VZ_OK);
    assert_int_equal(vz_segment(s, text, strlen(text), &seg), VZ_OK);
    flatten(text, &seg, out);
    vz_segments_free(&seg);
    vz_segmenter_free(s);
}

static void expect_flat(const char *rules, const char *text, const char *want)
{
    vz_buf got = {0};
    segment_with(rules, text, &got);
    if (strcmp(got.data, want) != 0) {
        print_flat("expected", want);
        print_flat("got", got.data);
        fail_msg("rules '%s' on '%s'", rules, text);
    }
    vz_buf_free(&got);
}

static void test_rules_mechanism(void **state)
{
    (void)state;
    const char *text = "Ask Mr. Smith. He knows.";
    /* No rules: every proposal is a break, so the data file is what knows
     * about titles. */
    expect_flat("", text, "Ask Mr.\x1FSmith.\x1FHe knows.");
    expect_flat("# only a comment\n\n", text, "Ask Mr.\x1FSmith.\x1FHe knows.");
    /* The terminator is the match's last character: vetoed. */
    expect_flat("nobreak \\bMr\\.", text, "Ask Mr. Smith.\x1FHe knows.");
    /* The terminator inside a match (lookahead not included): vetoed. */
    expect_flat("nobreak Mr\\. Sm", text, "Ask Mr. Smith.\x1FHe knows.");
    /* A match that stops before the terminator does not veto it. */
    expect_flat("nobreak \\bMr(?=\\.)", text, "Ask Mr.\x1FSmith.\x1FHe knows.");
    /* define and {NAME} (also right after an escape such as \b); \p{Lu}
     * and {2} are not names. */
    expect_flat("define T (?:Mr|Dr)\nnobreak \\b{T}\\.(?=\\s\\p{Lu}\\p{Ll}{2})", text,
                "Ask Mr. Smith.\x1FHe knows.");
    /* The end of a paragraph ends a sentence whatever the rules say. */
    expect_flat("nobreak knows\\.", "He knows.\n\nMr. Smith.", "He knows.\x1EMr.\x1FSmith.");
}

static void expect_rules_error(const char *rules, const char *needle)
{
    vz_segmenter *s = (vz_segmenter *)1;
    assert_int_equal(vz_segmenter_new(&s, rules, strlen(rules)), VZ_EINVAL);
    assert_null(s);
    ts_assert_error(needle);
}

static void test_rules_errors(void **state)
{
    (void)state;
    expect_rules_error("nobreak \\bMr\\.\n# fine so far\nnobreak (unclosed\n", "segment.rules line 3: missing closing parenthesis");
    expect_rules_error("nobreak x\nbreak y\n", "segment.rules line 2: unknown directive 'break'");
    expect_rules_error("drop x\n", "segment.rules line 1: unknown directive 'drop'");
    expect_rules_error("nobreak\n", "segment.rules line 1: 'nobreak' needs a pattern");
    expect_rules_error("nobreak {NOPE}\\.\n", "segment.rules line 1: undefined {NOPE}");
    expect_rules_error("define lower x\n", "segment.rules line 1: expected 'define NAME pattern'");
    expect_rules_error("define ONLY\n", "segment.rules line 1: expected 'define NAME pattern'");
}

static void test_edges(void **state)
{
    const fixture *f = *state;
    vz_segments seg;
    assert_int_equal(vz_segment(f->segmenter, "", 0, &seg), VZ_OK);
    assert_int_equal(seg.nparagraphs + seg.nsentences, 0);
    vz_segments_free(&seg);
    assert_int_equal(vz_segment(f->segmenter, NULL, 0, &seg), VZ_OK);
    assert_int_equal(seg.nparagraphs, 0);
    const char *blank = " \n\t\r\n\xC2\xA0\n\xE2\x80\x83 \n";
    assert_int_equal(vz_segment(f->segmenter, blank, strlen(blank), &seg), VZ_OK);
    assert_int_equal(seg.nparagraphs + seg.nsentences, 0);
    /* No final newline, no final punctuation. */
    assert_int_equal(vz_segment(f->segmenter, "Headline", 8, &seg), VZ_OK);
    assert_int_equal(seg.nsentences, 1);
    assert_int_equal(seg.sentences[0].start, 0);
    assert_int_equal(seg.sentences[0].end, 8);
    vz_segments_free(&seg);
    vz_segments_free(&seg);   /* twice is harmless */
    vz_segments_free(NULL);
    vz_segmenter_free(NULL);
    /* Invalid UTF-8 is refused with its byte offset, the output left empty. */
    const char *bad = "Fine. Broken \xC3( here.";
    seg.nsentences = 99;
    assert_int_equal(vz_segment(f->segmenter, bad, strlen(bad), &seg), VZ_EINVAL);
    ts_assert_error("byte 13");
    assert_int_equal(seg.nsentences, 0);
    assert_null(seg.sentences);
    /* A NUL byte is text, not an end. */
    const char nul[] = "One.\0 Two. Three.";
    assert_int_equal(vz_segment(f->segmenter, nul, sizeof nul - 1, &seg), VZ_OK);
    assert_int_equal(seg.nsentences, 2);
    assert_int_equal(seg.sentences[1].start, 11);
    vz_segments_free(&seg);
}

/* A long document: many paragraphs and a single huge line, to exercise the
 * arrays' growth and the match limits. */
static void test_large(void **state)
{
    const fixture *f = *state;
    vz_buf b = {0};
    for (int i = 0; i < 3000; i++)
        assert_int_equal(vz_buf_printf(&b, "Mr. Peskov said on Jan. %d that the U.S. The talks go on. ", i % 28 + 1), VZ_OK);
    assert_int_equal(vz_buf_append(&b, "\n\n", 2), VZ_OK);
    for (int i = 0; i < 2000; i++)
        assert_int_equal(vz_buf_printf(&b, "Paragraph %d is here.\n\n", i), VZ_OK);
    char *work;
    vz_segments seg;
    char why[256];
    assert_int_equal(vz_clean(f->cleaner, b.data, b.len, &work), VZ_OK);
    assert_int_equal(vz_segment(f->segmenter, work, b.len, &seg), VZ_OK);
    assert_null(check_props(work, b.len, &seg, why, sizeof why));
    assert_int_equal(seg.nparagraphs, 2001);
    assert_int_equal(seg.nsentences, 2 * 3000 + 2000);
    vz_segments_free(&seg);
    free(work);
    vz_buf_free(&b);
}

/* A document of n copies of unit. */
static void repeat(vz_buf *b, const char *unit, size_t n)
{
    for (size_t i = 0; i < n; i++)
        assert_int_equal(vz_buf_append(b, unit, strlen(unit)), VZ_OK);
}

/* Clean and segment b; flat result into out (VZ_OK asserted). */
static void run_flat(const fixture *f, const vz_buf *b, vz_buf *out)
{
    char *work, why[256];
    vz_segments seg;
    int rc = vz_clean(f->cleaner, b->data, b->len, &work);
    if (rc == VZ_OK && (rc = vz_segment(f->segmenter, work, b->len, &seg)) != VZ_OK)
        free(work);
    if (rc)
        fail_msg("%s", vz_last_error());
    assert_null(check_props(work, b->len, &seg, why, sizeof why));
    flatten(work, &seg, out);
    vz_segments_free(&seg);
    free(work);
}

/* Megabyte lines and runs of blanks: no rule may backtrack across them
 * into PCRE2's match limit (which would fail the document).  These shapes
 * did, with JIT, before the rules' repeats were bounded and possessive. */
static void test_long_lines(void **state)
{
    static const struct { const char *head, *unit, *tail; size_t n; const char *want; } docs[] = {
        {"Share", " ", "x", 1500000, NULL},
        {"Peskov met the U.S.\n", " ", "\nThe talks. Mr.", 1500000, NULL},
        {"Kremlin spokesman", " ", "Dmitry\n\xC2\xA9 Vitaliy Nevar/TASS\nBy", 1500000, NULL},
        {"Subscribe ", "updates ", "now", 150000, ""},
        {"", "Maduro said Mr. Peskov met the U.S. Jan. 5 ", "", 25000, NULL},
        {"", "1 2 ", "x", 250000, NULL},
    };
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
        vz_buf b = {0}, flat = {0};
        repeat(&b, docs[i].head, 1);
        repeat(&b, docs[i].unit, docs[i].n);
        repeat(&b, docs[i].tail, 1);
        run_flat(*state, &b, &flat);
        if (docs[i].want)
            assert_string_equal(flat.data, docs[i].want);
        else
            assert_true(flat.len > 0);
        vz_buf_free(&flat);
        vz_buf_free(&b);
    }
}

/* ---- Threads ------------------------------------------------------------------------ */

typedef struct {
    const fixture *f;
    const char *docs[8];
    size_t lens[8], ndocs;
    vz_buf flat[8];
    int rc;
} worker;

static void *work_docs(void *arg)
{
    worker *w = arg;
    for (int round = 0; round < 20 && w->rc == VZ_OK; round++)
        for (size_t i = 0; i < w->ndocs && w->rc == VZ_OK; i++) {
            char *work;
            vz_segments seg;
            w->rc = vz_clean(w->f->cleaner, w->docs[i], w->lens[i], &work);
            if (w->rc == VZ_OK && (w->rc = vz_segment(w->f->segmenter, work, w->lens[i], &seg)) == VZ_OK) {
                vz_buf_free(&w->flat[i]);
                flatten(work, &seg, &w->flat[i]);
                vz_segments_free(&seg);
            }
            free(work);
        }
    return NULL;
}

/* One cleaner and one segmenter shared by four threads give each thread
 * the results of a single-threaded run. */
static void test_threads(void **state)
{
    enum { NT = 4 };
    worker w[NT + 1];
    memset(w, 0, sizeof w);
    char *raw[5];
    for (int i = 0; i < 5; i++) {
        char path[64];
        static const char *names[] = {"000_03d48f2f6344b254", "001_7fce46925a1a425a",
                                      "002_6be69f8a55dac445", "003_fd7623e7a45c78b3",
                                      "004_6fbc38b29dad98da"};
        snprintf(path, sizeof path, "corpus/%s.txt", names[i]);
        assert_int_equal(vz_read_file(path, &raw[i], &w[0].lens[i]), VZ_OK);
        w[0].docs[i] = raw[i];
    }
    w[0].f = *state;
    w[0].ndocs = 5;
    for (int t = 1; t <= NT; t++) {
        memcpy(w[t].docs, w[0].docs, sizeof w[0].docs);
        memcpy(w[t].lens, w[0].lens, sizeof w[0].lens);
        w[t].f = *state;
        w[t].ndocs = 5;
    }
    work_docs(&w[0]);   /* the single-threaded reference */
    assert_int_equal(w[0].rc, VZ_OK);
    pthread_t th[NT];
    for (int t = 0; t < NT; t++)
        assert_int_equal(pthread_create(&th[t], NULL, work_docs, &w[t + 1]), 0);
    for (int t = 0; t < NT; t++)
        assert_int_equal(pthread_join(th[t], NULL), 0);
    for (int t = 1; t <= NT; t++) {
        assert_int_equal(w[t].rc, VZ_OK);
        for (int i = 0; i < 5; i++) {
            assert_string_equal(w[t].flat[i].data, w[0].flat[i].data);
            vz_buf_free(&w[t].flat[i]);
        }
    }
    for (int i = 0; i < 5; i++) {
        vz_buf_free(&w[0].flat[i]);
        free(raw[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_rules_mechanism),
        cmocka_unit_test(test_rules_errors),
        cmocka_unit_test(test_edges),
        cmocka_unit_test(test_corpus_properties),
        cmocka_unit_test(test_squad_properties),
        cmocka_unit_test(test_large),
        cmocka_unit_test(test_long_lines),
        cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
