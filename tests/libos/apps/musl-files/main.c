/* musl-files: stdio, dirent, stat and mmap of files, with deterministic output.
 * Usage: musl-files BIGFILE TEXTFILE DIR SYMLINK  (paths in the rootfs; BIGFILE > 8 KiB) */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static uint64_t fnv(const unsigned char *p, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 1099511628211ULL;
	return h;
}

static const char *en(int e)
{
	switch (e) {
	case 0: return "ok";
	case ENOENT: return "ENOENT";
	case EACCES: return "EACCES";
	case EINVAL: return "EINVAL";
	case ENOTDIR: return "ENOTDIR";
	case EISDIR: return "EISDIR";
	case EBADF: return "EBADF";
	case ENODEV: return "ENODEV";
	case ENOMEM: return "ENOMEM";
	case EROFS: return "EROFS";
	default: return "other";
	}
}

/* read_all returns the file's bytes (malloc'd) and sets *n, or NULL. */
static unsigned char *read_all(const char *path, size_t *n)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	size_t cap = 1 << 16, len = 0;
	unsigned char *b = malloc(cap);
	for (;;) {
		if (len == cap)
			b = realloc(b, cap *= 2);
		ssize_t r = read(fd, b + len, cap - len);
		if (r < 0) {
			free(b);
			close(fd);
			return NULL;
		}
		if (r == 0)
			break;
		len += r;
	}
	close(fd);
	*n = len;
	return b;
}

static void stdio_part(const char *text)
{
	FILE *f = fopen(text, "r");
	if (!f) {
		printf("fopen %s: %s\n", text, en(errno));
		return;
	}
	char line[4096];
	int lines = 0;
	uint64_t h = 1469598103934665603ULL;
	size_t first = 0;
	while (fgets(line, sizeof line, f)) {
		if (lines == 0)
			first = strlen(line);
		lines++;
		h ^= fnv((unsigned char *)line, strlen(line));
	}
	long end = ftell(f);
	printf("fgets %s: %d lines, first %zu bytes, ftell %ld, fnv %016llx, feof %d\n", text, lines, first, end,
	       (unsigned long long)h, feof(f) != 0);
	if (fseek(f, -5, SEEK_END) == 0 && fgets(line, sizeof line, f))
		printf("fseek -5 SEEK_END: \"%.*s\" at %ld\n", (int)strcspn(line, "\n"), line, ftell(f) - (long)strlen(line));
	rewind(f);
	int c = fgetc(f);
	printf("rewind, fgetc: %d\n", c);
	fclose(f);

	f = fopen("/tmp/musl-files.out", "w+");
	if (!f) {
		printf("fopen w+: %s\n", en(errno));
		return;
	}
	for (int i = 0; i < 500; i++)
		fprintf(f, "record %03d %s\n", i, i % 2 ? "odd" : "even");
	fflush(f);
	printf("fprintf 500 records: ftell %ld\n", ftell(f));
	fseek(f, 11 * 17, SEEK_SET);
	if (fgets(line, sizeof line, f))
		printf("fseek 187, fgets: %s", line);
	fseek(f, 0, SEEK_END);
	fputs("tail\n", f);
	fclose(f);
	f = fopen("/tmp/musl-files.out", "a");
	fprintf(f, "appended\n");
	fclose(f);
	struct stat st;
	stat("/tmp/musl-files.out", &st);
	printf("after append: size %lld\n", (long long)st.st_size);
	f = fopen("/tmp/musl-files.out", "r");
	fseek(f, -9, SEEK_END);
	fgets(line, sizeof line, f);
	printf("last line: %s", line);
	fclose(f);
	printf("remove: %d %s\n", remove("/tmp/musl-files.out"), en(errno));
	errno = 0;
	FILE *absent = fopen("/tmp/absent/x", "r");
	int e = errno;
	printf("fopen absent: %s %s\n", absent ? "opened" : "NULL", en(e));
}

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void dirent_part(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d) {
		printf("opendir %s: %s\n", dir, en(errno));
		return;
	}
	char *names[4096];
	int n = 0, dot = 0, dotdot = 0;
	struct dirent *e;
	while ((e = readdir(d)) && n < 4096) {
		if (!strcmp(e->d_name, ".")) {
			dot++;
			continue;
		}
		if (!strcmp(e->d_name, "..")) {
			dotdot++;
			continue;
		}
		char t = e->d_type == DT_DIR ? 'd' : e->d_type == DT_REG ? 'f' : e->d_type == DT_LNK ? 'l' :
		         e->d_type == DT_UNKNOWN ? '?' : 'o';
		char *s = malloc(strlen(e->d_name) + 3);
		sprintf(s, "%s:%c", e->d_name, t);
		names[n++] = s;
	}
	closedir(d);
	qsort(names, n, sizeof *names, cmp);
	printf("readdir %s: %d entries, . %d, .. %d\n", dir, n, dot, dotdot);
	for (int i = 0; i < n; i++) {
		printf("  %s\n", names[i]);
		free(names[i]);
	}
	errno = 0;
	d = opendir("/proc/self/exe");
	printf("opendir a file: %s\n", d ? "opened" : en(errno));
}

