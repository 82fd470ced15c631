/* libos.h: internal interfaces of the library OS that runs a static Linux ELF as a Solo5 guest. */
#ifndef LIBOS_H_INCLUDED
#define LIBOS_H_INCLUDED

#include <stddef.h>
#include <stdint.h>

#include "bindings.h"
#include "linux.h"
#include "abi.h" /* arch/<arch>/abi.h: this arch's layouts */
#include "mm/uaccess.h"
#include "mm/kalloc.h"

/* ---- the embedded application, described by bake (app.c) ---- */
#define APP_MAGIC "NABLA-LIBOS-APP1"  /* 16 bytes, no NUL: bake finds the struct by it */
#define APP_MAX_PHDRS 32
#define APP_NAME_MAX 64
#define APP_FLAG_PHDR_COPY 1u /* AT_PHDR points at phdrs[] (the app does not load them) */
#define APP_FLAG_INTERP 2u    /* dynamically linked: load its PT_INTERP (ld.so) from the VFS */

struct libos_app {
    char magic[16];
    uint32_t version;    /* 1 */
    uint32_t flags;      /* APP_FLAG_* */
    uint64_t entry;      /* absolute entry point (bias applied) */
    uint64_t phdr;       /* absolute address of the loaded program headers */
    uint64_t bias;       /* load bias (0 for ET_EXEC) */
    uint64_t lo, hi;     /* loaded span of the app, page aligned */
    uint32_t phnum, phent;
    char name[APP_NAME_MAX]; /* argv[0] */
    uint8_t phdrs[APP_MAX_PHDRS * 56];
};
extern volatile struct libos_app libos_app;

/* ---- limits ---- */
#define MAX_THREADS 128
#define NCPU 2 /* what sched_getaffinity reports: Go then runs GOMAXPROCS=2 */

/* ---- arch layer (arch/<arch>/: cpu.c, sigframe.c, entry.S; core/host.c) ---- */
struct thread;

/* Raw host calls beyond the solo5 API; each is allowed by the libOS seccomp policy. */
long host_sigaction(int sig, void (*fn)(int, void *, void *), uint64_t mask);
long host_sigaltstack(void *base, size_t size);
long host_setitimer_ms(unsigned ms);
long host_madvise_dontneed(uintptr_t addr, size_t len);
/* write(2, buf, n) until done: the app's stderr, kept apart from the console (fd 1). */
void host_write_stderr(const char *buf, size_t n);
long host_winsize(void *ws);
long host_read_stdin(void *buf, size_t n);
/* mprotect(addr, len, PROT_READ|PROT_WRITE); len at most HOST_MPROTECT_MAX (the tender's
 * filter pins both, internal/spt/libos_policy.go). */
long host_mprotect_rw(uintptr_t addr, size_t len);
#define HOST_MPROTECT_MAX (256ULL << 20)
/* mprotect(addr, len, PROT_READ|PROT_EXEC): code the app loads, above the libOS text. */
long host_mprotect_rx(uintptr_t addr, size_t len);
long host_set_tls(uint64_t tp);
void arch_start_app(uint64_t entry, uint64_t sp) __attribute__((noreturn));
void arch_init(void);
uint64_t arch_hwcap(void);
uint64_t arch_hwcap2(void);
const char *arch_platform(void);
uint64_t arch_minsigstksz(void); /* AT_MINSIGSTKSZ: the largest signal frame (sigframe_<arch>.c) */
uint64_t arch_random64(int *ok);

/* ucontext access: uc is the kernel's ucontext_t in a signal frame. */
uint64_t uc_pc(void *uc);
void uc_set_pc(void *uc, uint64_t pc);
uint64_t uc_arg(void *uc, int i);
void uc_set_ret(void *uc, long v);
void uc_exec(void *uc, uint64_t entry, uint64_t sp); /* execve: start the new program */
void uc_save(struct thread *t, void *uc);  /* frame -> thread */
void uc_load(struct thread *t, void *uc);  /* thread -> frame */
void ctx_set_ret(struct thread *t, long v);
void ctx_set_sp(struct thread *t, uint64_t sp);
void ctx_restart(struct thread *t, long nr); /* re-run the system call on resume */
/* clone: the TLS and child-tid arguments, whose order differs per arch. */
uint64_t clone_tls_arg(void *uc);
uint64_t clone_ctid_arg(void *uc);

