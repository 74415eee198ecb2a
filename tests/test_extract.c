/*
 * test_extract.c - answer templates: every case of tests/data/extract.cases
 * finds (or must not find) its candidate, spans are exact, and bad
 * templates are clear errors.
 */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data.h"
#include "extract.h"
#include "question.h"
#include "util.h"

static vz_extractor *load(void)
{
    vz_data g, t;
    vz_extractor *x;
    assert_int_equal(vz_data_load(NULL, "gazetteer.rules", &g), VZ_OK);
    assert_int_equal(vz_data_load(NULL, "templates.rules", &t), VZ_OK);
    assert_int_equal(vz_extractor_new(&x, g.text, g.len, t.text, t.len), VZ_OK);
    vz_data_release(&g);
    vz_data_release(&t);
    return x;
}

typedef struct {
    const char *text, *want;
    const char *label;   /* the label the candidate must have; NULL: any */
    int found;
    vz_buf all;
} probe;

static int note_candidate(size_t s, size_t e, const char *label, void *ctx)
{
    probe *p = ctx;
    assert_non_null(label);
    assert_true(s < e && e <= strlen(p->text));
    if (strlen(p->want) == e - s && memcmp(p->text + s, p->want, e - s) == 0 &&
        (!p->label || !strcmp(p->label, label)))
        p->found = 1;
    vz_buf_printf(&p->all, " [%.*s]", (int)(e - s), p->text + s);
    return 0;
}

static int type_of(const char *name)
{
    for (int t = 0; t < VZ_NTYPES; t++)
        if (strcmp(vz_type_name(t), name) == 0)
            return t;
    fail_msg("unknown type %s", name);
    return 0;
}

static void every_case_holds(void **state)
{
    (void)state;
    vz_extractor *x = load();
    char *text = ts_read("tests/data/extract.cases", NULL);
    assert_non_null(text);
    int cases = 0, failed = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        if (line[0] == '#')
            continue;
        char *sent = strchr(line, '\t'), *want = sent ? strchr(sent + 1, '\t') : NULL;
        assert_non_null(want);
        *sent++ = '\0';
        *want++ = '\0';
        int negative = want[0] == '!';
        char *label = strchr(line, ':');   /* TYPE:LABEL */
        if (label)
            *label++ = '\0';
        probe p = {sent, want + negative, label, 0, {0}};
        assert_int_equal(vz_extract(x, type_of(line), sent, strlen(sent), note_candidate, &p), VZ_OK);
        cases++;
        if (p.found == negative) {
            failed++;
            print_message("extract.cases: %s '%s': %s '%s' among:%s\n", line, sent,
                          negative ? "unwanted" : "missing", p.want, p.all.data ? p.all.data : " none");
        }
        vz_buf_free(&p.all);
    }
    print_message("%d extraction cases, %d failed\n", cases, failed);
    assert_true(cases >= 35);
    assert_int_equal(failed, 0);
    free(text);
    vz_extractor_free(x);
}

static void weak_answers_are_recognised(void **state)
{
    (void)state;
    vz_extractor *x = load();
    const char *weak[] = {"said", "conveyed", "vehemently", "in turn", "they",
                          "Russian Foreign Minister"};
    const char *strong[] = {"complete blockade", "Ahmed", "solidarity", "said to be true"};
    int w;
    for (size_t i = 0; i < sizeof weak / sizeof *weak; i++) {
        assert_int_equal(vz_extract_weak(x, weak[i], strlen(weak[i]), &w), VZ_OK);
        if (!w)
            fail_msg("'%s' should be weak", weak[i]);
    }
    for (size_t i = 0; i < sizeof strong / sizeof *strong; i++) {
        assert_int_equal(vz_extract_weak(x, strong[i], strlen(strong[i]), &w), VZ_OK);
        if (w)
            fail_msg("'%s' should not be weak", strong[i]);
    }
    vz_extractor_free(x);
}

static void negations_are_kept(void **state)
{
    (void)state;
    vz_extractor *x = load();
    const char *words[] = {"not", "Never", "the", "will", "nothing"};
    const int keep[] = {1, 1, 0, 0, 0};
    int k;
    for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
        assert_int_equal(vz_extract_kept(x, words[i], strlen(words[i]), &k), VZ_OK);
        if (k != keep[i])
            fail_msg("'%s' should%s be kept", words[i], keep[i] ? "" : " not");
    }
    vz_extractor_free(x);
}

static int count_hedge(size_t s, size_t e, const char *label, void *ctx)
{
    (void)s, (void)e, (void)label;
    ++*(int *)ctx;
    return 0;
}

