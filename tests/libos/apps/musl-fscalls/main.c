/* musl-fscalls: the file calls of issue 10 that Go's os and busybox do not reach, one line
 * per check with its errno name: O_TMPFILE, O_PATH, creat, SEEK_DATA/HOLE, renameat2,
 * copy_file_range, sendfile, memfd_create, flock, fcntl locks, fallocate, chown, utimensat,
 * faccessat2, preadv/pwritev, fchdir, fsync, statfs, statx, FIONREAD/TCGETS on a file.
 * Usage: musl-fscalls DIR (created; /tmp/x is the in-memory /tmp, /data/x the overlay).
 * Prints nothing that depends on the file system's own numbers (inodes, types, times). */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE 1
#define RENAME_EXCHANGE 2
#endif
#ifndef AT_EACCESS
#define AT_EACCESS 0x200
#endif
#ifndef FALLOC_FL_ZERO_RANGE
#define FALLOC_FL_ZERO_RANGE 0x10
#endif
#ifndef MFD_CLOEXEC
#define MFD_CLOEXEC 1
#endif

/* Linux's struct statx (this musl has no statx wrapper). */
struct xts {
	int64_t tv_sec;
	uint32_t tv_nsec;
	int32_t pad;
};
struct xstat {
	uint32_t stx_mask, stx_blksize;
	uint64_t stx_attributes;
	uint32_t stx_nlink, stx_uid, stx_gid;
	uint16_t stx_mode, pad1;
	uint64_t stx_ino, stx_size, stx_blocks, stx_attributes_mask;
	struct xts stx_atime, stx_btime, stx_ctime, stx_mtime;
	uint32_t stx_rdev_major, stx_rdev_minor, stx_dev_major, stx_dev_minor;
	uint64_t spare[14];
};
#define STATX_TYPE 1u
#define STATX_SIZE 0x200u
#define STATX_BASIC_STATS 0x7ffu
#define statx(d, pth, fl, m, b) syscall(SYS_statx, d, pth, fl, m, b)

static const char *dir;
static char pbuf[4][4096];
static int pi;

/* p is DIR/name in one of four rotating buffers (a call may take two paths). */
static const char *p(const char *name)
{
	char *b = pbuf[pi++ & 3];
	snprintf(b, sizeof pbuf[0], "%s/%s", dir, name);
	return b;
}

static const char *en(long r)
{
	if (r >= 0)
		return "ok";
	switch (errno) {
	case ENOENT: return "ENOENT";
	case EEXIST: return "EEXIST";
	case ENOTDIR: return "ENOTDIR";
	case EISDIR: return "EISDIR";
	case EINVAL: return "EINVAL";
	case EBADF: return "EBADF";
	case EACCES: return "EACCES";
	case EPERM: return "EPERM";
	case ENXIO: return "ENXIO";
	case ESPIPE: return "ESPIPE";
	case ENOTTY: return "ENOTTY";
	case EWOULDBLOCK: return "EWOULDBLOCK";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EXDEV: return "EXDEV";
	case ELOOP: return "ELOOP";
	case EFBIG: return "EFBIG";
	case ENOSYS: return "ENOSYS";
	case EROFS: return "EROFS";
	case EFAULT: return "EFAULT";
	case ENOTEMPTY: return "ENOTEMPTY";
	default: {
		static char b[32];
		snprintf(b, sizeof b, "errno%d", errno);
		return b;
	}
	}
}

/* row prints one check: its name, what it saw, and the call's result. */
static void row(const char *op, long r, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void row(const char *op, long r, const char *fmt, ...)
{
	char what[512] = "";
	int e = errno;
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(what, sizeof what, fmt, ap);
		va_end(ap);
	}
	errno = e;
	printf("%-40s %-44s %s\n", op, what, en(r));
	errno = 0;
}

/* slurp reads up to n-1 bytes of path into b (NUL-ended): the count, or -1. */
static long slurp(const char *path, char *b, size_t n)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	long r = read(fd, b, n - 1);
	close(fd);
	b[r < 0 ? 0 : r] = 0;
	return r;
}

static int put(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return -1;
	int r = write(fd, s, strlen(s)) == (ssize_t)strlen(s) ? 0 : -1;
	close(fd);
	return r;
}

