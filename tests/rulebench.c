/*
 * rulebench.c - a measuring tool, not a test: runs every answer-template
 * rule (the kinds vz_extract searches for) over the sentences of text
 * files, the way extract.c's run_rule does, and prints either every match
 * (rule index, line, sentence, answer span, whole match) to compare two
 * builds or two rule files, or the CPU time each rule took (this thread's,
 * so that other processes on a busy machine count less).
 *
 *   rulebench dump|time GAZETTEER TEMPLATES FURNITURE SEGMENT FILE...
 *
 * Not built by make; after `make`, from the project root:
 *   cc -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -Iinclude -Iindex -Iengine -o build/rulebench \
 *      tests/rulebench.c $(ls build/index/*.o build/engine/*.o | grep -v 'vzask.o\|cli_') \
 *      $(pkg-config --libs sqlite3 libpcre2-8 libutf8proc jansson) -lstemmer -lm -lpthread
 * RB_LINES=",151,173," runs only the rules of those lines (counted from
 * the gazetteer's first), RB_REPS the rounds timed (3), RB_ALL=1 lists
 * every rule timed. */
#include "extract.h"
#include "question.h"
#include "rules.h"
#include "segment.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static unsigned long long thread_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(1);
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 2);
    if (!b || fread(b, 1, (size_t)n, f) != (size_t)n)
        exit(1);
    fclose(f);
    b[n] = 0;
    *len = (size_t)n;
    return b;
}

typedef struct {
    char **s;
    size_t *len;
    size_t n, cap;
} sentences;

static void add_sentence(sentences *ss, const char *t, size_t n)
{
    if (ss->n == ss->cap) {
        ss->cap = ss->cap ? 2 * ss->cap : 1024;
        ss->s = realloc(ss->s, ss->cap * sizeof *ss->s);
        ss->len = realloc(ss->len, ss->cap * sizeof *ss->len);
    }
    ss->s[ss->n] = malloc(n + 1);
    memcpy(ss->s[ss->n], t, n);
    ss->s[ss->n][n] = 0;
    ss->len[ss->n++] = n;
}

int main(int argc, char **argv)
{
    if (argc < 7)
        return fprintf(stderr, "usage: rulebench dump|time GAZ TEMPLATES FURNITURE SEGMENT FILE...\n"), 2;
    int dump = !strcmp(argv[1], "dump");
    size_t glen, tlen, flen, slen;
    char *gaz = slurp(argv[2], &glen), *tpl = slurp(argv[3], &tlen);
    char *fur = slurp(argv[4], &flen), *seg = slurp(argv[5], &slen);
    vz_ruleset rs;
    if (vz_extract_ruleset(&rs, gaz, glen, tpl, tlen))
        return fprintf(stderr, "build: %s\n", vz_last_error()), 1;
    vz_cleaner *cl;
    vz_segmenter *sg;
    if (vz_cleaner_new(&cl, fur, flen) || vz_segmenter_new(&sg, seg, slen))
        return fprintf(stderr, "segmenter: %s\n", vz_last_error()), 1;
    sentences ss = {0};
    for (int a = 6; a < argc; a++) {
        size_t n;
        char *raw = slurp(argv[a], &n), *work;
        vz_segments sgs;
        if (vz_clean(cl, raw, n, &work) || vz_segment(sg, work, n, &sgs))
            return fprintf(stderr, "%s: %s\n", argv[a], vz_last_error()), 1;
        for (size_t i = 0; i < sgs.nsentences; i++)
            add_sentence(&ss, work + sgs.sentences[i].start,
                         sgs.sentences[i].end - sgs.sentences[i].start);
        vz_segments_free(&sgs);
        free(work);
        free(raw);
    }
    fprintf(stderr, "%zu sentences\n", ss.n);
    pcre2_match_data *md = pcre2_match_data_create(32, NULL);
    unsigned long long *cyc = calloc(rs.n, sizeof *cyc), *nmatch = calloc(rs.n, sizeof *nmatch);
    int reps = dump ? 1 : getenv("RB_REPS") ? atoi(getenv("RB_REPS")) : 3;
    const char *only = getenv("RB_LINES");   /* ",151,173," : only these lines */
    for (int rep = 0; rep < reps; rep++)
        for (size_t i = 0; i < rs.n; i++) {
            const vz_rule *r = &rs.items[i];
            if (!vz_extract_searched(r->kind))
                continue;
            char key[16];
            snprintf(key, sizeof key, ",%u,", r->line);
            if (only && !strstr(only, key))
                continue;
            unsigned long long t0 = thread_ns();
            for (size_t s = 0; s < ss.n; s++) {
                const char *t = ss.s[s];
                size_t len = ss.len[s], off = 0;
                while (off <= len) {
                    int m = vz_rule_find(&rs, r, t, len, off, md);
                    if (m == PCRE2_ERROR_NOMATCH)
                        break;
                    if (m < 0)
                        return fprintf(stderr, "rule %zu line %u: error %d\n", i, r->line, m), 1;
                    const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
                    int g = pcre2_substring_number_from_name(r->code, (PCRE2_SPTR) "answer");
                    size_t as = ov[0], ae = ov[1];
                    if (g > 0 && ov[2 * g] != PCRE2_UNSET) {
                        as = ov[2 * g];
                        ae = ov[2 * g + 1];
                    }
                    if (dump)
                        printf("%zu %u %zu %zu %zu %zu %zu\n", i, r->line, s, as, ae, (size_t)ov[0],
                               (size_t)ov[1]);
                    if (!rep)
                        nmatch[i]++;
                    off = ov[1] > off ? ov[1] : off + 1;
                    while (off < len && ((unsigned char)t[off] & 0xC0) == 0x80)
                        off++;
                }
            }
            cyc[i] += thread_ns() - t0;
        }
    if (!dump) {
        unsigned long long total = 0;
        for (size_t i = 0; i < rs.n; i++)
            total += cyc[i];
        printf("total %.1f ms/rep\n", (double)total / reps / 1e6);
        for (size_t i = 0; i < rs.n; i++)
            if (cyc[i] / reps > 2000000 || (getenv("RB_ALL") && cyc[i]))
            {
                const vz_rule *r = &rs.items[i];
                size_t js = 0, cs = 0;
                pcre2_pattern_info(r->anchored ? r->anchored : r->code, PCRE2_INFO_JITSIZE, &js);
                pcre2_pattern_info(r->anchored ? r->anchored : r->code, PCRE2_INFO_SIZE, &cs);
                printf("rule %3zu line %3u kind %2d %-12s %7.1fms %s%6llu matches  code %zuk jit %zuk\n",
                       i, r->line, r->kind, r->label, (double)cyc[i] / reps / 1e6,
                       r->anchored ? "anch " : "scan ", nmatch[i], cs >> 10, js >> 10);
            }
    }
    return 0;
}