static void hedges_are_found(void **state)
{
    (void)state;
    vz_extractor *x = load();
    const char *hedged[] = {"Venezuela asked the Security Council to hold an emergency meeting.",
                            "The club hopes to open the academy next year.",
                            "The storm could cost the town millions.",
                            "We are not going to spend it on one player."};
    const char *plain[] = {"The council held an emergency meeting on Monday.",
                           "He was asked about the reaction to a possible invasion.",
                           "She said the plan was going to the council."};
    for (size_t i = 0; i < sizeof hedged / sizeof *hedged; i++) {
        int n = 0;
        assert_int_equal(vz_extract_hedges(x, hedged[i], strlen(hedged[i]), count_hedge, &n), VZ_OK);
        if (!n)
            fail_msg("'%s' should hold a hedge", hedged[i]);
    }
    for (size_t i = 0; i < sizeof plain / sizeof *plain; i++) {
        int n = 0;
        assert_int_equal(vz_extract_hedges(x, plain[i], strlen(plain[i]), count_hedge, &n), VZ_OK);
        if (n)
            fail_msg("'%s' should hold no hedge", plain[i]);
    }
    vz_extractor_free(x);
}

static void datelines_are_found(void **state)
{
    (void)state;
    vz_extractor *x = load();
    const char *dated[] = {"CASTELBRUNE, France, August 11 - A farm contractor was held.",
                           "MOSCOW, February 7. /TASS/ Talks went on.",
                           "PORT ELSMERE, March 9 (Reuters) - The trawler sank."};
    const char *plain[] = {"US, Russia and China met on Monday.",
                           "In Paris, France, the talks went on."};
    for (size_t i = 0; i < sizeof dated / sizeof *dated; i++) {
        int n = 0;
        assert_int_equal(vz_extract_datelines(x, dated[i], strlen(dated[i]), count_hedge, &n), VZ_OK);
        if (!n)
            fail_msg("'%s' should open with a dateline", dated[i]);
    }
    for (size_t i = 0; i < sizeof plain / sizeof *plain; i++) {
        int n = 0;
        assert_int_equal(vz_extract_datelines(x, plain[i], strlen(plain[i]), count_hedge, &n), VZ_OK);
        if (n)
            fail_msg("'%s' should have no dateline", plain[i]);
    }
    vz_extractor_free(x);
}

/* What a sentence sets apart is the answer span of an "exclude" rule;
 * a question's negation is found by a "negation" rule. */
typedef struct {
    const char *text;
    char span[64];
} apart;

static int note_apart(size_t s, size_t e, const char *label, void *ctx)
{
    (void)label;
    apart *p = ctx;
    snprintf(p->span, sizeof p->span, "%.*s", (int)(e - s), p->text + s);
    return 0;
}

static void exclusions_and_negations_are_found(void **state)
{
    (void)state;
    vz_extractor *x = load();
    const char *text[][2] = {{"Lima Group members (excluding Mexico), Australia and Israel.", "Mexico"},
                             {"All the clubs except for Harbour Rovers signed the deal.", "Harbour Rovers"},
                             {"Every member, with the exception of Chile, voted.", "Chile"},
                             {"Apart from the mayor, the council backed it.", "mayor"}};
    for (size_t i = 0; i < sizeof text / sizeof *text; i++) {
        apart p = {text[i][0], ""};
        assert_int_equal(vz_extract_exclusions(x, p.text, strlen(p.text), note_apart, &p), VZ_OK);
        assert_string_equal(p.span, text[i][1]);
    }
    apart plain = {"Norway, Chile and Peru recognized him.", ""};
    assert_int_equal(vz_extract_exclusions(x, plain.text, strlen(plain.text), note_apart, &plain),
                     VZ_OK);
    assert_string_equal(plain.span, "");
    const char *negated[] = {"Which member did not recognize him?", "Who didn't sign?",
                             "Which club refused to sign the deal?", "Who failed to vote?"};
    const char *positive[] = {"Which member recognized him?", "Who signed the deal?"};
    for (size_t i = 0; i < sizeof negated / sizeof *negated; i++) {
        int n = 0;
        assert_int_equal(vz_extract_negations(x, negated[i], strlen(negated[i]), count_hedge, &n),
                         VZ_OK);
        if (!n)
            fail_msg("'%s' should be negated", negated[i]);
    }
    for (size_t i = 0; i < sizeof positive / sizeof *positive; i++) {
        int n = 0;
        assert_int_equal(vz_extract_negations(x, positive[i], strlen(positive[i]), count_hedge, &n),
                         VZ_OK);
        if (n)
            fail_msg("'%s' should not be negated", positive[i]);
    }
    vz_extractor_free(x);
}

