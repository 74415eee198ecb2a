/*
 * cli_train.c - `vzask train FILE`: learns the span ranker's weights from
 * a SQuAD file's questions (softmax regression over each question's spans,
 * the spans whose text is a gold answer the right ones) and writes them as
 * a ranker.weights file, which `--data DIR` or a rebuild with it in data/
 * puts to use.
 */
#include "cli.h"
#include "engine.h"
#include "squad_metrics.h"
#include "util.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage_train[] =
    "usage: vzask train FILE [--out FILE] [--epochs N] [--rate R] [--l2 L] [--open]\n"
    "                   [--articles A-B] [--sample N] [--seed S] [--limit N] [--data DIR]\n"
    "\n"
    "Learn the span ranker's weights from a SQuAD v1.1 or v2.0 FILE: each question\n"
    "is asked (of its own paragraph, or with --open of every paragraph), the spans\n"
    "the ranker reads are scored, and softmax regression (AdaGrad, L2) makes the\n"
    "spans whose text is a gold answer more likely.  Prints the loss and the share\n"
    "of questions whose best span was right, per epoch.\n"
    "\n"
    "  --out FILE      where the weights go (default ranker.weights); put the file in\n"
    "                  data/ and rebuild, or in a folder given to --data, to use it\n"
    "  --epochs N      passes over the questions (default 5)\n"
    "  --rate R        AdaGrad's learning rate (default 0.1)\n"
    "  --l2 L          L2 penalty per step (default 1e-3)\n"
    "  --articles A-B  train on these articles only (tune on some, report on others)\n"
    "  --sample N, --seed S, --limit N   as for eval\n"
    "\n"
    "exit status: 0 written, 2 usage, 3 file or corpus error, 4 internal error.\n";

#define DEFAULT_EPOCHS 5
#define DEFAULT_RATE 0.1
#define DEFAULT_L2 1e-3
#define MIN_WEIGHT 1e-3

typedef struct {
    vz_ranker *model;
    double rate, l2;
    const cli_squad_item *item;
    unsigned char *gold;
    size_t capgold;
    /* this epoch */
    double loss, right, reachable, asked;
} training;

static int count(void *ctx, const vz_rk_sentence *sent, size_t nsent, const vz_rk_spans *sp)
{
    (void)sent;
    (void)nsent;
    training *t = ctx;
    t->asked++;
    return vz_ranker_count(t->model, sp);
}

static int learn(void *ctx, const vz_rk_sentence *sent, size_t nsent, const vz_rk_spans *sp)
{
    (void)nsent;
    training *t = ctx;
    void *p = t->gold;
    if (vz_grow(&p, &t->capgold, sp->n + 1, 1))
        return vz_fail(VZ_ENOMEM, "out of memory");
    t->gold = p;
    int any = 0;
    for (size_t k = 0; k < sp->n; k++) {
        const vz_rk_span *s = &sp->span[k];
        char *text = vz_strndup(sent[s->sent].text + s->start, s->end - s->start);
        if (!text)
            return vz_fail(VZ_ENOMEM, "out of memory");
        t->gold[k] = 0;
        for (size_t g = 0; g < t->item->ngold && !t->gold[k]; g++)
            t->gold[k] = (unsigned char)vz_squad_exact(text, t->item->golds[g]);
        any |= t->gold[k];
        free(text);
    }
    t->asked++;
    if (!any)
        return VZ_OK;
    t->reachable++;
    t->right += t->gold[0];
    double loss;
    int rc = vz_ranker_train_step(t->model, sp, t->gold, t->rate, t->l2, &loss);
    t->loss += loss;
    return rc;
}

/* A reproducible shuffle (the same LCG for any libc). */
static void shuffle(size_t *order, size_t n, unsigned long long *state)
{
    for (size_t i = n; i > 1; i--) {
        *state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
        size_t j = (size_t)((*state >> 33) % i);
        size_t t = order[i - 1];
        order[i - 1] = order[j];
        order[j] = t;
    }
}

