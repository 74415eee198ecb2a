/*
 * build.c - implements vz_index_build: reads every document of a corpus,
 * cleans and segments it, analyses its passages into the term table, and
 * writes the whole index in one transaction into a temporary file that is
 * renamed over the target only when complete.
 */
#include "index.h"
#include "corpus.h"
#include "postings.h"
#include "store.h"
#include "util.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Rows of integers inserted BATCH_ROWS to a statement: SQLite keeps its
 * cursor at the end of the table from one row to the next, where a
 * statement per row sought the place from the root each time and paid its
 * set-up and reset; most of the build's rows are such (sentences,
 * paragraphs, passages). */
#define BATCH_ROWS 64
#define BATCH_COLS 7

typedef struct {
    sqlite3_stmt *full;     /* BATCH_ROWS rows */
    sqlite3_stmt *one;      /* one row, for the rest at the end */
    int ncols, nrows;
    int64_t v[BATCH_ROWS * BATCH_COLS];
} batch;

typedef struct {
    const vz_index_config *cfg;
    const vz_textkit *kit;
    vz_analyser *analyser;
    sqlite3 *db;
    sqlite3_stmt *ins_doc, *ins_term, *ins_meta;
    batch paras, sents, passes;
    vz_term_table terms;
    vz_build_stats stats;
    uint64_t total_length;
    double started;          /* now_seconds() when the build began */
    uint32_t passage;        /* the passage being analysed */
    uint32_t length;         /* its length in index terms */
} builder;

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int count_term(const vz_token *tok, void *ctx)
{
    builder *b = ctx;
    b->length++;
    return vz_term_table_add(&b->terms, tok->stem, tok->stem_len, b->passage);
}

/* "INSERT INTO table(cols) VALUES(?,...)" with rows rows of placeholders. */
static int prepare_rows(builder *b, const char *table, int ncols, int rows, sqlite3_stmt **out)
{
    vz_buf sql = {0};
    int rc = vz_buf_printf(&sql, "INSERT INTO %s VALUES", table);
    for (int r = 0; rc == VZ_OK && r < rows; r++)
        for (int c = 0; rc == VZ_OK && c < ncols; c++)
            rc = vz_buf_printf(&sql, "%s?", c ? "," : r ? "),(" : "(");
    if (rc == VZ_OK)
        rc = vz_buf_printf(&sql, ")");
    if (rc == VZ_OK &&
        sqlite3_prepare_v3(b->db, sql.data, -1, SQLITE_PREPARE_PERSISTENT, out, NULL))
        rc = vz_store_error(b->db, "prepare");
    vz_buf_free(&sql);
    return rc;
}

static int prepare_batch(builder *b, batch *t, const char *table, int ncols)
{
    t->ncols = ncols;
    t->nrows = 0;
    int rc = prepare_rows(b, table, ncols, BATCH_ROWS, &t->full);
    return rc ? rc : prepare_rows(b, table, ncols, 1, &t->one);
}

static int prepare_all(builder *b)
{
    static const char *const sql[] = {
        "INSERT INTO documents(id,name,path,title,date,outlet,size,mtime_ns,hash,content)"
        " VALUES(?,?,?,?,?,?,?,?,?,?)",
        "INSERT INTO terms(term,df,cf,postings) VALUES(?,?,?,?)",
        "INSERT OR REPLACE INTO meta(key,value) VALUES(?,?)",
    };
    sqlite3_stmt **out[] = {&b->ins_doc, &b->ins_term, &b->ins_meta};
    for (size_t i = 0; i < sizeof sql / sizeof sql[0]; i++)
        if (sqlite3_prepare_v3(b->db, sql[i], -1, SQLITE_PREPARE_PERSISTENT, out[i], NULL))
            return vz_store_error(b->db, "prepare");
    int rc = prepare_batch(b, &b->paras, "paragraphs(id,doc,start,end)", 4);
    if (rc == VZ_OK)
        rc = prepare_batch(b, &b->sents, "sentences(id,doc,paragraph,start,end)", 5);
    if (rc == VZ_OK)
        rc = prepare_batch(b, &b->passes, "passages(id,doc,start,end,first_sentence,"
                           "last_sentence,length)", 7);
    return rc;
}

static void finalize_all(builder *b)
{
    sqlite3_finalize(b->ins_doc);
    sqlite3_finalize(b->ins_term);
    sqlite3_finalize(b->ins_meta);
    batch *t[] = {&b->paras, &b->sents, &b->passes};
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        sqlite3_finalize(t[i]->full);
        sqlite3_finalize(t[i]->one);
    }
}

/* Bind the int64 values and run stmt once. */
static int run_ints(builder *b, sqlite3_stmt *stmt, const int64_t *v, int n)
{
    for (int i = 0; i < n; i++)
        sqlite3_bind_int64(stmt, i + 1, v[i]);
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    return rc == SQLITE_DONE ? VZ_OK : vz_store_error(b->db, "write");
}

