/* mft.c: lookups in the tender's copy of the manifest (device handle = entry index). */
#include "bindings.h"

static const struct mft *manifest;

void mft_init(const struct mft *mft)
{
    if (mft == NULL || mft->version != MFT_VERSION || mft->entries < 1
            || mft->entries > MFT_MAX_ENTRIES
            || mft->e[0].type != MFT_RESERVED_FIRST)
        bindings_panic("Invalid manifest from the tender");
    manifest = mft;
}

unsigned mft_entries(void)
{
    return manifest ? manifest->entries : 0;
}

const struct mft_entry *mft_get_by_name(const char *name, enum mft_type type,
        unsigned *index)
{
    if (manifest == NULL || name == NULL)
        return NULL;
    for (unsigned i = 1; i < manifest->entries; i++) {
        const struct mft_entry *e = &manifest->e[i];
        if (e->type == type && e->attached
                && strncmp(e->name, name, MFT_NAME_SIZE) == 0) {
            if (index)
                *index = i;
            return e;
        }
    }
    return NULL;
}

const struct mft_entry *mft_get_by_index(solo5_handle_t index, enum mft_type type)
{
    if (manifest == NULL || index == 0 || index >= manifest->entries)
        return NULL;
    const struct mft_entry *e = &manifest->e[index];
    if (e->type != type || !e->attached)
        return NULL;
    return e;
}