static void stat_part(const char *text, const char *dir, const char *sym)
{
	struct stat st;
	memset(&st, 0, sizeof st);
	int r = stat(text, &st);
	printf("stat %s: %d mode %o size %lld nlink %lu reg %d\n", text, r, st.st_mode & 07777, (long long)st.st_size,
	       (unsigned long)st.st_nlink, S_ISREG(st.st_mode));
	r = stat(dir, &st);
	printf("stat %s: %d mode %o dir %d\n", dir, r, st.st_mode & 07777, S_ISDIR(st.st_mode));
	memset(&st, 0, sizeof st);
	r = lstat(sym, &st);
	printf("lstat %s: %d lnk %d size %lld\n", sym, r, S_ISLNK(st.st_mode), (long long)st.st_size);
	char buf[256];
	ssize_t l = readlink(sym, buf, sizeof buf - 1);
	printf("readlink %s: %.*s\n", sym, (int)(l > 0 ? l : 0), buf);
	int fd = open(text, O_RDONLY);
	struct stat fst;
	fstat(fd, &fst);
	stat(text, &st);
	printf("fstat matches stat: %d\n", fst.st_ino == st.st_ino && fst.st_dev == st.st_dev && fst.st_size == st.st_size);
	close(fd);
	errno = 0;
	r = stat("/no/such/file", &st);
	printf("stat absent: %d %s\n", r, en(errno));
	printf("access %s R_OK: %d, X_OK: %d\n", text, access(text, R_OK), access("/bin", X_OK));
}

static void mmap_part(const char *big, const char *text)
{
	size_t n;
	unsigned char *b = read_all(big, &n);
	if (!b) {
		printf("read %s: %s\n", big, en(errno));
		return;
	}
	long pg = sysconf(_SC_PAGESIZE);
	int fd = open(big, O_RDONLY);
	unsigned char *m = mmap(NULL, n, PROT_READ, MAP_PRIVATE, fd, 0);
	if (m == MAP_FAILED) {
		printf("mmap %s: %s\n", big, en(errno));
		return;
	}
	printf("mmap private read %s: %zu bytes, same as read %d\n", big, n, fnv(m, n) == fnv(b, n));
	size_t tail = (n + pg - 1) / pg * pg - n;
	int zero = 1;
	for (size_t i = 0; i < tail; i++)
		zero &= m[n + i] == 0;
	printf("bytes after EOF in the last page are zero: %d\n", zero);
	munmap(m, n);
	/* An offset mapping of the second page on. */
	m = mmap(NULL, n - pg, PROT_READ, MAP_PRIVATE, fd, pg);
	printf("mmap at offset one page: same %d\n", m != MAP_FAILED && fnv(m, n - pg) == fnv(b + pg, n - pg));
	if (m != MAP_FAILED)
		munmap(m, n - pg);
	errno = 0;
	m = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 100);
	printf("mmap at unaligned offset: %s\n", m == MAP_FAILED ? en(errno) : "mapped");
	close(fd);
	free(b);

	/* MAP_PRIVATE writable: the changes stay in this mapping, never in the file. */
	b = read_all(text, &n);
	fd = open(text, O_RDONLY);
	m = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (m == MAP_FAILED) {
		printf("mmap private write %s: %s\n", text, en(errno));
		return;
	}
	memset(m, 'Z', n < 16 ? n : 16);
	unsigned char again[64];
	ssize_t r = pread(fd, again, sizeof again, 0);
	printf("private write: mapping changed %d, file unchanged %d (%zd bytes read)\n", m[0] == 'Z',
	       r > 0 && memcmp(again, b, r) == 0, r);
	munmap(m, n);
	close(fd);
	size_t n2;
	unsigned char *b2 = read_all(text, &n2);
	printf("file after unmap: unchanged %d\n", b2 && n2 == n && memcmp(b, b2, n) == 0);
	free(b);
	free(b2);
	errno = 0;
	fd = open(text, O_RDONLY);
	m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	printf("mmap shared writable of a read-only fd: %s\n", m == MAP_FAILED ? en(errno) : "mapped");
	close(fd);

	/* MAP_SHARED of an in-memory file: stores reach read(). */
	fd = open("/tmp/musl-files.shared", O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || ftruncate(fd, 8192) != 0) {
		printf("shared file: %s\n", en(errno));
		return;
	}
	m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED) {
		printf("mmap shared /tmp file: %s\n", en(errno));
		close(fd);
		return;
	}
	memcpy(m + 4100, "shared!", 7);
	char got[8] = {0};
	pread(fd, got, 7, 4100);
	printf("shared store seen by pread: %s\n", got);
	pwrite(fd, "written", 7, 10);
	printf("pwrite seen through the mapping: %.7s\n", (char *)m + 10);
	munmap(m, 8192);
	close(fd);
	unlink("/tmp/musl-files.shared");
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: musl-files BIGFILE TEXTFILE DIR SYMLINK\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	stdio_part(argv[2]);
	dirent_part(argv[3]);
	stat_part(argv[2], argv[3], argv[4]);
	mmap_part(argv[1], argv[2]);
	fprintf(stderr, "musl-files: done\n");
	return 0;
}
