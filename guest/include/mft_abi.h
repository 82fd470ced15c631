/* mft_abi.h: the binary application manifest (MFT1 note and the tender's copy). */
#ifndef MFT_ABI_H_INCLUDED
#define MFT_ABI_H_INCLUDED

#include <stdbool.h>
#include <stdint.h>

#define MFT_VERSION 1
#define MFT_MAX_ENTRIES 64 /* a handle set is a 64-bit mask */
#define MFT_NAME_SIZE 68   /* includes the NUL */
#define MFT_NAME_MAX 67

#define MFT1_NOTE_NAME "Solo5"
#define MFT1_NOTE_TYPE 0x3154464d /* "MFT1" */
#define MFT1_NOTE_ALIGN 8
#define MFT1_NOTE_MAX_SIZE 6668

enum mft_type {
    MFT_DEV_BLOCK_BASIC = 1,
    MFT_DEV_NET_BASIC = 2,
    MFT_RESERVED_FIRST = (1U << 30), /* entry 0, never a device */
};

struct mft_block_basic {
    uint64_t capacity;
    uint16_t block_size;
};

struct mft_net_basic {
    uint8_t mac[6];
    uint16_t mtu;
};

/* 104 bytes on LP64; offsets: name 0, type 68, u 72, b 88, attached 96. */
struct mft_entry {
    char name[MFT_NAME_SIZE];
    enum mft_type type;
    union {
        struct mft_block_basic block_basic;
        struct mft_net_basic net_basic;
    } u;        /* filled by the tender */
    union {
        int hostfd;
        void *data;
    } b;        /* filled by the tender */
    bool attached;
};

struct mft {
    uint32_t version;
    uint32_t entries;
    struct mft_entry e[];
};

#ifdef MFT_ENTRIES
#if MFT_ENTRIES < 1 || MFT_ENTRIES > MFT_MAX_ENTRIES
#error "MFT_ENTRIES out of range"
#endif

/* The note as it sits in .note.solo5.manifest: 20-byte header with the padded name,
 * 4 bytes so that struct mft is 8-aligned, then the manifest itself. The padding is
 * counted in n_descsz, as upstream's loader expects. */
struct mft1_note {
    uint32_t n_namesz;
    uint32_t n_descsz;
    uint32_t n_type;
    char n_name[8];
    uint32_t n_pad;
    struct {
        uint32_t version;
        uint32_t entries;
        struct mft_entry e[MFT_ENTRIES];
    } m;
};

#define MFT1_NOTE_DECLARE_BEGIN                                                \
    const struct mft1_note __solo5_manifest_note                               \
        __attribute__((section(".note.solo5.manifest"), aligned(8), used)) = { \
        .n_namesz = sizeof(MFT1_NOTE_NAME),                                    \
        .n_descsz = sizeof(struct mft1_note) - 20,                             \
        .n_type = MFT1_NOTE_TYPE,                                              \
        .n_name = MFT1_NOTE_NAME,                                              \
        .n_pad = 0,                                                            \
        .m =

#define MFT1_NOTE_DECLARE_END };

#endif /* MFT_ENTRIES */

#endif /* MFT_ABI_H_INCLUDED */