/* ---- threads and scheduling (sched.c) ---- */
enum tstate { T_FREE = 0, T_RUN, T_BLOCKED };
#define NO_DEADLINE UINT64_MAX
/* How a blocked call ends when woken (sched_block's restart argument): */
#define WAIT_RETURN 0        /* returns (0, or timeout_ret at the deadline); EINTR on a signal */
#define WAIT_RESTART 1       /* re-run on wake; after a signal re-run under SA_RESTART, else EINTR */
#define WAIT_RESTART_NOSIG 2 /* re-run on wake; EINTR on any signal (epoll: never restarted) */
#define WAIT_RERUN_NOSIG 3   /* as WAIT_RESTART_NOSIG, and re-run at the deadline too (poll and
                              * select write their results, none ready, as Linux does) */

struct thread {
    enum tstate state;
    int tid;
    uint64_t tls;
    uint64_t deadline;   /* monotonic ns, NO_DEADLINE */
    uintptr_t key;       /* wait queue key: futex address, a pollq, the thread (sleeps) */
    long nr;             /* the blocked call's host number, for a restart */
    long timeout_ret;    /* result when the deadline passes */
    int restart;         /* WAIT_*: on wake, re-run the call rather than return 0 */
    uint64_t clear_tid;  /* CLONE_CHILD_CLEARTID / set_tid_address */
    uint64_t sigmask;
    uint64_t pending;     /* signals posted to this thread, delivered when it runs */
    uint64_t altstack[3]; /* stack_t: ss_sp, ss_flags, ss_size */
    int restarted;        /* the next trap re-runs a call woken with a restart */
    uint64_t wait_deadline; /* a restarted wait keeps the deadline of its first run */
    void *pollw;          /* poll/select watchers (fd/poll.c), freed at the next call */
    int nointr;           /* a vfork parent's wait: signals stay pending, never EINTR */
    int sigsusp;          /* in rt_sigsuspend: sigsusp_old is the mask to restore */
    uint64_t sigsusp_old;
    struct proc *proc;    /* the process the thread belongs to */
    struct arch_ctx ctx; /* user registers while not running */
};

extern struct thread *cur;

/* ---- processes (core/proc.c) ---- */
/* A process: pid 1 is the program the unikernel started; more come from vfork/posix_spawn
 * (clone with CLONE_VM, README "Processes"). All share the one address space; each has
 * its own pid, fd table, signal dispositions, cwd, brk and the memory it mapped since its
 * exec (so that its exit or exec gives that memory back). */
