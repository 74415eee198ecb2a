/*
 * test_required.c - the literals a rule's matches need (index/required.c):
 * what hand-written patterns must require and must not, and that a text
 * the filter turns away is one PCRE2 finds no match in.
 */
#include "support.h"

#include <stdio.h>
#include <string.h>

#include "required.h"
#include "rules.h"
#include "util.h"

/* The literals of pat as one string: "[abc] [de/i]"; "" when none. */
static void literals(const char *pat, uint32_t options, char *out, size_t size)
{
    vz_required rq;
    assert_int_equal(vz_required_of(pat, strlen(pat), options, &rq), VZ_OK);
    size_t n = 0;
    out[0] = '\0';
    for (size_t i = 0; i < rq.n; i++)
        n += (size_t)snprintf(out + n, size - n, "%s[%.*s%s]", i ? " " : "", rq.v[i].len,
                              rq.v[i].s, rq.v[i].caseless ? "/i" : "");
    vz_required_free(&rq);
}

static void expect(const char *pat, const char *want)
{
    char got[1024];
    literals(pat, 0, got, sizeof got);
    if (strcmp(got, want))
        fail_msg("%s: literals \"%s\", want \"%s\"", pat, got, want);
}

static void literals_are_found(void **state)
{
    (void)state;
    expect("abc", "[abc]");
    expect("said", "[said]");
    expect("colou?r", "[colo]");
    expect("(?:red|green|blue) car", "[red car] [green car] [blue car]");
    expect("(?:abc)+", "[abc]");
    expect("(?:abc){2}", "[abc]");
    expect("(?:abc)*xyz", "[xyz]");
    expect("x{0,3}abc", "[abc]");
    expect("[Tt]he cat", "[The cat] [the cat]");
    expect("\\bbecause\\s+of\\b", "[because]");
    expect("Mr\\. Smith", "[Mr. Smith]");
    expect("(?<answer>\\p{Lu}\\w+) said", "[ said]");
    /* a lookbehind's literal is needed, before the match */
    expect("(?<=\\bbecause )\\w+", "[because ]");
    expect("(?=[^,]*\\bpresident\\b)\\w+", "[president]");
    /* caseless: letters either case, but k and s end a literal */
    expect("(?i)report", "[report/i]");
    expect("(?i:report)", "[report/i]");
    expect("a(?i:bcd)e", "[abcde/i]");
    expect("(?i)kelvin", "[elvin/i]");
    expect("(?i)best guess", "[t gue/i]");
    expect("(?i)(?-i)keep", "[keep]");
    expect("(?i:x)(?-i)keep", "[xkeep/i]");   /* a caseless half: a superset */
    /* what is optional or unknown is not required */
    expect("abc|", "");
    /* long lists count: one pass looks for all of a kind's literals */
    expect("\\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|"
           "fourteen|fifteen|sixteen|seventeen|eighteen)\\b",
           "[one] [two] [three] [four] [five] [six] [seven] [eight] [nine] [ten] [eleven] "
           "[twelve] [thirteen] [fourteen] [fifteen] [sixteen] [seventeen] [eighteen]");
    /* short literals count too */
    expect("abc|de", "[abc] [de]");
    expect("a.c", "[a]");
    expect("(?i)[Tt]he", "[he/i]");
    expect("[^abc]xy", "[xy]");
    expect("(?i)ask", "[a/i]");
    expect("a,\\s+b|\\d+,", "[a,] [,]");
    expect("(?:abc)?", "");
    expect("(?:abc){0,2}def", "[def]");
    expect("(?!foo)bar", "[bar]");
    expect("(?<!foo )bar", "[bar]");
    expect("(?i)éclair", "[clair/i]");
    expect("café", "[café]");
    /* constructs not followed leave the pattern unfiltered */
    expect("(abc)\\1", "");
    expect("\\Qabc\\E", "");
    expect("(?x)abc def", "");
    expect("(?(?=a)abc|def)", "");
    expect("(*UCP)abc", "");
    expect("abc\\Kdef", "");
    expect("a{,3}bcd", "");
    /* a definition matches nothing where it stands; a call may match anything */
    expect("(?(DEFINE)(?<w>abc))(?&w)", "");
    expect("(?(DEFINE)(?<w>abc))(?&w) xyz", "[ xyz]");
    expect("(?<w>abc)(?&w)", "[abc]");
    /* options other than caseless are not followed */
    char got[64];
    literals("abc", PCRE2_MULTILINE, got, sizeof got);
    assert_string_equal(got, "");
    literals("report", PCRE2_CASELESS, got, sizeof got);
    assert_string_equal(got, "[report/i]");
}

