/* file.h: the open file shared by every descriptor type (console, pipe, eventfd, epoll,
 * regular file, directory, socket), its operations, wait queues, and the fd table. */
#ifndef FD_FILE_H
#define FD_FILE_H
#include <stddef.h>
#include <stdint.h>
#include "linux/stat.h"

struct file;
struct pollq;

/* A watcher on a pollq: epoll items and waiting threads' poll entries. fn runs on every
 * notification with the events that changed (it must not block or free the pollq). */
struct pollwatch {
    struct pollwatch *next, *prev;
    struct pollq *pq;
    struct file *file;   /* the file watched (epoll items), or NULL */
    void (*fn)(struct pollwatch *w, uint32_t events);
    /* The watched file's last reference is gone: the watcher removes itself. */
    void (*detach)(struct pollwatch *w);
};

/* The wait queue of one object. Threads block on it (sched key = the pollq's address);
 * pollq_notify wakes only them and the watchers registered on it. */
struct pollq {
    struct pollwatch *watchers;
};

void pollq_notify(struct pollq *pq, uint32_t events);
void pollq_watch(struct pollq *pq, struct pollwatch *w);
void pollq_unwatch(struct pollwatch *w);
/* Parks cur on pq until notified (the call is re-run then: block-and-restart), or until
 * the deadline (then the call returns timeout_ret). */
void pollq_block(struct pollq *pq, uint64_t deadline, long timeout_ret);
/* A blocking call on f would block: parks cur on f->pq, up to the file's timeout for that
 * direction (0 read, 1 write) counted from the call's first run, then -EAGAIN as Linux. */
void file_block(struct file *f, int dir, int restarted);

/* Operations of one kind of file. All are non-blocking: a call that would block returns
 * -EAGAIN and the fd layer parks the thread on f->pq (unless O_NONBLOCK). Any op may be
 * NULL: the fd layer answers as Linux does for a file without it. buf pointers are app
 * memory already checked by the fd layer (user_ok/user_writable) or libOS memory. */
struct file_ops {
    const char *kind;
    /* off: the file position to use and advance (f->pos, or a pread offset). */
    long (*read)(struct file *f, void *buf, size_t n, uint64_t *off);
    long (*write)(struct file *f, const void *buf, size_t n, uint64_t *off);
    /* Current readiness (EPOLLIN, EPOLLOUT, EPOLLHUP, EPOLLERR, EPOLLRDHUP). NULL: the file
     * is always readable and writable and not pollable by epoll (EPERM), like a regular file. */
    uint32_t (*poll)(struct file *f);
    long (*ioctl)(struct file *f, unsigned long req, uint64_t arg);
    long (*stat)(struct file *f, struct kstat *st);
    /* New position for (off, whence), or -errno; NULL: -ESPIPE. */
    long (*lseek)(struct file *f, int64_t off, int whence);
    /* Fills buf with struct k_dirent64 records from f->pos on; bytes written (0 at end). */
    long (*getdents)(struct file *f, void *buf, size_t n);
    long (*truncate)(struct file *f, uint64_t len);
    long (*fsync)(struct file *f);
    /* Fills the private mapping [addr, addr+len), already read-write, from offset off. */
    long (*mmap)(struct file *f, uint64_t addr, uint64_t len, uint64_t off, int prot, int flags);
    /* The path /proc/self/fd/N shows (readlink); NULL: "kind:[ino]". */
    long (*path)(struct file *f, char *buf, size_t n);
    /* Called when F_SETFL changes the status flags. */
    void (*setfl)(struct file *f, int old_flags);
    /* The last reference went away: free the object. */
    void (*release)(struct file *f);
};

/* The first member of every object. refs counts descriptors and other holders (dup shares
 * the file, so offset and status flags are shared). */
struct file {
    const struct file_ops *ops;
    int refs;
    int flags;          /* O_ACCMODE, O_APPEND, O_NONBLOCK ... (status flags) */
    uint64_t pos;
    uint64_t ino;       /* a number for fstat and /proc/self/fd of anonymous files */
    struct pollq *pq;   /* where readiness changes are announced; NULL: never blocks */
    /* A socket's SO_RCVTIMEO ([0]: reads, accept) and SO_SNDTIMEO ([1]: writes), in ns;
     * 0: a blocking call waits as long as it takes. */
    uint64_t timeo_ns[2];
};

void file_init(struct file *f, const struct file_ops *ops, int flags, struct pollq *pq);
struct file *file_get(struct file *f);
void file_put(struct file *f);
uint64_t file_next_ino(void);

/* ---- the fd table (fdtable.c) ---- */
#define MAX_FDS 4096
/* Installs f (taking over the caller's reference) at the lowest free fd >= min: the fd, or
 * -EMFILE (the reference is dropped then). */
int fd_install(struct file *f, int min, int cloexec);
/* Installs f at fd exactly, closing what was there (dup2). */
int fd_install_at(struct file *f, int fd, int cloexec);
/* The file at fd (a borrowed pointer, valid until the fd is closed), or NULL. */
struct file *fd_get(int fd);
int fd_close(int fd);
int fd_cloexec(int fd);           /* 0/1, -EBADF */
int fd_set_cloexec(int fd, int on);
int fd_limit(void);               /* RLIMIT_NOFILE: fds are below it */
void fd_set_limit(int n);
int fd_next(int from);            /* the first open fd >= from, or -1 (for /proc/self/fd) */
void fd_close_cloexec(void);      /* execve */
void fd_init(void);
void *fd_table_clone(void);      /* vfork: a copy of the caller's table (refs taken) */
void fd_table_release(void *t); /* process exit: all closed, the table freed */
struct file *console_file(void); /* console.c: /dev/tty, /dev/console */

/* Drops t's poll/select watchers (fd/poll.c). */
struct thread;
void poll_release(struct thread *t);
/* The deadline of a wait of rel_ns; a restarted wait keeps its first run's (fd/poll.c). */
uint64_t wait_deadline(int restarted, uint64_t rel_ns);

/* ---- generic fd calls (fdio.c), used by the syscall table and other layers ---- */
/* Kernel-buffer I/O on a file (sendfile, copy_file_range, mmap fill): no blocking. */
long file_kread(struct file *f, void *buf, size_t n, uint64_t *off);
long file_kwrite(struct file *f, const void *buf, size_t n, uint64_t *off);
int file_stat_user(struct file *f, uint64_t ustat);      /* struct stat of the arch */
int kstat_to_user(const struct kstat *st, uint64_t ustat);
int kstat_to_statx(const struct kstat *st, uint32_t mask, uint64_t ustatx);
#endif