/* Queue one row of t (t->ncols values); a full batch is written. */
static int batch_add(builder *b, batch *t, const int64_t *v)
{
    memcpy(t->v + t->nrows * t->ncols, v, (size_t)t->ncols * sizeof *v);
    if (++t->nrows < BATCH_ROWS)
        return VZ_OK;
    t->nrows = 0;
    return run_ints(b, t->full, t->v, BATCH_ROWS * t->ncols);
}

/* Write the rows still queued, one by one. */
static int batch_flush(builder *b, batch *t)
{
    int rc = VZ_OK;
    for (int r = 0; rc == VZ_OK && r < t->nrows; r++)
        rc = run_ints(b, t->one, t->v + r * t->ncols, t->ncols);
    t->nrows = 0;
    return rc;
}

/* A title for a document without one in the manifest: its first line,
 * cut at a word boundary when long. */
static char *first_line_title(const char *work, const vz_segments *seg)
{
    if (seg->nparagraphs == 0)
        return NULL;
    size_t s = seg->paragraphs[0].start, e = seg->paragraphs[0].end;
    const char *nl = memchr(work + s, '\n', e - s);
    if (nl)
        e = (size_t)(nl - work);
    while (e > s && (work[e - 1] == ' ' || work[e - 1] == '\t'))
        e--;
    if (e - s > 160) {
        size_t cut = s + 160;
        while (cut > s + 80 && work[cut] != ' ')
            cut--;
        /* A line with no space to cut at ("日本語…") is cut between
         * characters, never inside one. */
        while (cut > s && ((unsigned char)work[cut] & 0xC0) == 0x80)
            cut--;
        e = cut;
    }
    return vz_strndup(work + s, e - s);
}

static int insert_document(builder *b, int64_t id, const vz_doc_info *d,
                           const char *raw, size_t len, const char *title)
{
    char hash[17];
    snprintf(hash, sizeof hash, "%016llx", (unsigned long long)d->hash);
    sqlite3_stmt *st = b->ins_doc;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, d->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, d->path, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, title, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, d->date, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, d->outlet, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, (int64_t)d->size);
    sqlite3_bind_int64(st, 8, d->mtime_ns);
    sqlite3_bind_text(st, 9, hash, -1, SQLITE_TRANSIENT);
    sqlite3_bind_blob64(st, 10, raw, len, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_DONE ? VZ_OK : vz_store_error(b->db, "write");
}

/* Analyse [start, end) of the cleaned text (furniture blanked, offsets
 * those of the raw file) as one passage and store it. */
static int add_passage(builder *b, int64_t doc, const char *work, size_t start, size_t end,
                       size_t first_sent, size_t last_sent)
{
    b->length = 0;
    int rc = vz_analyse_terms(b->analyser, work + start, end - start, count_term, b);
    if (rc == VZ_OK)
        rc = vz_term_table_end_passage(&b->terms);
    if (rc)
        return rc;
    int64_t v[] = {b->passage, doc, (int64_t)start, (int64_t)end,
                   (int64_t)first_sent, (int64_t)last_sent, b->length};
    b->total_length += b->length;
    b->passage++;
    return batch_add(b, &b->passes, v);
}

static int add_structure(builder *b, int64_t doc, const vz_segments *seg)
{
    int rc = VZ_OK;
    size_t p0 = b->stats.paragraphs, s0 = b->stats.sentences;
    for (size_t i = 0; rc == VZ_OK && i < seg->nparagraphs; i++) {
        int64_t v[] = {(int64_t)(p0 + i), doc, (int64_t)seg->paragraphs[i].start,
                       (int64_t)seg->paragraphs[i].end};
        rc = batch_add(b, &b->paras, v);
    }
    for (size_t i = 0; rc == VZ_OK && i < seg->nsentences; i++) {
        const vz_sentence_span *s = &seg->sentences[i];
        int64_t v[] = {(int64_t)(s0 + i), doc, (int64_t)(p0 + s->paragraph),
                       (int64_t)s->start, (int64_t)s->end};
        rc = batch_add(b, &b->sents, v);
    }
    return rc;
}

/* A heading: a paragraph of one line that does not end like a sentence
 * (a headline, a standfirst, a subheading).  It belongs to the text under
 * it, so it is retrieved with the paragraph that follows, when only white
 * space lies between them in the raw file (a passage never spans furniture). */
static int joins_next(const char *raw, const char *work, const vz_span *p, const vz_span *next)
{
    if (memchr(work + p->start, '\n', p->end - p->start) ||
        vz_ends_sentence(work, p->start, p->end))
        return 0;
    for (size_t i = p->end; i < next->start; i++)
        if (!strchr(" \t\r\n", raw[i]))
            return 0;
    return 1;
}

