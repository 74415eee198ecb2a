/*
 * test_question.c - question analysis: the answer type and focus of every
 * case in tests/data/question.cases, the cue span, and bad rules.
 */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data.h"
#include "question.h"
#include "util.h"

static vz_qrules *load_rules(void)
{
    vz_data d;
    vz_qrules *qr;
    assert_int_equal(vz_data_load(NULL, "question.rules", &d), VZ_OK);
    assert_int_equal(vz_qrules_new(&qr, d.text, d.len), VZ_OK);
    vz_data_release(&d);
    return qr;
}

/* Split a case line at tabs into at most n fields. */
static size_t split_tabs(char *line, char **f, size_t n)
{
    size_t k = 0;
    for (char *p = line; k < n; k++) {
        f[k] = p;
        p = strchr(p, '\t');
        if (!p) {
            k++;
            break;
        }
        *p++ = '\0';
    }
    return k;
}

static void every_case_gets_its_type_and_focus(void **state)
{
    (void)state;
    vz_qrules *qr = load_rules();
    size_t len;
    char *text = ts_read("tests/data/question.cases", &len);
    assert_non_null(text);
    int cases = 0, failed = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        if (line[0] == '#' || !line[0])
            continue;
        char *f[3];
        assert_int_equal(split_tabs(line, f, 3), 3);
        vz_qtype t;
        assert_int_equal(vz_question_type(qr, f[0], strlen(f[0]), &t), VZ_OK);
        char focus[128] = "-";
        if (t.focus_end > t.focus_start)
            snprintf(focus, sizeof focus, "%.*s", (int)(t.focus_end - t.focus_start),
                     f[0] + t.focus_start);
        char type[64];   /* TYPE, or TYPE:LABEL when the rule has a label */
        snprintf(type, sizeof type, "%s%s%s", vz_type_name(t.type), t.label[0] ? ":" : "",
                 t.label);
        cases++;
        if (strcmp(type, f[1]) != 0 || strcmp(focus, f[2]) != 0) {
            failed++;
            print_message("question.cases: '%s': got %s/%s, want %s/%s\n", f[0], type, focus,
                          f[1], f[2]);
        }
    }
    print_message("%d question cases, %d failed\n", cases, failed);
    assert_true(cases >= 35);
    assert_int_equal(failed, 0);
    free(text);
    vz_qrules_free(qr);
}

static void cue_covers_the_asking_words(void **state)
{
    (void)state;
    vz_qrules *qr = load_rules();
    const char *q = "How many people died in the flood";
    vz_qtype t;
    assert_int_equal(vz_question_type(qr, q, strlen(q), &t), VZ_OK);
    assert_int_equal(t.cue_start, 0);
    assert_int_equal(t.cue_end, strlen("How many"));
    assert_true(t.rule_line > 0);
    const char *none = "Bananas are yellow";
    assert_int_equal(vz_question_type(qr, none, strlen(none), &t), VZ_OK);
    assert_int_equal(t.type, VZ_TYPE_UNKNOWN);
    assert_int_equal(t.rule_line, 0);
    vz_qrules_free(qr);
}

static void bad_rules_are_clear_errors(void **state)
{
    (void)state;
    vz_qrules *qr;
    const char *bad = "count ^how many\nanswer ^what\n";
    assert_int_equal(vz_qrules_new(&qr, bad, strlen(bad)), VZ_EINVAL);
    assert_null(qr);
    ts_assert_error("question.rules line 2: unknown directive 'answer'");
    assert_string_equal(vz_type_name(VZ_TYPE_LIST), "list");
    assert_string_equal(vz_type_name(99), "unknown");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_case_gets_its_type_and_focus),
        cmocka_unit_test(cue_covers_the_asking_words),
        cmocka_unit_test(bad_rules_are_clear_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
