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
    char err[96];        /* why loading failed */
};

/* Loads the ELF file at path (an ET_DYN at a free address, top down; an ET_EXEC at its own
 * addresses) with its segments' protections. 0, or a negative errno with im->err set. */
int elf_load(const char *path, struct elf_image *im);
#endif
