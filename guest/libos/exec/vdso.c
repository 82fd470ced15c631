/* vdso.c: the vDSO image the app finds through AT_SYSINFO_EHDR, and its time calibration. */
#include "libos.h"
#include "exec/vdso.h"

/* A minimal ELF shared object in libOS data: one PT_LOAD covering the image (offset =
 * vaddr = 0, so values are offsets from its start), a dynamic section with a DT_HASH symbol
 * table and the kernel's symbol version (Go requires DT_VERDEF). The functions themselves
 * are in vdso_fn.c, placed after the libOS text so their fallbacks trap. */
struct elf_sym {
    uint32_t name;
    uint8_t info, other;
    uint16_t shndx;
    uint64_t value, size;
};

#if defined(__x86_64__)
#define NSYM 2
#define MACHINE 62
extern char __vdso_clock_gettime[], __vdso_gettimeofday[];
#define STRS "\0__vdso_clock_gettime\0__vdso_gettimeofday\0linux-vdso.so.1\0LINUX_2.6\0"
#define NAME1 1
#define NAME2 22
#define NAME_SO 42
#define NAME_VER 58
#define VER_HASH 0x3ae75f6
#else
#define NSYM 1
#define MACHINE 183
extern char __kernel_clock_gettime[];
#define STRS "\0__kernel_clock_gettime\0linux-vdso.so.1\0LINUX_2.6.39\0"
#define NAME1 1
#define NAME_SO 24
#define NAME_VER 40
#define VER_HASH 0x75fcb89
#endif

struct vdso_image {
    uint8_t ident[16];
    uint16_t type, machine;
    uint32_t version;
    uint64_t entry, phoff, shoff;
    uint32_t flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
    struct { uint32_t type, flags; uint64_t offset, vaddr, paddr, filesz, memsz, align; } ph[2];
    struct { int64_t tag; uint64_t val; } dyn[9];
    struct elf_sym sym[NSYM + 1];
    uint32_t hash[2 + 1 + NSYM + 1];
    uint16_t versym[NSYM + 1];
    /* Two Elf64_Verdef (20 bytes) each followed by its Elf64_Verdaux (8 bytes). */
    struct __attribute__((packed)) {
        uint16_t version, flags, ndx, cnt;
        uint32_t hash, aux, next;
        uint32_t name, auxnext;
    } verdef[2] __attribute__((aligned(8)));
    char str[96];
};

#define OFF(f) __builtin_offsetof(struct vdso_image, f)

static struct vdso_image img __attribute__((aligned(4096))) = {
    .ident = { 0x7f, 'E', 'L', 'F', 2, 1, 1 },
    .type = 3, /* ET_DYN */
    .machine = MACHINE,
    .version = 1,
    .phoff = OFF(ph),
    .ehsize = 64,
    .phentsize = 56,
    .phnum = 2,
    .shentsize = 64,
    .ph = {
        { 1 /* PT_LOAD */, 5, 0, 0, 0, sizeof(struct vdso_image), sizeof(struct vdso_image), 4096 },
        { 2 /* PT_DYNAMIC */, 4, OFF(dyn), OFF(dyn), OFF(dyn), 9 * 16, 9 * 16, 8 },
    },
    .dyn = {
        { 4 /* DT_HASH */, OFF(hash) }, { 5 /* DT_STRTAB */, OFF(str) },
        { 6 /* DT_SYMTAB */, OFF(sym) }, { 10 /* DT_STRSZ */, sizeof(STRS) },
        { 11 /* DT_SYMENT */, sizeof(struct elf_sym) },
        { 0x6ffffff0 /* DT_VERSYM */, OFF(versym) }, { 0x6ffffffc /* DT_VERDEF */, OFF(verdef) },
        { 0x6ffffffd /* DT_VERDEFNUM */, 2 }, { 0, 0 },
    },
    .verdef = {
        { 1, 1 /* VER_FLG_BASE */, 1, 1, 0xdeebfa1, 20, 28, NAME_SO, 0 },
        { 1, 0, 2, 1, VER_HASH, 20, 0, NAME_VER, 0 },
    },
    /* One bucket; the chain walks the symbols from the last to the first. */
#if NSYM == 2
    .hash = { 1, NSYM + 1, 2, 0, 0, 1 },
#else
    .hash = { 1, NSYM + 1, 1, 0, 0 },
#endif
    .str = STRS,
};