/* The cache answers as the plain calls do: verdicts for labels asked in
 * turn (and one no rule has), for words and for texts longer than a slot
 * holds, and each kind's candidates when one sentence is asked for several
 * kinds, then another of the same length. */
static int note_span(size_t s, size_t e, const char *label, void *ctx)
{
    vz_buf_printf(ctx, "%zu-%zu:%s ", s, e, label);
    return 0;
}

static void cached_answers_as_plain(void **state)
{
    (void)state;
    vz_extractor *x = load();
    vz_xcache *c = vz_xcache_new();
    assert_non_null(c);
    const char *labels[] = {"titleword", "perfect", "no such label", "titleword", "rank"};
    const char *texts[] = {"minister", "has", "prime", "vice", "foreign ministers and envoys",
                           "Minister", "has been", "deputy"};
    for (int round = 0; round < 2; round++)
        for (size_t l = 0; l < sizeof labels / sizeof *labels; l++)
            for (size_t t = 0; t < sizeof texts / sizeof *texts; t++) {
                int plain = -1, cached = -1;
                size_t n = strlen(texts[t]);
                assert_int_equal(vz_extract_in_class(x, labels[l], texts[t], n, &plain), VZ_OK);
                assert_int_equal(vz_extract_in_class_cached(x, c, labels[l], texts[t], n, &cached),
                                 VZ_OK);
                if (plain != cached)
                    fail_msg("'%s' in %s: %d cached, %d plain", texts[t], labels[l], cached, plain);
            }
    int in = 0;
    assert_int_equal(vz_extract_in_class_cached(x, c, "titleword", "minister", 8, &in), VZ_OK);
    assert_int_equal(in, 1);
    assert_int_equal(vz_extract_in_class_cached(x, c, "perfect", "minister", 8, &in), VZ_OK);
    assert_int_equal(in, 0);
    const char *sentences[] = {"On March 3, 2011, President Obama said 40 people were killed in Paris.",
                               "On April 9, 2012, Minister Dupont said 12 people were hurt in Lyon!!",
                               "On March 3, 2011, President Obama said 40 people were killed in Paris."};
    for (size_t i = 0; i < sizeof sentences / sizeof *sentences; i++)
        for (int t = 1; t < VZ_NTYPES; t++) {
            vz_buf plain = {0}, cached = {0};
            size_t n = strlen(sentences[i]);
            assert_int_equal(vz_extract(x, t, sentences[i], n, note_span, &plain), VZ_OK);
            assert_int_equal(vz_extract_cached(x, c, t, sentences[i], n, note_span, &cached), VZ_OK);
            assert_string_equal(cached.data ? cached.data : "", plain.data ? plain.data : "");
            vz_buf_free(&plain);
            vz_buf_free(&cached);
        }
    vz_xcache_free(c);
    vz_extractor_free(x);
}

/* Tokens as "start-end norm/stem flags" lines, from vz_analyse. */
static int note_token(const vz_token *t, void *ctx)
{
    vz_buf_printf(ctx, "%zu-%zu %.*s/%.*s %u\n", t->start, t->end, (int)t->norm_len, t->norm,
                  (int)t->stem_len, t->stem, t->flags);
    return 0;
}

static void print_analysed(const vz_analysed *v, vz_buf *out)
{
    for (size_t i = 0; i < v->n; i++) {
        vz_token t;
        vz_analysed_token(v, i, &t);
        assert_int_equal(t.index, i);
        note_token(&t, out);
    }
}

static int blank(char b) { return b == ' ' || b == '\n' || b == '\t'; }

/* Are the parts, and the text between them, runs bounded by blanks? */
static int bounded_by_blanks(const char *t, size_t len, const uint32_t (*parts)[2], size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (int side = 0; side < 2; side++) {
            size_t b = parts[i][side];
            if (b > 0 && b < len && !blank(t[b - 1]) && !blank(t[b]))
                return 0;
        }
    return 1;
}

/* A text's analysis made of its parts' is the text's own, whether the
 * parts are bounded by blanks (made of them) or not (the text analysed
 * whole), for texts of fragments that join, hyphenate, abbreviate and
 * run over the parts' ends; each text twice, so that its parts and then
 * the text itself come from the cache. */
