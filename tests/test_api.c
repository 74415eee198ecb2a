/*
 * test_api.c - the public API of vzask.h: opening engines, asking, results
 * and their citations (every citation cuts its sentence, and its answer,
 * exactly out of the raw file), abstention, and the errors a caller can
 * meet.
 */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "vzask.h"

static char *tmp;

static int setup(void **state)
{
    char db[4096];
    tmp = ts_tmpdir();
    snprintf(db, sizeof db, "%s/api.db", tmp);
    vz_engine_options o = VZ_ENGINE_OPTIONS_INIT;
    o.corpus_dir = "corpus";
    o.index_path = db;
    vz_engine *e;
    assert_int_equal(vz_engine_open(&e, &o), VZ_OK);
    *state = e;
    return 0;
}

static int teardown(void **state)
{
    vz_engine_close(*state);
    ts_rmtree(tmp);
    free(tmp);
    return 0;
}

static vz_result *ask(vz_engine *e, const char *q)
{
    vz_result *r = NULL;
    assert_int_equal(vz_ask(e, q, strlen(q), NULL, &r), VZ_OK);
    assert_non_null(r);
    return r;
}

static void assert_citations_cut_the_file(const vz_answer *a)
{
    assert_true(vz_answer_citation_count(a) > 0);
    for (size_t i = 0; i < vz_answer_citation_count(a); i++) {
        const vz_citation *c = vz_answer_citation(a, i);
        size_t s = vz_citation_start(c), e = vz_citation_end(c), as, ae;
        const char *sentence = vz_citation_sentence(c);
        ts_assert_cut("corpus", vz_citation_doc(c), s, e, sentence, strlen(sentence));
        if (vz_citation_answer_span(c, &as, &ae)) {
            assert_true(s <= as && as < ae && ae <= e);
            const char *answer = sentence + (as - s);   /* the raw file's bytes, as cut above */
            if (vz_answer_item_count(a) == 0) {
                assert_memory_equal(answer, vz_answer_text(a), ae - as);
            } else {   /* a list gathered from several sentences: each names some items */
                char *span = strndup(answer, ae - as);
                int named = 0;
                for (size_t k = 0; k < vz_answer_item_count(a); k++)
                    named |= strstr(span, vz_answer_item(a, k)) != NULL;
                free(span);
                assert_true(named);
            }
        }
    }
}

static void answers_a_count_with_an_exact_citation(void **state)
{
    vz_result *r = ask(*state, "how many died in the Caracas strike");
    assert_true(vz_result_answered(r));
    assert_string_equal(vz_result_type(r), "count");
    const vz_answer *a = vz_result_answer(r, 0);
    assert_non_null(strstr(vz_answer_text(a), "40"));
    assert_true(vz_answer_confidence(a) > 0 && vz_answer_confidence(a) <= 1);
    assert_citations_cut_the_file(a);
    assert_null(vz_result_answer(r, 99));
    char *json = vz_result_json(r);
    assert_non_null(strstr(json, "\"answered\":true"));
    vz_free(json);
    vz_result_free(r);
}

static void abstains_when_the_corpus_does_not_say(void **state)
{
    vz_result *r = ask(*state, "Who won the 2014 Eurovision Song Contest?");
    assert_false(vz_result_answered(r));
    assert_int_equal(vz_result_answer_count(r), 0);
    char *json = vz_result_json(r);
    assert_non_null(strstr(json, "\"answers\":[]"));
    vz_free(json);
    vz_result_free(r);
}

static void list_answers_have_items(void **state)
{
    vz_result *r = ask(*state, "who recognized Guaidó");
    assert_true(vz_result_answered(r));
    assert_string_equal(vz_result_type(r), "list");
    const vz_answer *a = vz_result_answer(r, 0);
    assert_true(vz_answer_item_count(a) >= 3);
    assert_citations_cut_the_file(a);
    vz_result_free(r);
}

static void bad_calls_are_clear_errors(void **state)
{
    vz_engine *e = *state;
    vz_result *r = (vz_result *)1;
    assert_int_equal(vz_ask(e, NULL, 0, NULL, &r), VZ_EINVAL);
    assert_null(r);
    assert_int_equal(vz_ask(NULL, "x", 1, NULL, &r), VZ_EINVAL);
    assert_int_equal(vz_ask(e, "x", 1, NULL, NULL), VZ_EINVAL);
    assert_int_equal(vz_ask(e, "  \t\n", 4, NULL, &r), VZ_EINVAL);
    ts_assert_error("empty");
    assert_int_equal(vz_ask(e, "who\0is", 6, NULL, &r), VZ_EINVAL);
    ts_assert_error("NUL");
    assert_int_equal(vz_ask(e, "caf\xc3", 4, NULL, &r), VZ_EINVAL);
    ts_assert_error("UTF-8");
    size_t big = 1 << 20;
    char *q = malloc(big);
    memset(q, 'a', big);
    assert_int_equal(vz_ask(e, q, big, NULL, &r), VZ_EINVAL);
    free(q);
    vz_ask_options ao = VZ_ASK_OPTIONS_INIT;
    const char *docs[] = {"no-such-doc"};
    ao.docs = docs;
    ao.ndocs = 1;
    assert_int_equal(vz_ask(e, "who", 3, &ao, &r), VZ_EINVAL);
    ao.ndocs = 0;
    ao.version = 99;
    assert_int_equal(vz_ask(e, "who", 3, &ao, &r), VZ_EINVAL);
    vz_result_free(NULL);
    vz_engine_close(NULL);
    vz_free(NULL);
    assert_string_equal(vz_status_str(VZ_EINDEX), "index error");
}

/* Open an engine on a corpus of one document written for the test. */
static vz_engine *engine_on(const char *name, const char *text)
{
    /* These cases test the templates: an empty ranker leaves every
     * answer to them, those they would not give too (test_ranker.c
     * tests what the ranker adds). */
    char dir[4096];
    return ts_engine_on(tmp, name, text, "@sentences 3\n", dir);
}

/* "How many people" is not answered by a count of something else: the
 * same count is surer when it counts what was asked. */
static double first_confidence(vz_engine *e, const char *q, const char *expect)
{
    vz_ask_options o = VZ_ASK_OPTIONS_INIT;
    o.flags = VZ_ASK_NO_ABSTAIN;
    vz_result *r = NULL;
    assert_int_equal(vz_ask(e, q, strlen(q), &o, &r), VZ_OK);
    assert_true(vz_result_answered(r));
    assert_non_null(strstr(vz_answer_text(vz_result_answer(r, 0)), expect));
    double c = vz_answer_confidence(vz_result_answer(r, 0));
    vz_result_free(r);
    return c;
}