#define MAX_PROCS 32
enum pstate { P_FREE = 0, P_LIVE, P_ZOMBIE };
struct node;
struct proc {
    enum pstate state;
    int pid, ppid;
    int exit_signal;      /* sent to the parent at exit (clone's low byte: SIGCHLD) */
    int wstatus;          /* a zombie's wait status: code << 8, or the signal */
    int vfork_tid;        /* the parent thread suspended until this child execs or exits */
    int execed;           /* the child has run execve (its memory is its own) */
    void *fdt;            /* fd/fdtable.c: the descriptor table */
    int fd_limit;         /* RLIMIT_NOFILE soft limit */
    struct k_sigaction actions[NSIG + 1];
    struct node *cwd;
    uint32_t umask;
    uint64_t brk_start, brk_cur;
    uint64_t stack_lo, stack_hi; /* its program's main stack ([stack] in /proc/self/maps) */
    void *owned;          /* mm/mm.c: extents this process mapped (not pid 1's) */
    int nowned;
    void *xargs;          /* exec: its argv/envp buffer (children only) */
};
extern struct proc procs[MAX_PROCS];
extern struct proc *curproc;
struct proc *proc_by_pid(int pid);
struct proc *proc_slot(void); /* a free slot, zeroed, or NULL */
int proc_live_count(void);   /* processes that are not free (zombies count) */
void sched_init(void);
struct thread *thread_new(void);
struct thread *thread_by_tid(int tid);
int thread_count(void);
int proc_thread_count(struct proc *p);
/* Wakes the threads blocked on key with ret as their result (vfork: the child's pid). */
int sched_wake_ret(uintptr_t key, int n, long ret);
/* The thread of p a process-directed sig goes to, or NULL. */
struct thread *proc_thread_for_signal(struct proc *p, int sig);
/* Frees every thread of p but keep (exec, exit): they never run again. */
void sched_kill_threads(struct proc *p, struct thread *keep, void (*fn)(struct thread *));
/* Parks cur until woken on key or the deadline; the frame is switched on return. */
void sched_block(uintptr_t key, uint64_t deadline, long nr, int restart, long timeout_ret);
int sched_wake(uintptr_t key, int n);
void sched_unblock(void);
/* A signal for t: a blocked call ends with EINTR, or is re-run if restart. */
void sched_interrupt(struct thread *t, int restart); /* cur runs on after all (it had blocked in this trap) */
int sched_requeue(uintptr_t from, uintptr_t to, int n);
void sched_exit_thread(void);
void sched_yield_now(void);
/* Runs at the end of each trap or tick: switches the frame to another thread if needed. */
void sched_switch(void *uc);
void sched_tick(void *uc);
extern int need_switch;
/* The network layer's part in the idle loop (set by net/ when it starts: lower layers do not
 * call up). poll runs whenever a thread is picked (idle: none can run): it feeds lwIP and
 * returns its next timer deadline (or NO_DEADLINE). handles: what solo5_yield waits on
 * besides deadlines; ready collects what it reported (the network layer clears it). */
extern uint64_t (*sched_idle_poll)(int idle);
/* The interval timers (sys/sys_itimer.c): fires what is due at now, returns the next deadline. */
extern uint64_t (*sched_timers)(uint64_t now);
/* Starts the preemption tick (at the second thread; at an armed timer, whose expiry must
 * reach a thread that makes no calls). */
void sched_need_tick(void);
extern solo5_handle_set_t sched_idle_handles, sched_idle_ready;
/* The host's stdin became readable (or hung up): the tender registers its fd 0 under handle
 * 0, the manifest's reserved first entry, which is never a device. The console's hook
 * (set when stdin is the host's) wakes its readers; it also runs every STDIN_POLL_NS
 * while threads keep the CPU busy and solo5_yield is not reached. */
#define SCHED_STDIN_READY (1ULL << 0)
extern void (*sched_stdin_wake)(void);
/* A struct timespec of the app in ns: 0, -EFAULT or -EINVAL (sched/timespec.c). */
int timespec_in(uint64_t uptr, uint64_t *ns);
/* now + ns, saturating below NO_DEADLINE. */
uint64_t deadline_after(uint64_t now, uint64_t ns);

/* ---- memory (mm.c) ---- */
/* The LOS1 note (note.c), read by the tender: the text range its filter trusts and the
 * guest memory layout the libOS wants (README "Memory"). */