static long long fsize(const char *path)
{
	struct stat st;
	return stat(path, &st) ? -1 : (long long)st.st_size;
}

static void tmpfile_part(void)
{
	int fd = open(dir, O_TMPFILE | O_RDWR, 0600);
	row("O_TMPFILE", fd, NULL);
	if (fd < 0)
		return;
	struct stat st;
	long r = write(fd, "anonymous", 9);
	fstat(fd, &st);
	row("O_TMPFILE write, fstat", r, "nlink %lu size %lld mode %o", (unsigned long)st.st_nlink, (long long)st.st_size, st.st_mode & 07777);
	char fdp[64];
	snprintf(fdp, sizeof fdp, "/proc/self/fd/%d", fd);
	r = linkat(AT_FDCWD, fdp, AT_FDCWD, p("tmp-linked"), AT_SYMLINK_FOLLOW);
	char b[64];
	slurp(p("tmp-linked"), b, sizeof b);
	fstat(fd, &st);
	row("linkat /proc/self/fd/N (FOLLOW)", r, "\"%s\" nlink %lu", b, (unsigned long)st.st_nlink);
	r = linkat(fd, "", AT_FDCWD, p("tmp-linked2"), AT_EMPTY_PATH);
	fstat(fd, &st);
	row("linkat AT_EMPTY_PATH", r, "nlink %lu", (unsigned long)st.st_nlink);
	close(fd);
	fd = open(dir, O_TMPFILE | O_RDWR | O_EXCL, 0600);
	if (fd >= 0) {
		r = linkat(fd, "", AT_FDCWD, p("tmp-excl"), AT_EMPTY_PATH);
		row("linkat of O_TMPFILE|O_EXCL", r, NULL);
		close(fd);
	}
	row("O_TMPFILE read-only", open(dir, O_TMPFILE | O_RDONLY, 0600), NULL);
	row("O_TMPFILE on a file", open(p("tmp-linked"), O_TMPFILE | O_RDWR, 0600), NULL);
}

static void opath_part(void)
{
	put(p("opath"), "o_path data");
	int fd = open(p("opath"), O_PATH);
	row("O_PATH open", fd, NULL);
	char b[16];
	row("O_PATH read", read(fd, b, sizeof b), NULL);
	row("O_PATH write", write(fd, "x", 1), NULL);
	struct stat st;
	long r = fstat(fd, &st);
	row("O_PATH fstat", r, "size %lld", (long long)st.st_size);
	r = fstatat(fd, "", &st, AT_EMPTY_PATH);
	row("O_PATH fstatat AT_EMPTY_PATH", r, "size %lld", (long long)st.st_size);
	row("O_PATH fchmod", fchmod(fd, 0600), NULL);
	int fl = fcntl(fd, F_GETFL);
	row("O_PATH F_GETFL has O_PATH", fl, "%d", fl >= 0 && (fl & O_PATH) != 0);
	close(fd);
	symlink("opath", p("opath-link"));
	fd = open(p("opath-link"), O_PATH | O_NOFOLLOW);
	r = fstat(fd, &st);
	row("O_PATH|O_NOFOLLOW on a symlink", r, "islnk %d", S_ISLNK(st.st_mode));
	char l[64] = "";
	r = readlinkat(fd, "", l, sizeof l - 1);
	if (r >= 0)
		l[r] = 0;
	row("readlinkat(fd, \"\")", r, "%s", l);
	close(fd);
	mkdir(p("opath-dir"), 0755);
	put(p("opath-dir/inner"), "inner");
	fd = open(p("opath-dir"), O_PATH | O_DIRECTORY);
	int in = openat(fd, "inner", O_RDONLY);
	r = in >= 0 ? read(in, b, sizeof b) : -1;
	row("openat on an O_PATH dir", in, "%.*s", r > 0 ? (int)r : 0, b);
	close(in);
	char cwd0[4096];
	getcwd(cwd0, sizeof cwd0);
	r = fchdir(fd);
	char cwd[4096] = "";
	getcwd(cwd, sizeof cwd);
	row("fchdir O_PATH dir, getcwd", r, "%s", strncmp(cwd, dir, strlen(dir)) ? cwd : cwd + strlen(dir));
	chdir(cwd0);
	close(fd);
	int ffd = open(p("opath"), O_RDONLY);
	row("fchdir a file", fchdir(ffd), NULL);
	close(ffd);
}