/* The result of asking q with flags (up to 3 answers). */
static vz_result *asked(vz_engine *e, const char *q, unsigned flags)
{
    vz_ask_options o = VZ_ASK_OPTIONS_INIT;
    o.flags = flags;
    vz_result *r = NULL;
    assert_int_equal(vz_ask(e, q, strlen(q), &o, &r), VZ_OK);
    return r;
}

/* The result of asking q with --explain, answered even when unsure. */
static vz_result *explained(vz_engine *e, const char *q)
{
    return asked(e, q, VZ_ASK_NO_ABSTAIN | VZ_ASK_EXPLAIN);
}

/* --explain ends with the features of the first answer, one key=value
 * line that tools/fit_confidence.py reads from the JSON of ask --jsonl. */
static void explain_shows_the_features_of_the_answer(void **state)
{
    (void)state;
    vz_engine *e = engine_on("featureline", "Harbour news\n\nThe council called for new "
                             "walls along the river.\n");
    const char *q = "what did the council call for";
    vz_result *r = explained(e, q);
    assert_non_null(strstr(vz_result_explain(r), "\nfeatures told=1.0000 "));
    assert_non_null(strstr(vz_result_explain(r), " own=1 "));
    char *json = vz_result_json(r);
    assert_non_null(strstr(json, "\"explain\":\"type description:demand"));
    vz_free(json);
    vz_result_free(r);
    vz_ask_options o = VZ_ASK_OPTIONS_INIT;
    o.flags = VZ_ASK_NO_ABSTAIN;
    assert_int_equal(vz_ask(e, q, strlen(q), &o, &r), VZ_OK);
    json = vz_result_json(r);
    assert_null(strstr(json, "\"explain\""));
    vz_free(json);
    vz_result_free(r);
    vz_engine_close(e);
}

/* An answer a template made for the question's label found has the form
 * of what was asked: it is surer than its sentence's share of the
 * question alone makes it ("flood" is not in the sentence). */
static void an_answer_of_its_own_form_is_surer(void **state)
{
    (void)state;
    vz_engine *e = engine_on("ownsure", "Harbour news\n\nThe council called for new "
                             "walls along the river.\n");
    const char *q = "what did the council call for after the flood";
    vz_result *r = explained(e, q);
    const char *f = strstr(vz_result_explain(r), "\nfeatures ");
    double told = 0, near = 0, fit = 0, share = 0;
    assert_non_null(f);
    assert_int_equal(sscanf(f, "\nfeatures told=%lf near=%lf fit=%lf share=%lf", &told, &near,
                            &fit, &share), 4);
    assert_non_null(strstr(f, " own=1 "));
    assert_true(told < 1);
    double plain = told * near * fit * (0.5 + 0.5 * share);
    assert_true(vz_answer_confidence(vz_result_answer(r, 0)) > 1.1 * plain);
    vz_result_free(r);
    vz_engine_close(e);
}

/* Asked without abstaining, q's first answer is exactly expect. */
static void assert_first_answer(vz_engine *e, const char *q, const char *expect)
{
    vz_ask_options o = VZ_ASK_OPTIONS_INIT;
    o.flags = VZ_ASK_NO_ABSTAIN;
    vz_result *r = NULL;
    assert_int_equal(vz_ask(e, q, strlen(q), &o, &r), VZ_OK);
    assert_true(vz_result_answered(r));
    assert_string_equal(vz_answer_text(vz_result_answer(r, 0)), expect);
    vz_result_free(r);
}

/* --explain shows that the sentence of text (the only document, "doc")
 * from `from` to its end covers all of q. */
static void assert_covers_all(vz_engine *e, const char *q, const char *text, const char *from)
{
    vz_result *r = explained(e, q);
    char line[128];
    size_t s = (size_t)(strstr(text, from) - text), n = strlen(text) - 1;
    snprintf(line, sizeof line, "coverage 1.00 near 1.00 passage 1.00  doc [%zu, %zu)", s, n);
    assert_non_null(strstr(vz_result_explain(r), line));
    vz_result_free(r);
}

static void a_count_of_another_noun_is_no_answer(void **state)
{
    (void)state;
    vz_engine *e = engine_on("counts", "The fair\n\nFour bands were at the fair on Saturday "
                             "to play for the people of the town.\n");
    vz_result *r = ask(e, "how many people were at the fair");
    assert_false(vz_result_answered(r));
    vz_result_free(r);
    assert_true(first_confidence(e, "how many people were at the fair", "Four") <
                first_confidence(e, "how many bands were at the fair", "Four"));
    vz_engine_close(e);
}

/* "Which countries has she visited" asks for the object of "visited": a
 * sentence without that verb tells something else of her, and its list is
 * less sure than the same list for a question whose verb is not checked. */
static void a_perfect_questions_verb_must_be_told(void **state)
{
    (void)state;
    vz_engine *e = engine_on("perfect_verb", "Anna Berg\n\nNorway and Chile recognised Anna Berg "
                             "as president on Monday.\n\nThe minister visited the harbour.\n");
    double perfect = first_confidence(e, "which countries has anna berg visited", "Norway");
    double simple = first_confidence(e, "which countries did anna berg visit", "Norway");
    assert_true(perfect < 0.75 * simple);
    assert_true(first_confidence(e, "which countries has anna berg been recognised by", "Norway") >
                0.9 * simple);
    vz_engine_close(e);
}

/* "... recognized him": a list in the sentence after the one naming the
 * person joins the list in a sentence that names him. */
static void lists_join_across_a_pronoun(void **state)
{
    (void)state;
    vz_engine *e = engine_on("lists", "Vote news\n\nAna Ruiz declared victory on Monday. "
                             "Several parties, including the Greens, the Liberals and Labour, "
                             "recognized her as mayor. Spain, Portugal and Italy recognized Ana "
                             "Ruiz on Tuesday.\n");
    vz_result *r = ask(e, "who recognized Ana Ruiz");
    assert_true(vz_result_answered(r));
    assert_string_equal(vz_result_type(r), "list");
    const char *t = vz_answer_text(vz_result_answer(r, 0));
    assert_non_null(strstr(t, "Portugal"));
    assert_non_null(strstr(t, "Liberals"));
    vz_result_free(r);
    vz_engine_close(e);
}

