/*
 * postings.c - implements postings.h: the term table an index build fills
 * (a hash table with open addressing over an arena of term strings) and
 * the encoder/decoder of postings BLOBs.
 */
#include "postings.h"

#include <stdlib.h>
#include <string.h>

void vz_term_table_init(vz_term_table *t) { memset(t, 0, sizeof *t); }

void vz_term_table_free(vz_term_table *t)
{
    for (size_t i = 0; i < t->nentries; i++)
        vz_buf_free(&t->entries[i].postings);
    free(t->entries);
    free(t->slots);
    free(t->touched);
    vz_buf_free(&t->arena);
    memset(t, 0, sizeof *t);
}

const char *vz_term_text(const vz_term_table *t, const vz_term_entry *e)
{
    return t->arena.data + e->term_off;
}

/* A slot keeps part of its term's hash beside the entry index, so that a
 * probe reads an entry (elsewhere in memory) only when the hashes agree:
 * scattered reads of entries were most of an index build's look-ups. */
static uint64_t slot_of(uint64_t hash, size_t index)
{
    return (hash & 0xFFFFFFFF00000000ull) | (uint64_t)(index + 1);
}

static int rehash(vz_term_table *t)
{
    size_t n = t->nslots ? t->nslots * 2 : 1024;
    uint64_t *slots = calloc(n, sizeof *slots);
    if (!slots)
        return vz_fail(VZ_ENOMEM, "out of memory");
    for (size_t i = 0; i < t->nslots; i++) {
        if (!t->slots[i])
            continue;
        const vz_term_entry *e = &t->entries[(uint32_t)t->slots[i] - 1];
        size_t s = (size_t)vz_hash_word(vz_term_text(t, e), e->term_len) & (n - 1);
        while (slots[s])
            s = (s + 1) & (n - 1);
        slots[s] = t->slots[i];
    }
    free(t->slots);
    t->slots = slots;
    t->nslots = n;
    return VZ_OK;
}

static int new_entry(vz_term_table *t, const char *term, size_t len, uint64_t hash, size_t slot)
{
    void *p = t->entries;
    size_t off = t->arena.len;
    if (t->nentries >= UINT32_MAX || len > UINT32_MAX - off ||
        vz_grow(&p, &t->cap_entries, t->nentries + 1, sizeof *t->entries))
        return VZ_ENOMEM;
    t->entries = p;
    if (vz_buf_append(&t->arena, term, len))
        return VZ_ENOMEM;
    vz_term_entry *e = &t->entries[t->nentries];
    memset(e, 0, sizeof *e);
    e->term_off = (uint32_t)off;
    e->term_len = (uint32_t)len;
    e->last_passage = -1;
    e->flushed = -1;
    t->slots[slot] = slot_of(hash, t->nentries++);
    return VZ_OK;
}

/* The entry of term, created when absent; NULL on allocation failure. */
static vz_term_entry *lookup(vz_term_table *t, const char *term, size_t len)
{
    if ((t->nentries + 1) * 2 > t->nslots && rehash(t))
        return NULL;
    uint64_t hash = vz_hash_word(term, len);
    uint64_t tag = hash & 0xFFFFFFFF00000000ull;
    size_t s = (size_t)hash & (t->nslots - 1);
    for (uint64_t v; (v = t->slots[s]) != 0; s = (s + 1) & (t->nslots - 1)) {
        if ((v & 0xFFFFFFFF00000000ull) != tag)
            continue;
        vz_term_entry *e = &t->entries[(uint32_t)v - 1];
        if (e->term_len == len && memcmp(vz_term_text(t, e), term, len) == 0)
            return e;
    }
    return new_entry(t, term, len, hash, s) ? NULL : &t->entries[t->nentries - 1];
}

int vz_term_table_add(vz_term_table *t, const char *term, size_t len, uint32_t passage)
{
    vz_term_entry *e = lookup(t, term, len);
    if (!e)
        return VZ_ENOMEM;
    if (e->last_passage == (int64_t)passage) {
        e->tf++;
        return VZ_OK;
    }
    void *p = t->touched;
    if (vz_grow(&p, &t->cap_touched, t->ntouched + 1, sizeof *t->touched))
        return VZ_ENOMEM;
    t->touched = p;
    t->touched[t->ntouched++] = (uint32_t)(e - t->entries);
    e->tf = 1;
    e->last_passage = (int64_t)passage;
    return VZ_OK;
}

int vz_term_table_end_passage(vz_term_table *t)
{
    for (size_t i = 0; i < t->ntouched; i++) {
        vz_term_entry *e = &t->entries[t->touched[i]];
        /* Written in place (two varints of at most ten bytes): the end of
         * each term's postings lies anywhere in memory, and a store there
         * need not be waited for, where a copy through vz_buf_append was
         * (a fifth of the build's time in the term table went to it). */
        if (vz_buf_reserve(&e->postings, 20))
            return VZ_ENOMEM;
        unsigned char *out = (unsigned char *)e->postings.data + e->postings.len;
        size_t n = vz_varint_put(out, (uint64_t)(e->last_passage - e->flushed));
        n += vz_varint_put(out + n, e->tf);
        e->postings.len += n;
        e->postings.data[e->postings.len] = '\0';
        e->flushed = e->last_passage;
        e->df++;
        e->cf += e->tf;
        e->tf = 0;
    }
    t->ntouched = 0;
    return VZ_OK;
}