static void creat_seek_part(void)
{
	put(p("creat"), "old contents");
	int fd = creat(p("creat"), 0600);
	row("creat existing (truncates)", fd, "size %lld", fsize(p("creat")));
	char big[10000];
	for (size_t i = 0; i < sizeof big; i++)
		big[i] = 'a' + i % 26;
	write(fd, big, sizeof big);
	row("creat fd read", read(fd, big, 1), NULL);
	close(fd);
	fd = open(p("creat"), O_RDONLY);
	static const struct {
		const char *op;
		off_t off;
		int whence;
	} seeks[] = { { "SEEK_DATA 0", 0, SEEK_DATA }, { "SEEK_DATA 5000", 5000, SEEK_DATA },
		      { "SEEK_HOLE 0", 0, SEEK_HOLE }, { "SEEK_HOLE 9999", 9999, SEEK_HOLE } };
	for (size_t i = 0; i < sizeof seeks / sizeof seeks[0]; i++) {
		long r = lseek(fd, seeks[i].off, seeks[i].whence);
		row(seeks[i].op, r, "%ld pos %lld", r, (long long)lseek(fd, 0, SEEK_CUR));
	}
	row("SEEK_DATA at EOF", lseek(fd, 10000, SEEK_DATA), NULL);
	row("SEEK_HOLE past EOF", lseek(fd, 20000, SEEK_HOLE), NULL);
	row("SEEK_DATA negative", lseek(fd, -1, SEEK_DATA), NULL);
	row("lseek whence 7", lseek(fd, 0, 7), NULL);
	close(fd);
	int pp[2];
	pipe(pp);
	row("lseek a pipe", lseek(pp[0], 0, SEEK_SET), NULL);
	row("fsync a pipe", fsync(pp[0]), NULL);
	close(pp[0]);
	close(pp[1]);
}

static void rename2_part(void)
{
	put(p("ra"), "file a");
	put(p("rb"), "file b");
	long r = syscall(SYS_renameat2, AT_FDCWD, p("ra"), AT_FDCWD, p("rb"), RENAME_NOREPLACE);
	row("RENAME_NOREPLACE onto existing", r, NULL);
	r = syscall(SYS_renameat2, AT_FDCWD, p("ra"), AT_FDCWD, p("rc"), RENAME_NOREPLACE);
	char b[64];
	slurp(p("rc"), b, sizeof b);
	row("RENAME_NOREPLACE to a new name", r, "rc \"%s\" ra %s", b, access(p("ra"), F_OK) ? "gone" : "there");
	r = syscall(SYS_renameat2, AT_FDCWD, p("rb"), AT_FDCWD, p("rc"), RENAME_EXCHANGE);
	char c[64];
	slurp(p("rb"), b, sizeof b);
	slurp(p("rc"), c, sizeof c);
	row("RENAME_EXCHANGE", r, "rb \"%s\" rc \"%s\"", b, c);
	row("RENAME_EXCHANGE with an absent one", syscall(SYS_renameat2, AT_FDCWD, p("rb"), AT_FDCWD, p("absent"), RENAME_EXCHANGE), NULL);
	row("NOREPLACE|EXCHANGE", syscall(SYS_renameat2, AT_FDCWD, p("rb"), AT_FDCWD, p("rc"), RENAME_NOREPLACE | RENAME_EXCHANGE), NULL);
	row("renameat2 unknown flag", syscall(SYS_renameat2, AT_FDCWD, p("rb"), AT_FDCWD, p("rc"), 64), NULL);
	mkdir(p("rdir"), 0755);
	put(p("rdir/x"), "in the dir");
	r = syscall(SYS_renameat2, AT_FDCWD, p("rdir"), AT_FDCWD, p("rb"), RENAME_EXCHANGE);
	slurp(p("rb/x"), b, sizeof b);
	slurp(p("rdir"), c, sizeof c);
	row("RENAME_EXCHANGE dir and file", r, "rb/x \"%s\" rdir \"%s\"", b, c);
	/* Two names of one file: rename does nothing, both stay. */
	link(p("rc"), p("rc-hard"));
	r = rename(p("rc"), p("rc-hard"));
	row("rename onto its own hard link", r, "rc %s rc-hard %s", access(p("rc"), F_OK) ? "gone" : "there",
	    access(p("rc-hard"), F_OK) ? "gone" : "there");
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);
	r = renameat(dfd, "rc-hard", dfd, "rc-moved");
	row("renameat relative to a dir fd", r, "%s", access(p("rc-moved"), F_OK) ? "absent" : "moved");
	int ffd = open(p("rc-moved"), O_RDONLY);
	row("openat relative to a file fd", openat(ffd, "x", O_RDONLY), NULL);
	row("openat relative to a bad fd", openat(9999, "x", O_RDONLY), NULL);
	close(ffd);
	close(dfd);
}