/* An answer cut after "not" would say the opposite of the text. */
static void a_negation_stays_in_the_answer(void **state)
{
    (void)state;
    vz_engine *e = engine_on("negation", "Mill news\n\nThe old mill will not be sold, the "
                             "council said on Monday.\n");
    vz_ask_options ao = VZ_ASK_OPTIONS_INIT;
    ao.flags = VZ_ASK_NO_ABSTAIN;
    ao.max_answers = 10;
    const char *q = "what will happen to the old mill";
    vz_result *r = NULL;
    assert_int_equal(vz_ask(e, q, strlen(q), &ao, &r), VZ_OK);
    assert_true(vz_result_answered(r));
    assert_string_equal(vz_answer_text(vz_result_answer(r, 0)), "not be sold");
    for (size_t i = 0; i < vz_result_answer_count(r); i++)
        assert_string_not_equal(vz_answer_text(vz_result_answer(r, i)), "sold");
    vz_result_free(r);
    vz_engine_close(e);
}

/* "The fair" after "the Millbrook Cheese Fair" is that fair: its sentence
 * covers "cheese" too, as --explain's coverage shows. */
static void the_kind_stands_for_the_name(void **state)
{
    (void)state;
    const char *text = "Fair news\n\nVisitors praised the Millbrook Cheese Fair on Monday. "
                       "The annual fair is held in the square on Saturday.\n";
    vz_engine *e = engine_on("definites", text);
    assert_covers_all(e, "when is the cheese fair held", text, "The annual fair");
    vz_engine_close(e);
}

/* "The bridge" after "the new Millbrook Bridge" is also the new one: a
 * name's modifiers after "the" carry over with it. */
static void the_kind_stands_for_the_name_with_its_modifiers(void **state)
{
    (void)state;
    const char *text = "Bridge news\n\nCrowds crossed the new Millbrook Bridge on Monday. "
                       "The bridge was opened by the mayor in May.\n";
    vz_engine *e = engine_on("modifiers", text);
    assert_covers_all(e, "when was the new bridge opened", text, "The bridge");
    vz_engine_close(e);
}

/* A title alone says nothing of what someone did, yet it is the answer
 * when a role is asked for. */
static void a_title_answers_only_a_role(void **state)
{
    (void)state;
    vz_engine *e = engine_on("titles", "Talks in Lisbon\n\nForeign Minister Anna Berg met "
                             "the envoys on Monday and expressed her gratitude to the hosts.\n");
    first_confidence(e, "what did Anna Berg express to the hosts", "gratitude");
    first_confidence(e, "What is Anna Berg's job?", "Foreign Minister");
    vz_engine_close(e);
}

/* "What do X and Y exchange" asks for the object of the verb, not for the
 * apposition between the subject and the verb. */
static void the_object_of_the_verb_answers_what(void **state)
{
    (void)state;
    vz_engine *e = engine_on("objects", "Talks in Lisbon\n\nBerg and Wells, old friends, "
                             "exchange letters.\n");
    first_confidence(e, "what do berg and wells exchange", "letters");
    vz_engine_close(e);
    /* An adverb of the question modifies its verb and is not the verb:
     * "constant contact" is no object of "constantly". */
    e = engine_on("adverbs", "Talks in Lisbon\n\nBerg and Wells are in constant contact, "
                  "and they also exchange letters.\n");
    first_confidence(e, "what do berg and wells constantly exchange", "letters");
    vz_engine_close(e);
}

/* "What did they urge them to show" asks for the object of its last verb,
 * as an unlabelled what-question does: a plain phrase there is sure. */
static void a_demand_is_the_object_of_its_verb(void **state)
{
    (void)state;
    vz_engine *e = engine_on("demanded", "Harbour dispute\n\nThe mayor urged both clubs to "
                             "show patience during the long dispute over the harbour.\n");
    assert_true(first_confidence(e, "what did the mayor urge the clubs to show", "patience") > 0.5);
    vz_engine_close(e);
}

/* A who-question takes a title alone as its answer ("the Treasurer
 * assumes the duties"): the person template made for it is no weak
 * role word. */
static void a_title_alone_answers_who(void **state)
{
    (void)state;
    vz_engine *e = engine_on("titled", "Club rules\n\nUnder the club charter, the Treasurer "
                             "assumes the duties of the chair when the chair resigns.\n");
    assert_true(first_confidence(e, "under the club charter who assumes the duties of the chair",
                                 "Treasurer") > 0.5);
    vz_engine_close(e);
}

/* "How did they describe X" asks for what news sets beside X: a quoted
 * epithet before it, a phrase after it and "as".  A quotation's speaker
 * named at its end speaks for its first sentence too. */
static void a_description_stands_beside_its_name(void **state)
{
    (void)state;
    vz_engine *e = engine_on("epithets", "Harbour talks\n\nThe port authority said the "
                             "talks with Norway were a clear waste of time.  Berg told reporters "
                             "that the town keeps in touch with its \"friend and partner\" "
                             "Norway.\n");
    first_confidence(e, "How did Berg describe Norway?", "friend and partner");
    vz_engine_close(e);
    e = engine_on("quoted", "Harbour talks\n\n\"Norway as a trusted neighbour has kept "
                  "the sea lanes open. We thank the Norwegian people for their long "
                  "friendship,\" Berg said in her speech on Monday.  Berg later praised the "
                  "mutual respect between the two ports.\n");
    first_confidence(e, "What did Berg call Norway in her speech?", "trusted neighbour");
    vz_engine_close(e);
}

/* "What did they call for" asks for a demand: what follows "called
 * for", not a phrase of a sentence that shares more of the question. */
static void a_demand_takes_its_own_form(void **state)
{
    (void)state;
    vz_engine *e = engine_on("demands", "Flood news\n\nOn Monday the town council saw "
                             "heavy rain flood the old harbour after the storm.  The council "
                             "called for new walls along the river.\n");
    first_confidence(e, "what did the town council call for after the harbour flood",
                     "new walls");
    vz_engine_close(e);
}

/* "Was he going to resign" asks for a yes or a no, which the reply's
 * first word gives, a stop word that alone is the answer. */
static void a_reply_answers_yes_or_no(void **state)
{
    (void)state;
    vz_engine *e = engine_on("replies", "Town hall\n\nAsked by reporters whether he was "
                             "going to resign after the vote, Mayor Jane Smith said \"No. I "
                             "will stay in office.\"\n");
    first_confidence(e, "Was the mayor going to resign after the vote?", "No");
    vz_engine_close(e);
}

/* "What kind of contact" asks about contact: the sentence that names it
 * answers, not one that only names the other words. */
