/*
 * test_clean.c - tests of the furniture cleaner (index/segment.c with
 * data/furniture.rules): on the real corpus every furniture line and only
 * those are blanked, each kind of furniture in a general shape, prose that
 * looks like furniture survives, the working copy keeps every offset, CRLF
 * and BOM input, invalid UTF-8, the rule language and its errors.
 */
#include "support.h"
#include "data.h"
#include "segment.h"
#include "util.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SQUAD_FILE "data/squad/train-v1.1-articles-000-043.json"

static int setup(void **state)
{
    vz_data fr;
    vz_cleaner *c = NULL;
    if (vz_data_load(NULL, "furniture.rules", &fr))
        return -1;
    int rc = vz_cleaner_new(&c, fr.text, fr.len);
    if (rc)
        print_error("furniture.rules: %s\n", vz_last_error());
    vz_data_release(&fr);
    *state = c;
    return rc ? -1 : 0;
}

static int teardown(void **state)
{
    vz_cleaner_free(*state);
    return 0;
}

/* Clean text with c (asserting success); the caller frees. */
static char *clean(const vz_cleaner *c, const char *text, size_t len)
{
    char *work = NULL;
    int rc = vz_clean(c, text, len, &work);
    if (rc)
        fail_msg("vz_clean: %s", vz_last_error());
    assert_non_null(work);
    assert_int_equal(work[len], '\0');
    return work;
}

/* Is line[0, n) one of the furniture lines (NULL-terminated list)? */
static int listed(const char *const *furniture, const char *line, size_t n)
{
    for (size_t i = 0; furniture[i]; i++)
        if (strlen(furniture[i]) == n && memcmp(furniture[i], line, n) == 0)
            return 1;
    return 0;
}

/* The copy vz_clean must make of raw: the listed furniture lines (compared
 * without a final CR) read as spaces, every CR is a space, newlines stay,
 * all else is unchanged.  *found counts the listed lines met. */
static char *expected_copy(const char *raw, size_t len, const char *const *furniture, size_t *found)
{
    char *want = malloc(len + 1);
    assert_non_null(want);
    memcpy(want, raw, len);
    want[len] = '\0';
    *found = 0;
    for (size_t s = 0, i = 0; i <= len; i++) {
        if (i < len && raw[i] != '\n')
            continue;
        size_t e = i > s && raw[i - 1] == '\r' ? i - 1 : i;
        if (listed(furniture, raw + s, e - s)) {
            memset(want + s, ' ', i - s);
            ++*found;
        }
        s = i + 1;
    }
    for (size_t i = 0; i < len; i++)
        if (want[i] == '\r')
            want[i] = ' ';
    return want;
}

/* Every line of raw is either furniture (listed; it must read as blank) or
 * prose (it must be byte-identical but for CR); every listed line occurs. */
static void expect_lines(const vz_cleaner *c, const char *raw, size_t len, const char *const *furniture)
{
    size_t found, nlisted = 0;
    char *want = expected_copy(raw, len, furniture, &found);
    char *work = clean(c, raw, len);
    for (size_t i = 0; i < len; i++)
        if (work[i] != want[i]) {
            size_t s = i;
            while (s > 0 && raw[s - 1] != '\n')
                s--;
            const char *nl = memchr(raw + s, '\n', len - s);
            int n = (int)((nl ? (size_t)(nl - raw) : len) - s);
            fail_msg("byte %zu: line '%.*s'\n  became '%.*s'\n  wanted '%.*s'", i, n, raw + s, n,
                     work + s, n, want + s);
        }
    while (furniture[nlisted])
        nlisted++;
    if (found < nlisted)
        fail_msg("only %zu of %zu furniture lines occur in the text", found, nlisted);
    free(work);
    free(want);
}

static void expect_file(const vz_cleaner *c, const char *path, const char *const *furniture)
{
    char *raw;
    size_t len;
    assert_int_equal(vz_read_file(path, &raw, &len), VZ_OK);
    expect_lines(c, raw, len, furniture);
    free(raw);
}

/* ---- The real corpus: exactly the furniture goes ----------------------------------- */

