/*
 * test_errors.c - the catalogue of errors a caller of vzask.h can meet,
 * walked through the public API alone: bad calls and questions, bad corpus
 * folders, bad index files and places.  Each case checks the status, that
 * *out is NULL, and that vz_last_error() names the thing and says what to
 * do; that nothing but the index path was written; and that once the cause
 * is gone the engine opens again.
 */
#include "support.h"

#include <dirent.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "vzask.h"

/* A FIFO opened for reading blocks until a writer comes: a hang here is a
 * failure, not a stuck `make test`. */
#define HANG_SECONDS 120

#define GOOD_DOC "Harbour news\n\nThe council opened the new harbour wall on Monday.\n"
#define GOOD_QUESTION "when did the council open the harbour wall"

static char *tmp;

static int setup(void **state)
{
    (void)state;
    tmp = ts_tmpdir();
    alarm(HANG_SECONDS);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    alarm(0);
    ts_rmtree(tmp);
    free(tmp);
    return 0;
}

/* out <- dir/name (dir a pointer: its length is not the compiler's to guess). */
static void in_dir(char *out, size_t n, const char *dir, const char *name)
{
    assert_true((size_t)snprintf(out, n, "%s/%s", dir, name) < n);
}

static void in_tmp(char *out, size_t n, const char *name)
{
    in_dir(out, n, tmp, name);
}

/* dir/name <- text (no NUL in it). */
static void write_text(const char *dir, const char *name, const char *text)
{
    ts_write(dir, name, text, strlen(text));
}

/* tmp/name, a corpus folder holding one good document. */
static void make_corpus(char *dir, size_t n, const char *name)
{
    in_tmp(dir, n, name);
    assert_int_equal(mkdir(dir, 0700), 0);
    write_text(dir, "good.txt", GOOD_DOC);
}