/* pcre2_match's value for pat (compiled with UTF and UCP, as the rules
 * are) on text: >= 0 when it matches. */
static int pcre2_finds(const char *pat, const char *text)
{
    int err;
    PCRE2_SIZE off;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)pat, strlen(pat), PCRE2_UTF | PCRE2_UCP, &err, &off,
                                   NULL);
    assert_non_null(re);
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
    int m = pcre2_match(re, (PCRE2_SPTR)text, strlen(text), 0, 0, md, NULL);
    pcre2_match_data_free(md);
    pcre2_code_free(re);
    return m;
}

/* The filter turns text away only when PCRE2 finds no match in it. */
static void check_pair(const char *pat, const char *text, int want_in)
{
    vz_required rq;
    assert_int_equal(vz_required_of(pat, strlen(pat), 0, &rq), VZ_OK);
    int m = pcre2_finds(pat, text);
    int in = vz_required_in(&rq, text, strlen(text));
    /* One pass over the text for many rules' literals (extraction's and
     * question typing's) says the same of every text: rule 1 here. */
    vz_required none = {0};
    const vz_required *both[] = {&none, &rq};
    vz_litset ls;
    assert_int_equal(vz_litset_build(&ls, both, 2), VZ_OK);
    uint64_t maybe = 0;
    vz_litset_scan(&ls, text, strlen(text), &maybe);
    assert_true(maybe & 1);   /* nothing known: never filtered */
    if ((int)(maybe >> 1 & 1) != in)
        fail_msg("%s on \"%s\": one-pass filter %d, plain %d", pat, text, !in, in);
    vz_litset_free(&ls);
    if (m >= 0 && !in)
        fail_msg("%s matches \"%s\" but the filter turned it away", pat, text);
    if (want_in >= 0 && in != want_in)
        fail_msg("%s on \"%s\": filter %d, want %d", pat, text, in, want_in);
    vz_required_free(&rq);
}

static void filter_keeps_every_match(void **state)
{
    (void)state;
    check_pair("(?<=\\bbecause )\\w+", "because rain", 1);
    check_pair("(?<=\\bbecause )\\w+", "Because rain", 0);
    check_pair("(?<=\\bbecause )\\w+", "rain", 0);
    check_pair("(?i)report", "REPORT", 1);
    check_pair("(?i)report", "RePort of", 1);
    check_pair("(?i)report", "repor", 0);
    /* U+212A KELVIN SIGN and U+017F LONG S match k and s caselessly */
    check_pair("(?i)kelvin", "\xE2\x84\xAA" "ELVIN", 1);
    check_pair("(?i)best guess", "BE\xC5\xBFT GUE\xC5\xBF\xC5\xBF", 1);
    check_pair("(?i)best guess", "best", 0);
    check_pair("[Tt]he cat", "The cat", 1);
    check_pair("[Tt]he cat", "tHE CAT", 0);
    check_pair("(?:red|green|blue) car", "a green car", 1);
    check_pair("(?:red|green|blue) car", "a green  car", 0);
    check_pair("a(?i:bcd)e", "aBcDe", 1);
    check_pair("café", "un café noir", 1);
    check_pair("café", "un cafe noir", 0);
    check_pair("(?=[^,]*\\bpresident\\b)\\w+", "the president", 1);
    check_pair("(?=[^,]*\\bpresident\\b)\\w+", "the President", 0);
    check_pair("\\bbecause\\s+of\\b", "because  of", 1);
    check_pair("(?(DEFINE)(?<w>abc))(?&w) xyz", "abc xyz", 1);
    check_pair("(?(DEFINE)(?<w>abc))(?&w) xyz", "abc xy", 0);
    /* texts the filter may keep or not: it must never lose a match */
    static const char *const pats[] = {"colou?r", "(?:abc){0,2}def", "(?!foo)bar",
                                       "x{0,3}abc", "(?:abc)*xyz", "Mr\\. Smith"};
    static const char *const texts[] = {"color", "colour", "colr", "def", "abcabcdef", "bar",
                                        "foobar", "abc", "xxxabc", "xyz", "Mr. Smith", "Mr Smith",
                                        ""};
    for (size_t i = 0; i < sizeof pats / sizeof *pats; i++)
        for (size_t j = 0; j < sizeof texts / sizeof *texts; j++)
            check_pair(pats[i], texts[j], -1);
}

