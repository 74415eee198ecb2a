/*
 * squad_metrics.c - the official SQuAD metrics, reproduced to the bit:
 * evaluate-v1.1.py's and evaluate-v2.0.py's normalize_answer, exact match,
 * token F1 (a Counter intersection), their maximum over the gold answers,
 * and v2.0's find_best_thresh.  Python's own Unicode rules are followed
 * where they matter (str.lower, re's \w, str.split), so that the official
 * script computes the same numbers from vzask's predictions file.
 */
#include "squad_metrics.h"
#include "vzask.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* Python's str.isspace() (Py_UNICODE_ISSPACE), what str.split() splits on;
 * U+200B (zero width space) is not one of them. */
static int py_space(int32_t c)
{
    return (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x20) || c == 0x85 || c == 0xa0 ||
           c == 0x1680 || (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 ||
           c == 0x202f || c == 0x205f || c == 0x3000;
}

/* Python re's \w on str: str.isalnum() (letters and numbers) or '_'.
 * Combining marks are not word characters, so \b falls before them. */
static int py_word(int32_t c)
{
    if (c < 0x80)
        return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c == '_';
    utf8proc_category_t k = utf8proc_category(c);
    return (k >= UTF8PROC_CATEGORY_LU && k <= UTF8PROC_CATEGORY_LO) ||
           (k >= UTF8PROC_CATEGORY_ND && k <= UTF8PROC_CATEGORY_NO);
}

static int cased(int32_t c)
{
    utf8proc_category_t k = utf8proc_category(c);
    return k == UTF8PROC_CATEGORY_LU || k == UTF8PROC_CATEGORY_LL || k == UTF8PROC_CATEGORY_LT;
}

static int case_ignorable(int32_t c)
{
    static const int32_t mid[] = {0x27, 0x2e, 0x3a, 0xb7, 0x387, 0x5f4, 0x2018, 0x2019,
                                  0x2024, 0x2027, 0xfe13, 0xfe52, 0xfe55, 0xff07, 0xff0e, 0xff1a};
    for (size_t i = 0; i < sizeof mid / sizeof *mid; i++)
        if (c == mid[i])
            return 1;
    utf8proc_category_t k = utf8proc_category(c);
    return k == UTF8PROC_CATEGORY_MN || k == UTF8PROC_CATEGORY_ME || k == UTF8PROC_CATEGORY_CF ||
           k == UTF8PROC_CATEGORY_LM || k == UTF8PROC_CATEGORY_SK;
}

/* Python lowers a capital sigma to the final form at the end of a word
 * (Unicode's Final_Sigma context); utf8proc's simple mapping does not. */
static int32_t lower_sigma(const int32_t *a, size_t n, size_t i)
{
    size_t j = i;
    while (j > 0 && case_ignorable(a[j - 1]))
        j--;
    if (j == 0 || !cased(a[j - 1]))
        return 0x3c3;
    for (j = i + 1; j < n && case_ignorable(a[j]); j++)
        ;
    return j < n && cased(a[j]) ? 0x3c3 : 0x3c2;
}

static int is_article(const int32_t *w, size_t n)
{
    return (n == 1 && w[0] == 'a') || (n == 2 && w[0] == 'a' && w[1] == 'n') ||
           (n == 3 && w[0] == 't' && w[1] == 'h' && w[2] == 'e');
}

/* Decode s, invalid bytes as U+FFFD (jansson and the engine give valid
 * UTF-8; this only keeps a bad byte from stopping the walk). */
static size_t decode(const char *s, size_t len, int32_t *out)
{
    size_t n = 0;
    for (size_t i = 0; i < len;) {
        int32_t c;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                              (utf8proc_ssize_t)(len - i), &c);
        if (k <= 0) {
            c = 0xfffd;
            k = 1;
        }
        out[n++] = c;
        i += (size_t)k;
    }
    return n;
}

