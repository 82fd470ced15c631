/* console.c: descriptors 0-2: stdin reads the host's fd 0 with "stdin" in the configuration
 * (end of file otherwise), stdout goes to the console (host fd 1), stderr to the host's fd 2,
 * so a container runtime keeps the two streams apart. With "terminal" in the configuration
 * they answer as a tty (termios kept in memory here). */
#include "libos.h"
#include "fd/file.h"
#include "mm/uaccess.h"

/* The terminal ioctls (asm-generic/ioctls.h, the same on x86_64 and aarch64). */
#define TCGETS 0x5401
#define TCSETS 0x5402
#define TCSETSW 0x5403
#define TCSETSF 0x5404
#define TCFLSH 0x540B
#define TIOCSCTTY 0x540E
#define TIOCGPGRP 0x540F
#define TIOCSPGRP 0x5410
#define TIOCOUTQ 0x5411
#define TIOCGWINSZ 0x5413
#define TIOCSWINSZ 0x5414
#define FIONREAD 0x541B
#define TIOCGSID 0x5429

/* struct termios of the ioctls (not glibc's): 4 flag words, c_line, 19 control chars. */
struct k_termios {
    uint32_t iflag, oflag, cflag, lflag;
    uint8_t line;
    uint8_t cc[19];
};

struct k_winsize {
    uint16_t rows, cols, xpixel, ypixel;
};

/* What a new pty slave has on Linux (tty_std_termios with the pty driver's CS8 | CREAD at
 * B38400): ICRNL|IXON; OPOST|ONLCR; ISIG|ICANON|ECHO|ECHOE|ECHOK|ECHOCTL|ECHOKE|IEXTEN;
 * INIT_C_CC (^C ^\ DEL ^U ^D, VMIN 1, ^Q ^S ^Z, ^R ^O ^W ^V). */
static struct k_termios tty_termios = {
    .iflag = 0x500, .oflag = 0x5, .cflag = 0xbf, .lflag = 0x8a3b,
    .cc = { 3, 0x1c, 0x7f, 0x15, 4, 0, 1, 0, 0x11, 0x13, 0x1a, 0, 0x12, 0x0f, 0x17, 0x16, 0 },
};
static struct k_winsize tty_winsize;
static int tty_pgrp = 1;

/* The tty ioctls on descriptors 0-2. The state is the libOS's, except the window size,
 * read from the host: the host pty keeps its own line discipline (a raw-mode app still
 * gets the host's output processing and echo), and TIOCSWINSZ stays in memory. */
static long con_ioctl(struct file *f, unsigned long req, uint64_t arg)
{
    (void)f;
    if (!libos_cfg.terminal)
        return -ENOTTY;
    int v = 0;
    switch (req) {
    case TCGETS:
        return copy_to_user(arg, &tty_termios, sizeof tty_termios) ? -EFAULT : 0;
    case TCSETS:
    case TCSETSW:
    case TCSETSF: {
        struct k_termios t;
        if (copy_from_user(&t, arg, sizeof t))
            return -EFAULT;
        tty_termios = t;
        return 0;
    }
    case TIOCGWINSZ: {
        /* The terminal's size now, from the host (the one ioctl the filter allows), as
         * the runtime resizes it after start; the configured size if the host cannot tell. */
        struct k_winsize w;
        if (host_winsize(&w) == 0)
            tty_winsize = w;
        return copy_to_user(arg, &tty_winsize, sizeof tty_winsize) ? -EFAULT : 0;
    }
    case TIOCSWINSZ: {
        struct k_winsize w;
        if (copy_from_user(&w, arg, sizeof w))
            return -EFAULT;
        tty_winsize = w;
        return 0;
    }
    case TIOCGPGRP:
    case TIOCGSID:
        v = req == TIOCGPGRP ? tty_pgrp : 1;
        return copy_to_user(arg, &v, sizeof v) ? -EFAULT : 0;
    case TIOCSPGRP:
        if (copy_from_user(&v, arg, sizeof v))
            return -EFAULT;
        if (v != 1)
            return -EPERM; /* the one process group there is */
        tty_pgrp = v;
        return 0;
    case TIOCOUTQ:
    case FIONREAD:
        return copy_to_user(arg, &v, sizeof v) ? -EFAULT : 0;
    case TCFLSH:
        return arg <= 2 ? 0 : -EINVAL;
    case TIOCSCTTY:
        return 0; /* it is the controlling terminal already */
    }
    return -ENOTTY;
}

/* Readers of the host's stdin block here until the tender's epoll reports it readable. */
static struct pollq stdin_pq;

static void stdin_wake(void)
{
    pollq_notify(&stdin_pq, EPOLLIN);
}

