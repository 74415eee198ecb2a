/*
 * test_index.c - the index: BM25 against scores computed by hand for a
 * three-document corpus, the round trip of documents, passages and
 * offsets, staleness and rebuilds, corrupt, foreign and newer index files,
 * hostile queries, and bad corpora.
 */
#include "support.h"

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "corpus.h"
#include "index.h"
#include "postings.h"
#include "search.h"
#include "util.h"

typedef struct {
    char *dir, *corpus, *db;
    vz_textkit kit;
    vz_index_config cfg;
    vz_index *idx;
    vz_reader *reader;
} fixture;

static void write_tiny_corpus(const char *corpus)
{
    ts_write(corpus, "a.txt", "Cats chase mice.\n", 17);
    ts_write(corpus, "b.txt", "Dogs chase cats and cats chase dogs.\n", 37);
    ts_write(corpus, "c.txt", "Birds sing.\n", 12);
}

static void paths_init(fixture *f)
{
    f->dir = ts_tmpdir();
    f->corpus = malloc(strlen(f->dir) + 16);
    f->db = malloc(strlen(f->dir) + 16);
    sprintf(f->corpus, "%s/corpus", f->dir);
    sprintf(f->db, "%s/index.db", f->dir);
    assert_int_equal(mkdir(f->corpus, 0755), 0);
    assert_int_equal(vz_textkit_load(&f->kit, NULL), VZ_OK);
    f->cfg = (vz_index_config){f->corpus, f->db, VZ_UNIT_PARAGRAPH, 1};
}

static void open_index(fixture *f)
{
    assert_int_equal(vz_index_ensure(&f->cfg, &f->kit, NULL, NULL), VZ_OK);
    assert_int_equal(vz_index_open(&f->idx, f->db, &f->kit), VZ_OK);
    assert_int_equal(vz_reader_new(&f->reader, f->idx), VZ_OK);
}

static void close_index(fixture *f)
{
    vz_reader_free(f->reader);
    vz_index_close(f->idx);
    f->reader = NULL;
    f->idx = NULL;
}

static int setup_tiny(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    paths_init(f);
    write_tiny_corpus(f->corpus);
    open_index(f);
    *state = f;
    return 0;
}

static void fixture_release(fixture *f)
{
    close_index(f);
    vz_textkit_free(&f->kit);
    ts_rmtree(f->dir);
    free(f->dir);
    free(f->corpus);
    free(f->db);
}

static int teardown(void **state)
{
    fixture_release(*state);
    free(*state);
    return 0;
}

static size_t search(fixture *f, const char *q, vz_hit *hits, size_t k)
{
    vz_query query;
    size_t n = 99;
    assert_int_equal(vz_query_parse(f->reader, q, strlen(q), &query), VZ_OK);
    assert_int_equal(vz_reader_search(f->reader, &query, NULL, k, hits, &n), VZ_OK);
    vz_query_free(&query);
    return n;
}

static const char *doc_of(fixture *f, const vz_hit *h)
{
    return f->idx->docs[f->idx->passages[h->passage].doc].name;
}

/* N = 3 passages of lengths 3 (a: cat chase mice), 6 (b: dog chase cat cat
 * chase dog; "and" is a stop word) and 2 (c: bird sing); avglen = 11/3;
 * k1 = 1.2, b = 0.75.
 * idf(cat) = ln(1 + (3 - 2 + 0.5) / (2 + 0.5)) = ln 1.6 = 0.470004.
 * a: K = 1.2 (0.25 + 0.75 * 3 / (11/3)) = 1.036364;
 *    score = 0.470004 * 1 * 2.2 / (1 + 1.036364) = 0.507772.
 * b: K = 1.2 (0.25 + 0.75 * 6 / (11/3)) = 1.772727;
 *    score = 0.470004 * 2 * 2.2 / (2 + 1.772727) = 0.548149. */
static void bm25_matches_hand_computed_scores(void **state)
{
    fixture *f = *state;
    vz_hit hits[10];
    assert_true(fabs(f->idx->k1 - 1.2) < 1e-12 && fabs(f->idx->b - 0.75) < 1e-12);
    assert_int_equal(f->idx->npassages, 3);
    assert_true(fabs(f->idx->avg_length - 11.0 / 3.0) < 1e-9);
    assert_int_equal(search(f, "cat", hits, 10), 2);
    assert_string_equal(doc_of(f, &hits[0]), "b");
    assert_string_equal(doc_of(f, &hits[1]), "a");
    assert_true(fabs(hits[0].score - 0.548149) < 1e-4);
    assert_true(fabs(hits[1].score - 0.507772) < 1e-4);
    /* idf(bird) = ln(1 + 2.5 / 1.5) = 0.980829; c: K = 1.2 (0.25 + 0.75 * 2 /
     * (11/3)) = 0.790909; score = 0.980829 * 2.2 / 1.790909 = 1.204877. */
    assert_int_equal(search(f, "birds", hits, 10), 1);
    assert_true(fabs(hits[0].score - 1.204877) < 1e-4);
}

static void query_terms_are_weighted_and_summed(void **state)
{
    fixture *f = *state;
    vz_hit one[10], two[10], sum[10];
    assert_int_equal(search(f, "cat", one, 10), 2);
    assert_int_equal(search(f, "cats CAT cat's", two, 10), 2);   /* weight 3 */
    assert_true(fabs(two[0].score - 3 * one[0].score) < 1e-4);
    /* chase has the same df and tf as cat in a and b: the scores double. */
    assert_int_equal(search(f, "cat chasing", sum, 10), 2);
    assert_true(fabs(sum[0].score - 2 * 0.548149) < 1e-4);
    assert_true(fabs(sum[1].score - 2 * 0.507772) < 1e-4);
}