/* Passages: a paragraph (with the headings above it), or one sentence. */
static int add_passages(builder *b, int64_t doc, const char *raw, const char *work,
                        const vz_segments *seg)
{
    size_t s0 = b->stats.sentences, i = 0;
    int rc = VZ_OK;
    if (b->cfg->unit == VZ_UNIT_SENTENCE) {
        for (i = 0; rc == VZ_OK && i < seg->nsentences; i++)
            rc = add_passage(b, doc, work, seg->sentences[i].start, seg->sentences[i].end,
                             s0 + i, s0 + i);
        return rc;
    }
    size_t first = 0, start = 0;
    for (size_t p = 0; rc == VZ_OK && p < seg->nparagraphs; p++) {
        if (i == first)
            start = seg->paragraphs[p].start;
        while (i < seg->nsentences && seg->sentences[i].paragraph == p)
            i++;
        if (i == first)
            continue;   /* a paragraph without a sentence holds no words */
        if (p + 1 < seg->nparagraphs &&
            joins_next(raw, work, &seg->paragraphs[p], &seg->paragraphs[p + 1]))
            continue;
        rc = add_passage(b, doc, work, start, seg->paragraphs[p].end, s0 + first, s0 + i - 1);
        first = i;
    }
    return rc;
}

static int add_document(builder *b, vz_doc_info *d)
{
    char *raw = NULL, *work = NULL, *title = NULL;
    size_t len;
    vz_segments seg = {0};
    int64_t id = (int64_t)b->stats.documents;
    int rc = vz_corpus_read(d, &raw, &len);
    if (rc == VZ_OK)
        rc = vz_clean(b->kit->cleaner, raw, len, &work);
    if (rc == VZ_OK)
        rc = vz_segment(b->kit->segmenter, work, len, &seg);
    if (rc == VZ_OK && !d->title && !(title = first_line_title(work, &seg)) && seg.nparagraphs)
        rc = vz_fail(VZ_ENOMEM, "out of memory");
    if (rc == VZ_OK)
        rc = insert_document(b, id, d, raw, len, d->title ? d->title : title);
    if (rc == VZ_OK)
        rc = add_structure(b, id, &seg);
    if (rc == VZ_OK)
        rc = add_passages(b, id, raw, work, &seg);
    if (rc == VZ_EINVAL) {   /* the analyser's word on bad UTF-8 */
        char why[512];
        snprintf(why, sizeof why, "%s", vz_last_error());
        rc = vz_fail(VZ_ECORPUS, "corpus document %s: %s: convert it to UTF-8 (e.g. iconv -f "
                     "latin1 -t utf-8) or remove it", d->path, why);
    }
    if (rc == VZ_OK) {
        b->stats.documents++;
        b->stats.paragraphs += seg.nparagraphs;
        b->stats.sentences += seg.nsentences;
    }
    vz_segments_free(&seg);
    free(raw);
    free(work);
    free(title);
    return rc;
}

typedef struct {
    const char *text;
    size_t len;
    const vz_term_entry *e;
} term_ref;

/* SQLite's BINARY order of TEXT: bytes, then the shorter first. */
static int cmp_term(const void *x, const void *y)
{
    const term_ref *a = x, *b = y;
    int c = memcmp(a->text, b->text, a->len < b->len ? a->len : b->len);
    return c ? c : (a->len > b->len) - (a->len < b->len);
}

/* In key order, so that each row goes at the end of the table's B-tree
 * instead of into a page anywhere in it. */