static void analysis_of_parts_as_whole(void **state)
{
    (void)state;
    static const char *const frags[] = {
        "U.S.", "well-known", "3.5", "1,000", "it's", "Mr.", "e-mail", "co\xE2\x80\x90op",
        "na\xC3\xAFve", "\xC3\x85ngstr\xC3\xB6m", "\xE2\x80\x94", "\"quoted\"", "(paren)", "x",
        "A&E", "end.", "soft\xC2\xADhyphen", "Smith\xE2\x80\x99s", "the", "Running", "I.B.M.",
        "-", "a.", "2011", "p.m.", "e\xCC\x81t\xC3\xA9", "U.N.-backed", "'90s", "B"};
    static const char *const seps[] = {" ", "", "\n", "-", ". ", "\n\n", "\t", "  ", ", "};
    vz_data words;
    vz_stoplist *stop;
    vz_analyser *an;
    assert_int_equal(vz_data_load(NULL, "stopwords.txt", &words), VZ_OK);
    assert_int_equal(vz_stoplist_new(&stop, words.text, words.len), VZ_OK);
    assert_int_equal(vz_analyser_new(&an, stop), VZ_OK);
    vz_xcache *c = vz_xcache_new();
    assert_non_null(c);
    unsigned seed = 12345;
    size_t joined = 0;
    for (int round = 0; round < 400; round++) {
        vz_buf text = {0}, want = {0}, got = {0};
        size_t n = 1 + (seed = seed * 1103515245u + 12345u) % 20;
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            vz_buf_printf(&text, "%s%s", frags[(seed >> 8) % (sizeof frags / sizeof *frags)],
                          seps[(seed >> 20) % (sizeof seps / sizeof *seps)]);
        }
        /* Parts: cut at random bytes, each cut moved to a blank in most
         * rounds, where a part may start or end. */
        uint32_t parts[8][2];
        size_t np = 0, at = 0, len = text.len;
        while (np < 8 && at < len) {
            seed = seed * 1103515245u + 12345u;
            size_t s = at + (seed >> 8) % (len - at), e = s + 1 + (seed >> 16) % (len - s);
            if (round % 4) {   /* most rounds: each end moved on to a blank */
                while (s < len && s > 0 && !blank(text.data[s - 1]) && !blank(text.data[s]))
                    s++;
                e = e < s ? s : e;
                while (e < len && !blank(text.data[e - 1]) && !blank(text.data[e]))
                    e++;
            }
            if (s >= e)
                break;
            parts[np][0] = (uint32_t)s;
            parts[np][1] = (uint32_t)e;
            np++;
            at = e;
        }
        assert_int_equal(vz_analyse(an, text.data, text.len, note_token, &want), VZ_OK);
        for (int twice = 0; twice < 2; twice++) {
            vz_analysed v;
            got.len = 0;
            assert_int_equal(vz_analysed_of_parts(c, an, text.data, text.len,
                                                  (const uint32_t(*)[2])parts, np, &v), VZ_OK);
            print_analysed(&v, &got);
            if (strcmp(got.data ? got.data : "", want.data ? want.data : ""))
                fail_msg("text \"%s\": parts give\n%s\nwhole gives\n%s", text.data,
                         got.data ? got.data : "", want.data ? want.data : "");
        }
        joined += np > 0 && bounded_by_blanks(text.data, text.len, parts, np);
        vz_buf_free(&text);
        vz_buf_free(&want);
        vz_buf_free(&got);
    }
    assert_true(joined > 100);   /* the case made of parts is tested, not only the other */
    vz_xcache_free(c);
    vz_analyser_free(an);
    vz_stoplist_free(stop);
    vz_data_release(&words);
}

/* A memo written in the room the cache gives is kept as vz_xcache_memo_keep
 * keeps a copy, with its first len bytes; a room committed with no bytes
 * keeps nothing, and the next room takes its place. */
static void memo_rooms_keep_what_is_written(void **state)
{
    (void)state;
    vz_xcache *c = vz_xcache_new();
    assert_non_null(c);
    char *room = vz_xcache_memo_room(c, 64);
    assert_non_null(room);
    memcpy(room, "first memo", 11);
    vz_xcache_memo_commit(c, 7, room, 64, 11);
    char *given = vz_xcache_memo_room(c, 100);
    assert_non_null(given);
    assert_true(given == room + 16);   /* the room's end past its 11 bytes was given back */
    vz_xcache_memo_commit(c, 8, given, 100, 0);
    assert_null(vz_xcache_memo(c, 8, &(size_t){0}));
    char *next = vz_xcache_memo_room(c, 32);
    assert_true(next == given);
    memcpy(next, "second", 7);
    vz_xcache_memo_commit(c, 9, next, 32, 7);
    size_t len = 0;
    const char *m = vz_xcache_memo(c, 7, &len);
    assert_non_null(m);
    assert_int_equal(len, 11);
    assert_string_equal(m, "first memo");
    assert_non_null(m = vz_xcache_memo(c, 9, &len));
    assert_int_equal(len, 7);
    assert_string_equal(m, "second");
    /* A memo kept already stays as it was. */
    char *again = vz_xcache_memo_room(c, 16);
    memcpy(again, "other", 6);
    vz_xcache_memo_commit(c, 7, again, 16, 6);
    assert_string_equal(vz_xcache_memo(c, 7, &len), "first memo");
    vz_xcache_free(c);
}

