/* patch_x86_64.c: system call sites rewritten, at their first trap, into jumps to the
 * libOS's fast entry (sys/fastcall_x86_64.S), so that later calls from them cost a jump
 * and a frame save instead of a host SIGSYS and rt_sigreturn.
 *
 * A `syscall` instruction is 2 bytes and a jump 5, so only sites of two shapes, which
 * compilers emit next to the instruction, are rewritten:
 *   mov $nr, %eax; syscall             (glibc's wrappers, Go's runtime, most C code): the
 *                                      5-byte mov becomes `jmp stub`; the syscall stays.
 *   syscall; insn                      (insn one of post_insns: glibc's read and Go's
 *                                      Syscall6 compare, Go's raw calls and musl move the
 *                                      result): the syscall and insn become `jmp stub`;
 *                                      the stub makes the call, then runs insn.
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
#define POOL_PAGES 256   /* at most 1 MiB of heap stubs (16384 sites), a page at a time */
#define NSITES (POOL_PAGES * PER_PAGE)
#define FP_MAGIC1 0x46505853U

enum site_kind { SITE_NONE, SITE_MOV, SITE_POST };

extern uint8_t fast_uc[512];
extern uint8_t fast_fp[];
void libos_fastcall_entry(void);
uint64_t fast_xmask; /* the xsave feature mask (0: fxsave), as the kernel's frames have */

int patch_off;
uint64_t patch_sites, patch_fast_calls;
/* Stubs must be within a jump's reach (2 GiB) of their sites: code at low addresses (an
 * app image, a non-PIE program) gets them from pages in the libOS image, code mapped top
 * down (ld.so's libraries, PIE programs) from the libOS heap above it. Heap pages are
 * taken one at a time as sites are rewritten: a page made read-execute no longer counts
 * against --mem (RLIMIT_DATA counts writable memory). */
#define LOW_PAGES 16 /* 1024 sites */
static uint8_t low_pool[LOW_PAGES * 4096] __attribute__((aligned(4096)));
static unsigned low_used;
static uint8_t *heap_pool[POOL_PAGES];
static unsigned heap_used;
static int fast_state; /* 0 not set up, 1 ready, -1 unusable (no FP image in the frame) */

/* The rewritten `syscall; insn` sites: the pc after their syscall (where a context saved
 * before the rewrite resumes, now inside the jump) and their stub's resume point. */
struct post_site {
    uint64_t pc, resume;
};
#define POST_SLOTS 2048
static struct post_site post_sites[POST_SLOTS]; /* open addressing, at most half full */
static unsigned post_count;

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

/* The instructions a stub may run in a site's place after the call: position independent,
 * no branch, together with the syscall at least a jump's 5 bytes. */
static const struct post_insn {
    uint8_t len, nfixed, fixed[4];
} post_insns[] = {
    { 6, 2, { 0x48, 0x3d } },             /* cmp $imm32, %rax (glibc, Go's Syscall6) */
    { 5, 4, { 0x48, 0x89, 0x44, 0x24 } }, /* mov %rax, disp8(%rsp) (Go's raw calls) */
    { 4, 3, { 0x89, 0x44, 0x24 } },       /* mov %eax, disp8(%rsp) (Go's runtime) */
    { 3, 3, { 0x48, 0x89, 0xc7 } },       /* mov %rax, %rdi (musl, then __syscall_ret) */
    { 3, 3, { 0x48, 0x63, 0xf8 } },       /* movslq %eax, %rdi (musl) */
};

/* What can be rewritten around the syscall that ends at pc: code[0..7) are the 7 bytes
 * before pc, code[7..13) the 6 after (read only when have_after). For SITE_POST, *post
 * is the length of the instruction after the syscall that the stub runs. */
static enum site_kind site_kind(const uint8_t *code, long nr, int have_after, unsigned *post)
{
    if (code[5] != 0x0f || code[6] != 0x05)
        return SITE_NONE;
    if (code[0] == 0xb8 && get32(code + 1) == (uint32_t)nr)
        return SITE_MOV;
    for (unsigned i = 0; have_after && i < sizeof post_insns / sizeof post_insns[0]; i++) {
        if (memcmp(code + 7, post_insns[i].fixed, post_insns[i].nfixed) == 0) {
            *post = post_insns[i].len;
            return SITE_POST;
        }
    }
    return SITE_NONE;
}

static int rel32_ok(uint64_t from, uint64_t to)
{
    int64_t d = (int64_t)(to - from);
    return d >= -0x7fffffffLL && d <= 0x7fffffffLL;
}

/* Offsets in a SITE_POST stub: movabs, movabs, jmp (23 bytes), then the syscall. */
#define POST_RESUME 25

/* The stub's code for a site. For SITE_MOV it resumes at pc itself; for SITE_POST at its
 * own copy of the post instruction (post bytes at code + 7), which follows a trapping
 * `syscall` (for a restart: resume - 2) and precedes a jump back past the site. Returns
 * the resume pc, 0 when out of reach. */