static int write_terms(builder *b)
{
    size_t n = b->terms.nentries;
    term_ref *refs = malloc((n ? n : 1) * sizeof *refs);
    if (!refs)
        return vz_fail(VZ_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const vz_term_entry *e = &b->terms.entries[i];
        refs[i] = (term_ref){vz_term_text(&b->terms, e), e->term_len, e};
    }
    qsort(refs, n, sizeof *refs, cmp_term);
    sqlite3_stmt *st = b->ins_term;
    int rc = VZ_OK;
    for (size_t i = 0; rc == VZ_OK && i < n; i++) {
        const vz_term_entry *e = refs[i].e;
        sqlite3_bind_text(st, 1, refs[i].text, (int)e->term_len, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, e->df);
        sqlite3_bind_int64(st, 3, (int64_t)e->cf);
        sqlite3_bind_blob(st, 4, e->postings.data, (int)e->postings.len, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = vz_store_error(b->db, "write");
        sqlite3_reset(st);
    }
    free(refs);
    b->stats.terms = n;
    return rc;
}

static int put_meta(builder *b, const char *key, const char *fmt, ...) VZ_PRINTF(3, 4);
static int put_meta(builder *b, const char *key, const char *fmt, ...)
{
    char value[128];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(value, sizeof value, fmt, ap);
    va_end(ap);
    sqlite3_bind_text(b->ins_meta, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(b->ins_meta, 2, value, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(b->ins_meta);
    sqlite3_reset(b->ins_meta);
    return rc == SQLITE_DONE ? VZ_OK : vz_store_error(b->db, "write");
}

static int write_meta(builder *b, const vz_corpus *c)
{
    uint64_t fp = vz_corpus_fingerprint(c, vz_store_extra_hash(b->kit, b->cfg->unit));
    double avg = b->stats.passages ? (double)b->total_length / (double)b->stats.passages : 0;
    int rc = put_meta(b, "schema_version", "%d", VZ_SCHEMA_VERSION);
    if (!rc) rc = put_meta(b, "analyser_version", "%d", VZ_ANALYSER_VERSION);
    if (!rc) rc = put_meta(b, "unit", "%s", vz_unit_name(b->cfg->unit));
    if (!rc) rc = put_meta(b, "data_hash", "%016llx", (unsigned long long)b->kit->data_hash);
    if (!rc) rc = put_meta(b, "fingerprint", "%016llx", (unsigned long long)fp);
    if (!rc) rc = put_meta(b, "built_at", "%lld", (long long)time(NULL));
    if (!rc) rc = put_meta(b, "corpus_dir", "%.100s", c->dir);
    if (!rc) rc = put_meta(b, "documents", "%zu", b->stats.documents);
    if (!rc) rc = put_meta(b, "paragraphs", "%zu", b->stats.paragraphs);
    if (!rc) rc = put_meta(b, "sentences", "%zu", b->stats.sentences);
    if (!rc) rc = put_meta(b, "passages", "%zu", b->stats.passages);
    if (!rc) rc = put_meta(b, "terms", "%zu", b->stats.terms);
    if (!rc) rc = put_meta(b, "total_length", "%llu", (unsigned long long)b->total_length);
    if (!rc) rc = put_meta(b, "avg_length", "%.17g", avg);
    /* All but the commit and the sync, which are quick. */
    if (!rc) rc = put_meta(b, "build_seconds", "%.3f", now_seconds() - b->started);
    return rc;
}

static int build_into(builder *b, vz_corpus *c)
{
    int rc = vz_store_create_schema(b->db);
    if (rc == VZ_OK)
        rc = prepare_all(b);
    for (size_t i = 0; rc == VZ_OK && i < c->ndocs; i++)
        rc = add_document(b, &c->docs[i]);
    b->stats.passages = b->passage;
    batch *t[] = {&b->paras, &b->sents, &b->passes};
    for (size_t i = 0; rc == VZ_OK && i < sizeof t / sizeof t[0]; i++)
        rc = batch_flush(b, t[i]);
    if (rc == VZ_OK)
        rc = write_terms(b);
    if (rc == VZ_OK)
        rc = write_meta(b, c);
    if (rc == VZ_OK && sqlite3_exec(b->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        rc = vz_store_error(b->db, "commit");
    finalize_all(b);
    return rc;
}

/* Flush the finished file to disk before it replaces the old index. */
static int sync_file(const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0 || fsync(fd) != 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        return vz_fail(VZ_EIO, "cannot sync %s: %s", path, strerror(e));
    }
    close(fd);
    return VZ_OK;
}

int vz_index_build(const vz_index_config *cfg, const vz_textkit *kit, vz_build_stats *stats)
{
    builder b = {.cfg = cfg, .kit = kit, .started = now_seconds()};
    vz_corpus c;
    char tmp[4096];
    int rc = vz_corpus_list(cfg->corpus_dir, &c);
    if (rc)
        return rc;
    vz_term_table_init(&b.terms);
    rc = vz_analyser_new(&b.analyser, kit->stop);
    if (rc == VZ_OK)
        rc = vz_store_create_temp(cfg->db_path, tmp, sizeof tmp, &b.db);
    if (rc == VZ_OK) {
        rc = build_into(&b, &c);
        if (sqlite3_close(b.db) != SQLITE_OK && rc == VZ_OK)
            rc = vz_fail(VZ_EINDEX, "cannot close %s", tmp);
        if (rc == VZ_OK)
            rc = sync_file(tmp);
        if (rc == VZ_OK && rename(tmp, cfg->db_path) != 0)
            rc = vz_fail(VZ_EIO, "cannot replace %s: %s", cfg->db_path, strerror(errno));
        if (rc)
            unlink(tmp);
    }
    vz_analyser_free(b.analyser);
    vz_term_table_free(&b.terms);
    vz_corpus_free(&c);
    b.stats.seconds = now_seconds() - b.started;
    if (stats)
        *stats = b.stats;
    return rc;
}