static void top_k_keeps_the_best(void **state)
{
    fixture *f = *state;
    vz_hit hits[3];
    assert_int_equal(search(f, "cat bird", hits, 1), 1);
    assert_string_equal(doc_of(f, &hits[0]), "c");   /* the rare term wins */
    assert_int_equal(search(f, "cat bird", hits, 3), 3);
    assert_true(hits[0].score >= hits[1].score && hits[1].score >= hits[2].score);
}

static void hostile_queries_match_nothing_and_harm_nothing(void **state)
{
    fixture *f = *state;
    static const char *const hostile[] = {
        "'; DROP TABLE terms; --", "\"", "*", "the and of", "?!.,;:", "", "   ",
        "cat' OR '1'='1", "%", "NEAR(cat dog)", "cat*", "\\x00"};
    vz_hit hits[10];
    for (size_t i = 0; i < sizeof hostile / sizeof *hostile; i++) {
        size_t n = search(f, hostile[i], hits, 10);
        for (size_t j = 0; j < n; j++)
            assert_true(hits[j].score > 0);
    }
    assert_int_equal(search(f, "'; DROP TABLE terms; --", hits, 10), 0);
    assert_int_equal(search(f, "the and of", hits, 10), 0);
    assert_int_equal(search(f, "cat*", hits, 10), 2);   /* '*' is punctuation, not syntax */
    assert_int_equal(search(f, "cat", hits, 10), 2);    /* the tables are intact */
    vz_query q;
    assert_int_equal(vz_query_parse(f->reader, "caf\xc3", 4, &q), VZ_EINVAL);
    /* A megabyte of distinct made-up words around one real one. */
    size_t cap = 1 << 20, len = 0;
    char *big = malloc(cap + 64);
    assert_non_null(big);
    for (unsigned i = 0; len < cap; i++)
        len += (size_t)sprintf(big + len, i == 5000 ? "birds " : "w%ux%u ", i, i * 7919u);
    assert_int_equal(vz_query_parse(f->reader, big, len, &q), VZ_OK);
    assert_true(q.n > 50000);
    size_t n;
    assert_int_equal(vz_reader_search(f->reader, &q, NULL, 10, hits, &n), VZ_OK);
    assert_int_equal(n, 1);
    assert_string_equal(doc_of(f, &hits[0]), "c");
    vz_query_free(&q);
    free(big);
}

/* Weights so small that every contribution rounds to 0 find nothing: 0 is
 * the mark of an untouched passage, which must not be listed once per
 * term. */
static void vanishing_weights_find_nothing(void **state)
{
    fixture *f = *state;
    vz_query q = {0};
    const char *terms[] = {"cat", "chase", "mice"};
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(vz_query_add(&q, terms[i], strlen(terms[i]), 1e-300), VZ_OK);
    vz_query_merge(&q);
    vz_hit hits[10];
    size_t n = 99;
    assert_int_equal(vz_reader_search(f->reader, &q, NULL, 10, hits, &n), VZ_OK);
    assert_int_equal(n, 0);
    vz_query_free(&q);
    assert_int_equal(search(f, "cat", hits, 10), 2);
}

static void doc_mask_restricts(void **state)
{
    fixture *f = *state;
    unsigned char mask[3] = {0};
    long a = vz_index_find_doc(f->idx, "a");
    assert_true(a >= 0);
    mask[a] = 1;
    vz_query q;
    vz_hit hits[10];
    size_t n;
    assert_int_equal(vz_query_parse(f->reader, "cat", 3, &q), VZ_OK);
    assert_int_equal(vz_reader_search(f->reader, &q, mask, 10, hits, &n), VZ_OK);
    vz_query_free(&q);
    assert_int_equal(n, 1);
    assert_string_equal(doc_of(f, &hits[0]), "a");
    assert_int_equal(vz_index_find_doc(f->idx, "nope"), -1);
}

/* Each document is found by its name, also in an index whose documents
 * are not in name order. */
static void every_document_found_by_name(void **state)
{
    fixture *f = *state;
    vz_index *idx = f->idx;
    assert_true(idx->ndocs >= 2);
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < idx->ndocs; i++)
            assert_int_equal(vz_index_find_doc(idx, idx->docs[i].name), (long)i);
        assert_int_equal(vz_index_find_doc(idx, "zzz-none"), -1);
        vz_doc_meta first = idx->docs[0];   /* out of order for the second pass, then back */
        idx->docs[0] = idx->docs[idx->ndocs - 1];
        idx->docs[idx->ndocs - 1] = first;
    }
}

/* Every passage's and sentence's [start, end) cuts its text out of the raw file. */
static void round_trip_offsets_cut_the_raw_file(void **state)
{
    fixture *f = *state;
    for (uint32_t p = 0; p < f->idx->npassages; p++) {
        const vz_passage_info *pi = &f->idx->passages[p];
        vz_buf text = {0};
        assert_int_equal(vz_reader_text(f->reader, pi->doc, pi->start, pi->end, &text), VZ_OK);
        ts_assert_cut(f->corpus, f->idx->docs[pi->doc].name, pi->start, pi->end, text.data,
                      text.len);
        vz_buf_free(&text);
    }
    assert_int_equal(f->idx->ndocs, 3);
    assert_int_equal(f->idx->nsentences, 3);
    assert_string_equal(f->idx->docs[0].title, "Cats chase mice.");
}