struct __attribute__((packed)) libos_note {
    uint32_t namesz, descsz, type;
    char name[8];
    uint64_t text_lo, text_hi;
    uint64_t va_extra; /* address space above --mem, PROT_NONE until made read-write */
    uint64_t top_rw;   /* read-write bytes at the top of the address space (boot stack) */
    uint64_t seed;     /* address of libos_seed, which the tender fills from the host */
};
extern const struct libos_note libos_note;
extern uint8_t libos_seed[32]; /* random.c */
void mm_init(uintptr_t lo, uintptr_t hi);
long mm_mprotect(uint64_t addr, uint64_t len, int prot);
void mm_report(void); /* --libos:debug: memory made read-write, address space in use */
long mm_maps(char *b, size_t c); /* /proc/self/maps lines of the managed region */
long mm_maps_line(char *b, size_t c, uint64_t lo, uint64_t hi, const char *perm, const char *name);
long mm_mmap(uint64_t addr, uint64_t len, int prot, int flags); /* anonymous */
long mm_munmap(uint64_t addr, uint64_t len);
int mm_code_range(uint64_t a, uint64_t b); /* rewritable app code (patch sites) */
int mm_code_write(uint64_t addr, const void *src, size_t n);
long mm_madvise(uint64_t addr, uint64_t len, int advice);
long mm_brk(uint64_t addr);
void mm_brk_init(uintptr_t start);
void mm_reset(void);    /* execve: the whole app address space is free again */
uint64_t mm_low(void);  /* the lowest address of the managed region */
void mm_release(struct proc *p);   /* a child's exec: the memory it mapped is free again */
void mm_proc_free(struct proc *p); /* a child's exit: as mm_release, and its list freed */
int mm_range_free(uint64_t a, uint64_t b); /* [a, b) is managed and nothing holds it */

/* ---- signal delivery (signal.c, sigframe_<arch>.c) ---- */
#define SI_SIZE ((int)sizeof(struct k_siginfo))
/* Posts sig to thread tid (tgkill); -ESRCH if there is none. */
long sig_post(int tid, int sig);
long sig_post_thread(struct thread *t, int sig); /* sig (1..NSIG) to thread t */
extern void (*sig_proc_kill)(struct proc *p, int sig); /* a child's death by signal */
/* Delivers a pending signal to cur by rewriting the frame, if one can be. */
void sig_deliver(void *uc);
/* A fault of the app: delivered to its handler if it has one (1), else 0. */
int sig_fault(void *uc, int sig, const void *host_info);
struct k_sigaction *sig_action(int sig);
void sig_exec_reset(void); /* execve: handlers back to the default, no altstack */
/* Host signals (host_signal.c): the ones the tender forwards, their handler, and the
 * safe-point drain that posts them to the app. */
#define HOST_FORWARDED 5
extern const int host_forwarded[HOST_FORWARDED];
extern volatile int sched_idle;
extern volatile uint64_t sched_host_pending;
extern void (*sched_host_drain)(void);
void libos_hostsig(int sig, void *info, void *uc);
void sig_host_drain(void);
void sig_host_init(void);
/* The thread a process-directed sig goes to: one not blocking it, else any (sched.c). */
struct thread *thread_for_signal(int sig);
/* Builds the app's signal frame below sp and points the frame at the handler; -1 if the
 * app's stack cannot hold it. */
int arch_sig_enter(void *uc, struct thread *t, int sig, const struct k_sigaction *act,
        const uint8_t *info);
/* rt_sigreturn of the app: the frame gets the context saved in the app's signal frame. */
long arch_sigreturn(void *uc);
uint64_t uc_sp(void *uc);
extern int keep_frame; /* set by a call whose result is the whole frame (rt_sigreturn) */

