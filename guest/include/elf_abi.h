/* elf_abi.h: the ABI1 note, the not-OpenBSD note and the fake PT_INTERP of a Solo5 image. */
#ifndef ELF_ABI_H_INCLUDED
#define ELF_ABI_H_INCLUDED

#include <stdint.h>

#define SOLO5_NOTE_NAME "Solo5"
#define ABI1_NOTE_TYPE 0x31494241 /* "ABI1" */
#define ABI1_NOTE_ALIGN 4
#define ABI1_NOTE_MAX_SIZE 32

/* abi_target values */
enum abi1_target {
    ABI1_TARGET_INVALID = 0,
    ABI1_TARGET_HVT = 1,
    ABI1_TARGET_SPT = 2,
    ABI1_TARGET_VIRTIO = 3,
    ABI1_TARGET_MUEN = 4,
    ABI1_TARGET_GENODE = 5,
    ABI1_TARGET_XEN = 6,
};

struct abi1_info {
    uint32_t abi_target;
    uint32_t abi_version;
    uint32_t reserved0;
    uint32_t reserved1;
};

/* The ABI1 note as laid out in .note.solo5.abi (desc at note offset 20). */
struct abi1_note {
    uint32_t n_namesz;
    uint32_t n_descsz;
    uint32_t n_type;
    char n_name[8];
    struct abi1_info desc;
};

/* Declares this image's ABI target and version; use once per image (in the bindings). */
#define ABI1_NOTE_DECLARE(target, version)                                     \
    const struct abi1_note __solo5_abi1_note                                   \
        __attribute__((section(".note.solo5.abi"), aligned(4), used)) = {      \
        .n_namesz = sizeof(SOLO5_NOTE_NAME),                                   \
        .n_descsz = sizeof(struct abi1_info),                                  \
        .n_type = ABI1_NOTE_TYPE,                                              \
        .n_name = SOLO5_NOTE_NAME,                                             \
        .desc = { .abi_target = (target), .abi_version = (version) },          \
    }

/* An "OpenBSD" NT_VERSION note with value 0, so an OpenBSD host does not treat the
 * image as one of its own executables. */
#define OPENBSD_NOTE_NAME "OpenBSD"
#define OPENBSD_NOTE_TYPE 1

struct openbsd_note {
    uint32_t n_namesz;
    uint32_t n_descsz;
    uint32_t n_type;
    char n_name[8];
    uint32_t desc;
};

#define OPENBSD_NOTE_DECLARE                                                   \
    const struct openbsd_note __solo5_openbsd_note                             \
        __attribute__((section(".note.solo5.not_openbsd"), aligned(4), used)) = { \
        .n_namesz = sizeof(OPENBSD_NOTE_NAME),                                 \
        .n_descsz = 4,                                                         \
        .n_type = OPENBSD_NOTE_TYPE,                                           \
        .n_name = OPENBSD_NOTE_NAME,                                           \
        .desc = 0,                                                             \
    }

/* A PT_INTERP that names no real file: exec of the image on the host fails. */
#define SOLO5_INTERP "/nonexistent/solo5/"

#define SOLO5_INTERP_DECLARE                                                   \
    const char __solo5_interp[]                                                \
        __attribute__((section(".interp"), used)) = SOLO5_INTERP

#endif /* ELF_ABI_H_INCLUDED */
