/*
 * result.c - implements the result accessors of vzask.h and the JSON
 * object of `vzask ask --json` (schema 1, written with jansson).
 */
#include "result.h"
#include "question.h"

#include <jansson.h>
#include <stdlib.h>

static void free_answer(vz_answer *a)
{
    free(a->text);
    for (size_t i = 0; i < a->nitems; i++)
        free(a->items[i]);
    free(a->items);
    for (size_t i = 0; i < a->ncitations; i++) {
        vz_citation *c = &a->citations[i];
        free(c->doc);
        free(c->title);
        free(c->date);
        free(c->sentence);
    }
    free(a->citations);
}

void vz_result_free(vz_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nanswers; i++)
        free_answer(&r->answers[i]);
    free(r->answers);
    free(r->question);
    free(r->explain);
    free(r);
}

int vz_result_answered(const vz_result *r) { return r && r->nanswers > 0; }
const char *vz_result_type(const vz_result *r) { return vz_type_name(r ? r->type : 0); }
size_t vz_result_answer_count(const vz_result *r) { return r ? r->nanswers : 0; }
const char *vz_result_explain(const vz_result *r) { return r ? r->explain : NULL; }
void vz_free(void *p) { free(p); }

const vz_answer *vz_result_answer(const vz_result *r, size_t i)
{
    return r && i < r->nanswers ? &r->answers[i] : NULL;
}

const char *vz_answer_text(const vz_answer *a) { return a ? a->text : NULL; }
double vz_answer_confidence(const vz_answer *a) { return a ? a->confidence : 0; }
size_t vz_answer_item_count(const vz_answer *a) { return a ? a->nitems : 0; }
size_t vz_answer_citation_count(const vz_answer *a) { return a ? a->ncitations : 0; }

const char *vz_answer_item(const vz_answer *a, size_t i)
{
    return a && i < a->nitems ? a->items[i] : NULL;
}

const vz_citation *vz_answer_citation(const vz_answer *a, size_t i)
{
    return a && i < a->ncitations ? &a->citations[i] : NULL;
}

const char *vz_citation_doc(const vz_citation *c) { return c ? c->doc : NULL; }
const char *vz_citation_title(const vz_citation *c) { return c ? c->title : NULL; }
const char *vz_citation_date(const vz_citation *c) { return c ? c->date : NULL; }
const char *vz_citation_sentence(const vz_citation *c) { return c ? c->sentence : NULL; }
size_t vz_citation_start(const vz_citation *c) { return c ? c->start : 0; }
size_t vz_citation_end(const vz_citation *c) { return c ? c->end : 0; }

int vz_citation_answer_span(const vz_citation *c, size_t *start, size_t *end)
{
    if (!c || c->answer_end <= c->answer_start)
        return 0;
    if (start)
        *start = c->answer_start;
    if (end)
        *end = c->answer_end;
    return 1;
}

/* Append item (taken over) to arr; when anything is missing, drop both,
 * so that running out of memory gives NULL, never a shorter answer. */
static json_t *append(json_t *arr, json_t *item)
{
    if (arr && json_array_append_new(arr, item) == 0)
        return arr;
    if (!arr)
        json_decref(item);
    json_decref(arr);
    return NULL;
}

static json_t *citation_json(const vz_citation *c)
{
    json_t *o = json_pack("{s:s, s:s?, s:s?, s:s, s:I, s:I}", "doc", c->doc, "title", c->title,
                          "date", c->date, "sentence", c->sentence, "start", (json_int_t)c->start,
                          "end", (json_int_t)c->end);
    if (o && c->answer_end > c->answer_start) {
        json_object_set_new(o, "answer_start", json_integer((json_int_t)c->answer_start));
        json_object_set_new(o, "answer_end", json_integer((json_int_t)c->answer_end));
    }
    return o;
}

static json_t *answer_json(const vz_answer *a)
{
    json_t *cites = json_array();
    for (size_t i = 0; cites && i < a->ncitations; i++)
        cites = append(cites, citation_json(&a->citations[i]));
    json_t *o = json_pack("{s:s, s:f, s:o}", "text", a->text, "confidence",
                          (double)(long long)(a->confidence * 1000 + 0.5) / 1000, "citations", cites);
    if (o && a->nitems) {
        json_t *items = json_array();
        for (size_t i = 0; items && i < a->nitems; i++)
            items = append(items, json_string(a->items[i]));
        if (json_object_set_new(o, "items", items)) {
            json_decref(o);
            return NULL;
        }
    }
    return o;
}

/* The ask --json object without "id" (the CLI adds it when given one). */
char *vz_result_json(const vz_result *r)
{
    if (!r)
        return NULL;
    json_t *answers = json_array();
    for (size_t i = 0; answers && i < r->nanswers; i++)
        answers = append(answers, answer_json(&r->answers[i]));
    json_t *o = json_pack("{s:i, s:s, s:s, s:b, s:o}", "schema", 1, "question", r->question,
                          "type", vz_type_name(r->type), "answered", r->nanswers > 0,
                          "answers", answers);
    /* Asked with --explain, the analysis goes along (tools/ read it). */
    if (o && r->explain && json_object_set_new(o, "explain", json_string(r->explain))) {
        json_decref(o);
        return NULL;
    }
    char *s = o ? json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(12)) : NULL;
    json_decref(o);
    return s;
}
