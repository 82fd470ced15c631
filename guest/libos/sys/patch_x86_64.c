/* patch_x86_64.c: system call sites rewritten, at their first trap, into jumps to the
 * libOS's fast entry (arch/x86_64/fastcall.S), so that later calls from them cost a jump
 * and a frame save instead of a host SIGSYS and rt_sigreturn.
 *
 * A `syscall` instruction is 2 bytes and a jump 5, so only sites of two shapes, both of
 * which compilers emit next to the instruction, are rewritten:
 *   mov $nr, %eax; syscall             (glibc's wrappers, Go's runtime, most C code): the
 *                                      5-byte mov becomes `jmp stub`; the syscall stays.
 *   syscall; cmp $imm32, %rax          (glibc's read, Go's Syscall6): the 8 bytes become
 *                                      `jmp stub`; the stub does the call, then the cmp.
 * Each stub (in libOS memory the app cannot map over) loads the number and the pc to
 * resume at and jumps to the entry. Code is never writable and executable at once: the
 * site's pages are made read-write for the write and read-execute again (mm_code_write).
 * The host boundary does not move: the stubs and the entry make no host call, and the
 * patched code still traps if it reaches a `syscall` another way (a restart re-runs the
 * call through the stub's own trapping `syscall`). --libos:trap turns patching off. */
#include "libos.h"
#include "mm/kalloc.h"

#define SLOT 64          /* bytes per stub */
#define PER_PAGE (4096 / SLOT)
#define POOL_PAGES 256   /* at most 1 MiB of stubs (16384 sites), a page at a time */
#define NSITES (POOL_PAGES * PER_PAGE)
#define FP_MAGIC1 0x46505853U

enum site_kind { SITE_NONE, SITE_MOV, SITE_CMP };

extern uint8_t fast_uc[512];
extern uint8_t fast_fp[];
void libos_fastcall_entry(void);
uint64_t fast_xmask; /* the xsave feature mask (0: fxsave), as the kernel's frames have */

int patch_off;
uint64_t patch_sites, patch_fast_calls;
/* Stub pages come from the libOS heap one at a time as sites are rewritten: a page made
 * read-execute no longer counts against --mem (RLIMIT_DATA counts writable memory), so
 * there are never more of them than the sites need. */
static uint8_t *pool[POOL_PAGES];
static unsigned pool_used;
static int fast_state; /* 0 not set up, 1 ready, -1 unusable (no FP image in the frame) */

/* The rewritten `syscall; cmp` sites: the pc after their syscall (where a context saved
 * before the rewrite resumes, now inside the jump) and their stub's resume point. */
struct cmp_site {
    uint64_t pc, resume;
};
#define CMP_SLOTS 2048
static struct cmp_site cmp_sites[CMP_SLOTS]; /* open addressing, at most half full */
static unsigned cmp_count;

static uint64_t *gregs(void *uc)
{
    return (uint64_t *)((char *)uc + UC_GREGS);
}

static void put32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);
}

static void put64(uint8_t *p, uint64_t v)
{
    memcpy(p, &v, 8);
}

static uint32_t get32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

/* What can be rewritten around the syscall that ends at pc: code[0..7) are the 7 bytes
 * before pc, code[7..13) the 6 after (only read for the cmp shape). */
static enum site_kind site_kind(const uint8_t *code, long nr, int have_after)
{
    if (code[5] != 0x0f || code[6] != 0x05)
        return SITE_NONE;
    if (code[0] == 0xb8 && get32(code + 1) == (uint32_t)nr)
        return SITE_MOV;
    if (have_after && code[7] == 0x48 && code[8] == 0x3d)
        return SITE_CMP;
    return SITE_NONE;
}

static int rel32_ok(uint64_t from, uint64_t to)
{
    int64_t d = (int64_t)(to - from);
    return d >= -0x7fffffffLL && d <= 0x7fffffffLL;
}

/* The stub's code for a site. For SITE_MOV it resumes at pc itself; for SITE_CMP at its
 * own copy of the cmp, which follows a trapping `syscall` (for a restart: resume - 2) and
 * precedes a jump back past the site. Returns the resume pc, 0 when out of reach. */
/* Offsets in a SITE_CMP stub: movabs, movabs, jmp (23 bytes), then the syscall. */
#define CMP_RESUME 25

static uint64_t stub_code(uint8_t *s, uint64_t at, enum site_kind k, const uint8_t *code,
        uint64_t pc, long nr)
{
    uint64_t entry = (uint64_t)(uintptr_t)libos_fastcall_entry;
    uint64_t resume = k == SITE_MOV ? pc : at + CMP_RESUME;
    size_t n = 0;
    if (k == SITE_MOV) {
        s[n++] = 0xb8; /* mov $nr, %eax */
        put32(s + n, (uint32_t)nr);
        n += 4;
    }
    s[n++] = 0x48, s[n++] = 0xb9; /* movabs $resume, %rcx */
    put64(s + n, resume);
    n += 8;
    s[n++] = 0x49, s[n++] = 0xbb; /* movabs $entry, %r11 */
    put64(s + n, entry);
    n += 8;
    s[n++] = 0x41, s[n++] = 0xff, s[n++] = 0xe3; /* jmp *%r11 */
    if (k == SITE_CMP) {
        s[n++] = 0x0f, s[n++] = 0x05;         /* syscall: the restart path, trapping */
        memcpy(s + n, code + 7, 6);           /* resume: cmp $imm32, %rax */
        n += 6;
        s[n++] = 0xe9;                        /* jmp pc + 6 */
        if (!rel32_ok(at + n + 4, pc + 6))
            return 0;
        put32(s + n, (uint32_t)(pc + 6 - (at + n + 4)));
        n += 4;
    }
    while (n < SLOT)
        s[n++] = 0xcc;
    return resume;
}

