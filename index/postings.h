/*
 * postings.h - the in-memory term table of an index build: every term's
 * document frequency, collection frequency and postings list, encoded as
 * the index stores it: for each passage holding the term, in increasing
 * order, varint(passage id - previous id) then varint(term frequency); the
 * first delta is from -1, so passage 0 is stored as 1.
 */
#ifndef VZ_POSTINGS_H
#define VZ_POSTINGS_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* 64 bytes, what a look-up and a count touch first: an index build's
 * look-ups miss the cache more than they compute. */
typedef struct {
    uint32_t term_off;     /* into the table's string arena */
    uint32_t term_len;
    int64_t last_passage;  /* the latest passage counted; -1 before the first */
    uint32_t tf;           /* count in the passage being added */
    uint32_t df;
    int64_t flushed;       /* the latest passage written to postings; -1 */
    uint64_t cf;
    vz_buf postings;
} vz_term_entry;

typedef struct {
    vz_term_entry *entries;
    size_t nentries, cap_entries;
    uint64_t *slots;       /* open addressing: the term's hash in the high 32
                              bits, entry index + 1 in the low; 0 = empty */
    size_t nslots;
    vz_buf arena;
    uint32_t *touched;     /* entries seen in the current passage */
    size_t ntouched, cap_touched;
} vz_term_table;

void vz_term_table_init(vz_term_table *t);
void vz_term_table_free(vz_term_table *t);
/* Count one occurrence of term in passage (passages arrive in increasing
 * order).  VZ_OK / VZ_ENOMEM. */
int  vz_term_table_add(vz_term_table *t, const char *term, size_t len, uint32_t passage);
/* Flush the current passage's counts into the postings. */
int  vz_term_table_end_passage(vz_term_table *t);
/* The term text of entry e (not NUL-terminated; e->term_len bytes). */
const char *vz_term_text(const vz_term_table *t, const vz_term_entry *e);

/* Decoding: iterate a postings BLOB.  Inline: the query side decodes
 * every posting of every query term. */
typedef struct {
    const unsigned char *p, *end;
    int64_t passage;
} vz_postings_iter;

static inline void vz_postings_begin(vz_postings_iter *it, const void *blob, size_t len)
{
    it->p = blob;
    it->end = it->p + len;
    it->passage = -1;
}

/* One varint from it; 0 when truncated or longer than 32 bits. */
static inline int vz_postings_varint(vz_postings_iter *it, uint32_t *v)
{
    uint32_t r = 0;
    for (unsigned shift = 0; shift < 35 && it->p < it->end; shift += 7) {
        unsigned char c = *it->p++;
        r |= (uint32_t)(c & 0x7f) << shift;
        if (!(c & 0x80))
            return shift < 28 || c < 16 ? (*v = r, 1) : 0;
    }
    return 0;
}

/* 1 and the next (passage, tf); 0 at the end; -1 when the BLOB is malformed. */
static inline int vz_postings_next(vz_postings_iter *it, uint32_t *passage, uint32_t *tf)
{
    uint32_t delta;
    if (it->p >= it->end)
        return 0;
    if (!vz_postings_varint(it, &delta) || !vz_postings_varint(it, tf) || delta == 0 ||
        *tf == 0 || it->passage + (int64_t)delta > UINT32_MAX)
        return -1;
    it->passage += delta;
    *passage = (uint32_t)it->passage;
    return 1;
}

/* vz_postings_next for the common posting alone: its delta and tf both
 * one-byte varints in [1, 127], its passage at most last.  1 and the
 * posting; 0, it not moved, for any other (vz_postings_next reads it and
 * tells the end and what is malformed). */
static inline int vz_postings_next_short(vz_postings_iter *it, int64_t last, uint32_t *passage,
                                         uint32_t *tf)
{
    const unsigned char *b = it->p;
    if (it->end - b < 2 || b[0] - 1u >= 127 || b[1] - 1u >= 127 || it->passage + b[0] > last)
        return 0;
    it->passage += b[0];
    *passage = (uint32_t)it->passage;
    *tf = b[1];
    it->p = b + 2;
    return 1;
}

#endif
