/* hostile.c: an spt guest that attacks its sandbox; the mode comes from the command line.
 *
 *   sys A0 A1 A2 A3 A4 A5 NR...  each NR with those arguments; prints "RET nr=N r=R"
 *                                 (an argument "buf" is a scratch buffer of this guest)
 *   poke ADDR | jump ADDR         write to / jump to ADDR ("text": this guest's code)
 *   stack                         unbounded recursion
 *   tls ADDR                      set the thread pointer to ADDR and read through it
 *   flood MIB                     MIB MiB of console output
 * Every mode that survives prints SUCCESS and exits 0. */
#include "test.h"
#include "hostile.h"

#define MAXW 64

static char words[MAXW][40];
static int nwords;
static uint8_t scratch[8192] __attribute__((aligned(4096)));
static char flood_buf[65536];

static void split(const char *s)
{
    while (*s && nwords < MAXW) {
        while (*s == ' ')
            s++;
        if (!*s)
            break;
        int n = 0;
        while (*s && *s != ' ') {
            if (n < 39)
                words[nwords][n++] = *s;
            s++;
        }
        words[nwords][n] = 0;
        nwords++;
    }
}

/* Decimal, 0x hex or a leading '-' (two's complement); "buf" and "text" are addresses. */
static uint64_t num(const char *w)
{
    if (!strcmp(w, "buf"))
        return (uint64_t)(uintptr_t)scratch;
    if (!strcmp(w, "text"))
        return (uint64_t)(uintptr_t)solo5_app_main;
    int neg = 0;
    if (*w == '-') {
        neg = 1;
        w++;
    }
    uint64_t v = 0;
    if (w[0] == '0' && w[1] == 'x') {
        for (w += 2; *w; w++) {
            int d = (*w >= '0' && *w <= '9') ? *w - '0'
                : (*w >= 'a' && *w <= 'f') ? *w - 'a' + 10 : -1;
            if (d < 0)
                test_fail("bad number");
            v = v * 16 + (uint64_t)d;
        }
    } else {
        for (; *w; w++) {
            if (*w < '0' || *w > '9')
                test_fail("bad number");
            v = v * 10 + (uint64_t)(*w - '0');
        }
    }
    return neg ? -v : v;
}

/* Deep enough frames that the stack runs into the read-only image quickly. The
 * recursion is unbounded on purpose; the limit is a run-time value gcc cannot see. */
static volatile int limit = -1;
static int recurse(int depth)
{
    volatile char pad[1024];
    pad[0] = (char)depth;
    if (depth == limit)
        return 0;
    return recurse(depth + 1) + pad[0];
}

int solo5_app_main(const struct solo5_start_info *si)
{
    split(si->cmdline);
    if (nwords < 1)
        test_fail("no mode");
    const char *mode = words[0];
    if (!strcmp(mode, "sys")) {
        if (nwords < 8)
            test_fail("sys needs six arguments and a number");
        long a[6];
        for (int i = 0; i < 6; i++)
            a[i] = (long)num(words[1 + i]);
        for (int i = 7; i < nwords; i++) {
            long nr = (long)num(words[i]);
            long r = hostile_syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
            test_printf("RET nr=%ld r=%ld\n", nr, r);
        }
    } else if (!strcmp(mode, "poke") && nwords == 2) {
        *(volatile uint64_t *)(uintptr_t)num(words[1]) = 0x4141414141414141ULL;
        test_printf("wrote outside memory\n");
        return 2;
    } else if (!strcmp(mode, "jump") && nwords == 2) {
        void (*f)(void) = (void (*)(void))(uintptr_t)num(words[1]);
        __asm__ __volatile__("" : "+r"(f)); /* the compiler must not reason about f */
        f();
        test_printf("returned from a wild jump\n");
        return 2;
    } else if (!strcmp(mode, "stack")) {
        return recurse(0);
    } else if (!strcmp(mode, "tls") && nwords == 2) {
        if (solo5_set_tls_base((uintptr_t)num(words[1])) != SOLO5_R_OK) {
            test_printf("TLS base refused\n");
            return 3;
        }
        uint64_t v = hostile_tls_read();
        test_printf("read %lu through a wild thread pointer\n", (unsigned long)v);
        return 2;
    } else if (!strcmp(mode, "flood") && nwords == 2) {
        uint64_t total = num(words[1]) << 20;
        memset(flood_buf, 'A', sizeof flood_buf);
        for (uint64_t done = 0; done < total; done += sizeof flood_buf)
            solo5_console_write(flood_buf, sizeof flood_buf);
    } else {
        test_fail("unknown mode");
    }
    test_puts("SUCCESS\n");
    return 0;
}
