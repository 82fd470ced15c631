/* spawn.c: child processes through posix_spawn and vfork (glibc or musl), their statuses,
 * SIGCHLD, file actions, close-on-exec, kill, wait4/waitid; compared with its native run.
 * The same program is the child: argv[1] picks the role. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;
static volatile sig_atomic_t chld;

static volatile int last_code, last_status, last_pid;

static void on_chld(int sig) { (void)sig; chld++; }

static void on_chld_info(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    chld++;
    last_code = si->si_code;
    last_status = si->si_status;
    last_pid = si->si_pid;
}

static void show(const char *what, int st)
{
    if (WIFEXITED(st))
        printf("%s: exited %d\n", what, WEXITSTATUS(st));
    else if (WIFSIGNALED(st))
        printf("%s: killed by signal %d\n", what, WTERMSIG(st));
    else
        printf("%s: status %#x\n", what, st);
}

/* Spawns argv (file actions fa may be NULL) and waits for it; prints its status. */
static pid_t run(const char *what, char *const argv[], posix_spawn_file_actions_t *fa, char *const env[])
{
    pid_t pid;
    int r = posix_spawn(&pid, argv[0], fa, NULL, argv, env ? env : environ);
    if (r != 0) {
        printf("%s: posix_spawn: %s\n", what, strerror(r));
        return -1;
    }
    int st;
    pid_t w = waitpid(pid, &st, 0);
    if (w != pid) {
        printf("%s: waitpid %d: %s\n", what, (int)w, strerror(errno));
        return -1;
    }
    show(what, st);
    return pid;
}

static void *sleeper(void *arg)
{
    (void)arg;
    for (;;)
        pause();
    return NULL;
}

static void *execer(void *arg)
{
    execve("/usr/bin/echo", (char *[]){ "echo", "exec from a second thread:", (char *)arg, NULL }, environ);
    printf("execve: %s\n", strerror(errno));
    exit(1);
}

/* execve with other threads running: they end, the program is replaced (Linux's rule). */
static int mtexec(int from_thread)
{
    pthread_t t[3];
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, sleeper, NULL);
    usleep(10000);
    if (from_thread) {
        pthread_create(&t[2], NULL, execer, "three threads");
        pthread_join(t[2], NULL);
        return 1;
    }
    execve("/usr/bin/echo", (char *[]){ "echo", "exec from the main thread of three", NULL }, environ);
    printf("execve: %s\n", strerror(errno));
    return 1;
}