static void a_kind_is_said_of_its_noun(void **state)
{
    (void)state;
    vz_engine *e = engine_on("kinds", "Harbour talks\n\nThe council said its talks with the "
                             "port were long and friendly.\n\nThe mayor of the town said she "
                             "keeps close contact with the port.\n");
    first_confidence(e, "what kind of contact does the council have with the port", "close");
    vz_engine_close(e);
}

/* The kind is the word that qualifies the noun, not the verb before it:
 * "maintained regular contact" answers "regular". */
static void the_kind_is_the_word_before_its_noun(void **state)
{
    (void)state;
    vz_engine *e = engine_on("kind-word", "Harbour talks\n\nThe mayor said she maintained "
                             "regular contact with the port.\n");
    assert_first_answer(e, "what kind of contact does the mayor have with the port", "regular");
    vz_engine_close(e);
}

/* The object of "what did X transfer" is a noun with its "of"
 * complement, not the noun alone. */
static void an_object_keeps_its_of_complement(void **state)
{
    (void)state;
    vz_engine *e = engine_on("of-object", "Harbour news\n\nIn May the council sold the old "
                             "mill and later transferred control of some of the harbour's "
                             "land in the east to the rowing club.\n");
    assert_first_answer(e, "what did the council transfer to the rowing club",
                        "control of some of the harbour's land");
    vz_engine_close(e);
}

/* "four other bands" counts bands: the noun after the stop words. */
static void a_count_counts_the_noun_after_other(void **state)
{
    (void)state;
    vz_engine *e = engine_on("others", "The fair\n\nFour other bands were at the fair on "
                             "Saturday to play for the people of the town.\n");
    assert_true(first_confidence(e, "how many people were at the fair", "Four") <
                0.5 * first_confidence(e, "how many bands were at the fair", "Four"));
    vz_engine_close(e);
}

/* A name whose initials a question writes ("US", "U.N.") is the
 * question's own entity, never its answer. */
static void initials_name_the_question_own_entity(void **state)
{
    (void)state;
    vz_engine *e = engine_on("initials", "Talks in Lisbon\n\nThe United Nations sent envoys "
                             "to the talks in Lisbon on Monday, officials said.\n");
    const char *questions[] = {"which organisation did the UN send envoys to",
                               "where did the U.N. send envoys"};
    for (size_t q = 0; q < 2; q++) {
        vz_ask_options ao = VZ_ASK_OPTIONS_INIT;
        ao.flags = VZ_ASK_NO_ABSTAIN;
        ao.max_answers = 5;
        vz_result *r = NULL;
        assert_int_equal(vz_ask(e, questions[q], strlen(questions[q]), &ao, &r), VZ_OK);
        assert_true(vz_result_answered(r));
        /* Nor any word of the name: "United" is the question's own too. */
        for (size_t i = 0; i < vz_result_answer_count(r); i++) {
            const char *t = vz_answer_text(vz_result_answer(r, i));
            assert_null(strstr(t, "United"));
            assert_null(strstr(t, "Nations"));
        }
        if (q == 1)
            assert_string_equal(vz_answer_text(vz_result_answer(r, 0)), "Lisbon");
        vz_result_free(r);
    }
    vz_engine_close(e);
}

/* A dateline says where the report was filed: its country is no place
 * of what the report tells. */
static void a_dateline_names_no_answer(void **state)
{
    (void)state;
    vz_engine *e = engine_on("dateline", "Farm fire\n\nRIVERTON, Canada, May 4 - A fire "
                             "started on Sunday at Olm Farm, officials said.\n");
    vz_ask_options ao = VZ_ASK_OPTIONS_INIT;
    ao.flags = VZ_ASK_NO_ABSTAIN;
    ao.max_answers = 10;
    const char *q = "where did the fire start";
    vz_result *r = NULL;
    assert_int_equal(vz_ask(e, q, strlen(q), &ao, &r), VZ_OK);
    assert_true(vz_result_answered(r));
    assert_string_equal(vz_answer_text(vz_result_answer(r, 0)), "Olm Farm");
    for (size_t i = 0; i < vz_result_answer_count(r); i++)
        assert_string_not_equal(vz_answer_text(vz_result_answer(r, i)), "Canada");
    vz_result_free(r);
    vz_engine_close(e);
}

/* A name right after the question's own word is what that word says of
 * it: a role in apposition ("manager Jane Doe") or a verb's object ("beat
 * Dunmore Town"), even in a sentence that covers less of the question
 * than one that names the club twice. */
static void a_name_after_the_question_word_answers(void **state)
{
    (void)state;
    vz_engine *e = engine_on("apposition", "Harbour Rovers finish third\n\n"
                             "Tom Baker scored twice for Harbour Rovers on Saturday as Harbour "
                             "Rovers beat Dunmore Town to finish third in the league.\n\n"
                             "Baker was spotted two years ago by manager Jane Doe on a tour of "
                             "the north.\n");
    const char *questions[] = {"who manages harbour rovers", "who did harbour rovers beat"};
    const char *answers[] = {"Jane Doe", "Dunmore Town"};
    for (size_t q = 0; q < 2; q++)
        assert_first_answer(e, questions[q], answers[q]);
    vz_engine_close(e);
}

static const char *first_answer(vz_engine *e, const char *q, char *buf, size_t n)
{
    vz_ask_options o = VZ_ASK_OPTIONS_INIT;
    o.flags = VZ_ASK_NO_ABSTAIN;
    vz_result *r = NULL;
    assert_int_equal(vz_ask(e, q, strlen(q), &o, &r), VZ_OK);
    assert_true(vz_result_answered(r));
    snprintf(buf, n, "%s", vz_answer_text(vz_result_answer(r, 0)));
    vz_result_free(r);
    return buf;
}

/* The agent of the question's verb in the passive answers who did it:
 * "owned by the harbour firm Gull Marine Company", though a person's name
 * stands in the sentence too and a firm's name is a person's answer only
 * as a fallback. */
static void the_agent_of_the_passive_answers_who(void **state)
{
    (void)state;
    char buf[256];
    vz_engine *e = engine_on("agent", "Ferry news\n\nCaptain Tom Baker said the old ferry, "
                             "owned by the harbour firm Gull Marine Company, would sail again on "
                             "Monday.\n");
    assert_string_equal(first_answer(e, "who owned the old ferry", buf, sizeof buf),
                        "Gull Marine Company");
    vz_engine_close(e);
}

/* News names a person once, then by a description of the role: "the
 * Portuguese leader" in the subject slot of the question's verb stands for
 * "Portuguese President Ana Costa", named before, and answers with that
 * name; --explain shows the reference resolved.  A rank the description
 * lacks makes another office. */