/* ---- configuration (config.c, main.c) ---- */
#define MAX_ARGS 256
#define MAX_ENVS 256
#define MAX_GROUPS 64
#define MAX_MOUNTS 16
#define RLIM_NLIMITS 16 /* Linux's resources 0..15, the same numbers on x86_64 and aarch64 */
/* One entry of "mounts", in mount order (parents first). */
struct libos_mount {
    const char *dev;  /* block device (manifest name) of a ustar disk; NULL for tmpfs */
    const char *path; /* absolute guest path */
    const char *fs;   /* "ustar" (the default with dev) or "tmpfs" */
    const char *file; /* single-file bind: the disk's file bound at path; NULL: the tree */
    int ro;           /* writes fail with EROFS; else they go to memory */
    uint64_t size;    /* tmpfs: byte limit, 0 = guest memory only */
};
struct libos_config {
    char *envp[MAX_ENVS];
    int envc;
    char *argv[MAX_ARGS]; /* argv[0] included: "argv", else "cmdline" or the plain line split */
    int argc;
    int has_argv;   /* the JSON "argv" key was given (it wins over "cmdline") */
    char *cmdline;  /* rumprun's one-string argv */
    char *cwd;      /* "/" if absent */
    char *hostname; /* "nabla" if absent */
    uint32_t uid, gid; /* process.user; 0 if absent */
    uint32_t groups[MAX_GROUPS];
    int ngroups;
    struct libos_mount mounts[MAX_MOUNTS];
    int nmounts;    /* 0: an empty writable / in memory */
    int readonly;   /* the root overlay refuses writes (docker --read-only) */
    /* "rlimits" (process.rlimits): the limits given, by resource number. */
    struct { uint64_t cur, max; int set; } rlimits[RLIM_NLIMITS];
    /* "terminal" (process.terminal): descriptors 0-2 answer as a tty of rows x cols
     * (process.consoleSize; 0 x 0 if absent, as a new pty is). */
    int terminal;
    uint16_t rows, cols;
    /* "stdin": descriptor 0 reads the host's fd 0 (docker run -i, a terminal's input), which
     * the tender (--stdin) made non-blocking and watches; else stdin reads end of file. */
    int stdin_host;
    /* The "net" key: the NIC's IPv4 address, mask (a prefix length or dotted) and gateway;
     * NULL if absent (net/netif.c parses them). */
    char *net_addr, *net_mask, *net_gw;
};
/* Parses a JSON object in place: 0, -1 if s is not an object, -2 (reported) if malformed. */
int config_json(char *s, struct libos_config *cfg);
/* Splits a plain command line in place (rumprun quoting) onto cfg->argv: 0, or -1 (reported). */
int config_split(char *s, struct libos_config *cfg);
extern struct libos_config libos_cfg;
/* The rlimits from the configuration, RLIMIT_NOFILE applied to the fd table (sys_proc.c). */
void rlimits_boot(void);

/* ---- the end (core/exit.c) and the trap entries (sys/trap.c) ---- */
extern int libos_debug;
extern void (*libos_exit_report)(void);
void libos_exit(int status) __attribute__((noreturn));
void libos_sigsys(int sig, void *info, void *uc);
/* One system call of the app with its frame (the kernel's SIGSYS frame or the fast entry's):
 * dispatched through the table, the result written into the frame, which may switch. */
void sys_dispatch(void *uc, long nr);
/* Patched call sites (sys/patch_<arch>.c): sys_patch rewrites the site a trap came from;
 * sys_patch_resume maps a pc saved before a rewrite to where it now resumes (applied to
 * every frame the libOS resumes: after each switch and rt_sigreturn). */
void sys_patch(void *uc, long nr);
uint64_t sys_patch_resume(uint64_t pc);
extern int patch_off; /* --libos:trap */
extern uint64_t patch_sites, patch_fast_calls;
void libos_sigalrm(int sig, void *info, void *uc);
void libos_fault(int sig, void *info, void *uc);
void sys_report_init(void);
extern uint64_t libos_boot_ns;

/* ---- random (random.c) ---- */
void rnd_init(void);
void rnd_fill(void *buf, size_t n);

/* ---- time ---- */
static inline uint64_t now_ns(void) { return solo5_clock_monotonic(); }

/* ---- text bounds of the libOS: signals from inside are the libOS's own ---- */
static inline int in_libos(uint64_t pc)
{
    return pc >= (uint64_t)(uintptr_t)_stext && pc < (uint64_t)(uintptr_t)_etext;
}

#define LOG(...) log_printf(LOG_ERROR, __VA_ARGS__)
#define DBG(...) do { if (libos_debug) log_printf(LOG_ERROR, __VA_ARGS__); } while (0)

#endif
