/* main.c: the libOS's solo5_app_main: configuration, memory, handlers, the app's stack, the jump. */
#include "libos.h"
#include "sys/child.h"
#include "exec/elf.h"
#include "exec/vdso.h"
#include "fd/file.h"
#include "fs/vfile.h"
#include "net/net.h"
#include "sys/table.h"

#define APP_STACK_SIZE (8ULL << 20)
#define ALTSTACK_SIZE (256 << 10)

extern uint64_t guest_mem_end;

static uint8_t altstack[ALTSTACK_SIZE] __attribute__((aligned(16)));
static char cmdbuf[8192];
static char *argv[MAX_ARGS + 1];
static char *envp[MAX_ENVS + 1];
static int argc, envc;


static int prefix(const char *s, const char *p)
{
    return strncmp(s, p, strlen(p)) == 0;
}

/* Appends the words config.c found to argv. */
static void add_args(void)
{
    for (int i = 0; i < libos_cfg.argc; i++) {
        if (argc == MAX_ARGS)
            bindings_panic("libos: too many arguments");
        argv[argc++] = libos_cfg.argv[i];
    }
}

/* The command line after the --solo5: options: leading --libos:debug, --libos:trap (no
 * patched call sites: every call traps) and --env=NAME=VALUE
 * words configure the libOS; then either nabla's JSON configuration (config.c: "argv" or
 * rumprun's "cmdline" with argv[0], repeated "env", "cwd", "hostname", user, mounts; "net"
 * and "blk" are read by their layers), or an optional "--" and the app's arguments,
 * rumprun-quoted (argv[0] is the app's name). */
static void parse_cmdline(const char *cmdline)
{
    size_t n = strlen(cmdline);
    if (n >= sizeof cmdbuf)
        bindings_panic("libos: command line too long");
    memcpy(cmdbuf, cmdline, n + 1);
    char *p = cmdbuf;
    for (;;) {
        while (*p == ' ')
            p++;
        char *w = p, *end = p;
        while (*end && *end != ' ')
            end++;
        size_t len = (size_t)(end - w);
        if (len == 13 && prefix(w, "--libos:debug")) {
            libos_debug = 1;
        } else if (len == 12 && prefix(w, "--libos:trap")) {
            patch_off = 1;
        } else if (len > 6 && prefix(w, "--env=")) {
            if (envc == MAX_ENVS)
                bindings_panic("libos: too many --env options");
            envp[envc++] = w + 6;
        } else {
            break;
        }
        p = *end ? end + 1 : end;
        *end = 0;
    }
    if (*p == '{') {
        if (config_json(p, &libos_cfg) != 0)
            libos_exit(1);
        for (int i = 0; i < libos_cfg.envc; i++) {
            if (envc == MAX_ENVS)
                bindings_panic("libos: too many environment entries");
            envp[envc++] = libos_cfg.envp[i];
        }
        add_args();
        if (argc == 0)
            argv[argc++] = (char *)libos_app.name;
        return;
    }
    if (p[0] == '-' && p[1] == '-' && (p[2] == ' ' || p[2] == 0))
        p += 2;
    argv[argc++] = (char *)libos_app.name;
    if (config_split(p, &libos_cfg) != 0)
        libos_exit(1);
    add_args();
}

static uint64_t build_stack(uint64_t top_addr, uint64_t interp_base)
{
    uint64_t phdr = (libos_app.flags & APP_FLAG_PHDR_COPY) ?
            (uint64_t)(uintptr_t)libos_app.phdrs : libos_app.phdr;
    struct exec_start st = { .argc = argc, .envc = envc, .argv = argv, .envp = envp,
        .execfn = argv[0], .phdr = phdr, .phnum = libos_app.phnum, .entry = libos_app.entry,
        .base = interp_base };
    return exec_build_stack(top_addr, &st);
}

/* A dynamically linked app (bake sets APP_FLAG_INTERP): its PT_INTERP names the loader
 * (ld.so), which is loaded from the VFS beside it and started instead, with AT_BASE; ld.so
 * then maps the libraries itself. Returns the entry to jump to; a missing or bad loader
 * ends the app as a failed execve would be reported by a shell (127 not found, else 126). */
static uint64_t load_interp(uint64_t *base)
{
    *base = 0;
    if (!(libos_app.flags & APP_FLAG_INTERP))
        return libos_app.entry;
    static char path[256];
    path[0] = 0;
    for (uint32_t i = 0; i < libos_app.phnum; i++) {
        const uint8_t *p = (const uint8_t *)libos_app.phdrs + (size_t)i * 56;
        uint32_t type;
        uint64_t va, sz;
        memcpy(&type, p, 4);
        memcpy(&va, p + 16, 8);
        memcpy(&sz, p + 32, 8);
        if (type != 3 /* PT_INTERP */)
            continue;
        va += libos_app.bias;
        if (sz < 2 || sz > sizeof path || va < libos_app.lo || va > libos_app.hi - sz)
            break;
        memcpy(path, (const void *)(uintptr_t)va, (size_t)sz);
        if (path[sz - 1] != 0 || strlen(path) != sz - 1)
            path[0] = 0;
        break;
    }
    if (path[0] != '/') {
        LOG("libos: %s: bad PT_INTERP (want an absolute path)\n", argv[0]);
        libos_exit(126);
    }
    struct elf_image im;
    int r = elf_load(path, 0, 0, &im);
    if (r != 0) {
        LOG("libos: %s: its interpreter %s: %s\n", argv[0], path, im.err);
        libos_exit(r == -ENOENT ? 127 : 126);
    }
    DBG("libos: interpreter %s at %p\n", path, (void *)(uintptr_t)im.base);
    *base = im.base;
    return im.entry;
}