/* Requirements every match needs all of: each set's strings as
 * "[a|b]", sets joined by " & "; "" when none. */
static void all_sets(const char *pat, uint32_t options, char *out, size_t size)
{
    vz_required sets[VZ_REQUIRED_SETS];
    size_t n, k = 0;
    assert_int_equal(vz_required_all(pat, strlen(pat), options, sets, &n), VZ_OK);
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        k += (size_t)snprintf(out + k, size - k, "%s[", i ? " & " : "");
        for (size_t j = 0; j < sets[i].n; j++)
            k += (size_t)snprintf(out + k, size - k, "%s%.*s", j ? "|" : "", sets[i].v[j].len,
                                  sets[i].v[j].s);
        k += (size_t)snprintf(out + k, size - k, "]");
        vz_required_free(&sets[i]);
    }
}

static void expect_all(const char *pat, const char *want)
{
    char got[1024];
    all_sets(pat, 0, got, sizeof got);
    if (strcmp(got, want))
        fail_msg("%s: requirements \"%s\", want \"%s\"", pat, got, want);
}

/* A text lacking one of the requirements is one PCRE2 finds no match in. */
static void check_all(const char *pat, const char *text)
{
    vz_required sets[VZ_REQUIRED_SETS];
    size_t n;
    assert_int_equal(vz_required_all(pat, strlen(pat), 0, sets, &n), VZ_OK);
    int m = pcre2_finds(pat, text);
    for (size_t i = 0; i < n; i++) {
        if (m >= 0 && !vz_required_in(&sets[i], text, strlen(text)))
            fail_msg("%s matches \"%s\" but requirement %zu turned it away", pat, text, i);
        vz_required_free(&sets[i]);
    }
}

static void every_requirement_is_needed(void **state)
{
    (void)state;
    expect_all("^\\W*(?<cue>(?:what|which)\\s+(?<focus>city|towns?))\\b", "[what|which] & [city|town]");
    expect_all("x(?:abc)?yz(?!zzz)", "[yz]");
    expect_all("(?:red|green) car|bus", "");
    expect_all("(?:how\\s+many|count)\\s+people(?=.*\\bdied\\b)",
               "[people] & [died] & [many|count]");
    expect_all("a(?:bc|de){1,2}f(?:ghi){0,3}", "[bc|de]");
    static const char *const pats[] = {"(?:what|which)\\s+(?:city|town)", "x(?:abc)?y(?!zzz)",
                                       "a(?:bc|de){1,2}f(?:ghi){0,3}", "(?<=because )rain\\b"};
    static const char *const texts[] = {"which town", "what city is it", "xy", "xabcy", "xyzzz",
                                        "adef", "abcdef", "abcfghi", "because rain", "rain", ""};
    for (size_t i = 0; i < sizeof pats / sizeof *pats; i++)
        for (size_t j = 0; j < sizeof texts / sizeof *texts; j++)
            check_all(pats[i], texts[j]);
}

/* A rule set filters through vz_rule_find and vz_rule_whole with the
 * same results. */