static void a_description_answers_with_its_name(void **state)
{
    (void)state;
    char buf[256];
    vz_engine *e = engine_on("coref-role", "Harbour talks\n\nPortuguese President Ana Costa "
                             "arrived in Lisbon on Monday.  Mayor Tom Baker said the Portuguese "
                             "leader was expected to open the new harbour on Friday.\n");
    const char *q = "who was expected to open the harbour";
    assert_string_equal(first_answer(e, q, buf, sizeof buf), "Ana Costa");
    vz_result *r = explained(e, q);
    assert_non_null(strstr(vz_result_explain(r),
                           "reference \"the Portuguese leader\" = \"Ana Costa\""));
    vz_result_free(r);
    vz_engine_close(e);
    /* A "Vice President" holds another office than "the president". */
    e = engine_on("coref-rank", "Harbour talks\n\nPresident Rui Sousa flew home on Sunday.  "
                  "Vice President Ana Costa arrived in Lisbon on Monday.  Mayor Tom Baker said "
                  "the president was expected to open the new harbour on Friday.\n");
    assert_string_equal(first_answer(e, q, buf, sizeof buf), "Rui Sousa");
    vz_engine_close(e);
}

/* The sentences of an article, and the spans a reference is looked up
 * in, are read from the analysis of the whole article, and those of an
 * article too long for that from their own: the two readings agree, the
 * reference resolved either way. */
static void a_long_article_reads_as_a_short_one(void **state)
{
    (void)state;
    const char *story = "Harbour talks\n\nPortuguese President Ana Costa arrived in Lisbon "
                        "on Monday.  Mayor Tom Baker said the Portuguese leader was expected "
                        "to open the new harbour on Friday.\n";
    const char *filler = "\nThe weather stayed mild over the hills, and farmers in the valley "
                         "cut their hay early this year.\n";
    size_t n = strlen(story), m = strlen(filler), len = n;
    char *text = malloc(n + 80000 + m + 1);
    assert_non_null(text);
    memcpy(text, story, n + 1);
    while (len <= 80000) {
        memcpy(text + len, filler, m + 1);
        len += m;
    }
    const char *q = "who was expected to open the harbour";
    for (int long_one = 0; long_one < 2; long_one++) {
        char buf[256];
        vz_engine *e = long_one ? engine_on("long-article", text)
                                : engine_on("short-article", story);
        assert_string_equal(first_answer(e, q, buf, sizeof buf), "Ana Costa");
        vz_result *r = explained(e, q);
        assert_non_null(strstr(vz_result_explain(r),
                               "reference \"the Portuguese leader\" = \"Ana Costa\""));
        vz_result_free(r);
        vz_engine_close(e);
    }
    free(text);
}

/* A name beside a noun the question takes as known is that thing: "the
 * ferry Mary Rose" is the ferry "who owned the ferry" asks about, not its
 * owner; the noun right after "who is" is what is asked, so "harbour
 * master Tom Baker" answers "who is the harbour master". */
static void a_name_beside_a_given_noun_is_that_thing(void **state)
{
    (void)state;
    char buf[256];
    vz_engine *e = engine_on("given", "Ferry news\n\nThe ferry Mary Rose sank off Gull Point "
                             "on Monday.  Divers reached the ferry Mary Rose, which sank in ten "
                             "metres of water, on Tuesday.  The old ferry, owned by the harbour "
                             "firm Gull Marine Company, had passed its last inspection in May.  "
                             "The crew were safe, said harbour master Tom Baker.\n");
    assert_string_equal(first_answer(e, "who owned the ferry that sank", buf, sizeof buf),
                        "Gull Marine Company");
    assert_string_equal(first_answer(e, "who is the harbour master", buf, sizeof buf),
                        "Tom Baker");
    vz_engine_close(e);
}

/* A role that is a synonym of the question's word, after the question's
 * own noun, names whom the question asks for: "festival director Jane
 * Roe" is in charge of the festival; the "town chief" is not. */
static void a_role_of_the_question_noun_answers(void **state)
{
    (void)state;
    char buf[256];
    vz_engine *e = engine_on("role-of", "Festival news\n\nThe harbour festival will open on "
                             "Friday, town chief Mayor Ann Lee said.  Mayor Ann Lee said the "
                             "harbour festival brought visitors to the town.  \"We are back,\" "
                             "said festival director Jane Roe.\n");
    assert_string_equal(first_answer(e, "who is in charge of the harbour festival", buf,
                                     sizeof buf), "Jane Roe");
    vz_engine_close(e);
}

/* A synonym of the question's common noun, capitalised inside a name, is
 * the name's word: "Investigation" of "Air Accident Investigation Branch"
 * does not make that name repeat "looking into", so it is a sure answer. */
static void a_capitalised_synonym_belongs_to_its_name(void **state)
{
    (void)state;
    vz_engine *e = engine_on("named-synonym", "Crash news\n\nThe Air Accident Investigation "
                             "Branch said it had sent inspectors to Port Gull to begin an "
                             "investigation into the crash.\n");
    assert_true(first_confidence(e, "which body is looking into the crash",
                                 "Air Accident Investigation Branch") > 0.6);
    vz_engine_close(e);
}

/* A synonym group may hold phrases: "in charge of" in a question is one
 * term, not "charge" ("charged" is no answer), and searches for
 * "director"; "heads" in a question finds "in charge of" in a text. */
static void a_phrase_is_one_term(void **state)
{
    (void)state;
    vz_engine *e = engine_on("phrases", "Riverside Fair opens on Friday\n\n"
                             "Police charged Tom Hart after the Riverside Fair last year.\n\n"
                             "Tom Hart said the Riverside Fair had changed.\n\n"
                             "Riverside Fair director Anna Cole said the fair would be bigger.\n\n"
                             "Mayor Sam Reid opened the Harbour Gala.\n\n"
                             "Sam Reid thanked the Harbour Gala volunteers.\n\n"
                             "Ben Ward is in charge of the Harbour Gala, which starts today.\n");
    const char *questions[] = {"who is in charge of the riverside fair", "who heads the harbour gala"};
    const char *answers[] = {"Anna Cole", "Ben Ward"};
    for (size_t q = 0; q < 2; q++)
        assert_first_answer(e, questions[q], answers[q]);
    vz_engine_close(e);
}

/* A name has no paraphrase: an article that never names the country a
 * question asks about does not answer it, though its sentence says the
 * rest.  "norway" in lower case may be any word; "Norway" is a name. */