/* The host's stdin (non-blocking there) is read into a buffer of the libOS's own (the
 * host never writes into memory the app named), ahead of the app when poll asks, so that
 * readiness is what a read would find. An end of file a probe saw is kept for the next
 * read (a terminal's ^D ends one read, not the stream). */
static uint8_t ahead[4096];
static size_t ahead_off, ahead_n;
static int ahead_eof;

/* Bytes held (> 0), an end of file to report (0), or the host's -errno (-EAGAIN: none yet). */
static long stdin_fill(void)
{
    if (ahead_off < ahead_n)
        return (long)(ahead_n - ahead_off);
    if (ahead_eof)
        return 0;
    long r = host_read_stdin(ahead, sizeof ahead);
    if (r == -EIO)
        r = 0; /* the terminal hung up (its master closed): end of file */
    if (r == 0)
        ahead_eof = 1;
    if (r <= 0)
        return r;
    ahead_off = 0, ahead_n = (size_t)r;
    return r;
}

/* -EAGAIN parks a blocking reader on stdin_pq. */
static long con_read(struct file *f, void *buf, size_t n, uint64_t *off)
{
    (void)f, (void)off;
    if (!libos_cfg.stdin_host || n == 0)
        return 0;
    long r = stdin_fill();
    if (r == 0)
        ahead_eof = 0;
    if (r <= 0)
        return r;
    size_t take = n < (size_t)r ? n : (size_t)r;
    memcpy(buf, ahead + ahead_off, take);
    ahead_off += take;
    return (long)take;
}

/* Always writable; readable when a read would not block: bytes held or read ahead, an end
 * of file, or an error for the read to report. Without the host's stdin, a read gives end
 * of file at once (/dev/null): always readable. */
static uint32_t con_poll(struct file *f)
{
    (void)f;
    if (!libos_cfg.stdin_host)
        return EPOLLIN | EPOLLOUT;
    return EPOLLOUT | (stdin_fill() == -EAGAIN ? 0 : EPOLLIN);
}

/* stderr reads nothing: the host's fd 2 is output only. */
static long err_read(struct file *f, void *buf, size_t n, uint64_t *off)
{
    (void)f, (void)buf, (void)n, (void)off;
    return 0;
}

static long con_write(struct file *f, const void *buf, size_t n, uint64_t *off)
{
    (void)f, (void)off;
    solo5_console_write((const char *)buf, n);
    return (long)n;
}

static long err_write(struct file *f, const void *buf, size_t n, uint64_t *off)
{
    (void)f, (void)off;
    host_write_stderr((const char *)buf, n);
    return (long)n;
}

static long con_stat(struct file *f, struct kstat *st)
{
    st->mode = S_IFCHR | 0620;
    st->ino = f->ino;
    st->nlink = 1;
    st->rdev = (136ULL << 8); /* a pty, as a container's console usually is */
    st->blksize = 1024;
    return 0;
}

static long con_path(struct file *f, char *buf, size_t n)
{
    (void)f;
    /* runc gives a terminal's process the pty slave, /dev/pts/0 in the container */
    return lib_snprintf(buf, n, libos_cfg.terminal ? "/dev/pts/0" : "/dev/console");
}

/* stdin and stdout: pollable (epoll too), as a terminal or a pipe is. */
static const struct file_ops console_ops = {
    .kind = "console", .read = con_read, .write = con_write, .ioctl = con_ioctl, .stat = con_stat,
    .path = con_path, .poll = con_poll,
};

/* stderr: no poll, always ready (epoll_ctl gives EPERM, as for a regular file). */

static const struct file_ops stderr_ops = {
    .kind = "console", .read = err_read, .write = err_write, .ioctl = con_ioctl, .stat = con_stat,
    .path = con_path,
};

/* One open file for stdin and stdout, read-write, as a terminal's descriptors are; one
 * for stderr, which writes to the host's fd 2. */
static struct file con, err;

/* The console as a file (/dev/tty, /dev/console), a new reference. */
struct file *console_file(void)
{
    return file_get(&con);
}

void fd_init(void)
{
    tty_winsize.rows = libos_cfg.rows;
    tty_winsize.cols = libos_cfg.cols;
    /* With the host's stdin the console blocks (on stdin_pq); without, it never does. */
    file_init(&con, &console_ops, O_RDWR, libos_cfg.stdin_host ? &stdin_pq : NULL);
    if (libos_cfg.stdin_host)
        sched_stdin_wake = stdin_wake;
    file_init(&err, &stderr_ops, O_RDWR, NULL);
    con.refs = err.refs = 1 << 30; /* static: never released */
    fd_install(file_get(&con), 0, 0);
    fd_install(file_get(&con), 1, 0);
    fd_install(file_get(&err), 2, 0);
}