static void rules_filter_the_same(void **state)
{
    (void)state;
    static const vz_directive dirs[] = {{"find", 0}, {"whole", 1}};
    const char *text = "find (?<=\\bbecause )\\w+\nwhole (?i)report\n";
    vz_ruleset rs;
    assert_int_equal(vz_ruleset_build_for(&rs, "t.rules", text, strlen(text), dirs, 2, 0, 1, 2),
                     VZ_OK);
    assert_int_equal(rs.n, 2);
    assert_int_equal(rs.items[0].req.n, 1);
    assert_int_equal(rs.items[1].req.n, 1);
    pcre2_match_data *md = pcre2_match_data_create(8, NULL);
    const char *s = "it rained because storms came because winds";
    assert_true(vz_rule_find(&rs, &rs.items[0], s, strlen(s), 0, md) > 0);
    assert_int_equal(pcre2_get_ovector_pointer(md)[0], 18);
    assert_true(vz_rule_find(&rs, &rs.items[0], s, strlen(s), 24, md) > 0);
    assert_int_equal(pcre2_get_ovector_pointer(md)[0], 38);
    s = "it rained as storms came";
    assert_int_equal(vz_rule_find(&rs, &rs.items[0], s, strlen(s), 0, md), PCRE2_ERROR_NOMATCH);
    assert_true(vz_rule_whole(&rs, &rs.items[1], "REPORT", 6, md) > 0);
    assert_int_equal(vz_rule_whole(&rs, &rs.items[1], "REPOR", 5, md), PCRE2_ERROR_NOMATCH);
    /* Without the literals looked for (a caller that did so for many
     * rules at once): the same results. */
    assert_true(vz_rule_whole_search(&rs, &rs.items[1], "Report", 6, md) > 0);
    assert_int_equal(vz_rule_whole_search(&rs, &rs.items[1], "REPOR", 5, md), PCRE2_ERROR_NOMATCH);
    assert_int_equal(vz_rule_search(&rs, &rs.items[0], s, strlen(s), 0, md), PCRE2_ERROR_NOMATCH);
    s = "because storms";
    assert_true(vz_rule_search(&rs, &rs.items[0], s, strlen(s), 0, md) > 0);
    assert_int_equal(pcre2_get_ovector_pointer(md)[0], 8);
    pcre2_match_data_free(md);
    vz_ruleset_free(&rs);
}

/* vz_rule_may_be_whole rules out by first and last bytes only texts that
 * the rule, compiled as written, does not match whole; and it does rule
 * out some ("the" for a rule of not, never or no). */
static void whole_ruled_out_only_when_no_match(void **state)
{
    (void)state;
    static const vz_directive dirs[] = {{"keep", 0}};
    const char *text = "keep (?i:not|never|no)\n"
                       "keep (?:Deputy\\s+){0,2}(?:Minister|minister)\n"
                       "keep \\p{Ll}+ed|\\p{Ll}+ly\n";
    vz_ruleset fast, plain;
    assert_int_equal(vz_ruleset_build_for(&fast, "t.rules", text, strlen(text), dirs, 1, 0, 1, 0),
                     VZ_OK);
    assert_int_equal(vz_ruleset_build(&plain, "t.rules", text, strlen(text), dirs, 1, 0), VZ_OK);
    static const char *const words[] = {"not", "NOT", "No", "never", "nor", "the", "of", "n",
                                        "Deputy Minister", "minister", "Deputy", "walked", "Walked",
                                        "quickly", "\u00e9ed", "ed", "", "no one"};
    pcre2_match_data *md = pcre2_match_data_create(8, NULL);
    size_t ruled_out = 0;
    for (size_t i = 0; i < plain.n; i++)
        for (size_t j = 0; j < sizeof words / sizeof *words; j++) {
            size_t len = strlen(words[j]);
            int m = pcre2_match(plain.items[i].code, (PCRE2_SPTR)words[j], len, 0,
                                PCRE2_ANCHORED | PCRE2_ENDANCHORED, md, NULL);
            if (!vz_rule_may_be_whole(&fast.items[i], words[j], len)) {
                assert_int_equal(m, PCRE2_ERROR_NOMATCH);
                ruled_out++;
            }
        }
    assert_false(vz_rule_may_be_whole(&fast.items[0], "the", 3));
    assert_true(vz_rule_may_be_whole(&fast.items[0], "Never", 5));
    assert_true(ruled_out > 10);
    pcre2_match_data_free(md);
    vz_ruleset_free(&fast);
    vz_ruleset_free(&plain);
}

/* Every rule of fast finds what the same rule of plain, compiled as
 * written, finds in each of texts[0, n), from every character's offset. */