static uint64_t stub_code(uint8_t *s, uint64_t at, enum site_kind k, const uint8_t *code,
        unsigned post, uint64_t pc, long nr)
{
    uint64_t entry = (uint64_t)(uintptr_t)libos_fastcall_entry;
    uint64_t resume = k == SITE_MOV ? pc : at + POST_RESUME;
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
    if (k == SITE_POST) {
        s[n++] = 0x0f, s[n++] = 0x05; /* syscall: the restart path, trapping */
        memcpy(s + n, code + 7, post); /* resume: the site's instruction after its syscall */
        n += post;
        s[n++] = 0xe9; /* jmp pc + post */
        if (!rel32_ok(at + n + 4, pc + post))
            return 0;
        put32(s + n, (uint32_t)(pc + post - (at + n + 4)));
        n += 4;
    }
    while (n < SLOT)
        s[n++] = 0xcc;
    return resume;
}

static struct post_site *post_slot(uint64_t pc)
{
    size_t i = (size_t)((pc * 0x9e3779b97f4a7c15ULL) >> 40) % POST_SLOTS;
    while (post_sites[i].pc && post_sites[i].pc != pc)
        i = (i + 1) % POST_SLOTS;
    return &post_sites[i];
}

/* A context saved at a `syscall; insn` site before it was rewritten resumes at its stub's
 * copy of the insn (the site's pc is now inside the jump). Called for every context the
 * libOS resumes (thread switches, rt_sigreturn). */
uint64_t sys_patch_resume(uint64_t pc)
{
    if (!post_count)
        return pc;
    struct post_site *c = post_slot(pc);
    if (!c->pc || !mm_code_range(pc - 2, pc + 3))
        return pc;
    /* still the jump to that stub (the code may have been unmapped and replaced) */
    const uint8_t *j = (const uint8_t *)(uintptr_t)(pc - 2);
    uint64_t stub = c->resume - POST_RESUME;
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

/* The next free stub slot in reach of both from (the end of the site's jump) and back
 * (where a post stub jumps to), its page read-execute; *used is its arena's count. 0 when
 * neither arena has one in reach. */
static uint64_t stub_slot(uint64_t from, uint64_t back, unsigned **used)
{
    uint64_t at = (uint64_t)(uintptr_t)low_pool + (uint64_t)low_used * SLOT;
    if (low_used < LOW_PAGES * PER_PAGE && rel32_ok(from, at) && rel32_ok(at + SLOT, back)) {
        if (low_used % PER_PAGE == 0 && host_mprotect_rx((uintptr_t)at, 4096) != 0)
            return 0;
        *used = &low_used;
        return at;
    }
    if (heap_used == NSITES)
        return 0;
    uint8_t **page = &heap_pool[heap_used / PER_PAGE];
    if (!*page) {
        uint8_t *p = kalloc_pages(1);
        if (!p)
            return 0;
        if (host_mprotect_rx((uintptr_t)p, 4096) != 0) {
            kfree_pages(p, 1);
            return 0;
        }
        *page = p;
    }
    at = (uint64_t)(uintptr_t)*page + (uint64_t)(heap_used % PER_PAGE) * SLOT;
    if (!rel32_ok(from, at) || !rel32_ok(at + SLOT, back))
        return 0;
    *used = &heap_used;
    return at;
}

/* At a trap from pc (just past its syscall): rewrites the site when it has one of the two
 * shapes, lies in code the libOS may rewrite and its stub is in reach. The trapped call
 * itself completes on the SIGSYS path (a post site's resumes at the stub's copy of insn). */
void sys_patch(void *uc, long nr)
{
    if (patch_off || fast_state < 0 || nr == 15 /* rt_sigreturn: libOS trampolines */)
        return;
    uint64_t pc = uc_pc(uc);
    if (pc < 0x100000 + 7 || in_libos(pc) || kalloc_owns(pc - 7, 13) ||
            (pc + 6 > (uint64_t)(uintptr_t)low_pool && pc - 7 < (uint64_t)(uintptr_t)low_pool + sizeof low_pool))
        return; /* never a stub's own (restart) syscall */
    if (!mm_code_range(pc - 7, pc))
        return;
    uint8_t code[13];
    int have_after = mm_code_range(pc - 2, pc + 6);
    memcpy(code, (const void *)(uintptr_t)(pc - 7), have_after ? 13 : 7);
    unsigned post = 0;
    enum site_kind k = site_kind(code, nr, have_after, &post);
    if (k == SITE_NONE || (k == SITE_POST && post_count >= POST_SLOTS / 2))
        return;
    if (fast_state == 0 && (fast_state = fast_setup(uc)) < 0)
        return;
    uint64_t jmp_at = k == SITE_MOV ? pc - 7 : pc - 2;
    unsigned *used;
    uint64_t at = stub_slot(jmp_at + 5, pc + post, &used);
    if (!at)
        return;
    uint8_t s[SLOT];
    uint64_t resume = stub_code(s, at, k, code, post, pc, nr);
    if (!resume || pool_write(at, s) != 0)
        return;
    (*used)++;
    uint8_t j[8] = { 0xe9, 0, 0, 0, 0, 0xcc, 0xcc, 0xcc };
    put32(j + 1, (uint32_t)(at - (jmp_at + 5)));
    if (mm_code_write(jmp_at, j, k == SITE_MOV ? 5 : 2 + post) != 0)
        return; /* the stub stays unused */
    patch_sites++;
    if (k == SITE_POST) {
        struct post_site *c = post_slot(pc);
        if (!c->pc)
            post_count++;
        c->pc = pc;
        c->resume = resume;
        uc_set_pc(uc, resume);
    }
}

/* From fastcall.S, with the app's state in fast_uc. */
void libos_fastcall(void)
{
    patch_fast_calls++;
    sys_dispatch(fast_uc, (long)gregs(fast_uc)[RAX]);
}