static void an_article_without_the_asked_name_is_unsure(void **state)
{
    (void)state;
    vz_engine *e = engine_on("unnamed", "Ships in port\n\nDenmark sent three warships to "
                             "the port of Kiel on Monday, officials said.\n");
    double named = first_confidence(e, "how many warships did Norway send to Kiel", "three");
    double plain = first_confidence(e, "how many warships did norway send to Kiel", "three");
    assert_true(named < 0.75 * plain);
    /* The name said elsewhere in the article is the article's subject. */
    vz_engine *f = engine_on("named", "Ships in port\n\nNorway watched the port of Kiel.  "
                             "Denmark sent three warships to the port of Kiel on Monday, "
                             "officials said.\n");
    double elsewhere = first_confidence(f, "how many warships did Norway send to Kiel", "three");
    assert_true(elsewhere > 0.75 * plain);
    vz_engine_close(f);
    vz_engine_close(e);
}

/* News names someone once, then says "it" or "he": the name in the
 * sentence before the answer's is as good as in it; further off it is
 * only the article's. */
static void a_name_in_the_sentence_before_counts(void **state)
{
    (void)state;
    const char *q = "how many warships did Norway send to Kiel";
    vz_engine *e = engine_on("before", "Ships in port\n\nNorway's navy was on exercise.  "
                             "It sent three warships to the port of Kiel on Monday.  "
                             "Officials were pleased.\n");
    vz_engine *f = engine_on("after", "Ships in port\n\nThe navy was on exercise.  "
                             "It sent three warships to the port of Kiel on Monday.  "
                             "Officials were pleased.  Norway's navy is small.\n");
    assert_true(first_confidence(e, q, "three") > 1.1 * first_confidence(f, q, "three"));
    vz_engine_close(f);
    vz_engine_close(e);
}

/* "asked the mayor to open the bridge" does not say the bridge opened:
 * such a sentence may name an answer but never makes it sure. */
static void a_hedged_sentence_makes_no_answer_sure(void **state)
{
    (void)state;
    vz_engine *e = engine_on("hedged", "The bridge\n\nOn Monday the council asked the "
                             "mayor to open the new bridge over the river.\n");
    assert_true(first_confidence(e, "when did the mayor open the new bridge", "Monday") < 0.1);
    vz_engine_close(e);
    /* A modal's own verb is what was asked ("would pay for" answers "will
     * spend on", money spent on a thing paying for it); a negated one is
     * not. */
    e = engine_on("negated", "Club news\n\nThe chairman said the money would pay for new "
                  "floodlights.  \"The club is not going to spend the money on one player,\" "
                  "he said.\n");
    first_confidence(e, "what will the club spend the money on", "floodlights");
    vz_engine_close(e);
    /* A worry is of what could happen: "could" answers "why are they
     * worried" as surely as "did" answers what happened. */
    e = engine_on("worried", "Orchard news\n\nThe growers said a late frost could ruin the "
                  "apple crop this year.\n");
    assert_true(first_confidence(e, "why are the growers worried about the apple crop", "") > 0.1);
    vz_engine_close(e);
}

/* "Who was among the dead" asks for members of a group, which news gives
 * by their kind; a list of names in the next sentence is another list. */
static void a_list_of_kinds_takes_no_names(void **state)
{
    (void)state;
    vz_engine *e = engine_on("members", "Flood news\n\nAt least 12 people died in the flood on "
                             "Monday, including farmers and children. China, Japan, Korea and "
                             "other neighbours sent aid for the flood.\n");
    vz_result *r = asked(e, "who was among the dead in the flood", VZ_ASK_NO_ABSTAIN);
    assert_string_equal(vz_result_type(r), "list");
    assert_true(vz_result_answered(r));
    assert_string_equal(vz_answer_text(vz_result_answer(r, 0)), "farmers and children");
    vz_result_free(r);
    vz_engine_close(e);
}

/* A title shares its stem with the question's word but is not that word:
 * "the Vice President" answers "who takes over the presidency". */
static void a_title_is_not_the_question_word(void **state)
{
    (void)state;
    vz_engine *e = engine_on("offices", "Succession\n\nUnder the charter, the Vice President "
                             "assumes the presidency when the post falls vacant.\n");
    assert_first_answer(e, "under the charter who takes over the presidency", "Vice President");
    vz_engine_close(e);
}

/* "How long is the bridge" asks for a length: a duration found nearer
 * the question's words measures something else. */
static void a_quantity_is_in_the_unit_asked(void **state)
{
    (void)state;
    vz_engine *e = engine_on("units", "Bridge news\n\nThe new Mill Bridge over the Avon "
                             "opened to traffic on Monday, six weeks later than planned.\n\n"
                             "Work on the new bridge over the Avon began in 2021.\n\n"
                             "The 90-metre bridge carries two lanes.\n");
    assert_first_answer(e, "how long is the new bridge over the avon", "90-metre");
    vz_engine_close(e);
}

/* "Which Nordic country" asks for a member of that class of countries,
 * which the data lists: the others the sentence names are not asked. */
static void a_class_word_restricts_the_answer(void **state)
{
    (void)state;
    vz_engine *e = engine_on("classes", "Aid news\n\nNorway, France and Germany sent aid to "
                             "the port on Monday.\n");
    assert_first_answer(e, "which country sent aid to the port", "Germany");
    assert_first_answer(e, "which Nordic country sent aid to the port", "Norway");
    vz_engine_close(e);
}

/* "At which organisation" is answered by the name after "at": the question's
 * opening preposition is the one news writes before the answer. */
static void the_question_preposition_precedes_the_answer(void **state)
{
    (void)state;
    vz_engine *e = engine_on("preps", "Talks news\n\nEnvoys of the Harbour Agency held talks "
                             "with the Port Agency at the Trade Agency on Monday.\n");
    assert_first_answer(e, "which organization did the envoys hold talks", "Harbour Agency");
    assert_first_answer(e, "at which organization did the envoys hold talks", "Trade Agency");
    assert_first_answer(e, "with which organization did the envoys hold talks", "Port Agency");
    vz_engine_close(e);
}

/* News names the holder of a role once beside the role and tells the
 * rest by name, in sentences without the question's words: the name is
 * searched for again, and stands there for what the question says of
 * the role's holder.  Who holds the role is the name itself. */
static void a_role_leads_to_its_holder_name(void **state)
{
    (void)state;
    vz_engine *e = engine_on("hops", "Quarry accident\n\nA quarry worker died on Monday when a "
                             "wall of rock fell on his digger near the village of Ashby, the "
                             "police said.\n\nThe council closed the road to Ashby for two days "
                             "while engineers checked the rest of the quarry face, and buses "
                             "took another route.\n\nTom Pell, 34, a father of two from Ashby, "
                             "had driven the digger for eleven years, his family said.\n\nThe "
                             "inquest into the death of quarry worker Tom Pell will open in "
                             "June, the coroner said.\n");
    assert_first_answer(e, "How old was the quarry worker who died?", "34");
    assert_first_answer(e, "Who was the quarry worker who died?", "Tom Pell");
    vz_engine_close(e);
}

