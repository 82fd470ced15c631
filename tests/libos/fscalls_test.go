// The file calls Go's os and busybox do not reach (O_TMPFILE, O_PATH, SEEK_DATA/HOLE,
// renameat2, copy_file_range, memfd_create, flock, fallocate, chown, utimensat, ...): a musl
// program natively in a chroot and as a unikernel, in /tmp (memory) and in the rootfs overlay.
package libos

import (
	"regexp"
	"strings"
	"testing"
)

// fscallsWant are rows whose native answer must be this (op -> result and errno): the run
// really did what the row names before the comparison means anything.
var fscallsWant = []string{
	`O_TMPFILE write, fstat +nlink 0 size 9 mode 600 +ok`,
	`linkat /proc/self/fd/N \(FOLLOW\) +"anonymous" nlink 1 +ok`,
	`SEEK_HOLE 0 +10000 pos 10000 +ok`, `SEEK_DATA at EOF +ENXIO`,
	`RENAME_NOREPLACE onto existing +EEXIST`, `RENAME_EXCHANGE +rb "file a" rc "file b" +ok`,
	`copy_file_range with offsets +15000: off_in 16000 off_out 15010 size 15010 same 1 ok`,
	`readlink /proc/self/fd of a memfd +/memfd:audit \(deleted\) +ok`,
	`memfd mmap shared, store, pread +"through the map" head "memfd data" +ok`,
	`flock LOCK_EX\|LOCK_NB, other open +EWOULDBLOCK`, `close releases: LOCK_EX first open +ok`,
	`blocking flock in a thread +returned after the unlock +ok`,
	`fallocate mode 0 +size 20000 +ok`, `fallocate PUNCH_HOLE +zeros 8242 first x at-100 0 after x size 20000 ok`, `lchown a symlink +link 5000:5000 target 4000:3000 +ok`,
	`utimensat both +a 1000000000.000000111 m 1500000000.000222000 ok`,
	`pwrite on O_APPEND +size 23 +ok`, `FIONREAD on a file at 5 +18 +ok`, `TCGETS on a file +ENOTTY`,
	`statx AT_EMPTY_PATH +same as fstat 1 +ok`, `done`,
}

func TestMuslFileCalls(t *testing.T) {
	tree := testTree(t)
	for _, dir := range []string{"/tmp/calls", "/data/calls"} {
		t.Run(strings.ReplaceAll(dir, "/", "_"), func(t *testing.T) {
			c := fsCase{tree: tree, argv: []string{"/bin/musl-fscalls", dir}}
			// ZERO_RANGE is a file system's choice: ext4 serves it, tmpfs (the VM's root)
			// does not; the libOS answers as ext4, which the unikernel's own line must show.
			zero := regexp.MustCompile(`(?m)^(fallocate ZERO_RANGE past EOF) .*$`)
			sameFSCheck(t, c, func(s string) string { return zero.ReplaceAllString(s, "$1 (the file system's)") }, func(n fsResult) {
				for _, re := range fscallsWant {
					if !regexp.MustCompile(`(?m)^` + re + `$`).MatchString(n.stdout) {
						t.Fatalf("native musl-fscalls: no line matches %q in:\n%s", re, n.stdout)
					}
				}
				if n.status != 0 {
					t.Fatalf("native musl-fscalls: status %d\n%s", n.status, n.stderr)
				}
			})
			if r := c.unikernel(t); r.status != 0 || !regexp.MustCompile(`(?m)^fallocate ZERO_RANGE past EOF +size 20010 zero 1 +ok$`).MatchString(r.stdout) {
				t.Fatalf("unikernel ZERO_RANGE:\n%s", r.stdout)
			}
		})
	}
}
