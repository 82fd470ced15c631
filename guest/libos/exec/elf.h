/* elf.h: the ELF loader (elf.c) and the program start (start.c) for dynamically linked programs. */
#ifndef EXEC_ELF_H
#define EXEC_ELF_H
#include <stdint.h>

struct elf_image {
    uint64_t base, end;  /* the loaded span (base is AT_BASE for an interpreter) */
    uint64_t bias;       /* load address minus link address */
    uint64_t entry;
    uint64_t phdr;       /* the program headers in memory, 0 if no segment holds them */
    uint16_t phnum;
    uint16_t type;       /* ET_EXEC 2, ET_DYN 3 */
    char interp[256];    /* PT_INTERP, "" if none */
    char err[96];        /* why loading failed */
};

/* Loads the ELF file at path (an ET_DYN at hint when that is free, else a free address top
 * down; an ET_EXEC at its own addresses) with its segments' protections; dry: only the
 * checks (and interp). 0, or a negative errno with im->err set. */
int elf_load(const char *path, uint64_t hint, int dry, struct elf_image *im);

/* What the initial stack carries (stack.c). */
struct exec_start {
    int argc, envc;
    char *const *argv, *const *envp;
    const char *execfn;
    uint64_t phdr, phnum, entry, base; /* AT_PHDR, AT_PHNUM, AT_ENTRY, AT_BASE */
};
/* Builds the System V initial stack below top: argc, argv, envp, auxv, the strings. */
uint64_t exec_build_stack(uint64_t top, const struct exec_start *s);
#endif