/* What a sentence sets apart ("excluding Chile") answers a question of
 * who did not do what it says, and not one of who did. */
static void a_negated_question_asks_what_is_set_apart(void **state)
{
    (void)state;
    vz_engine *e = engine_on("set-apart", "Trade news\n\nThe Harbour League and the members "
                             "of the Andes Group (excluding the Port Agency) signed the trade "
                             "deal on Monday.\n");
    assert_first_answer(e, "Which Andes Group member did not sign the trade deal?", "Port Agency");
    char buf[256];
    assert_string_not_equal(first_answer(e, "Which organization signed the trade deal?", buf,
                                         sizeof buf), "Port Agency");
    vz_engine_close(e);
}

/* Where one was when one spoke is the place beside the verb of saying;
 * a place in another form is where something else was. */
static void where_one_spoke_is_beside_the_saying(void **state)
{
    (void)state;
    vz_engine *e = engine_on("speaker", "Talks news\n\nThe talks in Oslo had failed, the "
                             "minister said in Lisbon on Friday.  The minister said talks in "
                             "Oslo had failed before, in Oslo in May.\n");
    assert_first_answer(e, "where was the minister when he said the talks had failed", "Lisbon");
    vz_engine_close(e);
}

/* Candidates whose sentences tell none of the question score nothing; the
 * confidence of the best is still a number in [0, 1], not 0/0. */
static void answers_scoring_nothing_have_a_confidence(void **state)
{
    (void)state;
    vz_engine *e = engine_on("zeros", "Music news\n\nThe score was written by Anna Berg and "
                             "Tom Wells. Berg took charge of the songs, with Rui Costa as the "
                             "supervisor.\n");
    const char *docs[] = {"doc"};
    vz_ask_options o = VZ_ASK_OPTIONS_INIT;
    o.flags = VZ_ASK_NO_ABSTAIN;
    o.docs = docs;
    o.ndocs = 1;
    const char *q = "Who was in charge of overseeing audio production?";
    vz_result *r = NULL;
    assert_int_equal(vz_ask(e, q, strlen(q), &o, &r), VZ_OK);
    assert_true(vz_result_answer_count(r) >= 2);
    for (size_t i = 0; i < vz_result_answer_count(r); i++) {
        double c = vz_answer_confidence(vz_result_answer(r, i));
        assert_true(c >= 0 && c <= 1);   /* false for NaN */
    }
    vz_result_free(r);
    vz_engine_close(e);
}

static void opening_errors(void **state)
{
    (void)state;
    vz_engine *e = (vz_engine *)1;
    vz_engine_options o = VZ_ENGINE_OPTIONS_INIT;
    o.corpus_dir = "/nonexistent/corpus";
    o.index_path = "/tmp/vz-never-made.db";
    assert_int_equal(vz_engine_open(&e, &o), VZ_ECORPUS);
    assert_null(e);
    ts_assert_error("/nonexistent/corpus");
    o.version = 7;
    assert_int_equal(vz_engine_open(&e, &o), VZ_EINVAL);
    assert_int_equal(vz_engine_open(NULL, NULL), VZ_EINVAL);
}

/* A person named with one title holds that office, not the one asked
 * about: a foreign minister is no prime minister. */
static void a_name_with_another_title_holds_no_asked_office(void **state)
{
    (void)state;
    vz_engine *e = engine_on("office", "Talks in Lisbon\n\nThe prime minister was away, so "
                             "Foreign Minister Anna Berg opened the talks.\n");
    double other = first_confidence(e, "Who is the prime minister?", "Berg");
    double own = first_confidence(e, "Who is the foreign minister?", "Berg");
    assert_true(other < 0.1);
    assert_true(own > 0.4);
    vz_engine_close(e);
}

/* A count counts what its own verb says befell them: the killed are not
 * the injured. */
static void a_count_is_of_what_its_verb_says(void **state)
{
    (void)state;
    vz_engine *e = engine_on("fates", "Storm news\n\nAt least 40 people were killed in the "
                             "storm on Monday.\n");
    assert_true(first_confidence(e, "how many people were injured in the storm", "40") < 0.1);
    assert_true(first_confidence(e, "how many people died in the storm", "40") > 0.4);
    vz_engine_close(e);
}

/* A quantity in another unit measures something else: a duration is no
 * price, however close it stands to the question's words. */
static void a_quantity_of_another_unit_is_no_answer(void **state)
{
    (void)state;
    vz_engine *e = engine_on("price-unit", "Air news\n\nThe planes flew for 22 hours over the "
                             "fire on Monday.\n");
    assert_true(first_confidence(e, "how much did it cost to fly the planes over the fire",
                                 "22") < 0.1);
    assert_true(first_confidence(e, "how long did the planes fly over the fire", "22") > 0.4);
    vz_engine_close(e);
}

/* An office is held by a person, not by a club. */
static void a_body_holds_no_office(void **state)
{
    (void)state;
    vz_engine *e = engine_on("holder", "Sport news\n\nThe club's new striker will come from "
                             "Harbour Rovers, the manager said.\n");
    assert_true(first_confidence(e, "who is the club's new striker", "Harbour Rovers") < 0.15);
    vz_engine_close(e);
}

/* An answer is one however its sentences quote and punctuate it: the
 * plain sighting and the quoted one (curly quotes, a full stop: the key of
 * a text that is not all ASCII is made another way) are one answer, with
 * both sentences cited. */
static void an_answer_is_one_however_quoted(void **state)
{
    (void)state;
    vz_engine *e = engine_on("spelt", "Ships in port\n\nThe trawler was bought by Kirkby Rovers "
                             "on Monday, officials said.  On Friday the trawler was bought by "
                             "\xe2\x80\x9cKirkby Rovers.\xe2\x80\x9d again, its captain said.\n");
    vz_result *r = asked(e, "who bought the trawler", VZ_ASK_NO_ABSTAIN);
    assert_int_equal(vz_result_answer_count(r), 1);
    const vz_answer *a = vz_result_answer(r, 0);
    assert_string_equal(vz_answer_text(a), "Kirkby Rovers");
    assert_int_equal(vz_answer_citation_count(a), 2);
    vz_result_free(r);
    vz_engine_close(e);
}