static void finds_as_plain(const vz_ruleset *fast, const vz_ruleset *plain,
                           const char *const *texts, size_t n)
{
    pcre2_match_data *md = pcre2_match_data_create(8, NULL), *pd = pcre2_match_data_create(8, NULL);
    for (size_t i = 0; i < plain->n; i++)
        for (size_t j = 0; j < n; j++) {
            const char *s = texts[j];
            size_t len = strlen(s);
            for (size_t off = 0; off <= len; off++) {
                int f = vz_rule_find(fast, &fast->items[i], s, len, off, md);
                int p = pcre2_match(plain->items[i].code, (PCRE2_SPTR)s, len, off, 0, pd, NULL);
                assert_int_equal(f, p);
                if (f > 0) {
                    assert_int_equal(pcre2_get_ovector_pointer(md)[0], pcre2_get_ovector_pointer(pd)[0]);
                    assert_int_equal(pcre2_get_ovector_pointer(md)[1], pcre2_get_ovector_pointer(pd)[1]);
                }
                while (off < len && ((unsigned char)s[off + 1] & 0xC0) == 0x80)
                    off++;
            }
        }
    pcre2_match_data_free(md);
    pcre2_match_data_free(pd);
}

/* A name list with a non-ASCII first letter among ASCII ones is grouped
 * by first character too (the code compiled differs from the list's as
 * written), and finds what the list as written finds; caseless, lists
 * with Å and å are left as they are. */
static void names_factored_by_any_first_character(void **state)
{
    (void)state;
    static const vz_directive dirs[] = {{"find", 0}};
    const char *text = "find (?<![\\w.])(?:\u00c5land\\s+Islands|\u00c9ire|\u00c9tats|Aruba|Angola|"
                       "Armenia|Albania|Andorra|Austria|Australia|Algeria|Zambia|\u00c5land|"
                       "\u00c5lesund|\u00c5lborg)(?!\\w)\n"
                       "find (?i:\u00e5bo|\u00c5land|aruba|angola|armenia)\n";
    vz_ruleset fast, plain;
    assert_int_equal(vz_ruleset_build_for(&fast, "t.rules", text, strlen(text), dirs, 1, 0, 1, 0),
                     VZ_OK);
    assert_int_equal(vz_ruleset_build(&plain, "t.rules", text, strlen(text), dirs, 1, 0), VZ_OK);
    size_t fsize, psize;
    pcre2_pattern_info(fast.items[0].code, PCRE2_INFO_SIZE, &fsize);
    pcre2_pattern_info(plain.items[0].code, PCRE2_INFO_SIZE, &psize);
    assert_true(fsize != psize);   /* rewritten, and the rewrite compiled */
    static const char *const texts[] = {"the \u00c5land Islands and Aruba", "\u00c5land", "\u00c9ire, \u00c9tats",
                                        "Armenian Angola", "xAruba \u00c5landers \u00c9tat", "\u00c5BO and \u00e5land",
                                        "ARUBA \u00c5bo", ""};
    finds_as_plain(&fast, &plain, texts, sizeof texts / sizeof *texts);
    pcre2_match_data *md = pcre2_match_data_create(8, NULL);
    assert_true(vz_rule_find(&fast, &fast.items[1], "x \u00c5BO", 6, 0, md) > 0);
    pcre2_match_data_free(md);
    vz_ruleset_free(&fast);
    vz_ruleset_free(&plain);
}

/* A rule's possible first two bytes: "top" and "spokes" before a name
 * make 't' and 's' starts only before 'o' and 'p'; and whatever the
 * pairs rule out, vz_rule_find finds what the plain code finds, from
 * every offset (one-byte matches, repeats, optional items, lookarounds).
 * The capitals (\p{Lu}) keep PCRE2 from finding starts of its own, so
 * that the anchored forms, which follow the pairs, run. */
static int second_has(const vz_starts *st, unsigned char c, unsigned char d)
{
    return (int)(st->second[st->row[c]][d >> 6] >> (d & 63) & 1);
}