static void test_corpus_000_zerohedge(void **state)
{
    /* Print icons, author avatar, byline, "Authored...", and the lazy
     * loading placeholder at the very end (no final newline). */
    static const char *const furniture[] = {
        "print-icon", "Tyler Durden's Photo", "by Tyler Durden", "Authored...",
        "Loading recommendations...", NULL};
    expect_file(*state, "corpus/000_03d48f2f6344b254.txt", furniture);
}

static void test_corpus_001_tass(void **state)
{
    /* The standfirst line above the photo is prose and stays; the caption
     * with its credit, the bare caption above the © line and the © line go. */
    static const char *const furniture[] = {
        "All news", " Kremlin spokesman Dmitry Peskov Vitaliy Nevar/TASS",
        "Kremlin spokesman Dmitry Peskov", "\xC2\xA9 Vitaliy Nevar/TASS", NULL};
    expect_file(*state, "corpus/001_7fce46925a1a425a.txt", furniture);
}

static void test_corpus_002_share_counter_newsletter(void **state)
{
    static const char *const furniture[] = {
        "0 4,054", "- Advertisement -", "Subscribe to our newsletter",
        "Sign up here to get the latest news, updates and special offers delivered directly to your inbox.",
        "Get real time updates directly on you device, subscribe now.", NULL};
    expect_file(*state, "corpus/002_6be69f8a55dac445.txt", furniture);
}

static void test_corpus_003_donation_appeal(void **state)
{
    /* The appeal's heading, salutation and button go; its prose stays. */
    static const char *const furniture[] = {
        "A Message from The Moscow Times:", "Dear readers,", "Remind me later.", NULL};
    expect_file(*state, "corpus/003_fd7623e7a45c78b3.txt", furniture);
}

static void test_corpus_004_reuters_caption(void **state)
{
    static const char *const furniture[] = {
        "All news", "Venezuelan President Nicolas Maduro, right Miraflores Palace/Handout via REUTERS",
        "Venezuelan President Nicolas Maduro, right", "\xC2\xA9 Miraflores Palace/Handout via REUTERS", NULL};
    expect_file(*state, "corpus/004_6fbc38b29dad98da.txt", furniture);
}

/* Specific real sentences read the same at the same offsets in the copy. */
static void test_corpus_sentences_kept(void **state)
{
    static const struct { const char *file, *sentence; } kept[] = {
        {"corpus/000_03d48f2f6344b254.txt", "Russia, China Demand That US Immediately Release Maduro From Custody"},
        {"corpus/000_03d48f2f6344b254.txt", "Russian officials have called these rumors and reports \"fake\", however."},
        {"corpus/001_7fce46925a1a425a.txt", "Juan Guaido, Venezuelan opposition leader and parliament speaker, declared himself interim president on January 23\n"},
        {"corpus/001_7fce46925a1a425a.txt", "MOSCOW, February 7. /TASS/.\xC2\xA0Moscow keeps holding its stance firmly"},
        {"corpus/002_6be69f8a55dac445.txt", "MAJOR: Russia forms Coalition of Nations to BLOCK U.S intervention in Venezuela"},
        {"corpus/002_6be69f8a55dac445.txt", "205 detained, according to a local human rights office."},
        {"corpus/003_fd7623e7a45c78b3.txt", "Venezuela on Wednesday asked the UN Security Council to hold an emergency meeting in response to threats from Washington."},
        {"corpus/004_6fbc38b29dad98da.txt", "Earlier, Kremlin Spokesman Dmitry Peskov said the Venezuelan leader was expected to pay a visit to Russia in the near future\n"},
        {"corpus/004_6fbc38b29dad98da.txt", "Syria and Turkey voiced support for Maduro."},
    };
    for (size_t i = 0; i < sizeof kept / sizeof kept[0]; i++) {
        char *raw;
        size_t len;
        assert_int_equal(vz_read_file(kept[i].file, &raw, &len), VZ_OK);
        char *work = clean(*state, raw, len);
        const char *at = strstr(raw, kept[i].sentence);
        if (!at)
            fail_msg("%s lacks '%s'", kept[i].file, kept[i].sentence);
        assert_memory_equal(work + (at - raw), kept[i].sentence, strlen(kept[i].sentence));
        free(work);
        free(raw);
    }
}

/* ---- General shapes ---------------------------------------------------------------- */

/* Furniture in shapes the corpus does not hold, and prose that resembles
 * furniture: the rules are statements about news pages, not copies of five
 * files' lines. */
