/* musl-jit: code generated at run time, as a JIT makes it: written into read-write memory,
 * made read-execute with mprotect (W^X), then run; one piece makes a write system call
 * itself (from outside any libc, so under the libOS it traps there), and a page is made
 * writable again, patched and re-made executable. */
#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static const char msg[] = "written by generated code\n";

#if defined(__x86_64__)
/* mov $imm32, %eax; ret */
static size_t ret_const(unsigned char *p, int v)
{
    p[0] = 0xb8;
    memcpy(p + 1, &v, 4);
    p[5] = 0xc3;
    return 6;
}
/* write(1, msg, len): mov $1,%eax; mov $1,%edi; movabs $msg,%rsi; mov $len,%edx; syscall; ret */
static size_t do_write(unsigned char *p)
{
    unsigned char *q = p;
    const unsigned char a[] = { 0xb8, 1, 0, 0, 0, 0xbf, 1, 0, 0, 0, 0x48, 0xbe };
    memcpy(q, a, sizeof a);
    q += sizeof a;
    unsigned long m = (unsigned long)msg;
    memcpy(q, &m, 8);
    q += 8;
    int n = sizeof msg - 1;
    *q++ = 0xba;
    memcpy(q, &n, 4);
    q += 4;
    *q++ = 0x0f, *q++ = 0x05, *q++ = 0xc3;
    return (size_t)(q - p);
}
#elif defined(__aarch64__)
static void put32(unsigned char *p, unsigned v) { memcpy(p, &v, 4); }
/* movz w0, #v; ret */
static size_t ret_const(unsigned char *p, int v)
{
    put32(p, 0x52800000u | ((unsigned)v & 0xffff) << 5);
    put32(p + 4, 0xd65f03c0u);
    return 8;
}
/* x8 = 64 (write), x0 = 1, x1 = msg (movz/movk), x2 = len, svc #0, ret */
static size_t do_write(unsigned char *p)
{
    unsigned long m = (unsigned long)msg;
    unsigned ins[] = {
        0xd2800808u,                                   /* movz x8, #64 */
        0xd2800020u,                                   /* movz x0, #1 */
        0xd2800001u | (unsigned)(m & 0xffff) << 5,     /* movz x1, #lo */
        0xf2a00001u | (unsigned)((m >> 16) & 0xffff) << 5, /* movk x1, #.., lsl 16 */
        0xf2c00001u | (unsigned)((m >> 32) & 0xffff) << 5, /* movk x1, #.., lsl 32 */
        0xf2e00001u | (unsigned)((m >> 48) & 0xffff) << 5, /* movk x1, #.., lsl 48 */
        0xd2800002u | (unsigned)(sizeof msg - 1) << 5, /* movz x2, #len */
        0xd4000001u,                                   /* svc #0 */
        0xd65f03c0u,                                   /* ret */
    };
    memcpy(p, ins, sizeof ins);
    return sizeof ins;
}
#endif

/* "big MiB": a code cache of MiB mebibytes, filled and made executable, as a JIT that
 * grows past its memory does: past --mem the mapping fails (ENOMEM) and the program says
 * so, as it would when the kernel refused it. */
static int big(size_t mib)
{
    size_t len = mib << 20;
    unsigned char *c = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (c == MAP_FAILED) {
        perror("mmap code cache");
        return 1;
    }
    for (size_t off = 0; off + 4096 <= len; off += 4096)
        ret_const(c + off, (int)(off >> 12));
    __builtin___clear_cache((char *)c, (char *)c + len);
    if (mprotect(c, len, PROT_READ | PROT_EXEC) != 0) {
        perror("mprotect code cache");
        return 1;
    }
    printf("code cache of %zu MiB: last piece returned %d\n", mib, ((int (*)(void))(c + len - 4096))());
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "big"))
        return big((size_t)atol(argv[2]));
    size_t len = 2 * 4096;
    unsigned char *code = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (code == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    size_t n = ret_const(code, 42);
    do_write(code + 4096);
    __builtin___clear_cache((char *)code, (char *)code + len);
    if (mprotect(code, len, PROT_READ | PROT_EXEC) != 0) {
        perror("mprotect exec");
        return 1;
    }
    printf("generated code returned %d (%zu bytes)\n", ((int (*)(void))code)(), n);
    fflush(stdout);
    ((void (*)(void))(code + 4096))();
    /* Patch: writable again (not executable), new constant, executable again. */
    if (mprotect(code, 4096, PROT_READ | PROT_WRITE) != 0) {
        perror("mprotect write");
        return 1;
    }
    ret_const(code, 7);
    __builtin___clear_cache((char *)code, (char *)code + 4096);
    if (mprotect(code, 4096, PROT_READ | PROT_EXEC) != 0) {
        perror("mprotect exec again");
        return 1;
    }
    printf("patched code returned %d\n", ((int (*)(void))code)());
    /* The code is readable data too: a write() from the code page. */
    FILE *null = fopen("/dev/null", "w");
    printf("write() from the code page: %zd\n", null ? write(fileno(null), code, 16) : -1);
    /* Freshly mapped executable memory reads as zeros. */
    unsigned char *x = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    printf("fresh exec page: %s, first byte %d\n", x == MAP_FAILED ? "failed" : "mapped", x == MAP_FAILED ? -1 : x[0]);
    munmap(code, len);
    return 0;
}
