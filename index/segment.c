/*
 * segment.c - implements segment.h: the furniture cleaner (rules from
 * data/furniture.rules) and the paragraph and sentence segmenter (break
 * exceptions from data/segment.rules).
 *
 * Both compile their data file with the rule language of rules.h into a
 * read-only rule set that threads share.  What
 * a call needs to write (PCRE2 match data, masks, scratch lines) belongs to
 * that call.  Knowledge of English and of news pages lives in the data
 * files; this file holds only the mechanism.
 */
#include "segment.h"
#include "rules.h"
#include "util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* Hard-wrap detection (see looks_wrapped): wrapped lines are at most
 * WRAP_MAX characters and the widest is at least WRAP_MIN. */
#define WRAP_MAX 80u
#define WRAP_MIN 40u

/* ---- UTF-8 ------------------------------------------------------------ */

/* Decode the character at t[i] (i < end, text already validated). */
static size_t decode(const char *t, size_t i, size_t end, int32_t *cp)
{
    if ((unsigned char)t[i] < 0x80) {
        *cp = (unsigned char)t[i];
        return 1;
    }
    utf8proc_int32_t c;
    utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)t + i,
                                          (utf8proc_ssize_t)(end - i), &c);
    if (n <= 0) {           /* unreachable after validation; stay safe */
        *cp = 0xFFFD;
        return 1;
    }
    *cp = c;
    return (size_t)n;
}

/* Start of the character before position i (lo < i). */
static size_t prev_char(const char *t, size_t lo, size_t i)
{
    size_t j = i - 1;
    while (j > lo && ((unsigned char)t[j] & 0xC0) == 0x80)
        j--;
    return j;
}

/* Start of the character after position i; len + 1 past the end. */
static size_t next_char(const char *t, size_t len, size_t i)
{
    i++;
    while (i < len && ((unsigned char)t[i] & 0xC0) == 0x80)
        i++;
    return i;
}

/* White space is ASCII \t..\r and space, and Unicode's separators (Zs, Zl,
 * Zp): news pages put no-break spaces (U+00A0) between sentences. */
static size_t space_at(const char *t, size_t i, size_t end)
{
    unsigned char c = (unsigned char)t[i];
    if (c == ' ' || (c >= '\t' && c <= '\r'))
        return 1;
    if (c < 0xC2)
        return 0;
    int32_t cp;
    size_t n = decode(t, i, end, &cp);
    utf8proc_category_t cat = utf8proc_category(cp);
    return cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL ||
                   cat == UTF8PROC_CATEGORY_ZP ? n : 0;
}

static size_t skip_space(const char *t, size_t i, size_t end)
{
    size_t n;
    while (i < end && (n = space_at(t, i, end)) > 0)
        i += n;
    return i;
}

/* [start, end) without white space at either edge. */
static vz_span trim(const char *t, size_t start, size_t end)
{
    vz_span s = {skip_space(t, start, end), end};
    while (s.end > s.start) {
        size_t p = prev_char(t, s.start, s.end);
        if (!space_at(t, p, s.end))
            break;
        s.end = p;
    }
    return s;
}

/* Characters (not bytes) in t[start, end), so accents do not count double. */
static size_t width(const char *t, size_t start, size_t end)
{
    size_t w = 0;
    for (size_t i = start; i < end; i++)
        w += ((unsigned char)t[i] & 0xC0) != 0x80;
    return w;
}

static int is_terminator(int32_t cp) { return cp == '.' || cp == '?' || cp == '!' || cp == 0x2026; }

/* Closing quotes and brackets that stay with the sentence they close. */
static int is_closer(int32_t cp)
{
    return cp == '"' || cp == '\'' || cp == ')' || cp == ']' || cp == 0x201D ||
           cp == 0x2019 || cp == 0xBB;
}

static int is_opener(int32_t cp)
{
    return cp == '"' || cp == '\'' || cp == '(' || cp == '[' || cp == 0x201C ||
           cp == 0x2018 || cp == 0xAB;
}