/* A document of 150 two-sentence paragraphs and one of one: more rows than
 * the build writes in one statement, and a remainder.  Every row is read
 * back in order with its own offsets. */
static void many_rows_round_trip(void **state)
{
    (void)state;
    fixture f = {0};
    paths_init(&f);
    enum { PARAS = 150 };
    vz_buf text = {0};
    size_t starts[2 * PARAS];
    for (int k = 0; k < PARAS; k++) {
        starts[2 * k] = text.len;
        assert_int_equal(vz_buf_printf(&text, "Word%d one. ", k), VZ_OK);
        starts[2 * k + 1] = text.len;
        assert_int_equal(vz_buf_printf(&text, "Word%d two.\n\n", k), VZ_OK);
    }
    ts_write(f.corpus, "a.txt", text.data, text.len);
    ts_write(f.corpus, "b.txt", "Birds sing.\n", 12);
    open_index(&f);
    assert_int_equal(f.idx->nparagraphs, PARAS + 1);
    assert_int_equal(f.idx->nsentences, 2 * PARAS + 1);
    assert_int_equal(f.idx->npassages, PARAS + 1);
    for (uint32_t k = 0; k < PARAS; k++) {
        const vz_passage_info *p = &f.idx->passages[k];
        assert_int_equal(p->doc, 0);
        assert_int_equal(p->first_sentence, 2 * k);
        assert_int_equal(p->last_sentence, 2 * k + 1);
        assert_int_equal(p->start, starts[2 * k]);
        assert_int_equal(p->length, 4);   /* wordK, one, wordK, two */
        for (uint32_t j = 2 * k; j <= 2 * k + 1; j++) {
            const vz_sentence_info *si = &f.idx->sentences[j];
            assert_int_equal(si->doc, 0);
            assert_int_equal(si->start, starts[j]);
            assert_int_equal(text.data[si->end - 1], '.');
        }
    }
    assert_int_equal(f.idx->passages[PARAS].doc, 1);
    assert_int_equal(f.idx->sentences[2 * PARAS].doc, 1);
    vz_buf_free(&text);
    fixture_release(&f);
}

static vz_index_state check(fixture *f, char *why, size_t n)
{
    vz_index_state st;
    assert_int_equal(vz_index_check(&f->cfg, &f->kit, &st, why, n), VZ_OK);
    return st;
}

static void changed_file_makes_it_stale_and_rebuild_sees_it(void **state)
{
    fixture *f = *state;
    char why[256];
    vz_hit hits[10];
    assert_int_equal(check(f, why, sizeof why), VZ_INDEX_FRESH);
    close_index(f);
    ts_write(f->corpus, "c.txt", "Birds sing and zebras gallop.\n", 30);
    assert_int_equal(check(f, why, sizeof why), VZ_INDEX_STALE);
    assert_non_null(strstr(why, "corpus changed"));
    open_index(f);
    assert_int_equal(check(f, why, sizeof why), VZ_INDEX_FRESH);
    assert_int_equal(search(f, "zebra", hits, 10), 1);
    /* A new file and a removed file are changes too. */
    close_index(f);
    ts_write(f->corpus, "d.txt", "Whales sing too.\n", 17);
    assert_int_equal(check(f, why, sizeof why), VZ_INDEX_STALE);
    open_index(f);
    assert_int_equal(f->idx->ndocs, 4);
    close_index(f);
    char path[4096];
    snprintf(path, sizeof path, "%s/d.txt", f->corpus);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(check(f, why, sizeof why), VZ_INDEX_STALE);
    open_index(f);
    assert_int_equal(f->idx->ndocs, 3);
}

static void touched_but_same_bytes_stays_fresh(void **state)
{
    fixture *f = *state;
    char why[256];
    ts_write(f->corpus, "a.txt", "Cats chase mice.\n", 17);   /* new mtime, same bytes */
    assert_int_equal(check(f, why, sizeof why), VZ_INDEX_FRESH);
}

static void unit_change_makes_it_stale(void **state)
{
    fixture *f = *state;
    char why[256];
    f->cfg.unit = VZ_UNIT_SENTENCE;
    assert_int_equal(check(f, why, sizeof why), VZ_INDEX_STALE);
    f->cfg.unit = VZ_UNIT_PARAGRAPH;
}

static void corrupt_file(const char *path, const char *bytes, size_t n)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    fwrite(bytes, 1, n, fp);
    fclose(fp);
}

static void garbage_in_the_cache_is_rebuilt(void **state)
{
    fixture *f = *state;
    char why[256];
    close_index(f);
    corrupt_file(f->db, "garbage, not a database at all", 30);
    f->cfg.user_db = 0;   /* a file of our own cache folder */
    assert_int_equal(check(f, why, sizeof why), VZ_INDEX_BROKEN);
    open_index(f);
    assert_int_equal(check(f, why, sizeof why), VZ_INDEX_FRESH);
    f->cfg.user_db = 1;
}

static void foreign_file_is_never_replaced(void **state)
{
    fixture *f = *state;
    char why[256];
    size_t len;
    close_index(f);
    corrupt_file(f->db, "my precious notes\n", 18);
    assert_int_equal(check(f, why, sizeof why), VZ_INDEX_FOREIGN);
    assert_int_equal(vz_index_ensure(&f->cfg, &f->kit, NULL, NULL), VZ_EINDEX);
    ts_assert_error("not a vzask index");
    char *kept = ts_read(f->db, &len);
    assert_string_equal(kept, "my precious notes\n");
    free(kept);
    /* Another program's SQLite database is foreign too. */
    unlink(f->db);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "CREATE TABLE t(x); INSERT INTO t VALUES(42);",
                                  NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(check(f, why, sizeof why), VZ_INDEX_FOREIGN);
    unlink(f->db);
    open_index(f);
}

