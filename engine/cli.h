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
    /* eval on a SQuAD file (cli_squad.c) */
    int squad_mode;                /* SQUAD_OPEN (the default) or SQUAD_ORACLE */
    unsigned long limit, sample, seed;
    unsigned long jobs;            /* eval -j N: threads asking (0: one; CLI_MAX_JOBS at most) */
    const char *articles, *predictions, *na_probs;
    /* train (cli_train.c) */
    unsigned long epochs;
    const char *out, *rate, *l2;
} options;

enum { CLI_MAX_JOBS = 256 };
enum { SQUAD_DEFAULT, SQUAD_OPEN, SQUAD_ORACLE };

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

/* ---- eval's figures, one implementation for both question formats
 * (cli_stats.c) ---- */
struct json_t;
/* A monotonic clock, in seconds. */
double cli_now(void);
/* a / b, or 0 when b is 0. */
double cli_ratio(double a, double b);
/* Latencies in seconds: add (VZ_OK or VZ_ENOMEM), sort, then read a
 * percentile (p in [0, 1], the nearest rank; 0 when empty). */
typedef struct {
    double *v;
    size_t n, cap;
} cli_times;
int cli_times_add(cli_times *t, double seconds);
void cli_times_sort(cli_times *t);
double cli_times_percentile(const cli_times *t, double p);
/* The process's peak resident memory, in MiB. */
double cli_peak_mib(void);
/* --fail-under METRIC=VALUE against the real-valued members of m: 1 when
 * one is below its bar (said on stderr), 0 when none is, -1 for an unknown
 * metric. */
int cli_below_bars(const options *o, struct json_t *m);
/* Print the metrics m: one JSON object with --json (dumped with
 * json_flags), else print(m); then the exit status: EXIT_ANSWERED,
 * EXIT_NONE when a --fail-under bar is not met, EXIT_USAGE for an unknown
 * metric. */
int cli_report(const options *o, struct json_t *m, size_t json_flags,
               void (*print)(struct json_t *m));

/* ---- eval -j N: questions over threads of one engine (cli_pool.c) ---- */
/* work(i, ctx) asks question i, from any thread, and keeps what it found
 * with question i; tally(i, ctx) judges and counts it, always in the
 * calling thread and in order i = 0, 1, ..., n - 1.  Both return a
 * VZ_* status; the first failure (the lowest i's) ends the run and is
 * returned, its message in vz_last_error().  Questions asked but not
 * tallied when a run ends early keep what work stored: the caller frees
 * it. */
typedef int (*cli_work_fn)(size_t i, void *ctx);
typedef int (*cli_tally_fn)(size_t i, void *ctx);
int cli_run_pool(size_t n, unsigned threads, cli_work_fn work, cli_tally_fn tally, void *ctx);

/* ---- eval on SQuAD files (cli_squad.c) ---- */
/* Help for the SQuAD options, printed after eval's own. */
extern const char cli_usage_squad[];
/* 1 when o holds an option only a SQuAD file takes (its name in *name). */
int cli_squad_only(const options *o, const char **name);
/* Run eval on o->query when it is a SQuAD file (a JSON object with
 * "data"): sets *handled and returns the exit status; else leaves *handled
 * 0 (the file is a JSONL question set). */
int cli_squad_eval(options *o, int *handled);

/* A SQuAD file's questions chosen by --articles, --sample and --limit,
 * for vzask train; o->corpus becomes the file's corpus folder unless set. */
typedef struct {
    const char *id, *question, *pid;
    const char **golds;            /* the gold answers' texts (borrowed from root) */
    size_t ngold;
} cli_squad_item;
typedef struct {
    cli_squad_item *item;
    size_t n;
    char **pids;                   /* every paragraph's document id */
    size_t npar;
    struct json_t *root;
    char corpus[4096];
} cli_squad_items;
/* EXIT_ANSWERED, or the exit status after saying what is wrong. */
int  cli_squad_items_load(options *o, cli_squad_items *it);
void cli_squad_items_free(cli_squad_items *it);

/* vzask train (cli_train.c). */
int cmd_train(options *o);

#endif