/* The prefetch hints change nothing the cache gives: on a cache with no
 * memo yet, on ids kept and not, before and after a text's matches are
 * kept, and on no cache. */
static void prefetches_change_nothing(void **state)
{
    (void)state;
    vz_extractor *x = load();
    vz_xcache *c = vz_xcache_new();
    assert_non_null(c);
    size_t len = 0;
    vz_xcache_memo_prefetch(c, 7);
    vz_xcache_memo_prefetch_data(c, 7);
    vz_xcache_memo_prefetch(NULL, 7);
    vz_xcache_memo_prefetch_data(NULL, 7);
    assert_null(vz_xcache_memo(c, 7, &len));
    const char *memos[] = {"first", "", "the third memo"};
    for (uint64_t id = 0; id < 3; id++)
        assert_int_equal(vz_xcache_memo_keep(c, id, memos[id], strlen(memos[id])), VZ_OK);
    for (uint64_t id = 0; id < 5; id++) {
        vz_xcache_memo_prefetch(c, id);
        vz_xcache_memo_prefetch_data(c, id);
    }
    for (uint64_t id = 0; id < 3; id++) {
        const char *m = vz_xcache_memo(c, id, &len);
        assert_non_null(m);
        assert_int_equal(len, strlen(memos[id]));
        assert_memory_equal(m, memos[id], len);
    }
    assert_null(vz_xcache_memo(c, 3, &len));
    const char *text = "On March 3, 2011, President Obama said 40 people were killed in Paris.";
    size_t n = strlen(text);
    vz_buf plain = {0};
    assert_int_equal(vz_extract(x, VZ_TYPE_DATE, text, n, note_span, &plain), VZ_OK);
    assert_non_null(plain.data);
    vz_xprefetch pre;
    vz_xcache_prefetch_sentence(NULL, VZ_TYPE_DATE, 1, text, n, &pre);
    assert_int_equal(pre.n, 0);
    vz_xcache_prefetch_entries(NULL, &pre);
    for (int round = 0; round < 2; round++) {   /* not kept yet, then kept */
        vz_buf cached = {0};
        vz_xcache_prefetch_sentence(c, VZ_TYPE_DATE, round, text, n, &pre);
        assert_int_equal(pre.n, round ? 4 : 3);
        vz_xcache_prefetch_entries(c, &pre);
        assert_int_equal(vz_extract_cached(x, c, VZ_TYPE_DATE, text, n, note_span, &cached), VZ_OK);
        assert_string_equal(cached.data, plain.data);
        vz_buf_free(&cached);
    }
    vz_buf_free(&plain);
    vz_xcache_free(c);
    vz_extractor_free(x);
}

static void bad_templates_are_clear_errors(void **state)
{
    (void)state;
    vz_extractor *x;
    const char *g = "define X (?:a|b)\n", *t = "count {X}\nplace (unclosed\n";
    assert_int_equal(vz_extractor_new(&x, g, strlen(g), t, strlen(t)), VZ_EINVAL);
    assert_null(x);
    ts_assert_error("line 3: missing closing parenthesis");
    const char *bad_label = "place (?#Big City)[A-Z]\n";
    assert_int_equal(vz_extractor_new(&x, g, strlen(g), bad_label, strlen(bad_label)), VZ_EINVAL);
    ts_assert_error("line 2: a label is (?#word)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_case_holds),
        cmocka_unit_test(weak_answers_are_recognised),
        cmocka_unit_test(negations_are_kept),
        cmocka_unit_test(hedges_are_found),
        cmocka_unit_test(datelines_are_found),
        cmocka_unit_test(exclusions_and_negations_are_found),
        cmocka_unit_test(cached_answers_as_plain),
        cmocka_unit_test(analysis_of_parts_as_whole),
        cmocka_unit_test(prefetches_change_nothing),
        cmocka_unit_test(memo_rooms_keep_what_is_written),
        cmocka_unit_test(bad_templates_are_clear_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