static void write_file(const char *path, const char *bytes, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(bytes, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

/* Every path under dir (relative, one a line, sorted) appended to buf:
 * what a failed call must leave as it was. */
static void list_tree(const char *dir, const char *rel, char *buf, size_t cap)
{
    struct dirent **ents;
    int n = scandir(dir, &ents, NULL, alphasort);
    assert_true(n >= 0);
    for (int i = 0; i < n; i++) {
        const char *name = ents[i]->d_name;
        if (strcmp(name, ".") != 0 && strcmp(name, "..") != 0) {
            char path[4096], sub[4096];
            struct stat st;
            snprintf(path, sizeof path, "%s/%s", dir, name);
            snprintf(sub, sizeof sub, "%s%s/", rel, name);
            size_t len = strlen(buf);
            assert_true(len + strlen(sub) + 1 < cap);
            snprintf(buf + len, cap - len, "%s\n", sub);
            if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
                list_tree(path, sub, buf, cap);
        }
        free(ents[i]);
    }
    free(ents);
}

static char *snapshot(void)
{
    size_t cap = 1 << 16;
    char *buf = calloc(1, cap);
    assert_non_null(buf);
    list_tree(tmp, "", buf, cap);
    return buf;
}

static int open_engine(vz_engine **e, const char *corpus, const char *db, unsigned flags)
{
    vz_engine_options o = VZ_ENGINE_OPTIONS_INIT;
    o.corpus_dir = corpus;
    o.index_path = db;
    o.flags = flags;
    *e = (vz_engine *)&o;   /* not NULL: a failure must clear it */
    return vz_engine_open(e, &o);
}

/* The open fails with status, leaves *out NULL, names what and says todo,
 * and writes nothing in the test's folder. */
static void expect_open_fails(const char *corpus, const char *db, unsigned flags, int status,
                              const char *what, const char *todo)
{
    char *before = snapshot();
    vz_engine *e;
    int rc = open_engine(&e, corpus, db, flags);
    if (rc != status)
        fail_msg("open %s %s gave %d (%s), not %d", corpus, db, rc, vz_last_error(), status);
    assert_null(e);
    ts_assert_error(what);
    ts_assert_error(todo);
    char *after = snapshot();
    assert_string_equal(before, after);
    free(before);
    free(after);
}

/* The engine opens and answers (the cause of an earlier failure gone). */
static void expect_open_works(const char *corpus, const char *db, unsigned flags)
{
    vz_engine *e;
    if (open_engine(&e, corpus, db, flags) != VZ_OK)
        fail_msg("open %s %s: %s", corpus, db, vz_last_error());
    vz_result *r = NULL;
    assert_int_equal(vz_ask(e, GOOD_QUESTION, strlen(GOOD_QUESTION), NULL, &r), VZ_OK);
    assert_true(vz_result_answered(r));
    vz_result_free(r);
    vz_engine_close(e);
}

static vz_engine *good_engine(void)
{
    char dir[4096], db[4096];
    make_corpus(dir, sizeof dir, "asking");
    in_tmp(db, sizeof db, "asking.db");
    vz_engine *e;
    assert_int_equal(open_engine(&e, dir, db, 0), VZ_OK);
    return e;
}

/* ---- Asking ------------------------------------------------------------- */

static void expect_ask_fails(vz_engine *e, const char *q, size_t len, const char *what,
                             const char *todo)
{
    vz_result *r = (vz_result *)&r;
    int rc = vz_ask(e, q, len, NULL, &r);
    if (rc != VZ_EINVAL)
        fail_msg("asking %zu bytes gave %d (%s), not VZ_EINVAL", len, rc, vz_last_error());
    assert_null(r);
    ts_assert_error(what);
    ts_assert_error(todo);
}

static void null_arguments(void **state)
{
    (void)state;
    vz_engine *e = good_engine();
    expect_ask_fails(NULL, "who", 3, "the engine is NULL", "vz_engine_open");
    expect_ask_fails(e, NULL, 3, "the question is NULL", "pass");
    assert_int_equal(vz_ask(e, "who", 3, NULL, NULL), VZ_EINVAL);
    ts_assert_error("out is NULL");
    ts_assert_error("pass");
    vz_ask_options ao = VZ_ASK_OPTIONS_INIT;
    ao.version = 99;
    vz_result *r = (vz_result *)&r;
    assert_int_equal(vz_ask(e, "who", 3, &ao, &r), VZ_EINVAL);
    assert_null(r);
    ts_assert_error("VZ_ASK_OPTIONS_INIT");
    assert_int_equal(vz_engine_open(NULL, NULL), VZ_EINVAL);
    ts_assert_error("out is NULL");
    ts_assert_error("pass");
    vz_engine_options o = VZ_ENGINE_OPTIONS_INIT;
    o.version = 0;
    vz_engine *f = e;
    assert_int_equal(vz_engine_open(&f, &o), VZ_EINVAL);
    assert_null(f);
    ts_assert_error("VZ_ENGINE_OPTIONS_INIT");
    vz_engine_close(e);
}

static void empty_and_malformed_questions(void **state)
{
    (void)state;
    vz_engine *e = good_engine();
    expect_ask_fails(e, "", 0, "the question is empty", "give some words");
    expect_ask_fails(e, " \t\r\n  ", 6, "the question is empty", "give some words");
    static const struct { const char *q; size_t len; } bad[] = {
        {"caf\xc3", 4},               /* a sequence cut short */
        {"caf\xc3 au lait", 12},      /* ... before more text */
        {"who \xc0\x80 is", 9},       /* an overlong NUL */
        {"who \xed\xa0\x80 is", 10},  /* a UTF-16 surrogate */
        {"who \xff is", 8},           /* a byte UTF-8 never uses */
        {"\xf4\x90\x80\x80", 4},      /* past U+10FFFF */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        expect_ask_fails(e, bad[i].q, bad[i].len, "not valid UTF-8", "convert it to UTF-8");
    expect_ask_fails(e, "who\0is", 6, "NUL byte", "pass its length without it");
    vz_engine_close(e);
}

/* len bytes of words: a valid question however long. */
static char *words(size_t len)
{
    static const char w[] = "harbour wall council ";
    char *q = malloc(len);
    assert_non_null(q);
    for (size_t i = 0; i < len; i++)
        q[i] = w[i % (sizeof w - 1)];
    return q;
}

/* 1 MiB of words is refused by its length; a question of exactly
 * VZ_MAX_QUESTION bytes is asked, one byte more is refused. */
static void long_questions(void **state)
{
    (void)state;
    vz_engine *e = good_engine();
    size_t big = (size_t)1 << 20;
    char *q = words(big);
    expect_ask_fails(e, q, big, "the question is 1048576 bytes long", "shorten it");
    free(q);
    char limit[32];
    snprintf(limit, sizeof limit, "more than %d", VZ_MAX_QUESTION);
    ts_assert_error(limit);
    q = words(VZ_MAX_QUESTION + 1);
    vz_result *r = NULL;
    assert_int_equal(vz_ask(e, q, VZ_MAX_QUESTION, NULL, &r), VZ_OK);
    assert_non_null(r);
    vz_result_free(r);
    expect_ask_fails(e, q, VZ_MAX_QUESTION + 1, "bytes long", "shorten it");
    free(q);
    vz_engine_close(e);
}

/* ---- Corpus folders --------------------------------------------------------- */

static void corpus_missing_or_not_a_folder(void **state)
{
    (void)state;
    char dir[4096], file[4096], db[4096];
    in_tmp(dir, sizeof dir, "no-such-folder");
    in_tmp(db, sizeof db, "missing.db");
    expect_open_fails(dir, db, 0, VZ_ECORPUS, dir, "check the path");
    expect_open_fails(dir, db, VZ_OPEN_READONLY, VZ_ECORPUS, dir, "check the path");
    in_tmp(file, sizeof file, "a-file");
    write_file(file, GOOD_DOC, strlen(GOOD_DOC));
    expect_open_fails(file, db, 0, VZ_ECORPUS, file, "check the path");
    make_corpus(dir, sizeof dir, "no-such-folder");
    expect_open_works(dir, db, 0);
}

static void corpus_without_documents(void **state)
{
    (void)state;
    char dir[4096], db[4096];
    in_tmp(dir, sizeof dir, "no-txt");
    in_tmp(db, sizeof db, "no-txt.db");
    assert_int_equal(mkdir(dir, 0700), 0);
    write_text(dir, "notes.md", "# notes\n");
    write_text(dir, ".hidden.txt", "Hidden\n");
    write_text(dir, "txt", "no suffix\n");
    expect_open_fails(dir, db, 0, VZ_ECORPUS, dir, ".txt");
    write_text(dir, "good.txt", GOOD_DOC);
    expect_open_works(dir, db, 0);
}

/* Run as root, chmod 000 reads fine: a file is unreadable as a dangling
 * link; a folder or a FIFO named x.txt is no document and is skipped (a
 * FIFO is never opened: that would wait for a writer). */
static void corpus_with_unreadable_names(void **state)
{
    (void)state;
    char dir[4096], db[4096], x[4096];
    make_corpus(dir, sizeof dir, "unreadable");
    in_tmp(db, sizeof db, "unreadable.db");
    in_dir(x, sizeof x, dir, "x.txt");
    assert_int_equal(symlink("/nonexistent/vz-target.txt", x), 0);
    expect_open_fails(dir, db, 0, VZ_ECORPUS, x, "fix or remove it");
    assert_int_equal(unlink(x), 0);

    assert_int_equal(mkdir(x, 0700), 0);
    expect_open_works(dir, db, 0);
    assert_int_equal(rmdir(x), 0);

    assert_int_equal(mkfifo(x, 0600), 0);
    expect_open_works(dir, db, 0);
    expect_open_works(dir, db, VZ_OPEN_READONLY);
    char good[4096];
    in_dir(good, sizeof good, dir, "good.txt");
    assert_int_equal(unlink(good), 0);
    expect_open_fails(dir, db, 0, VZ_ECORPUS, dir, "no regular .txt file");
    assert_int_equal(unlink(x), 0);
    write_text(dir, "good.txt", GOOD_DOC);
    expect_open_works(dir, db, 0);
}

/* A document that is not UTF-8 is an error naming it (never a crash, never
 * a half index); fixed, the folder opens. */
static void corpus_with_a_document_not_in_utf8(void **state)
{
    (void)state;
    char dir[4096], db[4096], bad[4096];
    make_corpus(dir, sizeof dir, "latin1");
    in_tmp(db, sizeof db, "latin1.db");
    const char latin1[] = "Caf\xe9 news\n\nThe caf\xe9 opened on Monday.\n";
    ts_write(dir, "bad.txt", latin1, sizeof latin1 - 1);
    in_dir(bad, sizeof bad, dir, "bad.txt");
    expect_open_fails(dir, db, 0, VZ_ECORPUS, bad, "convert it to UTF-8");
    write_text(dir, "bad.txt", "Caf\xc3\xa9 news\n");
    expect_open_works(dir, db, 0);
    /* A document spoilt after the build: the stale index is rebuilt, and fails. */
    ts_write(dir, "bad.txt", latin1, sizeof latin1 - 1);
    expect_open_fails(dir, db, 0, VZ_ECORPUS, bad, "convert it to UTF-8");
    expect_open_fails(dir, db, VZ_OPEN_READONLY, VZ_EINDEX, db, "run `vzask index`");
}

/* An empty document is a document without text: it is indexed, and the
 * engine abstains on a corpus of nothing else. */
static void corpus_with_an_empty_document(void **state)
{
    (void)state;
    char dir[4096], db[4096];
    in_tmp(dir, sizeof dir, "empty");
    in_tmp(db, sizeof db, "empty.db");
    assert_int_equal(mkdir(dir, 0700), 0);
    write_text(dir, "empty.txt", "");
    vz_engine *e;
    assert_int_equal(open_engine(&e, dir, db, 0), VZ_OK);
    vz_result *r = NULL;
    assert_int_equal(vz_ask(e, GOOD_QUESTION, strlen(GOOD_QUESTION), NULL, &r), VZ_OK);
    assert_false(vz_result_answered(r));
    vz_result_free(r);
    vz_engine_close(e);
    write_text(dir, "good.txt", GOOD_DOC);
    expect_open_works(dir, db, 0);
}

/* data_dir must be a folder (a mistyped one would silently give the
 * built-in data), and a FIFO in it is refused, not waited on. */
static void a_data_folder_that_is_not_one(void **state)
{
    (void)state;
    char dir[4096], db[4096], data[4096], fifo[4096];
    make_corpus(dir, sizeof dir, "with-data");
    in_tmp(db, sizeof db, "with-data.db");
    in_tmp(data, sizeof data, "no-such-data");
    vz_engine_options o = VZ_ENGINE_OPTIONS_INIT;
    o.corpus_dir = dir;
    o.index_path = db;
    o.data_dir = data;
    vz_engine *e = (vz_engine *)&o;
    assert_int_equal(vz_engine_open(&e, &o), VZ_EINVAL);
    assert_null(e);
    ts_assert_error(data);
    ts_assert_error("check the path");
    write_file(data, "x", 1);
    assert_int_equal(vz_engine_open(&e, &o), VZ_EINVAL);
    ts_assert_error("not a folder");
    assert_int_equal(unlink(data), 0);
    assert_int_equal(mkdir(data, 0700), 0);
    in_dir(fifo, sizeof fifo, data, "stopwords.txt");
    assert_int_equal(mkfifo(fifo, 0600), 0);
    assert_int_equal(vz_engine_open(&e, &o), VZ_EIO);
    assert_null(e);
    ts_assert_error(fifo);
    ts_assert_error("not a regular file");
    assert_int_equal(unlink(fifo), 0);
    assert_int_equal(vz_engine_open(&e, &o), VZ_OK);   /* an empty folder: all built in */
    vz_engine_close(e);
}

/* ---- Index files ------------------------------------------------------------- */

static char *read_all(const char *path, size_t *len)
{
    char *bytes = ts_read(path, len);
    assert_non_null(bytes);
    return bytes;
}

static void a_file_not_an_index_is_never_replaced(void **state)
{
    (void)state;
    char dir[4096], db[4096];
    make_corpus(dir, sizeof dir, "foreign");
    in_tmp(db, sizeof db, "notes.db");
    write_file(db, "my precious notes\n", 18);
    expect_open_fails(dir, db, 0, VZ_EINDEX, db, "choose another index path");
    expect_open_fails(dir, db, VZ_OPEN_READONLY, VZ_EINDEX, db, "choose another index path");
    size_t len;
    char *kept = read_all(db, &len);
    assert_string_equal(kept, "my precious notes\n");
    free(kept);
    /* Another program's SQLite database, and a folder at the index path. */
    assert_int_equal(unlink(db), 0);
    sqlite3 *sq;
    assert_int_equal(sqlite3_open(db, &sq), SQLITE_OK);
    assert_int_equal(sqlite3_exec(sq, "CREATE TABLE t(x);", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(sq);
    expect_open_fails(dir, db, 0, VZ_EINDEX, "another program", "choose another index path");
    assert_int_equal(unlink(db), 0);
    assert_int_equal(mkdir(db, 0700), 0);
    expect_open_fails(dir, db, 0, VZ_EINDEX, "not a regular file", "choose another index path");
    assert_int_equal(rmdir(db), 0);
    expect_open_works(dir, db, 0);
}

static void a_truncated_index_is_rebuilt_unless_read_only(void **state)
{
    (void)state;
    char dir[4096], db[4096];
    make_corpus(dir, sizeof dir, "truncated");
    in_tmp(db, sizeof db, "truncated.db");
    expect_open_works(dir, db, 0);
    size_t len;
    char *bytes = read_all(db, &len);
    assert_true(len > 4096);
    write_file(db, bytes, len / 3);
    free(bytes);
    expect_open_fails(dir, db, VZ_OPEN_READONLY, VZ_EINDEX, db, "run `vzask index`");
    expect_open_works(dir, db, 0);
    expect_open_works(dir, db, VZ_OPEN_READONLY);
    /* Cut inside the header: not even SQLite's. */
    write_file(db, "SQLite", 6);
    expect_open_fails(dir, db, VZ_OPEN_READONLY, VZ_EINDEX, db, "choose another index path");
    assert_int_equal(unlink(db), 0);
    expect_open_works(dir, db, 0);
}

static void set_schema(const char *db, const char *version)
{
    sqlite3 *sq;
    char sql[128];
    snprintf(sql, sizeof sql, "UPDATE meta SET value='%s' WHERE key='schema_version'", version);
    assert_int_equal(sqlite3_open(db, &sq), SQLITE_OK);
    assert_int_equal(sqlite3_exec(sq, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(sq);
}

/* An index of a newer vzask: read-only, an error naming both schemas;
 * writable, it is a cache of the corpus like any other and is rebuilt. */
static void a_newer_index_says_which_version(void **state)
{
    (void)state;
    char dir[4096], db[4096];
    make_corpus(dir, sizeof dir, "newer");
    in_tmp(db, sizeof db, "newer.db");
    expect_open_works(dir, db, 0);
    set_schema(db, "99");
    expect_open_fails(dir, db, VZ_OPEN_READONLY, VZ_EINDEX, "schema 99", "run `vzask index`");
    expect_open_works(dir, db, 0);
    expect_open_works(dir, db, VZ_OPEN_READONLY);
}

static void a_stale_or_missing_index_when_read_only(void **state)
{
    (void)state;
    char dir[4096], db[4096];
    make_corpus(dir, sizeof dir, "stale");
    in_tmp(db, sizeof db, "stale.db");
    expect_open_fails(dir, db, VZ_OPEN_READONLY, VZ_EINDEX, "no index yet", "run `vzask index`");
    expect_open_works(dir, db, 0);
    write_text(dir, "second.txt", "Second\n\nAnother document.\n");
    expect_open_fails(dir, db, VZ_OPEN_READONLY, VZ_EINDEX, "the corpus changed",
                      "without VZ_OPEN_READONLY");
    expect_open_works(dir, db, 0);
    expect_open_works(dir, db, VZ_OPEN_READONLY);
}

/* An index that cannot be written where it is asked for: its folder is
 * missing, is a file, or refuses files (/proc, even to root). */
static void an_index_in_a_place_that_cannot_hold_it(void **state)
{
    (void)state;
    char dir[4096], db[4096], file[4096];
    make_corpus(dir, sizeof dir, "place");
    in_tmp(db, sizeof db, "no-such-folder/x.db");
    expect_open_fails(dir, db, 0, VZ_EINDEX, "no-such-folder", "choose another index path");
    in_tmp(file, sizeof file, "a-file");
    write_file(file, "x", 1);
    in_dir(db, sizeof db, file, "x.db");
    expect_open_fails(dir, db, 0, VZ_EINDEX, file, "choose another index path");
    expect_open_fails(dir, "/proc/vz-test.db", 0, VZ_EINDEX, "/proc/vz-test.db",
                      "choose another index path");
    assert_int_equal(access("/proc/vz-test.db", F_OK), -1);
    in_tmp(db, sizeof db, "place.db");
    expect_open_works(dir, db, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(null_arguments, setup, teardown),
        cmocka_unit_test_setup_teardown(empty_and_malformed_questions, setup, teardown),
        cmocka_unit_test_setup_teardown(long_questions, setup, teardown),
        cmocka_unit_test_setup_teardown(corpus_missing_or_not_a_folder, setup, teardown),
        cmocka_unit_test_setup_teardown(corpus_without_documents, setup, teardown),
        cmocka_unit_test_setup_teardown(corpus_with_unreadable_names, setup, teardown),
        cmocka_unit_test_setup_teardown(corpus_with_a_document_not_in_utf8, setup, teardown),
        cmocka_unit_test_setup_teardown(corpus_with_an_empty_document, setup, teardown),
        cmocka_unit_test_setup_teardown(a_data_folder_that_is_not_one, setup, teardown),
        cmocka_unit_test_setup_teardown(a_file_not_an_index_is_never_replaced, setup, teardown),
        cmocka_unit_test_setup_teardown(a_truncated_index_is_rebuilt_unless_read_only, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_newer_index_says_which_version, setup, teardown),
        cmocka_unit_test_setup_teardown(a_stale_or_missing_index_when_read_only, setup, teardown),
        cmocka_unit_test_setup_teardown(an_index_in_a_place_that_cannot_hold_it, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