static int is_upper_or_digit(int32_t cp)
{
    if (cp < 0x80)
        return (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
    utf8proc_category_t cat = utf8proc_category(cp);
    return cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LT ||
           cat == UTF8PROC_CATEGORY_ND;
}

static int is_alnum(int32_t cp)
{
    if (cp < 0x80)
        return (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9');
    utf8proc_category_t cat = utf8proc_category(cp);
    return (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
           (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO);
}

/* ---- Rule kinds ----------------------------------------------------------- */

enum { RULE_DROP, RULE_TAIL, RULE_NOBREAK };

/* Set mask[i] for every byte i of every match of r in s[0, len) (for a tail
 * rule, from its first match to the end).  s is valid UTF-8. */
static int mark_matches(const vz_ruleset *rs, const vz_rule *r, const char *s, size_t len,
                        unsigned char *mask, pcre2_match_data *md)
{
    size_t off = 0;
    while (off <= len) {
        int rc = pcre2_match(r->code, (PCRE2_SPTR)s, len, off, PCRE2_NO_UTF_CHECK, md, rs->mctx);
        if (rc == PCRE2_ERROR_NOMATCH)
            return VZ_OK;
        if (rc < 0)
            return vz_ruleset_match_error(rs, r, rc, off);
        const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
        size_t a = ov[0], b = r->kind == RULE_TAIL ? len : ov[1];
        if (b > a)
            memset(mask + a, 1, b - a);
        if (r->kind == RULE_TAIL)
            return VZ_OK;
        /* An empty match (or \K trickery) must still move on. */
        off = ov[1] > off ? ov[1] : next_char(s, len, off);
    }
    return VZ_OK;
}

/* Run every rule of rs over s; per-call match data keeps rs read-only. */
static int mark_all(const vz_ruleset *rs, const char *s, size_t len, unsigned char *mask)
{
    if (rs->n == 0)
        return VZ_OK;
    pcre2_match_data *md = pcre2_match_data_create(1, NULL);
    if (!md)
        return vz_fail(VZ_ENOMEM, "out of memory");
    int rc = VZ_OK;
    for (size_t i = 0; rc == VZ_OK && i < rs->n; i++)
        rc = mark_matches(rs, &rs->items[i], s, len, mask, md);
    pcre2_match_data_free(md);
    return rc;
}

/* ---- Cleaner -------------------------------------------------------------- */

struct vz_cleaner {
    vz_ruleset rs;
};

static const vz_directive clean_dirs[] = {{"drop", RULE_DROP}, {"tail", RULE_TAIL}};

int vz_cleaner_new(vz_cleaner **out, const char *rules, size_t len)
{
    *out = NULL;
    vz_cleaner *c = calloc(1, sizeof *c);
    if (!c)
        return vz_fail(VZ_ENOMEM, "out of memory");
    int rc = vz_ruleset_build(&c->rs, "furniture.rules", rules, len, clean_dirs,
                              sizeof clean_dirs / sizeof clean_dirs[0], PCRE2_MULTILINE);
    if (rc) {
        free(c);
        return rc;
    }
    *out = c;
    return VZ_OK;
}

void vz_cleaner_free(vz_cleaner *c)
{
    if (!c)
        return;
    vz_ruleset_free(&c->rs);
    free(c);
}

/* Blank a leading BOM and every CR first, so rules see plain LF lines and
 * "^" on the first line is not hidden behind a BOM. */
static void blank_bom_cr(char *w, size_t len)
{
    if (len >= 3 && memcmp(w, "\xEF\xBB\xBF", 3) == 0)
        memset(w, ' ', 3);
    for (char *p = w; (p = memchr(p, '\r', len - (size_t)(p - w))) != NULL; p++)
        *p = ' ';
}

int vz_clean(const vz_cleaner *c, const char *raw, size_t len, char **work)
{
    *work = NULL;
    if (!raw)
        raw = "";   /* (NULL, 0) is an empty document */
    size_t bad = vz_utf8_invalid_at(raw, len);
    if (bad < len)
        return vz_fail(VZ_EINVAL, "invalid UTF-8 at byte %zu", bad);
    char *w = malloc(len + 1);
    unsigned char *mask = calloc(len + 1, 1);
    int rc = w && mask ? VZ_OK : vz_fail(VZ_ENOMEM, "out of memory");
    if (rc == VZ_OK) {
        memcpy(w, raw, len);
        w[len] = '\0';
        blank_bom_cr(w, len);
        rc = mark_all(&c->rs, w, len, mask);
    }
    /* Matches are rare: the mask is read eight zero bytes at a time. */
    for (size_t i = 0; rc == VZ_OK && i < len; i++) {
        uint64_t eight = 1;
        if (i + 8 <= len)
            memcpy(&eight, mask + i, 8);
        if (eight == 0)
            i += 7;
        else if (mask[i] && w[i] != '\n')
            w[i] = ' ';
    }
    free(mask);
    if (rc) {
        free(w);
        return rc;
    }
    *work = w;
    return VZ_OK;
}

/* ---- Segmenter ------------------------------------------------------------ */

struct vz_segmenter {
    vz_ruleset rs;
};

static const vz_directive seg_dirs[] = {{"nobreak", RULE_NOBREAK}};

int vz_segmenter_new(vz_segmenter **out, const char *rules, size_t len)
{
    *out = NULL;
    vz_segmenter *s = calloc(1, sizeof *s);
    if (!s)
        return vz_fail(VZ_ENOMEM, "out of memory");
    int rc = vz_ruleset_build(&s->rs, "segment.rules", rules, len, seg_dirs,
                              sizeof seg_dirs / sizeof seg_dirs[0], PCRE2_MULTILINE);
    if (rc) {
        free(s);
        return rc;
    }
    *out = s;
    return VZ_OK;
}

void vz_segmenter_free(vz_segmenter *s)
{
    if (!s)
        return;
    vz_ruleset_free(&s->rs);
    free(s);
}

void vz_segments_free(vz_segments *seg)
{
    if (!seg)
        return;
    free(seg->paragraphs);
    free(seg->sentences);
    memset(seg, 0, sizeof *seg);
}

/* One vz_segment call: the text, its break vetoes, the output, and the
 * trimmed non-blank lines of the block being read. */
typedef struct {
    const char *text;
    size_t len;
    const unsigned char *veto;   /* veto[i]: a terminator at byte i is no break */
    vz_segments *out;
    size_t pcap, scap;
    vz_span *lines;
    size_t nlines, lcap;
} seg_state;

static int add_sentence(seg_state *st, size_t start, size_t end)
{
    vz_segments *o = st->out;
    void *p = o->sentences;
    if (vz_grow(&p, &st->scap, o->nsentences + 1, sizeof *o->sentences))
        return VZ_ENOMEM;
    o->sentences = p;
    o->sentences[o->nsentences++] = (vz_sentence_span){start, end, o->nparagraphs - 1};
    return VZ_OK;
}

/* After terminators ending at `end`, does a new sentence start?  White space
 * must follow, then an upper-case letter, a digit or an opening quote or
 * bracket ("3.5" and "example.com" have no white space; "etc. and" goes on
 * in lower case). */
static int next_starts_sentence(const char *t, size_t end, size_t pe)
{
    size_t k = skip_space(t, end, pe);
    if (k == end || k >= pe)
        return 0;
    int32_t cp;
    decode(t, k, pe, &cp);
    return is_upper_or_digit(cp) || is_opener(cp);
}

/* Past a run of characters that satisfy pred: a run of terminators ("...",
 * "?!", "…"), or the closing quotes and brackets after it. */
static size_t skip_run(const char *t, size_t i, size_t pe, int (*pred)(int32_t))
{
    while (i < pe) {
        int32_t cp;
        size_t n = decode(t, i, pe, &cp);
        if (!pred(cp))
            break;
        i += n;
    }
    return i;
}

/* The first byte from i on that may begin a terminator (. ? ! or the lead
 * byte 0xE2 of …), or pe: a byte scan, since the characters between them
 * matter only until the sentence has its first word. */
static size_t to_terminator(const char *t, size_t i, size_t pe)
{
    while (i < pe) {
        unsigned char c = (unsigned char)t[i];
        if (c == '.' || c == '?' || c == '!' || c == 0xE2)
            return i;
        i++;
    }
    return pe;
}

/* Sentences of the paragraph [ps, pe).  A break needs a word before it
 * (so a leading "..." is no sentence of its own) and no veto on the last
 * byte of its terminator run. */
static int split_sentences(seg_state *st, size_t ps, size_t pe)
{
    const char *t = st->text;
    size_t s = ps, i = ps;
    int word = 0;
    while (i < pe) {
        if (word)
            i = to_terminator(t, i, pe);
        if (i >= pe)
            break;
        int32_t cp;
        size_t n = decode(t, i, pe, &cp);
        if (!is_terminator(cp)) {
            word |= is_alnum(cp);
            i += n;
            continue;
        }
        size_t stop = skip_run(t, i, pe, is_terminator);
        i = skip_run(t, stop, pe, is_closer);
        if (word && !st->veto[stop - 1] && next_starts_sentence(t, i, pe)) {
            int rc = add_sentence(st, s, i);
            if (rc)
                return rc;
            s = i = skip_space(t, i, pe);
            word = 0;
        }
    }
    return s < pe ? add_sentence(st, s, pe) : VZ_OK;
}

static int add_paragraph(seg_state *st, size_t start, size_t end)
{
    vz_segments *o = st->out;
    void *p = o->paragraphs;
    if (vz_grow(&p, &st->pcap, o->nparagraphs + 1, sizeof *o->paragraphs))
        return VZ_ENOMEM;
    o->paragraphs = p;
    o->paragraphs[o->nparagraphs++] = (vz_span){start, end};
    return split_sentences(st, start, end);
}

/* The last character of t[l.start, l.end) before any closing quotes. */
static int32_t last_before_closers(const char *t, vz_span l)
{
    size_t i = l.end;
    int32_t cp = 0;
    while (i > l.start) {
        i = prev_char(t, l.start, i);
        decode(t, i, l.end, &cp);
        if (!is_closer(cp))
            break;
    }
    return cp;
}

/* Does the line end a sentence or a clause that introduces what follows
 * (". ? ! … :", before any closing quotes)? */
static int line_ends_unit(const char *t, vz_span l)
{
    int32_t cp = last_before_closers(t, l);
    return is_terminator(cp) || cp == ':';
}

int vz_ends_sentence(const char *text, size_t start, size_t end)
{
    return is_terminator(last_before_closers(text, (vz_span){start, end}));
}

static size_t first_word_width(const char *t, vz_span l)
{
    size_t i = l.start;
    while (i < l.end && !space_at(t, i, l.end))
        i++;
    return width(t, l.start, i);
}

/*
 * Is a block of n >= 2 non-blank lines one hard-wrapped paragraph, or one
 * paragraph per line?  News pages put a paragraph on each line (often long,
 * as in corpus/003_*), and headlines, captions and datelines are single
 * lines; e-mail and plain-text archives wrap paragraphs at a fixed width.
 * A block is wrapped when all of these hold:
 *  - every line, the last included, is at most WRAP_MAX (80) characters: a
 *    wrapper never leaves a longer line, so one long line means the lines
 *    are paragraphs;
 *  - the widest line has at least WRAP_MIN (40) characters, so a stack of
 *    short headings or labels is not glued into one paragraph;
 *  - at least half of the lines but the last end mid-sentence (not with
 *    . ? ! … or :), since a wrapper breaks wherever the width runs out;
 *  - at least half of the lines but the last are "full": the next line's
 *    first word would have pushed them past 7/8 of the widest line.  A
 *    greedy wrapper breaks exactly there (always past the widest line);
 *    the 1/8 slack admits optimal-fit wrappers such as fmt.
 * When sentences do end at line ends, both readings give the same
 * sentences, so the rule errs towards one paragraph per line.
 */
static int looks_wrapped(const char *t, const vz_span *lines, size_t n)
{
    if (n < 2)
        return 0;
    size_t widest = 0;
    for (size_t i = 0; i < n; i++) {
        size_t w = width(t, lines[i].start, lines[i].end);
        if (w > WRAP_MAX)
            return 0;
        widest = w > widest ? w : widest;
    }
    if (widest < WRAP_MIN)
        return 0;
    size_t open = 0, full = 0;
    for (size_t i = 0; i + 1 < n; i++) {
        open += !line_ends_unit(t, lines[i]);
        size_t fit = width(t, lines[i].start, lines[i].end) + 1 + first_word_width(t, lines[i + 1]);
        full += 8 * fit > 7 * widest;
    }
    return 2 * open >= n - 1 && 2 * full >= n - 1;
}

/* Turn the block of lines read so far into paragraphs. */
static int flush_block(seg_state *st)
{
    int rc = VZ_OK;
    size_t n = st->nlines;
    if (looks_wrapped(st->text, st->lines, n))
        rc = add_paragraph(st, st->lines[0].start, st->lines[n - 1].end);
    else
        for (size_t i = 0; rc == VZ_OK && i < n; i++)
            rc = add_paragraph(st, st->lines[i].start, st->lines[i].end);
    st->nlines = 0;
    return rc;
}

/* Paragraphs are blocks of non-blank lines between blank (white-space only)
 * lines; a furniture line blanked by the cleaner reads as blank. */
static int find_paragraphs(seg_state *st)
{
    const char *t = st->text;
    size_t pos = 0;
    int rc = VZ_OK;
    while (rc == VZ_OK && pos <= st->len) {
        const char *nl = memchr(t + pos, '\n', st->len - pos);
        size_t end = nl ? (size_t)(nl - t) : st->len;
        vz_span line = trim(t, pos, end);
        if (line.start < line.end) {
            void *p = st->lines;
            rc = vz_grow(&p, &st->lcap, st->nlines + 1, sizeof *st->lines);
            st->lines = p;
            if (rc == VZ_OK)
                st->lines[st->nlines++] = line;
        } else if (st->nlines) {
            rc = flush_block(st);
        }
        pos = end + 1;
    }
    return rc == VZ_OK && st->nlines ? flush_block(st) : rc;
}

int vz_segment(const vz_segmenter *s, const char *text, size_t len, vz_segments *out)
{
    memset(out, 0, sizeof *out);
    if (!text)
        text = "";
    size_t bad = vz_utf8_invalid_at(text, len);
    if (bad < len)
        return vz_fail(VZ_EINVAL, "invalid UTF-8 at byte %zu", bad);
    unsigned char *veto = calloc(len + 1, 1);
    if (!veto)
        return vz_fail(VZ_ENOMEM, "out of memory");
    int rc = mark_all(&s->rs, text, len, veto);
    seg_state st = {text, len, veto, out, 0, 0, NULL, 0, 0};
    if (rc == VZ_OK)
        rc = find_paragraphs(&st);
    free(st.lines);
    free(veto);
    if (rc)
        vz_segments_free(out);
    return rc;
}