struct vvar libos_vvar;
static uint64_t cnt0, h0; /* the first anchor: the rate is measured from it */
static uint64_t interval; /* counts between anchors */
static uint64_t known_hz;

uint64_t vdso_image(void)
{
    return (uint64_t)(uintptr_t)&img;
}

static void set_sym(int i, uint32_t name, const char *fn)
{
    img.sym[i].name = name;
    img.sym[i].info = 0x12; /* STB_GLOBAL, STT_FUNC */
    img.sym[i].shndx = 1;   /* anything but SHN_UNDEF */
    img.sym[i].value = (uint64_t)(uintptr_t)fn - (uint64_t)(uintptr_t)&img;
    img.versym[i] = 2; /* the LINUX_2.6[.39] definition */
}

static uint64_t counter_hz(void)
{
#if defined(__aarch64__)
    uint64_t f;
    __asm__ __volatile__("mrs %0, cntfrq_el0" : "=r"(f));
    return f;
#else
    return 0; /* the TSC rate is measured against the host clock */
#endif
}

static void publish(uint64_t cnt, uint64_t ns, uint64_t mult, uint64_t wall_off)
{
    libos_vvar.seq++;
    __asm__ __volatile__("" ::: "memory");
    libos_vvar.cnt_base = cnt;
    libos_vvar.ns_base = ns;
    libos_vvar.mult = mult;
    libos_vvar.wall_off = wall_off;
    libos_vvar.valid = 1;
    __asm__ __volatile__("" ::: "memory");
    libos_vvar.seq++;
}

void vdso_init(void)
{
#if defined(__x86_64__)
    set_sym(1, NAME1, __vdso_clock_gettime);
    set_sym(2, NAME2, __vdso_gettimeofday);
#else
    set_sym(1, NAME1, __kernel_clock_gettime);
#endif
    cnt0 = arch_counter();
    h0 = solo5_clock_monotonic();
    known_hz = counter_hz();
    interval = 1 << 21;
    if (known_hz) {
        uint64_t mult = (uint64_t)(((unsigned __int128)1000000000ULL << 32) / known_hz);
        publish(cnt0, h0, mult, solo5_clock_wall() - h0);
        interval = known_hz / 100;
    }
}

/* Re-anchors the vDSO clock on the host clock every interval counts (called at each trap
 * and tick). Time never goes back: the new base is the later of the host time and what the
 * old parameters give now. */
void vdso_update(void)
{
    uint64_t c = arch_counter();
    if (libos_vvar.valid && c - libos_vvar.cnt_base < interval)
        return;
    if (!libos_vvar.valid && c - cnt0 < interval)
        return;
    uint64_t h = solo5_clock_monotonic(), w = solo5_clock_wall();
    c = arch_counter();
    uint64_t mult = libos_vvar.mult;
    if (!known_hz) {
        if (h - h0 < 2000000 || c <= cnt0)
            return; /* too short a baseline yet */
        mult = (uint64_t)(((unsigned __int128)(h - h0) << 32) / (c - cnt0));
        /* about 10 ms of counts between anchors */
        interval = (uint64_t)(((unsigned __int128)10000000ULL << 32) / (mult ? mult : 1));
    }
    uint64_t ns = h, wo;
    if (libos_vvar.valid) {
        uint64_t v = vvar_mono(&libos_vvar, &wo);
        if (v > ns)
            ns = v;
    }
    publish(c, ns, mult, w - h);
}

uint64_t app_mono_ns(void)
{
    uint64_t wo, v = vvar_mono(&libos_vvar, &wo);
    return v ? v : solo5_clock_monotonic();
}

uint64_t app_wall_ns(void)
{
    uint64_t wo, v = vvar_mono(&libos_vvar, &wo);
    return v ? v + wo : solo5_clock_wall();
}

_Static_assert(sizeof(STRS) <= sizeof(((struct vdso_image *)0)->str), "vdso strings");