char *vz_squad_normalize(const char *s, size_t len)
{
    /* U+0130 is the one code point Python lowers to two (i + U+0307). */
    char *out = malloc(8 * len + 1);
    int32_t *a = malloc((3 * len + 2) * sizeof *a), *b = a + len + 1;
    if (!a || !out) {
        free(a), free(out);
        return NULL;
    }
    size_t n = decode(s, len, a), m = 0;
    for (size_t i = 0; i < n; i++) {
        int32_t c = a[i] == 0x130 ? 'i' : a[i] == 0x3a3 ? lower_sigma(a, n, i) : utf8proc_tolower(a[i]);
        if (c < 0x80 && c > 0x20 && strchr("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", (int)c))
            continue;
        b[m++] = c;
        if (a[i] == 0x130)
            b[m++] = 0x307;
    }
    /* Each maximal run of word characters that is an article becomes a
     * space; then tokens (split on white space) are joined by one space. */
    size_t o = 0, i = 0;
    int pending = 0;
    while (i < m) {
        size_t j = i;
        while (j < m && py_word(b[j]))
            j++;
        if (j > i && is_article(b + i, j - i)) {
            pending = o > 0;
            i = j;
            continue;
        }
        if (j == i && py_space(b[i])) {
            pending = o > 0;
            i++;
            continue;
        }
        if (j == i)
            j = i + 1;
        if (pending)
            out[o++] = ' ';
        pending = 0;
        for (; i < j; i++)
            o += (size_t)utf8proc_encode_char(b[i], (utf8proc_uint8_t *)out + o);
    }
    out[o] = '\0';
    free(a);
    return out;
}

/* The tokens of a normalised string: the runs between its single spaces. */
typedef struct {
    const char *s;
    size_t len;
} token;

static size_t count_tokens(const char *s)
{
    size_t n = *s != '\0';
    for (const char *p = s; *p; p++)
        n += *p == ' ';
    return n;
}

static void split(const char *s, token *tok)
{
    for (size_t k = 0; *s; k++) {
        const char *e = strchr(s, ' ');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        tok[k] = (token){s, len};
        s += len + (e != NULL);
    }
}

/* Token F1 of two normalised answers, or -1 when out of memory. */
static double f1_normalised(const char *p, const char *g, int v2)
{
    size_t np = count_tokens(p), ng = count_tokens(g);
    if (v2 && (np == 0 || ng == 0))
        return np == ng;
    token *tok = malloc((np + ng + 1) * sizeof *tok);
    unsigned char *used = calloc(ng + 1, 1);
    if (!tok || !used) {
        free(tok);
        free(used);
        return -1;
    }
    token *pt = tok, *gt = tok + np;
    split(p, pt);
    split(g, gt);
    /* The size of the multiset intersection (Counter & Counter). */
    size_t same = 0;
    for (size_t i = 0; i < np; i++)
        for (size_t j = 0; j < ng; j++)
            if (!used[j] && pt[i].len == gt[j].len && !memcmp(pt[i].s, gt[j].s, pt[i].len)) {
                used[j] = 1;
                same++;
                break;
            }
    free(tok);
    free(used);
    if (same == 0)
        return 0;
    double precision = 1.0 * (double)same / (double)np;
    double recall = 1.0 * (double)same / (double)ng;
    return (2 * precision * recall) / (precision + recall);
}

int vz_squad_exact(const char *pred, const char *gold)
{
    char *p = vz_squad_normalize(pred, strlen(pred)), *g = vz_squad_normalize(gold, strlen(gold));
    int same = p && g ? strcmp(p, g) == 0 : -1;
    free(p);
    free(g);
    return same;
}

double vz_squad_f1(const char *pred, const char *gold, int v2)
{
    char *p = vz_squad_normalize(pred, strlen(pred)), *g = vz_squad_normalize(gold, strlen(gold));
    double f1 = p && g ? f1_normalised(p, g, v2) : -1;
    free(p);
    free(g);
    return f1;
}