static void test_general_shapes(void **state)
{
    static const char text[] =
        "By Jane Doe and John Roe\n"
        "Authored by Jane Doe via The Epoch Times,\n"
        "Jane Doe's Avatar\n"
        "Share\n"
        "— Advertisement —\n"
        "Loading comments...\n"
        "12 345 1.2K\n"
        "Photo: Carlos Garcia Rawlins/Reuters\n"
        "Opposition leader Juan Guaido Carlos Garcia Rawlins/REUTERS\n"
        "Nicolas Maduro at the Kremlin\n"
        "\xC2\xA9 Sergei Karpukhin/TASS\n"
        "Sign up for our daily newsletter\n"
        "Follow us on Telegram\n"
        "By Monday, the talks had failed.\n"
        "Subscribers to the state broadcaster rose 5 percent.\n"
        "Share prices fell 3 percent in Caracas.\n"
        "Photo opportunities were limited, officials said.\n"
        "The 2019 figure was 4,054.\n"
        "A message from the Kremlin read:\n"
        "He cited figures from the IMF/WB.\n"
        "“Release him now,” Beijing said. Sign up sheets were posted.\n";
    static const char *const furniture[] = {
        "By Jane Doe and John Roe", "Authored by Jane Doe via The Epoch Times,", "Jane Doe's Avatar",
        "Share", "— Advertisement —", "Loading comments...", "12 345 1.2K",
        "Photo: Carlos Garcia Rawlins/Reuters",
        "Opposition leader Juan Guaido Carlos Garcia Rawlins/REUTERS",
        "Nicolas Maduro at the Kremlin", "\xC2\xA9 Sergei Karpukhin/TASS",
        "Sign up for our daily newsletter", "Follow us on Telegram", NULL};
    expect_lines(*state, text, sizeof text - 1, furniture);
}

/* A closing call to subscribe is furniture only when it begins within 200
 * characters (not bytes) of the line start, after a word boundary, and
 * ends the line. */
static void test_subscribe_bound(void **state)
{
    vz_buf text = {0}, at200 = {0}, at201 = {0};
    for (int i = 0; i < 200; i++)
        assert_int_equal(vz_buf_append(i < 199 ? &at200 : &at201, "\xC3\xA9", 2), VZ_OK);
    assert_int_equal(vz_buf_append(&at201, at200.data, at200.len), VZ_OK);
    assert_int_equal(vz_buf_printf(&at200, " subscribe now."), VZ_OK);
    assert_int_equal(vz_buf_printf(&at201, " subscribe now."), VZ_OK);
    assert_int_equal(vz_buf_printf(&text, "%s\n%s\n", at200.data, at201.data), VZ_OK);
    assert_int_equal(vz_buf_printf(&text, "Subscribe here to follow us today!  \n"
                                   "Please follow us here for more.\n"
                                   "Readers may resubscribe now\n"
                                   "Sign up\there\n"), VZ_OK);
    const char *const furniture[] = {at200.data, "Subscribe here to follow us today!  ",
                                     "Sign up\there", NULL};
    expect_lines(*state, text.data, text.len, furniture);
    vz_buf_free(&text);
    vz_buf_free(&at200);
    vz_buf_free(&at201);
}

static void test_appeal_generic(void **state)
{
    static const char text[] =
        "Kyiv said talks would resume.\n"
        "A Message from The Kyiv Independent:\n"
        "Dear readers,\n"
        "Please support us.\n";
    static const char *const furniture[] = {
        "A Message from The Kyiv Independent:", "Dear readers,", NULL};
    expect_lines(*state, text, sizeof text - 1, furniture);
}

/* Wikipedia prose has no web furniture: the cleaner must leave every one of
 * SQuAD's 2,430 paragraphs untouched. */