static int epoch(vz_engine *e, const options *o, const cli_squad_items *it, const size_t *order,
                 training *t, vz_rk_names *names, int counting)
{
    vz_span_hook hook = {t->model, names, counting ? count : learn, t};
    t->loss = t->right = t->reachable = t->asked = 0;
    for (size_t i = 0; i < it->n; i++) {
        const cli_squad_item *x = &it->item[order[i]];
        const char *const docs[1] = {x->pid};
        vz_ask_options ao = VZ_ASK_OPTIONS_INIT;
        ao.docs = o->squad_mode == SQUAD_OPEN ? NULL : docs;
        ao.ndocs = o->squad_mode == SQUAD_OPEN ? 0 : 1;
        ao.flags = VZ_ASK_NO_ABSTAIN;
        t->item = x;
        int rc = vz_ask_spans(e, x->question, strlen(x->question), &ao, &hook);
        if (rc)
            return vz_fail_context(rc, "question %s", x->id);
    }
    return VZ_OK;
}

static int parse_real(const char *s, double def, double *out)
{
    char *end;
    *out = def;
    if (!s)
        return 0;
    errno = 0;
    *out = strtod(s, &end);
    return !*s || *end || errno || !isfinite(*out) || *out < 0;
}

static int train(vz_engine *e, const options *o, const cli_squad_items *it, training *t)
{
    vz_rk_names *names = NULL;
    size_t *order = malloc((it->n + 1) * sizeof *order);
    int rc = order ? vz_rk_names_new(&names) : vz_fail(VZ_ENOMEM, "out of memory");
    if (!rc)
        rc = vz_ranker_new(&t->model);
    unsigned long long state = o->seed;
    unsigned long epochs = o->epochs ? o->epochs : DEFAULT_EPOCHS;
    for (size_t i = 0; order && i < it->n; i++)
        order[i] = i;
    if (!rc)
        rc = epoch(e, o, it, order, t, names, 1);
    for (unsigned long k = 0; !rc && k < epochs; k++) {
        double t0 = cli_now();
        shuffle(order, it->n, &state);
        rc = epoch(e, o, it, order, t, names, 0);
        if (!rc)
            fprintf(stderr, "epoch %lu: loss %.4f, best span right %.4f of the %.0f of %.0f "
                    "questions a span answers (%.1f s)\n", k + 1,
                    cli_ratio(t->loss, t->reachable), cli_ratio(t->right, t->reachable),
                    t->reachable, t->asked, cli_now() - t0);
    }
    vz_buf header = {0};
    if (!rc)
        rc = vz_buf_printf(&header, "# Weights of the span ranker (engine/ranker.c): FEATURE<TAB>"
                           "WEIGHT lines;\n# \"@setting value\" lines set its reach.  Written by"
                           " vzask train from %zu\n# questions of %s%s%s, %lu epochs, rate %g,"
                           " l2 %g, %s mode.\n", it->n, o->query,
                           o->articles ? ", articles " : "", o->articles ? o->articles : "",
                           epochs, t->rate, t->l2,
                           o->squad_mode == SQUAD_OPEN ? "open" : "oracle");
    double min_weight = MIN_WEIGHT;
    if (!rc)
        rc = vz_ranker_save(t->model, names, header.data, min_weight,
                            o->out ? o->out : "ranker.weights");
    vz_buf_free(&header);
    vz_rk_names_free(names);
    free(order);
    return rc;
}

int cmd_train(options *o)
{
    if (o->help) {
        fputs(usage_train, stdout);
        return EXIT_ANSWERED;
    }
    if (!o->query)
        return cli_usage_error("%s", "train needs a SQuAD FILE");
    training t = {0};
    if (parse_real(o->rate, DEFAULT_RATE, &t.rate) || t.rate == 0)
        return cli_usage_error("--rate takes a positive number, not '%s'", o->rate);
    if (parse_real(o->l2, DEFAULT_L2, &t.l2))
        return cli_usage_error("--l2 takes a number of at least 0, not '%s'", o->l2);
    cli_squad_items it;
    int rc = cli_squad_items_load(o, &it);
    vz_engine *e = NULL;
    if (rc == EXIT_ANSWERED && !it.n)
        rc = cli_usage_error("%s", "no questions chosen: check --articles");
    if (rc == EXIT_ANSWERED && (rc = cli_open_engine(o, 0, &e)) != VZ_OK)
        rc = cli_fail(rc);
    if (rc == EXIT_ANSWERED && (rc = train(e, o, &it, &t)) != VZ_OK)
        rc = cli_fail(rc);
    if (rc == EXIT_ANSWERED)
        fprintf(stderr, "vzask: wrote %s\n", o->out ? o->out : "ranker.weights");
    vz_ranker_free(t.model);
    free(t.gold);
    vz_engine_close(e);
    cli_squad_items_free(&it);
    return rc;
}
