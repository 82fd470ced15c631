/* sys_exec.c: execve and execveat: the running program is replaced in place by a program of the VFS. */
#include "libos.h"
#include "exec/elf.h"
#include "fd/file.h"
#include "fs/vfs.h"
#include "mm/kalloc.h"
#include "mm/uaccess.h"
#include "sys/table.h"
#include "sys/child.h"

void procfs_set_exec(int argc, char **argv, int envc, char **envp, const char *exe); /* fs/procfs.c */

#define EXEC_STACK (8ULL << 20)
#define ARG_BYTES (256u << 10) /* argv and envp strings together, as a small ARG_MAX */
#define SHEBANG_MAX 4          /* nested #! interpreters (Linux allows 4 more) */

/* The new program's argv, envp and path, copied out of the old program's memory (which
 * execve frees) into one libOS buffer; the last exec's stays for /proc/self/cmdline. */
struct xargs {
    char *buf;
    size_t used;
    int argc, envc;
    char *argv[MAX_ARGS + 1], *envp[MAX_ENVS + 1];
    char path[VFS_PATH_MAX];
};

static char *xstore(struct xargs *x, const char *s, size_t n)
{
    if (x->used + n + 1 > ARG_BYTES)
        return NULL;
    char *d = x->buf + x->used;
    memcpy(d, s, n);
    d[n] = 0;
    x->used += n + 1;
    return d;
}

/* Copies the NULL-terminated vector of strings at uvec; the count or a negative errno. */
static int copy_vec(struct xargs *x, uint64_t uvec, char **out, int max)
{
    static char tmp[VFS_PATH_MAX * 2];
    int n = 0;
    for (; uvec; n++) {
        uint64_t p;
        if (copy_from_user(&p, uvec + (uint64_t)n * 8, 8))
            return -EFAULT;
        if (!p)
            break;
        if (n == max)
            return -E2BIG;
        long l = strncpy_from_user(tmp, p, sizeof tmp);
        if (l < 0)
            return l == -ENAMETOOLONG ? -E2BIG : (int)l;
        if (!(out[n] = xstore(x, tmp, (size_t)l)))
            return -E2BIG;
    }
    out[n] = NULL;
    return n;
}

/* A "#!" file: argv becomes [interpreter, its one optional argument, the script's path,
 * argv[1]...] (Linux's rule), and path the interpreter's. 0: rewritten; 1: not a script. */
static int shebang(struct xargs *x, struct node *n)
{
    char line[256];
    long r = vfs_read(n, 0, line, sizeof line - 1);
    if (r < 2 || line[0] != '#' || line[1] != '!')
        return 1;
    line[r] = 0;
    char *e = NULL;
    for (long i = 0; i < r && !e; i++)
        if (line[i] == '\n')
            e = &line[i];
    if (!e && r == (long)sizeof line - 1)
        return -ENOEXEC; /* the line is too long */
    if (e)
        *e = 0;
    char *p = line + 2;
    while (*p == ' ' || *p == '\t')
        p++;
    char *interp = p;
    while (*p && *p != ' ' && *p != '\t')
        p++;
    char *arg = NULL;
    if (*p) {
        *p++ = 0;
        while (*p == ' ' || *p == '\t')
            p++;
        char *end = p + strlen(p);
        while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
            *--end = 0;
        if (*p)
            arg = p;
    }
    if (!*interp)
        return -ENOEXEC;
    int extra = arg ? 2 : 1;
    if (x->argc + extra > MAX_ARGS)
        return -E2BIG;
    char *script = xstore(x, x->path, strlen(x->path));
    char *ip = xstore(x, interp, strlen(interp));
    char *ap = arg ? xstore(x, arg, strlen(arg)) : NULL;
    if (!script || !ip || (arg && !ap))
        return -E2BIG;
    int old = x->argc > 0 ? x->argc - 1 : 0; /* argv[0] of the script is replaced */
    memmove(&x->argv[1 + extra], &x->argv[x->argc > 0 ? 1 : 0], (size_t)old * sizeof x->argv[0]);
    x->argv[0] = ip;
    if (ap)
        x->argv[1] = ap;
    x->argv[extra] = script;
    x->argc = 1 + extra + old;
    x->argv[x->argc] = NULL;
    if (strlen(ip) >= sizeof x->path)
        return -ENAMETOOLONG;
    memcpy(x->path, ip, strlen(ip) + 1);
    return 0;
}