static void truncated_index_is_rebuilt(void **state)
{
    fixture *f = *state;
    char why[256];
    size_t len;
    close_index(f);
    char *bytes = ts_read(f->db, &len);
    assert_true(len > 4096);
    corrupt_file(f->db, bytes, len / 3);
    free(bytes);
    vz_index_state st = check(f, why, sizeof why);
    assert_int_equal(st, VZ_INDEX_BROKEN);
    open_index(f);
    vz_hit hits[10];
    assert_int_equal(search(f, "cat", hits, 10), 2);
}

static void set_meta(const char *path, const char *key, const char *value)
{
    sqlite3 *db;
    char sql[256];
    snprintf(sql, sizeof sql, "UPDATE meta SET value='%s' WHERE key='%s'", value, key);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

static void newer_schema_is_reported_and_rebuilt(void **state)
{
    fixture *f = *state;
    char why[256];
    close_index(f);
    set_meta(f->db, "schema_version", "99");
    assert_int_equal(check(f, why, sizeof why), VZ_INDEX_NEWER);
    assert_non_null(strstr(why, "newer"));
    open_index(f);
    assert_int_equal(check(f, why, sizeof why), VZ_INDEX_FRESH);
}

static void corrupt_postings_are_an_error_not_a_crash(void **state)
{
    fixture *f = *state;
    sqlite3 *db;
    close_index(f);
    assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "UPDATE terms SET postings=x'ffffffff' WHERE term='cat'",
                                  NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(vz_index_open(&f->idx, f->db, &f->kit), VZ_OK);
    assert_int_equal(vz_reader_new(&f->reader, f->idx), VZ_OK);
    vz_query q;
    vz_hit hits[10];
    size_t n;
    assert_int_equal(vz_query_parse(f->reader, "cat", 3, &q), VZ_OK);
    assert_int_equal(vz_reader_search(f->reader, &q, NULL, 10, hits, &n), VZ_EINDEX);
    ts_assert_error("corrupt");
    vz_query_free(&q);
    /* The reader is still usable after the error. */
    assert_int_equal(search(f, "birds", hits, 10), 1);
}

static void postings_round_trip(void **state)
{
    (void)state;
    vz_term_table t;
    vz_term_table_init(&t);
    uint32_t passages[] = {0, 1, 5, 127, 128, 300000};
    for (size_t i = 0; i < 6; i++) {
        for (uint32_t k = 0; k <= i; k++)
            assert_int_equal(vz_term_table_add(&t, "x", 1, passages[i]), VZ_OK);
        assert_int_equal(vz_term_table_end_passage(&t), VZ_OK);
    }
    assert_int_equal(t.nentries, 1);
    assert_int_equal(t.entries[0].df, 6);
    assert_int_equal(t.entries[0].cf, 21);
    vz_postings_iter it;
    uint32_t p, tf;
    vz_postings_begin(&it, t.entries[0].postings.data, t.entries[0].postings.len);
    for (size_t i = 0; i < 6; i++) {
        assert_int_equal(vz_postings_next(&it, &p, &tf), 1);
        assert_int_equal(p, passages[i]);
        assert_int_equal(tf, i + 1);
    }
    assert_int_equal(vz_postings_next(&it, &p, &tf), 0);
    /* The short reader takes the one-byte postings up to its last passage
     * and leaves the others where they are. */
    for (int64_t last = 127; last <= 128; last++) {
        vz_postings_begin(&it, t.entries[0].postings.data, t.entries[0].postings.len);
        size_t i = 0;
        while (vz_postings_next_short(&it, last, &p, &tf)) {
            assert_int_equal(p, passages[i]);
            assert_int_equal(tf, i + 1);
            i++;
        }
        assert_int_equal(i, last == 127 ? 4 : 5);
        assert_int_equal(vz_postings_next(&it, &p, &tf), 1);
        assert_int_equal(p, passages[i]);
        assert_int_equal(tf, i + 1);
    }
    unsigned char bad[] = {0x80, 0x80};
    vz_postings_begin(&it, bad, sizeof bad);
    assert_int_equal(vz_postings_next(&it, &p, &tf), -1);
    vz_term_table_free(&t);
}

static void bad_corpora_are_clear_errors(void **state)
{
    (void)state;
    fixture f = {0};
    paths_init(&f);
    assert_int_equal(vz_index_ensure(&f.cfg, &f.kit, NULL, NULL), VZ_ECORPUS);
    ts_assert_error("no .txt file");
    ts_write(f.corpus, "bad.txt", "caf\xe9 latin-1\n", 13);
    assert_int_equal(vz_index_ensure(&f.cfg, &f.kit, NULL, NULL), VZ_ECORPUS);
    ts_assert_error("bad.txt");
    assert_int_equal(access(f.db, F_OK), -1);   /* nothing half-built left behind */
    f.cfg.corpus_dir = "/nonexistent/vzask/corpus";
    assert_int_equal(vz_index_ensure(&f.cfg, &f.kit, NULL, NULL), VZ_ECORPUS);
    ts_assert_error("/nonexistent/vzask/corpus");
    fixture_release(&f);
}

/* A BOM and CRLF line ends: offsets still cut the raw bytes exactly. */
static void bom_and_crlf_keep_exact_offsets(void **state)
{
    (void)state;
    fixture f = {0};
    paths_init(&f);
    const char raw[] = "\xef\xbb\xbfHeadline here\r\n\r\nFirst line of text.\r\nSecond one here.\r\n";
    ts_write(f.corpus, "w.txt", raw, sizeof raw - 1);
    open_index(&f);
    assert_true(f.idx->npassages >= 2);
    for (uint32_t p = 0; p < f.idx->npassages; p++) {
        const vz_passage_info *pi = &f.idx->passages[p];
        vz_buf text = {0};
        assert_int_equal(vz_reader_text(f.reader, pi->doc, pi->start, pi->end, &text), VZ_OK);
        assert_true(pi->start < pi->end && pi->end <= sizeof raw - 1);
        assert_int_equal(text.len, pi->end - pi->start);
        assert_memory_equal(text.data, raw + pi->start, text.len);
        assert_true(text.data[0] != '\xef' && text.data[text.len - 1] != '\r');
        vz_buf_free(&text);
    }
    assert_string_equal(f.idx->docs[0].title, "Headline here");
    fixture_release(&f);
}

/* A long first line with no space to cut at still gives a title of whole
 * UTF-8 characters. */
static void long_titles_are_cut_between_characters(void **state)
{
    (void)state;
    fixture f = {0};
    paths_init(&f);
    char raw[400] = "";
    for (int i = 0; i < 20; i++)
        strcat(raw, "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e");   /* 日本語, 9 bytes */
    strcat(raw, "\n\nThe text itself is here.\n");
    ts_write(f.corpus, "w.txt", raw, strlen(raw));
    open_index(&f);
    const char *title = f.idx->docs[0].title;
    assert_true(strlen(title) > 0 && strlen(title) <= 160);
    assert_int_equal(vz_utf8_invalid_at(title, strlen(title)), strlen(title));
    fixture_release(&f);
}

/* A heading is retrieved with the paragraph under it, unless furniture
 * lies between them: a passage never spans furniture. */
static void headings_join_the_paragraph_below(void **state)
{
    (void)state;
    fixture f = {0};
    paths_init(&f);
    const char joined[] = "Quiet Harbour Reopens\n\nThe harbour reopened on Monday.\n";
    const char apart[] = "Quiet Harbour Reopens\n- Advertisement -\nThe harbour reopened.\n";
    ts_write(f.corpus, "a.txt", joined, sizeof joined - 1);
    ts_write(f.corpus, "b.txt", apart, sizeof apart - 1);
    open_index(&f);
    assert_int_equal(f.idx->docs[0].npassages, 1);
    assert_int_equal(f.idx->passages[0].start, 0);
    assert_int_equal(f.idx->passages[0].end, sizeof joined - 2);
    assert_int_equal(f.idx->docs[1].npassages, 2);
    assert_int_equal(f.idx->passages[1].end, strlen("Quiet Harbour Reopens"));
    assert_int_equal(f.idx->passages[2].start, strlen("Quiet Harbour Reopens\n- Advertisement -\n"));
    fixture_release(&f);
}

/* MaxScore pruning (k small) must give exactly the top of the exhaustive
 * ranking (k larger than every match, where nothing can be pruned). */
static void pruned_top_k_equals_exhaustive_ranking(void **state)
{
    (void)state;
    static const char *const words[] = {"harbour", "ship", "storm", "crew", "captain",
        "island", "cargo", "wind", "sail", "anchor", "reef", "lighthouse", "tide", "gull"};
    fixture f = {0};
    paths_init(&f);
    unsigned seed = 12345;
    for (int d = 0; d < 300; d++) {
        char name[32], text[1024];
        size_t len = 0;
        int n = 3 + (int)((seed = seed * 1103515245u + 12345u) >> 16) % 40;
        for (int i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            unsigned r = (seed >> 16) % 100;
            /* Skewed: low indexes are common, high ones rare. */
            size_t w = r < 50 ? r % 3 : r < 80 ? 3 + r % 4 : 7 + r % 7;
            len += (size_t)snprintf(text + len, sizeof text - len, "%s ", words[w]);
        }
        snprintf(name, sizeof name, "d%03d.txt", d);
        ts_write(f.corpus, name, text, len);
    }
    open_index(&f);
    for (int qn = 0; qn < 60; qn++) {
        char q[256];
        /* Up to six terms, repeated ones weighing more: the rare terms
         * first leave many passages behind the k-th best, which the
         * common ones then must not add to wrongly. */
        snprintf(q, sizeof q, "%s %s %s %s %s %s", words[qn % 14], words[(qn * 5 + 1) % 14],
                 words[(qn * 3 + 2) % 3], words[7 + qn % 7], words[qn % 3],
                 qn % 2 ? words[7 + (qn * 3) % 7] : "");
        vz_hit all[300];
        size_t na = search(&f, q, all, 300);
        for (size_t k = 1; k <= 5; k++) {
            vz_hit few[5];
            /* Twice: fetched and decoded, then from the reader's cache. */
            for (int again = 0; again < 2; again++) {
                size_t nf = search(&f, q, few, k);
                assert_int_equal(nf, na < k ? na : k);
                for (size_t i = 0; i < nf; i++) {
                    assert_int_equal(few[i].passage, all[i].passage);
                    assert_true(few[i].score == all[i].score);
                }
            }
        }
    }
    fixture_release(&f);
}

/* Passage p's BM25 score for q computed one term at a time from its text
 * (q's terms in the order the search left them, idf filled), with the
 * same float arithmetic as the search: its tf of a term is how often the
 * passage's own analysis counts it. */
static float brute_score(fixture *f, const vz_query *q, uint32_t p)
{
    const vz_passage_info *pi = &f->idx->passages[p];
    vz_buf text = {0};
    vz_query words;
    assert_int_equal(vz_reader_text(f->reader, pi->doc, pi->start, pi->end, &text), VZ_OK);
    assert_int_equal(vz_query_parse(f->reader, text.data, text.len, &words), VZ_OK);
    float score = 0;
    for (size_t i = 0; i < q->n; i++) {
        float wk = (float)(q->terms[i].weight * q->terms[i].idf * (f->idx->k1 + 1));
        for (size_t j = 0; j < words.n; j++) {
            if (strcmp(words.terms[j].term, q->terms[i].term) != 0 || q->terms[i].weight <= 0)
                continue;
            float tf = (float)words.terms[j].weight;
            score += tf == 1 ? wk * f->idx->tf1[p] : wk * tf / (tf + f->idx->norm[p]);
        }
    }
    vz_query_free(&words);
    vz_buf_free(&text);
    return score;
}

/* The brute-force top k of the passages mask admits, into hits. */
static size_t brute_top_k(fixture *f, const vz_query *q, const unsigned char *mask, size_t k,
                          vz_hit *hits)
{
    size_t n = 0;
    for (uint32_t p = 0; p < f->idx->npassages; p++) {
        float s = mask[f->idx->passages[p].doc] ? brute_score(f, q, p) : 0;
        if (s <= 0)
            continue;
        size_t at = n < k ? n++ : k;   /* insertion: best first, ties lower passage first */
        while (at > 0 && hits[at - 1].score < s)
            at--;
        if (at >= k)
            continue;
        memmove(&hits[at + 1], &hits[at], (n - 1 - at) * sizeof *hits);
        hits[at] = (vz_hit){p, s};
    }
    return n;
}

static void assert_same_hits(const vz_hit *a, size_t na, const vz_hit *b, size_t nb)
{
    assert_int_equal(na, nb);
    for (size_t i = 0; i < na; i++) {
        assert_int_equal(a[i].passage, b[i].passage);
        assert_true(a[i].score == b[i].score);
    }
}

/* Once the k-th best score is out of reach of passages without one, the
 * remaining terms' postings are walked in blocks (sifted for passages
 * with a score, then summed) and passages falling behind are dropped on
 * the way.  A common word said ten times comes first and touches most
 * passages; the rarer words' lists (each longer than a block, shorter
 * than the touched list) are then walked.  At every small k the top k
 * must be the exhaustive ranking's top, scores to the bit, and the same
 * again from the reader's cache. */
static void walked_long_lists_equal_exhaustive_ranking(void **state)
{
    (void)state;
    static const char *const words[] = {"harbour", "ship", "storm", "captain", "island",
        "crew", "tide", "gull", "wind", "sail"};
    enum { NDOCS = 1500 };
    fixture f = {0};
    paths_init(&f);
    unsigned seed = 4242;
    for (int d = 0; d < NDOCS; d++) {
        char name[32], text[512];
        size_t len = 0;
        for (int w = 0; w < 10; w++) {
            unsigned r = ((seed = seed * 1103515245u + 12345u) >> 16) % 100;
            /* The first five words in about one passage of four, the last
             * five in three of five, a third of those twice. */
            int times = w < 5 ? r < 25 : r < 60 ? 1 + (r % 3 == 0) : 0;
            for (int t = 0; t < times; t++)
                len += (size_t)snprintf(text + len, sizeof text - len, "%s ", words[w]);
        }
        for (int x = 0; x < d % 13; x++)   /* lengths vary, and so do the shares */
            len += (size_t)snprintf(text + len, sizeof text - len, "filler%d ", x);
        snprintf(name, sizeof name, "d%04d.txt", d);
        ts_write(f.corpus, name, text, len ? len : 1);
    }
    open_index(&f);
    for (int qn = 0; qn < 20; qn++) {
        char q[512];
        size_t len = 0;
        for (int i = 0; i < 10; i++)
            len += (size_t)snprintf(q + len, sizeof q - len, "%s ", words[5 + qn % 5]);
        snprintf(q + len, sizeof q - len, "%s %s", words[qn % 5],
                 qn % 2 ? words[(qn * 3 + 1) % 5] : "");
        static vz_hit all[NDOCS];
        size_t na = search(&f, q, all, NDOCS);
        assert_true(na > NDOCS / 2);   /* the common word's list spans blocks */
        for (size_t k = 1; k <= 9; k += 2) {
            vz_hit few[9];
            for (int again = 0; again < 2; again++)
                assert_same_hits(all, k, few, search(&f, q, few, k));
        }
    }
    fixture_release(&f);
}

/* A query's terms find their entries of the reader's cache once per
 * search: a term the caller changed between two searches of one query must
 * be looked up anew (or "cat"'s list would score "dog"), and a cache that
 * empties itself in the middle of a search (a query of more terms than it
 * keeps, absent ones after the real ones) must still sum the real terms'
 * own lists: the hits are those of the real terms searched alone. */
static void query_terms_find_their_own_cache_entries(void **state)
{
    fixture *f = *state;
    vz_hit want[3], got[3];
    size_t nw = search(f, "dogs", want, 3), ng = 99;
    assert_int_equal(nw, 1);
    vz_query q;
    assert_int_equal(vz_query_parse(f->reader, "cats", 4, &q), VZ_OK);
    assert_int_equal(vz_reader_search(f->reader, &q, NULL, 3, got, &ng), VZ_OK);
    assert_int_equal(ng, 2);
    free(q.terms[0].term);
    assert_non_null(q.terms[0].term = vz_strdup("dog"));
    assert_int_equal(vz_reader_search(f->reader, &q, NULL, 3, got, &ng), VZ_OK);
    assert_same_hits(want, nw, got, ng);
    vz_query_free(&q);

    nw = search(f, "birds cats dogs", want, 3);
    assert_int_equal(nw, 3);
    assert_int_equal(vz_query_parse(f->reader, "birds cats dogs", 15, &q), VZ_OK);
    for (int i = 0; i < 30000; i++) {
        char term[16];
        int len = snprintf(term, sizeof term, "zz%05d", i);
        assert_int_equal(vz_query_add(&q, term, (size_t)len, 1), VZ_OK);
    }
    vz_query_merge(&q);
    for (int again = 0; again < 2; again++) {
        assert_int_equal(vz_reader_search(f->reader, &q, NULL, 3, got, &ng), VZ_OK);
        assert_same_hits(want, nw, got, ng);
    }
    vz_query_free(&q);
    assert_same_hits(want, nw, got, search(f, "birds cats dogs", got, 3));
}

/* A search within a few documents looks their passages up in the postings
 * instead of walking them: the top k must be brute-force BM25's over the
 * admitted passages (same passages, same scores to the bit, same order)
 * and what walking the lists gives, for masks admitting one, several and
 * many documents of up to four passages each; and later searches over
 * everything are unchanged. */
static void restricted_search_equals_brute_force(void **state)
{
    (void)state;
    static const char *const words[] = {"harbour", "ship", "storm", "crew", "captain",
        "island", "cargo", "wind", "sail", "anchor", "reef", "lighthouse", "tide", "gull"};
    enum { NDOCS = 160 };
    fixture f = {0};
    paths_init(&f);
    unsigned seed = 777;
    for (int d = 0; d < NDOCS; d++) {
        char name[32], text[2048];
        size_t len = 0;
        int paragraphs = 1 + (int)((seed = seed * 1103515245u + 12345u) >> 16) % 4;
        for (int g = 0; g < paragraphs; g++) {
            int n = 2 + (int)((seed = seed * 1103515245u + 12345u) >> 16) % 20;
            for (int i = 0; i < n; i++) {
                unsigned r = ((seed = seed * 1103515245u + 12345u) >> 16) % 100;
                size_t w = r < 50 ? r % 3 : r < 80 ? 3 + r % 4 : 7 + r % 7;
                len += (size_t)snprintf(text + len, sizeof text - len, "%s%s", words[w],
                                        i + 1 < n ? " " : ".\n\n");
            }
        }
        snprintf(name, sizeof name, "d%03d.txt", d);
        ts_write(f.corpus, name, text, len);
    }
    open_index(&f);
    assert_non_null(f.idx->doc_first);
    assert_true(f.idx->npassages > NDOCS + NDOCS / 2);
    vz_hit before[8], after[8];
    size_t nbefore = search(&f, "ship storm gull", before, 8);
    for (int qn = 0; qn < 24; qn++) {
        char text[256];
        snprintf(text, sizeof text, "%s %s %s %s", words[qn % 14], words[(qn * 5 + 1) % 14],
                 words[7 + qn % 7], qn % 2 ? words[qn % 3] : "");
        for (int kind = 0; kind < 3; kind++) {
            unsigned char mask[NDOCS] = {0};
            for (int d = 0; d < NDOCS; d++)
                mask[d] = (unsigned char)(kind == 0 ? d == (qn * 37) % NDOCS
                                          : kind == 1 ? (d * 13 + qn) % 29 == 0
                                                      : d % 3 != qn % 3);
            for (size_t k = 1; k <= 16; k += 5) {
                vz_query q;
                vz_hit got[16], walked[16], want[16];
                size_t ng, nw;
                assert_int_equal(vz_query_parse(f.reader, text, strlen(text), &q), VZ_OK);
                assert_int_equal(vz_reader_search(f.reader, &q, mask, k, got, &ng), VZ_OK);
                assert_int_equal(vz_reader_search_walking(f.reader, &q, mask, k, walked, &nw),
                                 VZ_OK);
                assert_same_hits(got, ng, walked, nw);
                assert_same_hits(got, ng, want, brute_top_k(&f, &q, mask, k, want));
                if (kind == 0 && qn == 0)
                    assert_true(ng >= 1);   /* the test can fail: one document matches */
                vz_query_free(&q);
            }
        }
    }
    assert_same_hits(before, nbefore, after, search(&f, "ship storm gull", after, 8));
    fixture_release(&f);
}

/* Equal scores rank the lower passage first at every k, whether the top k
 * were kept as the scores grew or pruned: many documents repeat one of
 * four texts, so most scores tie. */
static void ties_rank_lower_passages_first_at_every_k(void **state)
{
    (void)state;
    static const char *const texts[] = {"ship storm crew", "ship crew crew harbour",
        "storm storm", "harbour ship storm crew anchor"};
    fixture f = {0};
    paths_init(&f);
    for (int d = 0; d < 40; d++) {
        char name[32];
        const char *text = texts[(d * 7) % 4];
        snprintf(name, sizeof name, "d%02d.txt", d);
        ts_write(f.corpus, name, text, strlen(text));
    }
    open_index(&f);
    vz_hit all[40], few[40];
    size_t na = search(&f, "ship storm crew anchor", all, 40);
    assert_int_equal(na, 40);
    for (size_t i = 1; i < na; i++)
        assert_true(all[i].score < all[i - 1].score ||
                    (all[i].score == all[i - 1].score && all[i].passage > all[i - 1].passage));
    for (size_t k = 1; k <= na; k++) {
        size_t nf = search(&f, "ship storm crew anchor", few, k);
        assert_int_equal(nf, k);
        for (size_t i = 0; i < nf; i++) {
            assert_int_equal(few[i].passage, all[i].passage);
            assert_true(few[i].score == all[i].score);
        }
    }
    fixture_release(&f);
}

/* A document read is taken whole at the size the listing saw only when the
 * file still ends there: one that grew or shrank since is read to its end,
 * and one replaced by a FIFO is an error, not a wait or an empty text. */
static void documents_changed_after_listing_are_read_as_they_are(void **state)
{
    (void)state;
    char *dir = ts_tmpdir();
    ts_write(dir, "grow.txt", "Cats.\n", 6);
    ts_write(dir, "shrink.txt", "Dogs chase cats.\n", 17);
    ts_write(dir, "fifo.txt", "Birds.\n", 7);
    vz_corpus c;
    assert_int_equal(vz_corpus_list(dir, &c), VZ_OK);
    assert_int_equal(c.ndocs, 3);
    ts_write(dir, "grow.txt", "Cats chase mice all day long.\n", 30);
    ts_write(dir, "shrink.txt", "Dogs.\n", 6);
    char path[4096];
    snprintf(path, sizeof path, "%s/fifo.txt", dir);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(mkfifo(path, 0600), 0);
    char *text;
    size_t len;
    vz_doc_info *d = c.docs;   /* sorted: fifo, grow, shrink */
    assert_int_equal(vz_corpus_read(&d[0], &text, &len), VZ_ECORPUS);
    assert_null(text);
    ts_assert_error("not a regular file");
    assert_int_equal(vz_corpus_read(&d[1], &text, &len), VZ_OK);
    assert_int_equal(len, 30);
    assert_string_equal(text, "Cats chase mice all day long.\n");
    assert_int_equal(d[1].size, 30);
    free(text);
    assert_int_equal(vz_corpus_read(&d[2], &text, &len), VZ_OK);
    assert_string_equal(text, "Dogs.\n");
    assert_int_equal(d[2].size, 6);
    free(text);
    vz_corpus_free(&c);
    vz_corpus_free(&c);   /* twice is harmless (a failed listing is freed by both) */
    ts_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(bm25_matches_hand_computed_scores, setup_tiny, teardown),
        cmocka_unit_test(many_rows_round_trip),
        cmocka_unit_test_setup_teardown(query_terms_are_weighted_and_summed, setup_tiny, teardown),
        cmocka_unit_test_setup_teardown(top_k_keeps_the_best, setup_tiny, teardown),
        cmocka_unit_test_setup_teardown(hostile_queries_match_nothing_and_harm_nothing, setup_tiny, teardown),
        cmocka_unit_test_setup_teardown(every_document_found_by_name, setup_tiny, teardown),
        cmocka_unit_test_setup_teardown(doc_mask_restricts, setup_tiny, teardown),
        cmocka_unit_test_setup_teardown(vanishing_weights_find_nothing, setup_tiny, teardown),
        cmocka_unit_test_setup_teardown(round_trip_offsets_cut_the_raw_file, setup_tiny, teardown),
        cmocka_unit_test_setup_teardown(changed_file_makes_it_stale_and_rebuild_sees_it, setup_tiny, teardown),
        cmocka_unit_test_setup_teardown(touched_but_same_bytes_stays_fresh, setup_tiny, teardown),
        cmocka_unit_test_setup_teardown(unit_change_makes_it_stale, setup_tiny, teardown),
        cmocka_unit_test_setup_teardown(garbage_in_the_cache_is_rebuilt, setup_tiny, teardown),
        cmocka_unit_test_setup_teardown(foreign_file_is_never_replaced, setup_tiny, teardown),
        cmocka_unit_test_setup_teardown(truncated_index_is_rebuilt, setup_tiny, teardown),
        cmocka_unit_test_setup_teardown(newer_schema_is_reported_and_rebuilt, setup_tiny, teardown),
        cmocka_unit_test_setup_teardown(corrupt_postings_are_an_error_not_a_crash, setup_tiny, teardown),
        cmocka_unit_test(postings_round_trip),
        cmocka_unit_test(bad_corpora_are_clear_errors),
        cmocka_unit_test(documents_changed_after_listing_are_read_as_they_are),
        cmocka_unit_test(bom_and_crlf_keep_exact_offsets),
        cmocka_unit_test(long_titles_are_cut_between_characters),
        cmocka_unit_test(headings_join_the_paragraph_below),
        cmocka_unit_test(pruned_top_k_equals_exhaustive_ranking),
        cmocka_unit_test(ties_rank_lower_passages_first_at_every_k),
        cmocka_unit_test(restricted_search_equals_brute_force),
        cmocka_unit_test(walked_long_lists_equal_exhaustive_ranking),
        cmocka_unit_test_setup_teardown(query_terms_find_their_own_cache_entries, setup_tiny, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