static void rules_start_on_two_bytes(void **state)
{
    (void)state;
    static const vz_directive dirs[] = {{"find", 0}};
    const char *text = "find (?:(?:top|[Ss]pokes(?:man|woman))\\s+)?\\p{Lu}\\p{Ll}+(?:\\s+\\p{Lu}\\p{Ll}+)+\n"
                       "find (?:a|bc|\\p{Lu})+d\n"
                       "find (?:x(?=y)|ab?)c|q|\\p{Lu}\\.\n"
                       "find (?<![a-z])(?:un|re)?(?:do|go|\\p{Lu}o)\\b\n";
    vz_ruleset fast, plain;
    assert_int_equal(vz_ruleset_build_for(&fast, "t.rules", text, strlen(text), dirs, 1, 0, 1, 0),
                     VZ_OK);
    assert_int_equal(vz_ruleset_build(&plain, "t.rules", text, strlen(text), dirs, 1, 0), VZ_OK);
    for (size_t i = 0; i < fast.n; i++)
        assert_non_null(fast.items[i].anchored);
    const vz_starts *st = &fast.items[0].starts;
    assert_non_null(st->second);
    assert_true(second_has(st, 't', 'o'));
    assert_false(second_has(st, 't', 'h'));
    assert_false(second_has(st, 's', 'a'));
    assert_true(second_has(st, 'S', 'p'));
    assert_true(second_has(st, 'A', 'n'));
    st = &fast.items[1].starts;
    assert_true(second_has(st, 'a', 'd') && second_has(st, 'a', 'a') && second_has(st, 'a', 'b'));
    assert_false(second_has(st, 'a', 'c'));
    assert_true(second_has(st, 'b', 'c'));
    assert_false(second_has(st, 'b', 'd'));
    st = &fast.items[2].starts;
    assert_true(second_has(st, 'x', 'c') && second_has(st, 'a', 'b') && second_has(st, 'a', 'c'));
    assert_false(second_has(st, 'x', 'y'));
    assert_true(second_has(st, 'q', 'z'));   /* "q" is a whole match */
    static const char *const texts[] = {"the top Spokesman Ann Lee and spokes Bob Kay said",
                                        "Mr Top Gun, spokeswoman Eve Ray, topAnn Lee",
                                        "abd bcd aad abcbcd acd bd", "xc xyc abc ac aq qq A. AbA.",
                                        "undo redo go ago rego undog Undo unGo", "T", "AAd", ""};
    finds_as_plain(&fast, &plain, texts, sizeof texts / sizeof *texts);
    vz_ruleset_free(&fast);
    vz_ruleset_free(&plain);
}

/* vz_ruleset_build_req gives the literals of the kinds asked for only,
 * and no anchored forms: the plain code runs as it is. */
static void rules_ask_for_literals(void **state)
{
    (void)state;
    static const vz_directive dirs[] = {{"asked", 0}, {"other", 1}};
    const char *text = "asked ^\\W*how\\s+many\\b\nother ^\\W*when\\b\n";
    vz_ruleset rs;
    assert_int_equal(vz_ruleset_build_req(&rs, "t.rules", text, strlen(text), dirs, 2,
                                          PCRE2_CASELESS, 1), VZ_OK);
    assert_int_equal(rs.n, 2);
    assert_int_equal(rs.items[0].req.n, 1);
    assert_int_equal(rs.items[1].req.n, 0);
    assert_null(rs.items[0].anchored);
    assert_null(rs.items[0].whole);
    const char *q = "How Many died?";
    assert_true(vz_required_in(&rs.items[0].req, q, strlen(q)));
    q = "How much?";
    assert_false(vz_required_in(&rs.items[0].req, q, strlen(q)));
    assert_true(vz_required_in(&rs.items[1].req, q, strlen(q)));   /* nothing known */
    vz_ruleset_free(&rs);
}

/* Many rules' literals in one table (more than 64 rules, literals shared
 * between rules, caseless and exact, bytes that share a bucket) let
 * through exactly the rules vz_required_in lets through, on every text. */
/* The scan tests pairs of bytes as they stand (both cases of a caseless
 * literal's letters, one of a cased one's), and stops once every rule is
 * in: the same rules as vz_required_in either way. */