static void copy_part(void)
{
	char src[20000];
	for (size_t i = 0; i < sizeof src; i++)
		src[i] = (char)(i * 7 + i / 256);
	int in = open(p("cfr-src"), O_RDWR | O_CREAT | O_TRUNC, 0644);
	write(in, src, sizeof src);
	int out = open(p("cfr-dst"), O_RDWR | O_CREAT | O_TRUNC, 0644);
	loff_t oi = 1000, oo = 10;
	long r = syscall(SYS_copy_file_range, in, &oi, out, &oo, 15000, 0);
	char got[20000];
	long n = pread(out, got, sizeof got, 0);
	int same = n == 15010 && memcmp(got + 10, src + 1000, 15000) == 0 && got[0] == 0;
	row("copy_file_range with offsets", r, "%ld: off_in %lld off_out %lld size %ld same %d", r, (long long)oi, (long long)oo, n, same);
	lseek(in, 19990, SEEK_SET);
	lseek(out, 0, SEEK_SET);
	r = syscall(SYS_copy_file_range, in, NULL, out, NULL, 100, 0);
	row("copy_file_range at file positions", r, "%ld: in at %lld out at %lld", r, (long long)lseek(in, 0, SEEK_CUR), (long long)lseek(out, 0, SEEK_CUR));
	r = syscall(SYS_copy_file_range, in, NULL, out, NULL, 100, 0);
	row("copy_file_range at EOF", r, "%ld", r);
	row("copy_file_range flags 1", syscall(SYS_copy_file_range, in, NULL, out, NULL, 100, 1), NULL);
	int ro = open(p("cfr-dst"), O_RDONLY);
	row("copy_file_range to a read-only fd", syscall(SYS_copy_file_range, in, NULL, ro, NULL, 100, 0), NULL);
	close(ro);
	oi = 0;
	oo = 5000;
	r = syscall(SYS_copy_file_range, in, &oi, in, &oo, 1000, 0);
	pread(in, got, 1000, 5000);
	row("copy_file_range within a file", r, "%ld same %d", r, memcmp(got, src, 1000) == 0);
	off_t so = 100;
	lseek(out, 0, SEEK_SET);
	ftruncate(out, 0);
	r = sendfile(out, in, &so, 3000);
	n = pread(out, got, sizeof got, 0);
	row("sendfile file to file", r, "%ld: offset %lld in at %lld size %ld same %d", r, (long long)so,
	    (long long)lseek(in, 0, SEEK_CUR), n, n == 3000 && memcmp(got, src + 100, 3000) == 0);
	close(in);
	close(out);
}

