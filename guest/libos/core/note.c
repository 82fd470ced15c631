/* note.c: the "Nabla"/LOS1 note that tells the tender the libOS text range and memory layout. */
#include "libos.h"

/* A tender that knows this note routes system calls made from outside [text_lo, text_hi)
 * to the libOS's SIGSYS handler, and lays guest memory out as README "Memory" says: mem_size
 * in the boot info is --mem + va_extra, all PROT_NONE but the image and the top top_rw bytes.
 * It also fills the 32 bytes at seed from the host kernel's generator before entry.
 * Layout: namesz 6, descsz 40, type "LOS1" (as a little-endian u32, like Solo5's own note
 * types), name "Nabla\0" padded to 8, then five u64. */
extern char _stext[], _etext[];

const struct libos_note libos_note
        __attribute__((section(".note.nabla.libos"), aligned(4), used)) = {
    .namesz = 6,
    .descsz = 40,
    .type = 0x31534f4c, /* "LOS1" */
    .name = "Nabla",
    .text_lo = (uint64_t)(uintptr_t)_stext,
    .text_hi = (uint64_t)(uintptr_t)_etext,
    .va_extra = 4ULL << 30,
    .top_rw = 1ULL << 20,
    .seed = (uint64_t)(uintptr_t)libos_seed,
};