/* A spawned child's exec buffer (its argv is on its new stack: one buffer, reused). */
static struct xargs *child_xargs(void)
{
    struct xargs *x = curproc->xargs;
    if (!x && (x = kalloc(sizeof *x))) {
        memset(x, 0, sizeof *x);
        curproc->xargs = x;
    }
    return x;
}

void exec_proc_free(struct proc *p)
{
    struct xargs *x = p->xargs;
    if (!x)
        return;
    if (x->buf)
        kfree(x->buf);
    kfree(x);
    p->xargs = NULL;
}

static void drop_thread(struct thread *t) { poll_release(t); }

static long do_execve(struct sc *c, int dirfd, uint64_t upath, uint64_t uargv, uint64_t uenvp, int flags)
{
    static struct xargs xa[2]; /* pid 1's: this exec's, and the last one's (still in procfs) */
    static int which;
    if (flags & ~0x1100 /* AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW */)
        return -EINVAL;
    int child = curproc->pid != 1;
    struct xargs *x = child ? child_xargs() : &xa[which ^ 1];
    if (!x)
        return -ENOMEM;
    if (!x->buf && !(x->buf = kalloc(ARG_BYTES)))
        return -ENOMEM;
    x->used = 0;
    long l = strncpy_from_user(x->path, upath, sizeof x->path);
    if (l < 0)
        return l;
    if (l == 0 && !(flags & 0x1000))
        return -ENOENT;
    if (dirfd != AT_FDCWD || l == 0) {
        /* execveat relative to a directory, or of the file itself (fexecve): its path. */
        struct file *f = fd_get(dirfd);
        if (!f)
            return -EBADF;
        if (!f->ops->path)
            return -ENOENT;
        char dir[VFS_PATH_MAX];
        long dl = f->ops->path(f, dir, sizeof dir);
        if (dl < 0)
            return dl;
        if (l > 0 && x->path[0] != '/') {
            char rel[VFS_PATH_MAX];
            memcpy(rel, x->path, (size_t)l + 1);
            if (lib_snprintf(x->path, sizeof x->path, "%s/%s", dir, rel) >= (long)sizeof x->path)
                return -ENAMETOOLONG;
        } else if (l == 0) {
            memcpy(x->path, dir, (size_t)dl + 1);
        }
    }
    int n = copy_vec(x, uargv, x->argv, MAX_ARGS);
    if (n < 0)
        return n;
    x->argc = n;
    if ((n = copy_vec(x, uenvp, x->envp, MAX_ENVS)) < 0)
        return n;
    x->envc = n;

    /* Everything that can fail with the old program still there is checked first: the
     * file (and its interpreters), its ELF headers, its loader. */
    struct elf_image prog, interp;
    for (int depth = 0;; depth++) {
        struct walk w;
        int r = vfs_walk(NULL, x->path, (flags & 0x100) && depth == 0 ? 0 : WALK_FOLLOW, &w);
        if (r < 0)
            return r;
        if (w.magic)
            file_put(w.magic);
        if (FS_ISDIR(w.node->mode))
            return -EACCES;
        if (!FS_ISREG(w.node->mode) || vfs_permission(w.node, 1) != 0)
            return -EACCES;
        r = shebang(x, w.node);
        if (r < 0)
            return r;
        if (r == 1)
            break;
        if (depth == SHEBANG_MAX)
            return -ELOOP;
    }
    int r = elf_load(x->path, 0, 1, &prog);
    if (r < 0) {
        DBG("libos: execve %s: %s\n", x->path, prog.err);
        return r;
    }
    if (child && prog.type == 2 /* ET_EXEC */ && !mm_range_free(prog.base, prog.end)) {
        /* A spawned child shares the one address space: a program linked at fixed
         * addresses can only go where nothing is. ENOMEM, as for pid 1's ET_EXEC over the
         * first image (and as Linux when a program cannot be mapped): ENOEXEC would make
         * shells and execvp run the ELF file as a shell script. */
        DBG("libos: execve %s in process %d: linked at fixed addresses [%p, %p) that this "
                "address space already uses (a child needs a PIE, or a free range): ENOMEM\n",
                x->path, curproc->pid, (void *)(uintptr_t)prog.base, (void *)(uintptr_t)prog.end);
        return -ENOMEM;
    }
    if (prog.type == 2 /* ET_EXEC */ && prog.base < mm_low()) {
        DBG("libos: execve %s: linked at %p, inside the first program's image\n", x->path,
                (void *)(uintptr_t)prog.base);
        return -ENOMEM;
    }
    if (prog.interp[0]) {
        if ((r = elf_load(prog.interp, 0, 1, &interp)) < 0) {
            DBG("libos: execve %s: its interpreter %s: %s\n", x->path, prog.interp, interp.err);
            return r == -ENOENT ? -ENOENT : -ELIBBAD;
        }
        if (interp.interp[0])
            return -ELIBBAD;
    }

    /* The point of no return: the old program goes. A failure from here on ends the
     * process, as on Linux (a loader that fits the checks but not the memory). */
    /* The other threads of the process end (Linux's de_thread); this one takes the
     * process's pid as its tid. */
    sched_kill_threads(curproc, cur, drop_thread);
    cur->tid = curproc->pid;
    if (child) {
        mm_release(curproc); /* the memory it mapped; the parent's stays */
    } else {
        shmap_reset();
        mm_reset();
    }
    sig_exec_reset();
    fd_close_cloexec();
    cur->clear_tid = 0;
    curproc->execed = 1;
    const char *why = NULL;
    /* pid 1 goes low, as at boot; a child top down, beside whatever its parent holds. */
    r = elf_load(x->path, child ? 0 : mm_low(), 0, &prog);
    if (r < 0)
        why = prog.err;
    uint64_t entry = prog.entry, base = 0;
    if (!why && prog.interp[0]) {
        if ((r = elf_load(prog.interp, 0, 0, &interp)) < 0)
            why = interp.err;
        entry = interp.entry, base = interp.base;
    }
    long stack = why ? -1 : mm_mmap(0, EXEC_STACK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
    if (!why && stack < 0)
        why = "no memory for the stack (--mem)";
    if (why) {
        LOG("libos: execve %s: %s\n", x->path, why);
        proc_vfork_done(curproc);
        proc_exit(curproc, SIGKILL);
        return 0;
    }
    mm_brk_init((uintptr_t)prog.end);
    curproc->stack_lo = (uint64_t)stack, curproc->stack_hi = (uint64_t)stack + EXEC_STACK;
    struct exec_start st = { .argc = x->argc, .envc = x->envc, .argv = x->argv, .envp = x->envp,
        .execfn = x->path, .phdr = prog.phdr, .phnum = prog.phnum, .entry = prog.entry, .base = base };
    uint64_t sp = exec_build_stack((uint64_t)stack + EXEC_STACK, &st);
    if (!child) {
        procfs_set_exec(x->argc, x->argv, x->envc, x->envp, x->path);
        which ^= 1;
    }
    proc_vfork_done(curproc); /* the vfork parent runs again */
    DBG("libos: execve %s at %p\n", x->path, (void *)(uintptr_t)entry);
    uc_exec(c->uc, entry, sp);
    keep_frame = 1;
    return 0;
}

static long sys_execve(struct sc *c) { return do_execve(c, AT_FDCWD, c->a[0], c->a[1], c->a[2], 0); }
static long sys_execveat(struct sc *c)
{
    return do_execve(c, (int)c->a[0], c->a[1], c->a[2], c->a[3], (int)c->a[4]);
}

const struct syscall sys_exec_calls[] = {
    { NR_execve, "execve", sys_execve, SYSF_PARTIAL, "in place: ELF (static, PIE, dynamic with its loader) and #! scripts; cloexec fds closed, handlers reset, other threads end; an ET_EXEC must not overlap the first program; in a spawned child a PIE goes beside the parent, an ET_EXEC only where its addresses are free (else ENOMEM)" },
    { NR_execveat, "execveat", sys_execveat, SYSF_PARTIAL, "as execve; AT_EMPTY_PATH (fexecve) by the descriptor's path" },
    { -1, NULL, NULL, 0, NULL },
};