static void test_squad_untouched(void **state)
{
    char path[4096];
    ts_shared_file(path, sizeof path, SQUAD_FILE);
    json_error_t err;
    json_t *root = json_load_file(path, 0, &err);
    if (!root)
        fail_msg("%s: %s", path, err.text);
    json_t *data = json_object_get(root, "data");
    size_t n = 0;
    for (size_t a = 0; a < json_array_size(data); a++) {
        json_t *ps = json_object_get(json_array_get(data, a), "paragraphs");
        for (size_t p = 0; p < json_array_size(ps); p++, n++) {
            const char *ctx = json_string_value(json_object_get(json_array_get(ps, p), "context"));
            size_t len = strlen(ctx);
            char *work = clean(*state, ctx, len);
            for (size_t i = 0; i < len; i++)
                if (work[i] != ctx[i] && ctx[i] != '\r')
                    fail_msg("SQuAD paragraph %zu: blanked at '%.40s'", n, ctx + i);
            free(work);
        }
    }
    json_decref(root);
    assert_int_equal(n, 2430);
}

/* ---- Offsets, CR, BOM, UTF-8 ---------------------------------------------------------- */

static void test_crlf(void **state)
{
    static const char text[] =
        "All news\r\n\r\nMoscow still supports Maduro\r\n"
        "Kremlin spokesman Dmitry Peskov\r\n\xC2\xA9 Vitaliy Nevar/TASS\r\n"
        "Peskov said on Thursday.\r\nLoading...";
    static const char *const furniture[] = {
        "All news", "Kremlin spokesman Dmitry Peskov", "\xC2\xA9 Vitaliy Nevar/TASS", "Loading...", NULL};
    expect_lines(*state, text, sizeof text - 1, furniture);
    char *work = clean(*state, text, sizeof text - 1);
    assert_null(memchr(work, '\r', sizeof text - 1));
    assert_non_null(strstr(work, "\nMoscow still supports Maduro \n"));
    free(work);
}

static void test_bom(void **state)
{
    static const char text[] = "\xEF\xBB\xBFprint-icon\nMaduro thanks Russia\xEF\xBB\xBF.\n";
    size_t len = sizeof text - 1;
    char *work = clean(*state, text, len);
    /* The BOM becomes spaces, and the line after it is seen as a whole line
     * (so print-icon is furniture); a U+FEFF later in the text is text. */
    assert_memory_equal(work, "   " "          \n", 14);
    assert_memory_equal(work + 14, text + 14, len - 14);
    free(work);
    char *only = clean(*state, "\xEF\xBB\xBF", 3);
    assert_string_equal(only, "   ");
    free(only);
}

static void test_empty_and_null(void **state)
{
    char *work = clean(*state, "", 0);
    assert_string_equal(work, "");
    free(work);
    work = clean(*state, NULL, 0);
    assert_string_equal(work, "");
    free(work);
    work = clean(*state, "\n\n", 2);
    assert_string_equal(work, "\n\n");
    free(work);
    vz_cleaner_free(NULL);
}

