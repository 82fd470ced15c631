/* note.c: the "Nabla"/LOS1 note that tells the tender the libOS text range for its filter. */
#include <stdint.h>

/* A tender that knows this note routes system calls made from outside [text_lo, text_hi)
 * to the libOS's SIGSYS handler. Layout: namesz 6, descsz 16, type "LOS1" (as a little-endian
 * u32, like Solo5's own note types), name "Nabla\0" padded to 8, then two u64. */
extern char _stext[], _etext[];

struct __attribute__((packed)) libos_note {
    uint32_t namesz, descsz, type;
    char name[8];
    uint64_t text_lo, text_hi;
};

const struct libos_note libos_note
        __attribute__((section(".note.nabla.libos"), aligned(4), used)) = {
    .namesz = 6,
    .descsz = 16,
    .type = 0x31534f4c, /* "LOS1" */
    .name = "Nabla",
    .text_lo = (uint64_t)(uintptr_t)_stext,
    .text_hi = (uint64_t)(uintptr_t)_etext,
};