static void memfd_part(void)
{
	int fd = memfd_create("audit", MFD_CLOEXEC);
	row("memfd_create", fd, "cloexec %d", fcntl(fd, F_GETFD));
	if (fd < 0)
		return;
	write(fd, "memfd data", 10);
	struct stat st;
	fstat(fd, &st);
	row("memfd fstat", 0, "regular %d size %lld nlink %lu", S_ISREG(st.st_mode), (long long)st.st_size, (unsigned long)st.st_nlink);
	char fdp[64], l[128] = "";
	snprintf(fdp, sizeof fdp, "/proc/self/fd/%d", fd);
	long r = readlink(fdp, l, sizeof l - 1);
	if (r >= 0)
		l[r] = 0;
	row("readlink /proc/self/fd of a memfd", r, "%s", l);
	row("memfd ftruncate 8192", ftruncate(fd, 8192), NULL);
	char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED) {
		row("memfd mmap shared", -1, NULL);
	} else {
		memcpy(m + 4096, "through the map", 15);
		char b[32] = "";
		pread(fd, b, 15, 4096);
		row("memfd mmap shared, store, pread", 0, "\"%s\" head \"%.10s\"", b, m);
		munmap(m, 8192);
	}
	row("memfd_create bad flags", memfd_create("x", 0x100), NULL);
	char longname[300];
	memset(longname, 'n', sizeof longname - 1);
	longname[sizeof longname - 1] = 0;
	row("memfd_create name of 299", memfd_create(longname, 0), NULL);
	close(fd);
}

static volatile int unlocked;

/* waiter takes the lock the main thread holds: flock blocks until the main thread lets go. */
static void *waiter(void *arg)
{
	int fd = *(int *)arg;
	long r = flock(fd, LOCK_EX);
	printf("%-40s %-44s %s\n", "blocking flock in a thread", unlocked ? "returned after the unlock" : "returned while locked", en(r));
	flock(fd, LOCK_UN);
	return NULL;
}

static void lock_part(void)
{
	put(p("lock"), "lock file");
	int a = open(p("lock"), O_RDWR), b = open(p("lock"), O_RDWR);
	row("flock LOCK_EX", flock(a, LOCK_EX), NULL);
	row("flock LOCK_EX again, same file", flock(a, LOCK_EX | LOCK_NB), NULL);
	row("flock LOCK_EX|LOCK_NB, other open", flock(b, LOCK_EX | LOCK_NB), NULL);
	row("flock LOCK_SH|LOCK_NB, other open", flock(b, LOCK_SH | LOCK_NB), NULL);
	int a2 = dup(a);
	row("flock LOCK_UN through a dup", flock(a2, LOCK_UN), NULL);
	row("flock LOCK_EX|LOCK_NB, other open, after", flock(b, LOCK_EX | LOCK_NB), NULL);
	row("flock LOCK_EX|LOCK_NB, first open", flock(a, LOCK_EX | LOCK_NB), NULL);
	close(b);
	b = open(p("lock"), O_RDWR);
	row("close releases: LOCK_EX first open", flock(a, LOCK_EX | LOCK_NB), NULL);
	close(a2);
	int c = open(p("lock"), O_RDWR);
	pthread_t th;
	pthread_create(&th, NULL, waiter, &c);
	struct timespec ms50 = { 0, 50000000 };
	nanosleep(&ms50, NULL);
	unlocked = 1;
	flock(a, LOCK_UN);
	pthread_join(th, NULL);
	row("flock LOCK_EX|LOCK_NB after the thread", flock(a, LOCK_EX | LOCK_NB), NULL);
	close(c);
	row("flock LOCK_SH, same file", flock(a, LOCK_SH | LOCK_NB), NULL);
	row("flock LOCK_UN", flock(a, LOCK_UN), NULL);
	row("flock LOCK_SH both files", flock(a, LOCK_SH | LOCK_NB) | flock(b, LOCK_SH | LOCK_NB), NULL);
	row("flock bad op", flock(a, 0), NULL);
	row("flock a bad fd", flock(9999, LOCK_EX), NULL);
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 10 };
	row("fcntl F_SETLK write lock", fcntl(a, F_SETLK, &fl), NULL);
	struct flock q = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 10 };
	long r = fcntl(b, F_GETLK, &q);
	row("fcntl F_GETLK own lock", r, "type unlocked %d", q.l_type == F_UNLCK);
	fl.l_type = F_UNLCK;
	row("fcntl F_SETLKW unlock", fcntl(a, F_SETLKW, &fl), NULL);
	int ro = open(p("lock"), O_RDONLY);
	fl.l_type = F_WRLCK;
	row("fcntl F_SETLK write lock, read-only fd", fcntl(ro, F_SETLK, &fl), NULL);
	fl.l_type = 99;
	row("fcntl F_SETLK bad type", fcntl(a, F_SETLK, &fl), NULL);
	close(ro);
	close(a);
	close(b);
}