static void one_pass_cases_and_early_end(void **state)
{
    (void)state;
    static const char *const pats[] = {"(?i)ab", "cd", "(?i)efg"};
    vz_required rq[3];
    const vz_required *ptr[3];
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(vz_required_of(pats[i], strlen(pats[i]), 0, &rq[i]), VZ_OK);
        assert_int_equal(rq[i].n, 1);
        ptr[i] = &rq[i];
    }
    vz_litset ls;
    assert_int_equal(vz_litset_build(&ls, ptr, 3), VZ_OK);
    static const struct { const char *text; uint64_t rules; } cases[] = {
        {"xAB cd eFg", 7}, {"aB", 1}, {"Ab CD", 1}, {"cd Ab EFG ab", 7}, {"EF cd", 2},
        {"cdcd", 2}, {"efg", 4}, {"", 0},
    };
    for (size_t t = 0; t < sizeof cases / sizeof *cases; t++) {
        uint64_t maybe[1];
        const char *s = cases[t].text;
        vz_litset_scan(&ls, s, strlen(s), maybe);
        assert_int_equal(maybe[0], cases[t].rules);
        for (size_t i = 0; i < 3; i++)
            assert_int_equal((int)(maybe[0] >> i & 1), vz_required_in(&rq[i], s, strlen(s)));
    }
    vz_litset_free(&ls);
    for (size_t i = 0; i < 3; i++)
        vz_required_free(&rq[i]);
}

static void one_pass_filters_as_each_rule(void **state)
{
    (void)state;
    static const char *const base[] = {"(?i)report", "[Tt]he cat", "(?:red|green|blue) car",
                                       "café", "(?i:how)\\s+many", "Mr\\. Smith", "colou?r",
                                       "a.c", "(?i)best guess", "\\bbecause\\s+of\\b",
                                       "(?=[^,]*\\bpresident\\b)\\w+", "(?i:éclair)",
                                       "\\w+,\\s", "(?i)n\\d", "x|(?i:y)"};
    enum { NB = sizeof base / sizeof *base, NR = 150 };
    vz_required rq[NR];
    const vz_required *ptr[NR];
    for (size_t i = 0; i < NR; i++) {
        /* Rule i: a base pattern, or two in alternation. */
        char pat[256];
        if (i < NB)
            snprintf(pat, sizeof pat, "%s", base[i]);
        else
            snprintf(pat, sizeof pat, "(?:%s|%s)", base[i % NB], base[(i / NB + i) % NB]);
        assert_int_equal(vz_required_of(pat, strlen(pat), 0, &rq[i]), VZ_OK);
        ptr[i] = &rq[i];
    }
    vz_litset ls;
    assert_int_equal(vz_litset_build(&ls, ptr, NR), VZ_OK);
    assert_int_equal(ls.words, 3);
    static const char *const texts[] = {"REPORT of the Cat", "the cat and THE CAT", "a green car",
                                        "un café", "HOW  MANY?", "Mr. Smith said", "colour",
                                        "Best Guess", "because of the President", "ÉCLAIR éclair",
                                        "", "x", "because  of the president, Mr Smith", "N7",
                                        "Y", "y", "n", "a,b"};
    for (size_t t = 0; t < sizeof texts / sizeof *texts; t++) {
        uint64_t maybe[3];
        vz_litset_scan(&ls, texts[t], strlen(texts[t]), maybe);
        for (size_t i = 0; i < NR; i++) {
            int in = vz_required_in(&rq[i], texts[t], strlen(texts[t]));
            if ((int)(maybe[i / 64] >> (i & 63) & 1) != in)
                fail_msg("rule %zu on \"%s\": one pass %d, plain %d", i, texts[t], !in, in);
        }
    }
    vz_litset_free(&ls);
    for (size_t i = 0; i < NR; i++)
        vz_required_free(&rq[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(literals_are_found),
        cmocka_unit_test(filter_keeps_every_match),
        cmocka_unit_test(every_requirement_is_needed),
        cmocka_unit_test(rules_filter_the_same),
        cmocka_unit_test(names_factored_by_any_first_character),
        cmocka_unit_test(rules_start_on_two_bytes),
        cmocka_unit_test(whole_ruled_out_only_when_no_match),
        cmocka_unit_test(rules_ask_for_literals),
        cmocka_unit_test(one_pass_filters_as_each_rule),
        cmocka_unit_test(one_pass_cases_and_early_end),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
