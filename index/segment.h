/*
 * segment.h - from a raw document to paragraphs and sentences.
 *
 * Cleaning blanks out web furniture (data/furniture.rules), a UTF-8 BOM and
 * carriage returns in a working copy of the same length as the raw bytes,
 * so every offset into the working copy is an offset into the raw file.
 * Segmentation then finds paragraphs and sentences in the working copy,
 * with exceptions to sentence breaks from data/segment.rules.
 */
#ifndef VZ_SEGMENT_H
#define VZ_SEGMENT_H

#include <stddef.h>

typedef struct {
    size_t start, end;      /* [start, end) into the raw file, no surrounding blanks */
} vz_span;

typedef struct {
    size_t start, end;      /* [start, end) into the raw file, no surrounding blanks */
    size_t paragraph;       /* index into vz_segments.paragraphs */
} vz_sentence_span;

typedef struct {
    vz_span *paragraphs;
    size_t nparagraphs;
    vz_sentence_span *sentences;   /* in text order */
    size_t nsentences;
} vz_segments;

/* Compiled furniture rules: read-only once built, shareable between threads. */
typedef struct vz_cleaner vz_cleaner;
/* Compile rules text (format in data/furniture.rules; NULL with len 0 is no
 * rules).  VZ_EINVAL with the line number and PCRE2's message for a bad
 * pattern, an unknown directive or an undefined {NAME}; VZ_ENOMEM. */
int  vz_cleaner_new(vz_cleaner **out, const char *rules, size_t len);
void vz_cleaner_free(vz_cleaner *c);
/* A malloc'd copy of raw[0, len) (plus a NUL) in which furniture, a leading
 * BOM and every '\r' are replaced by spaces (newlines stay newlines), so a
 * furniture line reads as a blank line.  VZ_OK, VZ_ENOMEM, VZ_EINVAL (raw is
 * not valid UTF-8; the message gives the byte offset), VZ_EINTERNAL (a rule
 * hit PCRE2's match limit; the message names its line).  *work is NULL on
 * failure. */
int  vz_clean(const vz_cleaner *c, const char *raw, size_t len, char **work);

/* Compiled segmentation rules: read-only once built, shareable.  Rules text
 * as in data/segment.rules; errors as for vz_cleaner_new. */
typedef struct vz_segmenter vz_segmenter;
int  vz_segmenter_new(vz_segmenter **out, const char *rules, size_t len);
void vz_segmenter_free(vz_segmenter *s);
/* Split the working copy text[0, len) into paragraphs and sentences.  Every
 * sentence lies inside its paragraph; paragraphs and sentences are in text
 * order and never overlap, and every non-blank byte is in a sentence.
 * Paragraphs are blocks between blank lines, one per line unless the block
 * is hard-wrapped (see looks_wrapped in segment.c); a sentence ends after
 * . ? ! ... or an ellipsis (and closing quotes or brackets) before white
 * space and a capital, digit or opening quote, unless a nobreak rule vetoes
 * it, and at the end of its paragraph.  VZ_OK / VZ_ENOMEM / VZ_EINVAL (not
 * valid UTF-8) / VZ_EINTERNAL; *out is empty on failure. */
int  vz_segment(const vz_segmenter *s, const char *text, size_t len, vz_segments *out);
void vz_segments_free(vz_segments *seg);

/* Does text[start, end) (valid UTF-8) end like a sentence: . ? ! or …
 * before any closing quotes and brackets? */
int  vz_ends_sentence(const char *text, size_t start, size_t end);

#endif