static void alloc_part(void)
{
	int fd = open(p("falloc"), O_RDWR | O_CREAT | O_TRUNC, 0644);
	write(fd, "0123456789", 10);
	long r = fallocate(fd, 0, 0, 20000);
	row("fallocate mode 0", r, "size %lld", fsize(p("falloc")));
	r = fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, 90000);
	row("fallocate KEEP_SIZE", r, "size %lld", fsize(p("falloc")));
	r = fallocate(fd, FALLOC_FL_KEEP_SIZE, 30000, 10);
	row("fallocate KEEP_SIZE past EOF", r, "size %lld", fsize(p("falloc")));
	char b[16] = "";
	pread(fd, b, 10, 0);
	row("fallocate keeps the data", 0, "%s", b);
	/* A hole punched across pages, and a zeroed range past the end (it grows the file). */
	char big[3 * 4096 + 100];
	memset(big, 'x', sizeof big);
	pwrite(fd, big, sizeof big, 0);
	r = fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 100, 2 * 4096 + 50);
	memset(big, 1, sizeof big);
	pread(fd, big, sizeof big, 0);
	int zeros = 0;
	for (size_t i = 0; i < sizeof big; i++)
		zeros += big[i] == 0;
	row("fallocate PUNCH_HOLE", r, "zeros %d first %c at-100 %d after %c size %lld", zeros, big[0], big[100],
	    big[100 + 2 * 4096 + 50], fsize(p("falloc")));
	row("PUNCH_HOLE without KEEP_SIZE", fallocate(fd, FALLOC_FL_PUNCH_HOLE, 0, 10), NULL);
	row("PUNCH_HOLE|ZERO_RANGE", fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE, 0, 10), NULL);
	r = fallocate(fd, FALLOC_FL_ZERO_RANGE, 19990, 20);
	pread(fd, big, 30, 19980);
	row("fallocate ZERO_RANGE past EOF", r, "size %lld zero %d", fsize(p("falloc")), big[10] == 0 && big[29] == 0);
	row("fallocate len 0", fallocate(fd, 0, 0, 0), NULL);
	row("fallocate negative offset", fallocate(fd, 0, -1, 10), NULL);
	int ro = open(p("falloc"), O_RDONLY);
	row("fallocate a read-only fd", fallocate(ro, 0, 0, 10), NULL);
	row("ftruncate a read-only fd", ftruncate(ro, 0), NULL);
	close(ro);
	close(fd);
	int pp[2];
	pipe(pp);
	row("fallocate a pipe", fallocate(pp[1], 0, 0, 10), NULL);
	close(pp[0]);
	close(pp[1]);
}

static void owner_part(void)
{
	put(p("own"), "owned");
	struct stat st;
	long r = chown(p("own"), 1000, 2000);
	stat(p("own"), &st);
	row("chown 1000:2000", r, "%u:%u", st.st_uid, st.st_gid);
	r = chown(p("own"), -1, 3000);
	stat(p("own"), &st);
	row("chown -1:3000", r, "%u:%u", st.st_uid, st.st_gid);
	int fd = open(p("own"), O_RDONLY);
	r = fchown(fd, 4000, -1);
	fstat(fd, &st);
	row("fchown 4000:-1", r, "%u:%u", st.st_uid, st.st_gid);
	close(fd);
	symlink("own", p("own-link"));
	r = lchown(p("own-link"), 5000, 5000);
	struct stat ls;
	lstat(p("own-link"), &ls);
	stat(p("own-link"), &st);
	row("lchown a symlink", r, "link %u:%u target %u:%u", ls.st_uid, ls.st_gid, st.st_uid, st.st_gid);
	r = fchownat(AT_FDCWD, p("own-link"), 6000, 6000, 0);
	stat(p("own"), &st);
	row("fchownat through the symlink", r, "target %u:%u", st.st_uid, st.st_gid);
	row("chown absent", chown(p("absent"), 1, 1), NULL);
	chmod(p("own"), 0644);
	row("access X_OK of 0644 as root", access(p("own"), X_OK), NULL);
	row("access R_OK|W_OK of 0000 as root", (chmod(p("own"), 0), access(p("own"), R_OK | W_OK)), NULL);
	row("faccessat2 AT_EACCESS", syscall(SYS_faccessat2, AT_FDCWD, p("own"), R_OK, AT_EACCESS), NULL);
	row("faccessat2 SYMLINK_NOFOLLOW", syscall(SYS_faccessat2, AT_FDCWD, p("own-link"), F_OK, AT_SYMLINK_NOFOLLOW), NULL);
	row("faccessat2 bad flag", syscall(SYS_faccessat2, AT_FDCWD, p("own"), F_OK, 0x1), NULL);
	row("access bad mode", access(p("own"), 8), NULL);
	chmod(p("own"), 0644);
	/* umask applies to creation modes */
	mode_t old = umask(077);
	put(p("umasked"), "u");
	umask(old);
	stat(p("umasked"), &st);
	row("umask 077 then create 0644", 0, "mode %o old umask %o", st.st_mode & 07777, old);
}