/* Keep the better of em and f1 for the normalised prediction p against
 * the normalised gold g. */
static int score_one(const char *p, const char *g, int v2, double *em, double *f1)
{
    double f = f1_normalised(p, g, v2);
    if (f < 0)
        return VZ_ENOMEM;
    if (strcmp(p, g) == 0)
        *em = 1;
    if (f > *f1)
        *f1 = f;
    return VZ_OK;
}

int vz_squad_score(const char *pred, const char *const *golds, size_t ngold, int v2, double *em,
                   double *f1)
{
    *em = *f1 = 0;
    /* Each answer is normalised once, however many golds it meets. */
    char *p = vz_squad_normalize(pred, strlen(pred));
    if (!p)
        return VZ_ENOMEM;
    size_t kept = 0;
    int rc = VZ_OK;
    for (size_t i = 0; rc == VZ_OK && i < ngold; i++) {
        char *g = vz_squad_normalize(golds[i], strlen(golds[i]));
        if (!g)
            rc = VZ_ENOMEM;
        else if (!v2 || *g != '\0') {
            kept++;
            rc = score_one(p, g, v2, em, f1);
        }
        free(g);
    }
    if (rc == VZ_OK && v2 && kept == 0)
        rc = score_one(p, "", v2, em, f1);
    free(p);
    return rc;
}

size_t vz_squad_char_to_byte(const char *s, size_t len, size_t chars)
{
    size_t i = 0;
    for (size_t k = 0; k < chars; k++) {
        if (i >= len)
            return (size_t)-1;
        int32_t c;
        utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                              (utf8proc_ssize_t)(len - i), &c);
        i += n > 0 ? (size_t)n : 1;
    }
    return i <= len ? i : (size_t)-1;
}

static int by_na_prob(const void *x, const void *y)
{
    const vz_squad_na *const *a = x, *const *b = y;
    if ((*a)->na_prob != (*b)->na_prob)
        return (*a)->na_prob < (*b)->na_prob ? -1 : 1;
    return *a < *b ? -1 : *a > *b;   /* Python's sorted() is stable */
}

int vz_squad_best_thresh(const vz_squad_na *q, size_t n, double *best, double *thresh)
{
    const vz_squad_na **order = malloc((n + 1) * sizeof *order);
    if (!order)
        return VZ_ENOMEM;
    double cur = 0;
    for (size_t i = 0; i < n; i++) {
        order[i] = &q[i];
        cur += !q[i].has_ans;
    }
    qsort(order, n, sizeof *order, by_na_prob);
    double top = cur;
    *thresh = 0.0;
    for (size_t i = 0; i < n; i++) {
        const vz_squad_na *x = order[i];
        cur += x->has_ans ? x->score : x->pred_nonempty ? -1 : 0;
        if (cur > top) {
            top = cur;
            *thresh = x->na_prob;
        }
    }
    *best = n ? 100.0 * top / (double)n : 0;
    free(order);
    return VZ_OK;
}

const char *vz_squad_wh(const char *question)
{
    static const char *const wh[][2] = {{"what", "what"}, {"which", "which"}, {"how", "how"},
                                        {"why", "why"}, {"when", "when"}, {"who", "who"},
                                        {"whom", "who"}, {"whose", "who"}, {"where", "where"}};
    for (const char *p = question; *p;) {
        while (*p && !((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z'))
            p++;
        size_t n = 0;
        char w[8];
        for (; ((p[n] | 0x20) >= 'a' && (p[n] | 0x20) <= 'z'); n++)
            if (n < sizeof w - 1)
                w[n] = (char)(p[n] | 0x20);
        if (n > 0 && n < sizeof w) {
            w[n] = '\0';
            for (size_t i = 0; i < sizeof wh / sizeof *wh; i++)
                if (!strcmp(w, wh[i][0]))
                    return wh[i][1];
        }
        p += n;
    }
    return "other";
}