int solo5_app_main(const struct solo5_start_info *si)
{
    /* Compared in two parts: the whole magic must appear once in the image, in libos_app. */
    if (memcmp((const void *)libos_app.magic, "NABLA-LIBOS-", 12) != 0 ||
            memcmp((const void *)(libos_app.magic + 12), "APP1", 4) != 0 || libos_app.version != 1) {
        LOG("libos: no application in this image (join one with `nabla bake`)\n");
        return 1;
    }
    if (libos_app.phent != 56 || libos_app.phnum == 0 || libos_app.phnum > APP_MAX_PHDRS) {
        LOG("libos: bad application description\n");
        return 1;
    }
    parse_cmdline(si->cmdline);
    libos_boot_ns = now_ns();

    uint64_t mem_end = si->heap_start + si->heap_size;
    guest_mem_end = mem_end;
    uint64_t lo = libos_app.hi > si->heap_start ? libos_app.hi : si->heap_start;
    lo = (lo + 4095) & ~4095ULL;
    /* The top top_rw bytes hold the tender's stack, which stays the libOS's. */
    uint64_t hi = (mem_end - libos_note.top_rw) & ~4095ULL;
    if (hi <= lo || hi - lo < APP_STACK_SIZE + (16ULL << 20)) {
        LOG("libos: not enough memory for the app (image ends at %p, memory at %p)\n",
                (void *)(uintptr_t)lo, (void *)(uintptr_t)mem_end);
        return 1;
    }
    /* The top quarter of the address space (at most 16 GiB) is the libOS heap's; the rest
     * is the app's. Both commit from the one --mem budget. */
    uint64_t kspan = ((hi - lo) / 4) & ~4095ULL;
    if (kspan > (16ULL << 30))
        kspan = 16ULL << 30;
    arch_init();
    kalloc_init(hi - kspan, hi);
    hi -= kspan;
    mm_init(lo, hi);
    mm_brk_init(lo);
    uaccess_init_app();
    sys_table_init();
    sys_report_init();
    proc_boot();
    sched_init();
    fd_init();
    rlimits_boot();
    rnd_init();
    if (fs_boot(argc, argv, envc, envp, mem_end - libos_note.va_extra) != 0)
        return 1;
    vdso_init();
    net_boot();

    if (host_sigaltstack(altstack, sizeof altstack) != 0)
        bindings_panic("libos: sigaltstack failed");
    uint64_t alrm = 1ULL << (SIGALRM - 1);
    if (host_sigaction(SIGSYS, libos_sigsys, alrm) != 0 ||
            host_sigaction(SIGALRM, libos_sigalrm, 0) != 0)
        bindings_panic("libos: installing the SIGSYS handler failed (is the tender libOS-aware?)");
    static const int faults[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP };
    for (unsigned i = 0; i < sizeof faults / sizeof faults[0]; i++)
        if (host_sigaction(faults[i], libos_fault, alrm) != 0)
            bindings_panic("libos: installing a fault handler failed");
    /* The signals the tender forwards (docker stop, kill): taken one at a time, never
     * inside the tick. */
    sig_host_init();
    uint64_t hmask = alrm | 1ULL << (SIGWINCH - 1);
    for (int i = 0; i < HOST_FORWARDED; i++)
        hmask |= 1ULL << (host_forwarded[i] - 1);
    for (int i = 0; i < HOST_FORWARDED; i++)
        if (host_sigaction(host_forwarded[i], libos_hostsig, hmask) != 0)
            bindings_panic("libos: installing a host signal handler failed (is the tender this libOS's?)");
    /* On a terminal, a resize reaches the process group as SIGWINCH, from the kernel. */
    if (libos_cfg.terminal && host_sigaction(SIGWINCH, libos_hostsig, hmask) != 0)
        bindings_panic("libos: installing the SIGWINCH handler failed (is the tender this libOS's?)");

    long stack = mm_mmap(0, APP_STACK_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
    if (stack < 0)
        bindings_panic("libos: no memory for the app stack");
    curproc->stack_lo = (uint64_t)stack, curproc->stack_hi = (uint64_t)stack + APP_STACK_SIZE;
    uint64_t interp_base;
    uint64_t entry = load_interp(&interp_base);
    uint64_t sp = build_stack((uint64_t)stack + APP_STACK_SIZE, interp_base);
    DBG("libos: starting %s at %p, memory [%p, %p)\n", argv[0],
            (void *)(uintptr_t)entry, (void *)(uintptr_t)lo, (void *)(uintptr_t)hi);
    arch_start_app(entry, sp);
}