static int child(int argc, char **argv)
{
    /* argv: self child PARENTPID FD_KEPT FD_CLOEXEC ARGS... */
    printf("child argc %d:", argc);
    for (int i = 5; i < argc; i++)
        printf(" [%s]", argv[i]);
    printf("\nchild env SPAWN_X=%s HOME=%s\n", getenv("SPAWN_X") ? getenv("SPAWN_X") : "(none)",
            getenv("HOME") ? getenv("HOME") : "(none)");
    printf("child ppid is the parent: %s, pid differs: %s\n",
            getppid() == atoi(argv[2]) ? "yes" : "no", getpid() != atoi(argv[2]) ? "yes" : "no");
    printf("child fd %s kept: %s, fd %s (cloexec) closed: %s\n", argv[3],
            fcntl(atoi(argv[3]), F_GETFD) >= 0 ? "yes" : "no", argv[4],
            fcntl(atoi(argv[4]), F_GETFD) < 0 && errno == EBADF ? "yes" : "no");
    struct sigaction sa;
    sigaction(SIGUSR1, NULL, &sa);
    printf("child SIGUSR1 handler reset: %s\n", sa.sa_handler == SIG_DFL ? "yes" : "no");
    fflush(stdout);
    return 7;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "child") == 0)
        return child(argc, argv);
    if (argc > 1 && strcmp(argv[1], "mtexec") == 0)
        return mtexec(argc > 2);
    if (argc > 1 && strcmp(argv[1], "sleeper") == 0) {
        for (;;)
            pause();
    }
    if (argc > 1 && strcmp(argv[1], "suicide") == 0) {
        kill(getpid(), SIGSEGV); /* default action: killed */
        return 99;
    }
    setvbuf(stdout, NULL, _IONBF, 0);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_chld_info;
    sa.sa_flags = SA_RESTART | SA_SIGINFO;
    sigaction(SIGCHLD, &sa, NULL);
    signal(SIGUSR1, on_chld); /* a handler the children must not inherit past exec */
    int st;
    int w = (int)waitpid(-1, &st, WNOHANG);
    printf("wait with no children: %d %s\n", w, strerror(errno));

    run("true", (char *[]){ "/usr/bin/true", NULL }, NULL, NULL);
    pid_t fp = run("false", (char *[]){ "/usr/bin/false", NULL }, NULL, NULL);
    printf("SIGCHLD siginfo: %s status %d pid matches %s\n", last_code == CLD_EXITED ? "CLD_EXITED" : "other",
            last_status, last_pid == fp ? "yes" : "no");

    /* The child prints argv and env, checks fds and its parent, exits 7; its stdout goes
     * to a pipe through the file actions (dup2, close), read back here. */
    int keep = open("/etc/hostname", O_RDONLY), cx = open("/etc/hostname", O_RDONLY | O_CLOEXEC);
    if (keep < 0)
        keep = open("/", O_RDONLY);
    if (cx < 0)
        cx = open("/", O_RDONLY | O_CLOEXEC);
    int p[2];
    if (pipe(p) != 0)
        return 1;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, p[1], 1);
    posix_spawn_file_actions_addclose(&fa, p[0]);
    posix_spawn_file_actions_addclose(&fa, p[1]);
    char me[16], k[16], c[16];
    snprintf(me, sizeof me, "%d", (int)getpid());
    snprintf(k, sizeof k, "%d", keep);
    snprintf(c, sizeof c, "%d", cx);
    pid_t pid;
    char *cargv[] = { argv[0], "child", me, k, c, "a b", "", "z", NULL };
    char *cenv[] = { "SPAWN_X=forty two", "HOME=/spawned", NULL };
    int r = posix_spawn(&pid, argv[0], &fa, NULL, cargv, cenv);
    close(p[1]);
    if (r != 0) {
        printf("child: posix_spawn: %s\n", strerror(r));
    } else {
        char buf[1024];
        ssize_t n, tot = 0;
        while ((n = read(p[0], buf + tot, sizeof buf - 1 - (size_t)tot)) > 0)
            tot += n;
        buf[tot] = 0;
        printf("from the child's pipe:\n%s", buf);
        siginfo_t si;
        memset(&si, 0, sizeof si);
        if (waitid(P_PID, (id_t)pid, &si, WEXITED) != 0)
            printf("waitid: %s\n", strerror(errno));
        printf("waitid: signo %d code %s status %d pid matches %s\n", si.si_signo,
                si.si_code == CLD_EXITED ? "CLD_EXITED" : "other", si.si_status,
                si.si_pid == pid ? "yes" : "no");
    }
    close(p[0]);
    posix_spawn_file_actions_destroy(&fa);

    /* A child that sleeps: WNOHANG sees it running; kill ends it. */
    r = posix_spawn(&pid, argv[0], NULL, NULL, (char *[]){ argv[0], "sleeper", NULL }, environ);
    if (r == 0) {
        printf("WNOHANG while it runs: %d\n", (int)waitpid(pid, &st, WNOHANG));
        printf("kill: %d\n", kill(pid, SIGTERM));
        waitpid(pid, &st, 0);
        show("sleeper", st);
    }
    /* A child killed by its own signal's default action. */
    run("suicide", (char *[]){ argv[0], "suicide", NULL }, NULL, NULL);
    /* A program that is not there: posix_spawn's error, no child left behind. */
    run("missing", (char *[]){ "/nonexistent/prog", NULL }, NULL, NULL);
    /* vfork + _exit and vfork + execve, as shells and Python do. musl's vfork is a real
     * one on x86_64 only (elsewhere it is fork, which the libOS does not serve). */
#if defined(__aarch64__) && !defined(__GLIBC__)
    printf("vfork: musl's is fork on aarch64, not run\n");
#else
    pid = vfork();
    if (pid == 0)
        _exit(3);
    waitpid(pid, &st, 0);
    show("vfork _exit", st);
    pid = vfork();
    if (pid == 0) {
        execve("/usr/bin/false", (char *[]){ "false", NULL }, environ);
        _exit(127);
    }
    wait4(pid, &st, 0, NULL);
    show("vfork execve", st);
#endif
    /* SIGCHLD blocked, then awaited with sigsuspend: the handler runs, the mask comes back. */
    sigset_t blk, old, now, none;
    sigemptyset(&blk);
    sigaddset(&blk, SIGCHLD);
    sigemptyset(&none);
    sigprocmask(SIG_BLOCK, &blk, &old);
    int before = chld;
    if (posix_spawn(&pid, "/usr/bin/true", NULL, NULL, (char *[]){ "true", NULL }, environ) == 0) {
        while (chld == before) {
            errno = 0;
            int sr = sigsuspend(&none);
            if (sr != -1 || errno != EINTR)
                printf("sigsuspend: %d %s\n", sr, strerror(errno));
        }
        sigprocmask(SIG_SETMASK, NULL, &now);
        printf("sigsuspend woken by SIGCHLD, SIGCHLD blocked again: %s\n", sigismember(&now, SIGCHLD) ? "yes" : "no");
        waitpid(pid, &st, 0);
        show("true after sigsuspend", st);
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
    printf("SIGCHLD seen %d times\n", (int)chld);
    w = (int)waitpid(-1, &st, 0);
    printf("wait with none left: %d %s\n", w, strerror(errno));
    return 0;
}
