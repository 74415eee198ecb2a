/*
 * textkit.c - implements the text kit of index.h: the stop list, the
 * furniture cleaner and the segmenter compiled from the data files, and a
 * hash of those files for the index fingerprint.
 */
#include "index.h"
#include "data.h"
#include "util.h"

#include <string.h>

typedef int (*build_fn)(vz_textkit *kit, const vz_data *d);

static int build_stop(vz_textkit *kit, const vz_data *d)
{
    return vz_stoplist_new(&kit->stop, d->text, d->len);
}

static int build_cleaner(vz_textkit *kit, const vz_data *d)
{
    return vz_cleaner_new(&kit->cleaner, d->text, d->len);
}

static int build_segmenter(vz_textkit *kit, const vz_data *d)
{
    return vz_segmenter_new(&kit->segmenter, d->text, d->len);
}

static int load_one(vz_textkit *kit, const char *dir, const char *name, build_fn build)
{
    vz_data d;
    int rc = vz_data_load(dir, name, &d);
    if (rc)
        return rc;
    kit->data_hash = vz_fnv1a(d.text, d.len + 1, kit->data_hash);
    rc = build(kit, &d);
    if (rc)
        vz_fail_context(rc, "%s", d.origin);
    vz_data_release(&d);
    return rc;
}

int vz_textkit_load(vz_textkit *kit, const char *data_dir)
{
    memset(kit, 0, sizeof *kit);
    kit->data_hash = VZ_FNV_SEED;
    int rc = load_one(kit, data_dir, "stopwords.txt", build_stop);
    if (rc == VZ_OK)
        rc = load_one(kit, data_dir, "furniture.rules", build_cleaner);
    if (rc == VZ_OK)
        rc = load_one(kit, data_dir, "segment.rules", build_segmenter);
    if (rc)
        vz_textkit_free(kit);
    return rc;
}

void vz_textkit_free(vz_textkit *kit)
{
    if (!kit)
        return;
    vz_stoplist_free(kit->stop);
    vz_cleaner_free(kit->cleaner);
    vz_segmenter_free(kit->segmenter);
    memset(kit, 0, sizeof *kit);
}

const char *vz_unit_name(int unit)
{
    return unit == VZ_UNIT_SENTENCE ? "sentence" : "paragraph";
}

int vz_unit_parse(const char *name)
{
    if (strcmp(name, "paragraph") == 0)
        return VZ_UNIT_PARAGRAPH;
    if (strcmp(name, "sentence") == 0)
        return VZ_UNIT_SENTENCE;
    return -1;
}