static void test_invalid_utf8(void **state)
{
    static const struct { const char *text; size_t len; const char *where; } bad[] = {
        {"abc\xC3(", 5, "byte 3"},               /* a lead byte without continuation */
        {"ok \xC0\xAF", 5, "byte 3"},            /* overlong '/' */
        {"\xED\xA0\x80 x", 5, "byte 0"},         /* a UTF-16 surrogate */
        {"tail \xE2\x80", 7, "byte 5"},          /* cut short at the end */
        {"\xF4\x90\x80\x80", 4, "byte 0"},       /* above U+10FFFF */
        {"x\xFFy", 3, "byte 1"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *work = (char *)bad;
        assert_int_equal(vz_clean(*state, bad[i].text, bad[i].len, &work), VZ_EINVAL);
        assert_null(work);
        if (!strstr(vz_last_error(), bad[i].where))
            fail_msg("case %zu: '%s' lacks '%s'", i, vz_last_error(), bad[i].where);
    }
}

/* ---- The rule language --------------------------------------------------------------- */

static char *clean_with(const char *rules, const char *text)
{
    vz_cleaner *c;
    int rc = vz_cleaner_new(&c, rules, strlen(rules));
    if (rc)
        fail_msg("rules '%s': %s", rules, vz_last_error());
    char *work = clean(c, text, strlen(text));
    vz_cleaner_free(c);
    return work;
}

static void expect_clean(const char *rules, const char *text, const char *want)
{
    char *work = clean_with(rules, text);
    if (strcmp(work, want) != 0)
        fail_msg("rules '%s' on '%s':\n  want '%s'\n  got  '%s'", rules, text, want, work);
    free(work);
}

static void test_rules_mechanism(void **state)
{
    (void)state;
    /* No rules: only CRs go. */
    expect_clean("", "a\r\nb", "a \nb");
    /* drop blanks each match, mid-line too; newlines inside stay. */
    expect_clean("drop \\bfoo\\b", "a foo b foo\nfood", "a     b    \nfood");
    expect_clean("drop x\\ny", "ax\nyb", "a \n b");
    /* tail blanks from its first match to the end, newlines kept. */
    expect_clean("tail ^END$", "keep\nEND\nx\nEND\ny", "keep\n   \n \n   \n ");
    /* Every rule sees the original text: the second rule still finds the
     * line the first one blanks, whatever the order. */
    expect_clean("drop ^X$\ndrop ^cap$(?=\\nX$)", "cap\nX\ncap", "   \n \ncap");
    expect_clean("drop ^cap$(?=\\nX$)\ndrop ^X$", "cap\nX\ncap", "   \n \ncap");
    /* Empty matches terminate and blank nothing. */
    expect_clean("drop ^\ndrop x*\ntail (?=never)", "ab\ncd", "ab\ncd");
    /* define and {NAME}; comments and blank lines are skipped. */
    expect_clean("# a comment\n\ndefine W (?:Share|Tweet)\ndefine LINE ^\\h*{W}\\h*$\ndrop {LINE}",
                 "Share\nTweet \nShared", "     \n      \nShared");
    /* Patterns are UTF-8 and match characters, and \s knows the no-break space. */
    expect_clean("drop ^©\\s\\S+$", "\xC2\xA9\xC2\xA0TASS\nx", "        \nx");
}

static void expect_error(const char *rules, const char *needle)
{
    vz_cleaner *c = (vz_cleaner *)1;
    assert_int_equal(vz_cleaner_new(&c, rules, strlen(rules)), VZ_EINVAL);
    assert_null(c);
    ts_assert_error(needle);
}

static void test_rules_errors(void **state)
{
    (void)state;
    expect_error("drop ^ok$\n# comment\ndrop (unclosed\n", "furniture.rules line 3: missing closing parenthesis");
    expect_error("drop a\ndrop b[\n", "furniture.rules line 2: missing terminating ] for character class");
    expect_error("remove foo\n", "furniture.rules line 1: unknown directive 'remove'");
    expect_error("nobreak foo\n", "furniture.rules line 1: unknown directive 'nobreak'");
    expect_error("\n\ntail\n", "furniture.rules line 3: 'tail' needs a pattern");
    expect_error("drop {UNDEFINED}\n", "furniture.rules line 1: undefined {UNDEFINED}");
    expect_error("drop \xC3(\n", "furniture.rules line 1:");
    /* Runaway backtracking stops at the match limit: the document fails
     * with the rule's line, and no copy is returned. */
    vz_cleaner *c;
    const char *runaway = "# nested repeats\ndrop ^(a+)+$\n";
    assert_int_equal(vz_cleaner_new(&c, runaway, strlen(runaway)), VZ_OK);
    char *work = (char *)runaway;
    assert_int_equal(vz_clean(c, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab", 37, &work), VZ_EINTERNAL);
    assert_null(work);
    ts_assert_error("furniture.rules line 2: matching from byte 0 failed: match limit exceeded");
    vz_cleaner_free(c);
    /* A literal brace and a quantifier are no names. */
    char *w = clean_with("drop \\{AB}\ndrop ^z{2}$", "{AB}\nzz");
    assert_string_equal(w, "    \n  ");
    free(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_corpus_000_zerohedge),
        cmocka_unit_test(test_corpus_001_tass),
        cmocka_unit_test(test_corpus_002_share_counter_newsletter),
        cmocka_unit_test(test_corpus_003_donation_appeal),
        cmocka_unit_test(test_corpus_004_reuters_caption),
        cmocka_unit_test(test_corpus_sentences_kept),
        cmocka_unit_test(test_general_shapes),
        cmocka_unit_test(test_subscribe_bound),
        cmocka_unit_test(test_appeal_generic),
        cmocka_unit_test(test_squad_untouched),
        cmocka_unit_test(test_crlf),
        cmocka_unit_test(test_bom),
        cmocka_unit_test(test_empty_and_null),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_rules_mechanism),
        cmocka_unit_test(test_rules_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
