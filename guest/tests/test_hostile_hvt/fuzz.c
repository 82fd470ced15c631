/* fuzz.c: a guest-side hvt hypercall fuzzer: seed=S count=N [soft].
 *
 * Each round builds one hypercall's argument struct from adversarial values (lengths
 * of 2^63, addresses past the end of memory and wrapping, offsets beyond the disk,
 * frames over the MTU, unknown handles) and issues it. Most rounds keep the argument
 * struct itself in guest memory, so the tender must answer with an error code and let
 * the guest go on. "soft" keeps every buffer inside this guest's scratch area and every
 * frame a valid size, so all rounds must be answered. Without it, about one round in
 * 64 also uses an unknown number, a struct address outside memory or a HALT, and a
 * quarter of the buffers are wild: such a run ends as a clean guest fault. Before a
 * HALT it prints "HALT <status>" so the harness can check the exit. */
#include "test.h"
#include "hcall.h"

static uint64_t rng;
static uint64_t mem_end;
static int soft;

static uint64_t next(void)
{
    /* xorshift64*: deterministic per seed on both arches */
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 2685821657736338717ULL;
}

static uint8_t scratch[16384] __attribute__((aligned(4096)));
static uint64_t argbuf[8] __attribute__((aligned(64)));

/* An adversarial 64-bit value, sometimes a pointer into scratch. */
static uint64_t wild(void)
{
    uint64_t s = (uint64_t)(uintptr_t)scratch;
    switch (next() % 20) {
    case 0: return 0;
    case 1: return 1ULL << 63;
    case 2: return ~0ULL;
    case 3: return mem_end;
    case 4: return mem_end - 1;
    case 5: return mem_end + 4096;
    case 6: return 0xffffffffULL;
    case 7: return 0x100000000ULL;
    case 8: return ~0ULL - 511;            /* wraps when 512 is added */
    case 9: return 1048576;                /* the disk's capacity */
    case 10: return 1048576 - 512;         /* its last block */
    case 11: return 1048576 + 512;
    case 12: return 512;
    case 13: return 513;
    case 14: return 1514;                  /* a full Ethernet frame */
    case 15: return 1515 + next() % 65536; /* over the MTU */
    case 16: return s + next() % sizeof scratch;
    case 17: return s;
    case 18: return next() % 64;
    default: return next();
    }
}

/* A buffer address and length: mostly inside scratch, else wild. */
static void buffer(uint64_t *gpa, uint64_t *len)
{
    if (soft || next() % 4) {
        uint64_t off = next() % sizeof scratch;
        *gpa = (uint64_t)(uintptr_t)scratch + off;
        *len = next() % (sizeof scratch - off + 1);
        if (next() % 4 == 0)
            *len = 512;
    } else {
        *gpa = wild();
        *len = wild();
    }
}

static uint64_t parse(const char *s, const char *key, uint64_t def)
{
    size_t k = strlen(key);
    for (const char *p = s; *p; p++) {
        if ((p == s || p[-1] == ' ') && !strncmp(p, key, k)) {
            uint64_t v = 0;
            for (p += k; *p >= '0' && *p <= '9'; p++)
                v = v * 10 + (uint64_t)(*p - '0');
            return v;
        }
    }
    return def;
}

int solo5_app_main(const struct solo5_start_info *si)
{
    rng = parse(si->cmdline, "seed=", 1) * 0x9e3779b97f4a7c15ULL + 1;
    uint64_t count = parse(si->cmdline, "count=", 1000);
    for (const char *p = si->cmdline; *p; p++)
        if (!strncmp(p, "soft", 4))
            soft = 1;
    mem_end = si->heap_start + si->heap_size;
    uint64_t answered = 0;

    for (uint64_t i = 0; i < count; i++) {
        uint32_t nr = 1 + (uint32_t)(next() % 7); /* WALLTIME .. NET_READ */
        uint32_t arg = (uint32_t)(uintptr_t)argbuf;
        if (!soft && next() % 64 == 0) {
            switch (next() % 4) {
            case 0: nr = (uint32_t)(next() % 16) == 0 ? 0 : 9 + (uint32_t)(next() % 64); break;
            case 1: arg = (uint32_t)(mem_end - 8 + next() % 16); break; /* straddles the end */
            case 2: arg = 0xfffffff0u + (uint32_t)(next() % 16); break; /* wraps */
            default: nr = 8; break;                                       /* HALT */
            }
        }
        for (int k = 0; k < 8; k++)
            argbuf[k] = wild();
        switch (nr) {
        case 2: /* PUTS: a wild or in-range buffer */
            buffer(&argbuf[0], &argbuf[1]);
            if (argbuf[1] > 256 && argbuf[0] >= (uint64_t)(uintptr_t)scratch &&
                    argbuf[0] < (uint64_t)(uintptr_t)scratch + sizeof scratch)
                argbuf[1] = 256; /* keep the console readable when it works */
            break;
        case 3: /* POLL: short timeouts only (a long one is a legitimate sleep) */
            argbuf[0] = next() % 3 == 0 ? 0 : next() % 100000;
            break;
        case 4: case 5: /* BLOCK_WRITE/READ: handle 0 is storage */
            if (next() % 2)
                argbuf[0] = 0;
            buffer(&argbuf[2], &argbuf[3]);
            break;
        case 6: case 7: /* NET_WRITE/READ: handle 1 is service */
            if (next() % 2)
                argbuf[0] = 1;
            buffer(&argbuf[1], &argbuf[2]);
            if (soft && nr == 6) /* a frame the tap takes: 60..1514 bytes */
                argbuf[2] = 60 + next() % 1455;
            break;
        case 8: { /* HALT: a wild cookie, a random status */
            int st = (int)(next() % 250);
            argbuf[0] = next() % 2 ? 0 : wild();
            argbuf[1] = (uint64_t)(uint32_t)st;
            test_printf("HALT %d\n", st);
            break;
        }
        }
        hcall_raw(nr, arg);
        answered++;
    }
    test_printf("rounds=%lu\nSUCCESS\n", (unsigned long)answered);
    return 0;
}