static void times_part(void)
{
	put(p("times"), "t");
	struct timespec ts[2] = { { 1000000000, 111 }, { 1500000000, 222000 } };
	long r = utimensat(AT_FDCWD, p("times"), ts, 0);
	struct stat st;
	stat(p("times"), &st);
	row("utimensat both", r, "a %lld.%09ld m %lld.%09ld", (long long)st.st_atim.tv_sec, st.st_atim.tv_nsec,
	    (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
	struct timespec omit[2] = { { 0, UTIME_OMIT }, { 1600000000, 0 } };
	r = utimensat(AT_FDCWD, p("times"), omit, 0);
	stat(p("times"), &st);
	row("utimensat UTIME_OMIT atime", r, "a %lld m %lld", (long long)st.st_atim.tv_sec, (long long)st.st_mtim.tv_sec);
	time_t before = time(NULL);
	struct timespec now[2] = { { 0, UTIME_NOW }, { 0, UTIME_OMIT } };
	r = utimensat(AT_FDCWD, p("times"), now, 0);
	stat(p("times"), &st);
	row("utimensat UTIME_NOW atime", r, "a now %d m %lld", st.st_atim.tv_sec >= before, (long long)st.st_mtim.tv_sec);
	symlink("times", p("times-link"));
	r = utimensat(AT_FDCWD, p("times-link"), ts, AT_SYMLINK_NOFOLLOW);
	struct stat ls;
	lstat(p("times-link"), &ls);
	stat(p("times"), &st);
	row("utimensat SYMLINK_NOFOLLOW", r, "link m %lld target m %lld", (long long)ls.st_mtim.tv_sec, (long long)st.st_mtim.tv_sec);
	int fd = open(p("times"), O_RDONLY);
	r = futimens(fd, ts);
	fstat(fd, &st);
	row("futimens", r, "m %lld", (long long)st.st_mtim.tv_sec);
	close(fd);
	struct timespec bad[2] = { { 0, 1000000000 }, { 0, 0 } };
	row("utimensat bad nsec", utimensat(AT_FDCWD, p("times"), bad, 0), NULL);
	row("utimensat absent", utimensat(AT_FDCWD, p("absent"), NULL, 0), NULL);
}

static void vec_part(void)
{
	int fd = open(p("vec"), O_RDWR | O_CREAT | O_TRUNC, 0644);
	write(fd, "....................", 20);
	lseek(fd, 3, SEEK_SET);
	struct iovec w[3] = { { "ab", 2 }, { "", 0 }, { "cdef", 4 } };
	long r = pwritev(fd, w, 3, 10);
	char all[32] = "";
	pread(fd, all, 20, 0);
	row("pwritev at 10", r, "%ld \"%s\" pos %lld", r, all, (long long)lseek(fd, 0, SEEK_CUR));
	char a[3] = "", b[5] = "";
	struct iovec rv[2] = { { a, 2 }, { b, 4 } };
	r = preadv(fd, rv, 2, 9);
	row("preadv at 9", r, "%ld \"%.2s\" \"%.4s\" pos %lld", r, a, b, (long long)lseek(fd, 0, SEEK_CUR));
	r = preadv(fd, rv, 2, 18);
	row("preadv across EOF", r, "%ld", r);
	row("pwritev negative offset", pwritev(fd, w, 3, -1), NULL);
	struct iovec badv = { (void *)1, 10 };
	row("pwritev bad pointer", pwritev(fd, &badv, 1, 0), NULL);
	close(fd);
	/* O_APPEND: pwrite appends (Linux's documented bug). */
	fd = open(p("vec"), O_WRONLY | O_APPEND);
	r = pwrite(fd, "END", 3, 0);
	row("pwrite on O_APPEND", r, "size %lld", fsize(p("vec")));
	close(fd);
}

static void misc_part(void)
{
	int fd = open(p("vec"), O_RDONLY);
	lseek(fd, 5, SEEK_SET);
	int n = -1;
	long r = ioctl(fd, FIONREAD, &n);
	row("FIONREAD on a file at 5", r, "%d", n);
	struct termios t;
	row("TCGETS on a file", ioctl(fd, TCGETS, &t), NULL);
	row("isatty a file", isatty(fd) ? 0 : -1, NULL);
	row("fsync", fsync(fd), NULL);
	row("fdatasync", fdatasync(fd), NULL);
	sync();
	row("syncfs", syncfs(fd), NULL);
	struct statfs sf;
	r = fstatfs(fd, &sf);
	row("fstatfs", r, "namelen %ld bsize>0 %d", (long)sf.f_namelen, sf.f_bsize > 0);
	r = statfs(dir, &sf);
	row("statfs", r, "namelen %ld", (long)sf.f_namelen);
	row("statfs absent", statfs(p("absent"), &sf), NULL);
	struct xstat sx;
	struct stat st;
	r = statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &sx);
	fstat(fd, &st);
	row("statx AT_EMPTY_PATH", r, "same as fstat %d", r == 0 && sx.stx_size == (uint64_t)st.st_size &&
	    sx.stx_mode == st.st_mode && sx.stx_nlink == st.st_nlink && sx.stx_ino == st.st_ino &&
	    sx.stx_mtime.tv_sec == st.st_mtim.tv_sec && (sx.stx_mask & STATX_BASIC_STATS) == STATX_BASIC_STATS);
	symlink("vec", p("vec-link"));
	r = statx(AT_FDCWD, p("vec-link"), AT_SYMLINK_NOFOLLOW, STATX_TYPE | STATX_SIZE, &sx);
	row("statx SYMLINK_NOFOLLOW", r, "link %d size %llu", S_ISLNK(sx.stx_mode), (unsigned long long)sx.stx_size);
	row("statx bad flags", statx(AT_FDCWD, p("vec"), 0x40000000, STATX_BASIC_STATS, &sx), NULL);
	close(fd);
	row("unlinkat AT_REMOVEDIR a file", unlinkat(AT_FDCWD, p("vec"), AT_REMOVEDIR), NULL);
	row("unlinkat bad flag", unlinkat(AT_FDCWD, p("vec"), 1), NULL);
	row("mkdirat relative to a file fd", (fd = open(p("vec"), O_RDONLY), mkdirat(fd, "x", 0755)), NULL);
	close(fd);
	fd = open(p("vec"), O_RDONLY | O_DIRECTORY);
	row("O_DIRECTORY on a file", fd, NULL);
	fd = open(dir, O_RDWR);
	row("O_RDWR on a dir", fd, NULL);
	fd = open(p("vec/"), O_RDONLY);
	row("file with a trailing slash", fd, NULL);
	fd = open(p("new-with-slash/"), O_WRONLY | O_CREAT, 0644);
	row("O_CREAT with a trailing slash", fd, NULL);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: musl-fscalls DIR\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	umask(022);
	dir = argv[1];
	row("mkdir DIR", mkdir(dir, 0755), NULL);
	tmpfile_part();
	opath_part();
	creat_seek_part();
	rename2_part();
	copy_part();
	memfd_part();
	lock_part();
	alloc_part();
	owner_part();
	times_part();
	vec_part();
	misc_part();
	printf("done\n");
	return 0;
}