static struct cmp_site *cmp_slot(uint64_t pc)
{
    size_t i = (size_t)((pc * 0x9e3779b97f4a7c15ULL) >> 40) % CMP_SLOTS;
    while (cmp_sites[i].pc && cmp_sites[i].pc != pc)
        i = (i + 1) % CMP_SLOTS;
    return &cmp_sites[i];
}

/* A context saved at a `syscall; cmp` site before it was rewritten resumes at its stub's
 * copy of the cmp (the site's pc is now inside the jump). Called for every context the
 * libOS resumes (thread switches, rt_sigreturn). */
uint64_t sys_patch_resume(uint64_t pc)
{
    if (!cmp_count)
        return pc;
    struct cmp_site *c = cmp_slot(pc);
    if (!c->pc || !mm_code_range(pc - 2, pc + 3))
        return pc;
    /* still the jump to that stub (the code may have been unmapped and replaced) */
    const uint8_t *j = (const uint8_t *)(uintptr_t)(pc - 2);
    uint64_t stub = c->resume - CMP_RESUME;
    if (j[0] != 0xe9 || get32(j + 1) != (uint32_t)(stub - (pc + 3)))
        return pc;
    return c->resume;
}

/* The fast frame's constant parts, from the kernel's first SIGSYS frame: uc_flags, the
 * segment word, and the FP image's format (the xsave features, their size, the magics
 * in the software bytes), so that its FP image is interchangeable with the kernel's. */
static int fast_setup(void *uc)
{
    uint64_t *g = gregs(uc), *fg = gregs(fast_uc);
    const uint8_t *fp = (const uint8_t *)(uintptr_t)g[FPSTATE];
    if (!fp)
        return -1;
    memcpy(fast_uc, uc, 8); /* uc_flags */
    fg[CSGSFS] = g[CSGSFS];
    fg[FPSTATE] = (uint64_t)(uintptr_t)fast_fp;
    if (get32(fp + 464) != FP_MAGIC1)
        return 1; /* fxsave images: fast_xmask stays 0 */
    uint32_t size = get32(fp + 480);
    uint64_t mask;
    memcpy(&mask, fp + 472, 8);
    if (size < 576 || size > ARCH_FP_MAX || !(mask & 3))
        return -1;
    memcpy(fast_fp + 464, fp + 464, 48);
    memcpy(fast_fp + size, fp + size, 4); /* FP_XSTATE_MAGIC2 */
    fast_xmask = mask;
    return 1;
}

static int pool_write(uint64_t at, const uint8_t *s)
{
    uint64_t page = at & ~4095ULL;
    if (host_mprotect_rw((uintptr_t)page, 4096) != 0)
        return -1;
    memcpy((void *)(uintptr_t)at, s, SLOT);
    if (host_mprotect_rx((uintptr_t)page, 4096) != 0)
        bindings_panic("libos: a stub page cannot be made executable again");
    return 0;
}

/* At a trap from pc (just past its syscall): rewrites the site when it has one of the two
 * shapes, lies in code the libOS may rewrite and its stub is in reach. The trapped call
 * itself completes on the SIGSYS path (for a cmp site it resumes at the stub's cmp). */
void sys_patch(void *uc, long nr)
{
    if (patch_off || fast_state < 0 || nr == 15 /* rt_sigreturn: libOS trampolines */)
        return;
    uint64_t pc = uc_pc(uc);
    if (pc < 0x100000 + 7 || in_libos(pc) || kalloc_owns(pc - 7, 13))
        return;
    if (!mm_code_range(pc - 7, pc))
        return;
    uint8_t code[13];
    int have_after = mm_code_range(pc - 2, pc + 6);
    memcpy(code, (const void *)(uintptr_t)(pc - 7), have_after ? 13 : 7);
    enum site_kind k = site_kind(code, nr, have_after);
    if (k == SITE_NONE || pool_used == NSITES || (k == SITE_CMP && cmp_count >= CMP_SLOTS / 2))
        return;
    if (fast_state == 0 && (fast_state = fast_setup(uc)) < 0)
        return;
    uint8_t **page = &pool[pool_used / PER_PAGE];
    if (!*page) {
        uint8_t *p = kalloc_pages(1);
        if (!p)
            return;
        if (host_mprotect_rx((uintptr_t)p, 4096) != 0) {
            kfree_pages(p, 1);
            return;
        }
        *page = p;
    }
    uint64_t at = (uint64_t)(uintptr_t)*page + (uint64_t)(pool_used % PER_PAGE) * SLOT;
    uint64_t jmp_at = k == SITE_MOV ? pc - 7 : pc - 2;
    if (!rel32_ok(jmp_at + 5, at))
        return;
    uint8_t s[SLOT];
    uint64_t resume = stub_code(s, at, k, code, pc, nr);
    if (!resume || pool_write(at, s) != 0)
        return;
    pool_used++;
    uint8_t j[8] = { 0xe9, 0, 0, 0, 0, 0xcc, 0xcc, 0xcc };
    put32(j + 1, (uint32_t)(at - (jmp_at + 5)));
    if (mm_code_write(jmp_at, j, k == SITE_MOV ? 5 : 8) != 0)
        return; /* the stub stays unused */
    patch_sites++;
    if (k == SITE_CMP) {
        struct cmp_site *c = cmp_slot(pc);
        if (!c->pc)
            cmp_count++;
        c->pc = pc;
        c->resume = resume;
        gregs(uc)[RIP] = resume;
    }
}

/* From fastcall.S, with the app's state in fast_uc. */
void libos_fastcall(void)
{
    patch_fast_calls++;
    sys_dispatch(fast_uc, (long)gregs(fast_uc)[RAX]);
}
