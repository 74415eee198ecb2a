/*
 * repl.c - embedding vzask: a read-eval-print loop that keeps one engine
 * open and answers each line of stdin with the best answer and where it
 * came from.  Copy it into a chatbot; the engine is thread-safe, so one
 * engine can serve every conversation.
 *
 * Build against an installed vzask (make install):
 *     cc -o repl repl.c $(pkg-config --cflags --libs vzask)
 * Run:
 *     ./repl [CORPUS_DIR] < questions.txt
 * Without CORPUS_DIR it answers from the installed corpus
 * (PREFIX/share/vzask/corpus).  The index is built on the first run and
 * kept in ~/.cache/vzask (or $XDG_CACHE_HOME/vzask).
 *
 * Output, per question: the answer, then the citation on a second line,
 *     40 people total
 *       000_03d48f2f6344b254 [2607, 3010) "There are reports that ..."
 * or "The corpus does not say.".  A question the engine rejects (not
 * UTF-8, too long...) gets vz_last_error() on stderr and the loop goes on.
 */
#define _POSIX_C_SOURCE 200809L /* getline */
#include <vzask.h>

#include <stdio.h>
#include <stdlib.h>

/* The building of a new or stale index takes a moment: say so. */
static void note(const char *message, void *ctx)
{
    (void)ctx;
    fprintf(stderr, "repl: %s\n", message);
}

static void print_answer(const vz_result *r)
{
    if (!vz_result_answered(r)) {
        puts("The corpus does not say.");
        return;
    }
    const vz_answer *a = vz_result_answer(r, 0); /* best first */
    printf("%s\n", vz_answer_text(a));
    const vz_citation *c = vz_answer_citation(a, 0);
    if (c)
        printf("  %s [%zu, %zu) \"%s\"\n", vz_citation_doc(c), vz_citation_start(c),
               vz_citation_end(c), vz_citation_sentence(c));
}

int main(int argc, char **argv)
{
    vz_engine_options opts = VZ_ENGINE_OPTIONS_INIT;
    opts.corpus_dir = argc > 1 ? argv[1] : NULL;
    opts.note = note;

    vz_engine *engine;
    if (vz_engine_open(&engine, &opts) != VZ_OK) {
        fprintf(stderr, "repl: %s\n", vz_last_error());
        return 1;
    }

    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, stdin)) != -1) {
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (len == 0)
            continue;
        vz_result *r;
        if (vz_ask(engine, line, (size_t)len, NULL, &r) != VZ_OK) {
            fprintf(stderr, "repl: %s\n", vz_last_error());
            continue;
        }
        print_answer(r);
        vz_result_free(r);
        fflush(stdout); /* one answer per question, as it comes */
    }
    free(line);
    vz_engine_close(engine);
    return 0;
}
