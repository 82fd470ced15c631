/* stack.c: the System V initial stack of a program: argc, argv, envp, the auxv ld.so and libc read, the strings. */
#include "libos.h"
#include "exec/elf.h"
#include "exec/vdso.h"

enum { AT_NULL = 0, AT_PHDR = 3, AT_PHENT = 4, AT_PHNUM = 5, AT_PAGESZ = 6, AT_BASE = 7,
       AT_FLAGS = 8, AT_ENTRY = 9, AT_UID = 11, AT_EUID = 12, AT_GID = 13, AT_EGID = 14,
       AT_PLATFORM = 15, AT_HWCAP = 16, AT_CLKTCK = 17, AT_SECURE = 23, AT_RANDOM = 25,
       AT_HWCAP2 = 26, AT_EXECFN = 31, AT_SYSINFO_EHDR = 33, AT_MINSIGSTKSZ = 51 };

static uint64_t push_str(uint8_t **top, const char *s)
{
    size_t n = strlen(s) + 1;
    *top -= n;
    memcpy(*top, s, n);
    return (uint64_t)(uintptr_t)*top;
}

/* From low to high addresses, as Linux: argc, argv[], NULL, envp[], NULL, auxv, then the
 * random bytes, the platform string, the argument and environment strings, AT_EXECFN. The
 * caller has made [top - room, top) writable for the strings and vectors. */
uint64_t exec_build_stack(uint64_t top_addr, const struct exec_start *s)
{
    uint8_t *top = (uint8_t *)(uintptr_t)top_addr - 8;
    memset(top, 0, 8);
    uint64_t execfn = push_str(&top, s->execfn);
    static uint64_t argp[MAX_ARGS + 1], envpp[MAX_ENVS + 1];
    for (int i = s->envc - 1; i >= 0; i--)
        envpp[i] = push_str(&top, s->envp[i]);
    for (int i = s->argc - 1; i >= 0; i--)
        argp[i] = push_str(&top, s->argv[i]);
    uint64_t platform = push_str(&top, arch_platform());
    uint8_t rnd[16];
    rnd_fill(rnd, sizeof rnd);
    top = (uint8_t *)((uintptr_t)(top - 16) & ~15UL);
    memcpy(top, rnd, 16);
    uint64_t rndp = (uint64_t)(uintptr_t)top;

    uint64_t aux[][2] = {
        { AT_SYSINFO_EHDR, vdso_image() }, { AT_MINSIGSTKSZ, arch_minsigstksz() },
        { AT_HWCAP, arch_hwcap() }, { AT_PAGESZ, 4096 }, { AT_CLKTCK, 100 },
        { AT_PHDR, s->phdr }, { AT_PHENT, 56 }, { AT_PHNUM, s->phnum }, { AT_BASE, s->base },
        { AT_FLAGS, 0 }, { AT_ENTRY, s->entry },
        { AT_UID, libos_cfg.uid }, { AT_EUID, libos_cfg.uid }, { AT_GID, libos_cfg.gid },
        { AT_EGID, libos_cfg.gid }, { AT_SECURE, 0 }, { AT_RANDOM, rndp },
        { AT_HWCAP2, arch_hwcap2() }, { AT_EXECFN, execfn }, { AT_PLATFORM, platform },
        { AT_NULL, 0 },
    };
    size_t naux = sizeof aux / sizeof aux[0];
    size_t words = 1 + (size_t)s->argc + 1 + (size_t)s->envc + 1 + 2 * naux;
    uint64_t sp = ((uint64_t)(uintptr_t)top - words * 8) & ~15ULL;
    uint64_t *w = (uint64_t *)(uintptr_t)sp;
    *w++ = (uint64_t)s->argc;
    for (int i = 0; i < s->argc; i++)
        *w++ = argp[i];
    *w++ = 0;
    for (int i = 0; i < s->envc; i++)
        *w++ = envpp[i];
    *w++ = 0;
    memcpy(w, aux, sizeof aux);
    return sp;
}