/* The passages --explain lists for a question every paragraph of a
 * document answers: per paragraph sentences of "The ferry sailed ...". */
static size_t passages_read(const char *name, size_t paragraphs, size_t sentences)
{
    static char text[16384];
    size_t n = (size_t)snprintf(text, sizeof text, "Ferry news\n\n");
    for (size_t p = 0; p < paragraphs; p++) {
        for (size_t s = 0; s < sentences; s++)
            n += (size_t)snprintf(text + n, sizeof text - n,
                                  "The ferry sailed to harbour %zu on day %zu.  ", p + 1, s + 1);
        n += (size_t)snprintf(text + n, sizeof text - n, "\n\n");
    }
    assert_true(n < sizeof text);
    vz_engine *e = engine_on(name, text);
    const char *q = "where did the ferry sail";
    vz_result *r = explained(e, q);
    size_t read = 0;
    for (const char *x = vz_result_explain(r); (x = strstr(x, "\npassage ")) != NULL; x++)
        read++;
    vz_result_free(r);
    vz_engine_close(e);
    return read;
}

/* Candidates come from the best passages, up to 15 of them, but no more
 * once 40 sentences are read: a long paragraph counts as several short. */
static void long_passages_are_read_fewer(void **state)
{
    (void)state;
    assert_int_equal(passages_read("short-paras", 20, 1), 15);
    assert_int_equal(passages_read("long-paras", 12, 5), 8);
    assert_int_equal(passages_read("odd-paras", 12, 6), 7);   /* the seventh passes 40 */
}

/* A description stands for the key terms of its name: "the Portuguese
 * leader" is Ana Costa when the question names her.  Those terms are
 * read the first time from the article, later from the reader's memo of
 * the reference: the question asked again answers the same. */
static void a_description_holds_its_name_terms_every_time(void **state)
{
    (void)state;
    char first[256], again[256];
    vz_engine *e = engine_on("coref-keys", "Harbour talks\n\nPortuguese President Ana Costa "
                             "arrived in Lisbon on Monday.  Mayor Tom Baker said the Portuguese "
                             "leader was expected to open the new harbour on Friday.\n");
    const char *q = "what was Ana Costa expected to open";
    first_answer(e, q, first, sizeof first);
    first_answer(e, q, again, sizeof again);
    assert_string_equal(first, again);
    assert_non_null(strstr(first, "harbour"));
    vz_ask_options o = VZ_ASK_OPTIONS_INIT;
    o.flags = VZ_ASK_NO_ABSTAIN | VZ_ASK_EXPLAIN;
    vz_result *r = NULL;
    assert_int_equal(vz_ask(e, q, strlen(q), &o, &r), VZ_OK);
    assert_non_null(strstr(vz_result_explain(r),
                           "reference \"the Portuguese leader\" = \"Ana Costa\""));
    vz_result_free(r);
    vz_engine_close(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(answers_a_count_with_an_exact_citation),
        cmocka_unit_test(abstains_when_the_corpus_does_not_say),
        cmocka_unit_test(list_answers_have_items),
        cmocka_unit_test(bad_calls_are_clear_errors),
        cmocka_unit_test(answers_scoring_nothing_have_a_confidence),
        cmocka_unit_test(initials_name_the_question_own_entity),
        cmocka_unit_test(a_count_of_another_noun_is_no_answer),
        cmocka_unit_test(the_kind_stands_for_the_name),
        cmocka_unit_test(the_kind_stands_for_the_name_with_its_modifiers),
        cmocka_unit_test(lists_join_across_a_pronoun),
        cmocka_unit_test(a_negation_stays_in_the_answer),
        cmocka_unit_test(a_name_after_the_question_word_answers),
        cmocka_unit_test(a_dateline_names_no_answer),
        cmocka_unit_test(a_title_answers_only_a_role),
        cmocka_unit_test(the_object_of_the_verb_answers_what),
        cmocka_unit_test(a_demand_is_the_object_of_its_verb),
        cmocka_unit_test(a_title_alone_answers_who),
        cmocka_unit_test(a_kind_is_said_of_its_noun),
        cmocka_unit_test(the_kind_is_the_word_before_its_noun),
        cmocka_unit_test(an_object_keeps_its_of_complement),
        cmocka_unit_test(a_description_stands_beside_its_name),
        cmocka_unit_test(a_demand_takes_its_own_form),
        cmocka_unit_test(a_reply_answers_yes_or_no),
        cmocka_unit_test(a_phrase_is_one_term),
        cmocka_unit_test(the_agent_of_the_passive_answers_who),
        cmocka_unit_test(a_name_beside_a_given_noun_is_that_thing),
        cmocka_unit_test(a_role_of_the_question_noun_answers),
        cmocka_unit_test(a_role_leads_to_its_holder_name),
        cmocka_unit_test(a_negated_question_asks_what_is_set_apart),
        cmocka_unit_test(where_one_spoke_is_beside_the_saying),
        cmocka_unit_test(a_capitalised_synonym_belongs_to_its_name),
        cmocka_unit_test(a_count_counts_the_noun_after_other),
        cmocka_unit_test(an_article_without_the_asked_name_is_unsure),
        cmocka_unit_test(a_name_in_the_sentence_before_counts),
        cmocka_unit_test(a_hedged_sentence_makes_no_answer_sure),
        cmocka_unit_test(a_list_of_kinds_takes_no_names),
        cmocka_unit_test(a_title_is_not_the_question_word),
        cmocka_unit_test(a_quantity_is_in_the_unit_asked),
        cmocka_unit_test(a_class_word_restricts_the_answer),
        cmocka_unit_test(a_perfect_questions_verb_must_be_told),
        cmocka_unit_test(the_question_preposition_precedes_the_answer),
        cmocka_unit_test(explain_shows_the_features_of_the_answer),
        cmocka_unit_test(an_answer_of_its_own_form_is_surer),
        cmocka_unit_test(a_name_with_another_title_holds_no_asked_office),
        cmocka_unit_test(a_count_is_of_what_its_verb_says),
        cmocka_unit_test(a_quantity_of_another_unit_is_no_answer),
        cmocka_unit_test(a_body_holds_no_office),
        cmocka_unit_test(a_description_answers_with_its_name),
        cmocka_unit_test(a_long_article_reads_as_a_short_one),
        cmocka_unit_test(opening_errors),
        cmocka_unit_test(an_answer_is_one_however_quoted),
        cmocka_unit_test(long_passages_are_read_fewer),
        cmocka_unit_test(a_description_holds_its_name_terms_every_time),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
