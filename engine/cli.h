/*
 * cli.h - what the vzask command's files share: options, exit codes, and
 * the helpers for errors and output.
 */
#ifndef VZ_CLI_H
#define VZ_CLI_H

#include <stddef.h>
#include <stdio.h>

enum { EXIT_ANSWERED = 0, EXIT_NONE = 1, EXIT_USAGE = 2, EXIT_CORPUS = 3, EXIT_INTERNAL = 4 };
enum { FMT_TEXT, FMT_JSON, FMT_JSONL, FMT_TREC };

typedef struct {
    const char *corpus, *db, *data, *queries, *query, *unit;
    const char **docs;
    size_t ndocs;
    int format;
    unsigned long k, context, n;
    int help, explain, no_abstain;
    const char *details;           /* eval --details FILE */
    const char **fail_under;       /* eval --fail-under METRIC=VALUE, repeatable */
    size_t nfail_under;
} options;

/* "vzask: <what>: see vzask --help" on stderr; returns EXIT_USAGE. */
int cli_usage_error(const char *fmt, const char *arg);
/* Print the thread's last error and map a library status to an exit code. */
int cli_fail(int status);
/* Colour on stdout: a terminal, and NO_COLOR unset. */
int cli_use_color(void);
/* Flush stdout: VZ_EIO, with the reason, when anything written was lost. */
int cli_flush_stdout(void);
/* "vzask: NOTE" on stderr (the engine's and the index builder's notes). */
void cli_note(const char *note, void *ctx);

/* Call fn for each non-blank line of f (trailing CR/LF removed, lineno
 * from 1) until fn returns non-zero; returns that value, or 0. */
typedef int (*cli_line_fn)(char *line, unsigned long lineno, void *ctx);
int cli_each_line(FILE *f, cli_line_fn fn, void *ctx);

/* Open an engine on o's corpus, index and unit, building the index when
 * needed; flags: VZ_OPEN_*. */
struct vz_engine;
int cli_open_engine(const options *o, unsigned flags, struct vz_engine **e);

int cmd_ask(options *o);
int cmd_eval(options *o);

#endif
