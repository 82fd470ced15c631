// The file tests: each app of the test rootfs natively (chroot of a copy) and as a
// unikernel (`nabla run --rootfs`), outputs compared; and what the unikernel must not touch.
package libos

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/nabla-containers/nabla/internal/fstree"
)

// wantLines fails unless every line (a regexp) matches some line of out: checks of the
// native run that keep the comparison honest (the app really did what it is for).
func wantLines(t *testing.T, what, out string, res ...string) {
	t.Helper()
	for _, re := range res {
		if !regexp.MustCompile("(?m)^" + re + "$").MatchString(out) {
			t.Fatalf("%s: no line matches %q in:\n%s", what, re, clip(out))
		}
	}
}

func TestFSTree(t *testing.T) {
	tree := testTree(t)
	c := fsCase{tree: tree, argv: []string{"/bin/fs-tree", "/data"}}
	n, root := c.native(t)
	defer os.RemoveAll(root)
	wantLines(t, "native fs-tree", n.stdout,
		fmt.Sprintf(`before: %d files \(\d+ bytes\), \d+ dirs, 13 symlinks, err <nil>`, treeFiles+13),
		`through escape-abs: "root:x:0:0:nabla fstree root.*" ok`,
		`through escape-rel: "root:x:0:0:nabla fstree root.*" ok`,
		`through loop-a: "" ELOOP`, `through dangling: "" ENOENT`,
		`EvalSymlinks escape-rel: /etc/passwd ok`,
		`hard three: "hard linked content\\n" ok nlink 3 same-as-one true`,
		`change remove non-empty d08: ENOTEMPTY`, `change stat removed d08: ENOENT`,
		`change hard/one nlink now 2`, `change read new/big: same true ok`,
		`readlink /proc/self/exe: /bin/fs-tree ok \(argv\[0\] /bin/fs-tree\)`,
		`/proc/self/exe bytes are argv\[0\]'s: true .*`, `done`)
	if n.status != 0 || n.stderr != "" {
		t.Fatalf("native fs-tree: status %d, stderr %q", n.status, n.stderr)
	}
	// The native run changed its copy (so the unikernel's writes are writes too).
	if treeHash(t, root) == treeHash(t, tree) {
		t.Fatal("the native run left its copy unchanged: fs-tree wrote nothing")
	}
	u := c.unikernel(t)
	if n.stdout != u.stdout || n.stderr != u.stderr || n.status != u.status {
		t.Fatalf("fs-tree differs:\nnative (status %d):\n%s\nunikernel (status %d):\n%s\nstderr:\n%s",
			n.status, clip(diffText(n.stdout, u.stdout)), u.status, clip(u.stdout), u.stderr)
	}
}

// diffText shows the lines of a missing from b and the other way round.
func diffText(a, b string) string {
	return fstree.Diff(strings.Split(a, "\n"), strings.Split(b, "\n"))
}

// contentHash hashes the names and contents of the regular files under dir (not their
// times: a cache hit touches its entry on purpose, so that pruning keeps what is used).
func contentHash(t testing.TB, dir string) string {
	t.Helper()
	h := sha256.New()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s %d\n", p, len(b))
		h.Write(b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// A unikernel's writes go to memory only: the host tree, the disk images nabla made
// from it, and the next run's view stay as they were.
func TestFSTreeLeavesHostAlone(t *testing.T) {
	tree := testTree(t)
	before := treeHash(t, tree)
	c := fsCase{tree: tree, argv: []string{"/bin/fs-tree", "/data"}}
	first := c.unikernel(t)
	if first.status != 0 || !strings.Contains(first.stdout, "\nchange write new/a/b/file: ok\n") {
		t.Fatalf("fs-tree: status %d\n%s\n%s", first.status, clip(first.stdout), first.stderr)
	}
	if after := treeHash(t, tree); after != before {
		t.Fatalf("the unikernel run changed the host tree %s", tree)
	}
	cache := nablaCacheDir(t)
	images := contentHash(t, cache)
	second := c.unikernel(t)
	if second.stdout != first.stdout || second.status != first.status {
		t.Fatalf("a second run saw another tree (the first run's writes persisted?):\n%s", diffText(first.stdout, second.stdout))
	}
	if contentHash(t, cache) != images {
		l, _ := fstree.Listing(cache)
		t.Fatalf("the second run changed nabla's cache (baked image or rootfs disk):\n%s", strings.Join(l, "\n"))
	}
	if treeHash(t, tree) != before {
		t.Fatalf("the second unikernel run changed the host tree")
	}
}

// tableWant are rows whose native result the table must show (op prefix -> errno).
var tableWant = map[string]string{
	"O_CREAT|O_EXCL existing": "EEXIST", "O_DIRECTORY on a file": "ENOTDIR", "O_NOFOLLOW on a symlink": "ELOOP",
	"Rename dir into itself": "EINVAL", "rmdir non-empty": "ENOTEMPTY", "mkdir existing": "EEXIST",
	"name of 256 bytes": "ENAMETOOLONG", "path of 4096 bytes": "ENAMETOOLONG", "41 symlinks": "ELOOP",
	"40 symlinks": "ok", "trailing / on a file": "ENOTDIR", "write /dev/full": "ENOSPC", "RemoveAll everything": "ok",
}

func TestFSTable(t *testing.T) {
	tree := testTree(t)
	for _, dir := range []string{"/tmp/table", "/data/table"} {
		t.Run(strings.ReplaceAll(dir, "/", "_"), func(t *testing.T) {
			c := fsCase{tree: tree, argv: []string{"/bin/fs-table", dir}}
			n := sameFSChecked(t, c, func(out string) {
				for op, e := range tableWant {
					wantLines(t, "native fs-table", out, regexp.QuoteMeta(op)+` .*\b`+e)
				}
				wantLines(t, "native fs-table", out, `/proc/self/cmdline +/bin/fs-table\|`+regexp.QuoteMeta(dir)+`\| +ok`)
			})
			_ = n
		})
	}
}

// sameFSChecked is sameFS with checks of the native output first (they must hold before
// the comparison means anything).
func sameFSChecked(t *testing.T, c fsCase, check func(string)) fsResult {
	t.Helper()
	n, root := c.native(t)
	if !c.inPlace {
		defer os.RemoveAll(root)
	}
	check(n.stdout)
	if n.status != 0 {
		t.Fatalf("native %s: status %d\n%s\n%s", c.argv[0], n.status, n.stdout, n.stderr)
	}
	u := c.unikernel(t)
	if n.stdout != u.stdout || n.stderr != u.stderr || n.status != u.status {
		t.Fatalf("%s differs:\n%s\nnative status %d, stderr %q\nunikernel (status %d):\n%s\nstderr:\n%s",
			strings.Join(c.argv, " "), clip(diffText(n.stdout, u.stdout)), n.status, n.stderr, u.status, clip(u.stdout), u.stderr)
	}
	t.Logf("%s: native %v, unikernel %v", strings.Join(c.argv, " "), n.dur, u.dur)
	return n
}

func TestMuslFiles(t *testing.T) {
	tree := testTree(t)
	c := fsCase{tree: tree, argv: []string{"/bin/musl-files", "/bin/musl-files", "/data/text/words.txt", "/data/links", "/data/links/abs"}}
	sameFSChecked(t, c, func(out string) {
		wantLines(t, "native musl-files", out,
			`fgets /data/text/words.txt: 3000 lines, .*feof 1`,
			`readdir /data/links: 14 entries, \. 1, \.\. 1`, `  abs:l`, `  target.txt:f`,
			`lstat /data/links/abs: 0 lnk 1 size 22`, `readlink /data/links/abs: /data/links/target.txt`,
			`mmap private read /bin/musl-files: \d+ bytes, same as read 1`,
			`mmap at offset one page: same 1`,
			`private write: mapping changed 1, file unchanged 1 \(64 bytes read\)`, `file after unmap: unchanged 1`,
			`shared store seen by pread: shared!`, `pwrite seen through the mapping: written`)
	})
}

// Writing beyond --mem: the in-memory layers are charged to it and end with ENOSPC (not
// a crash, not the host's disk); removing the file gives the space back.
func TestFSFullIsENOSPC(t *testing.T) {
	tree := testTree(t)
	for _, file := range []string{"/tmp/fill", "/data/fill"} {
		u := fsCase{tree: tree, mem: 128, argv: []string{"/bin/fs-fill", file, "100000"}}.unikernel(t)
		m := regexp.MustCompile(`(?m)^first fill: ENOSPC after (\d+) MiB$`).FindStringSubmatch(u.stdout)
		if u.status != 0 || m == nil || !strings.Contains(u.stdout, "(as much as the first: true)") {
			t.Fatalf("%s with --mem=128: status %d\n%s\n%s", file, u.status, u.stdout, u.stderr)
		}
		// Go keeps ~50 MiB for itself: the file got a good part of the rest, never more than --mem.
		if mib, _ := strconv.Atoi(m[1]); mib < 16 || mib >= 128 {
			t.Fatalf("%s: ENOSPC after %d MiB with --mem=128", file, mib)
		}
		t.Logf("%s: ENOSPC after %s MiB with --mem=128", file, m[1])
	}
}

// bigMiB is the size of the big-file test: 200 MB as the issue says, on both machines
// (the VM's 3 GiB memory holds the tree, the disk made from it and the guest's --mem).
const bigMiB = 200

// A 200 MB file of the rootfs read end to end: its hash is checked against the one
// computed from the generator here (not from the file), natively and in the unikernel.
func TestFSBigFile(t *testing.T) {
	tree := bigTree(t, bigMiB)
	h := sha256.New()
	buf := make([]byte, 1<<20)
	for m := 0; m < bigMiB; m++ {
		for k := range buf {
			buf[k] = fstree.BigByteAt(int64(m)<<20 + int64(k))
		}
		h.Write(buf)
	}
	want := fmt.Sprintf("%x  %d bytes\n", h.Sum(nil), int64(bigMiB)<<20)
	c := fsCase{tree: tree, inPlace: true, argv: []string{"/bin/fs-bigread", "/data/big.bin"}}
	before := treeHash(t, tree)
	n, _ := c.native(t)
	if n.stdout != want || n.status != 0 {
		t.Fatalf("native: status %d %q, want %q (%s)", n.status, n.stdout, want, n.stderr)
	}
	u := c.unikernel(t)
	if u.stdout != want || u.status != 0 || u.stderr != "" {
		t.Fatalf("unikernel: status %d %q, want %q\nstderr: %s", u.status, u.stdout, want, u.stderr)
	}
	if treeHash(t, tree) != before {
		t.Fatal("reading the big file changed the tree")
	}
	t.Logf("%d MiB: native %v, unikernel %v (including nabla run's disk of the tree)", bigMiB, n.dur, u.dur)
}

// volumeDir is a small host directory for --volume: files, a subdirectory, a symlink.
func volumeDir(t *testing.T) string {
	d := filepath.Join(t.TempDir(), "vol")
	for p, s := range map[string]string{"a.txt": "volume file a\n", "sub/rel.txt": "relative to the workdir\n", "sub/deeper/z": "z\n"} {
		os.MkdirAll(filepath.Join(d, filepath.Dir(p)), 0o755)
		if err := os.WriteFile(filepath.Join(d, p), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("a.txt", filepath.Join(d, "link")); err != nil {
		t.Fatal(err)
	}
	return d
}

// --volume=HOST:GUEST:ro: visible at GUEST, every write EROFS; --workdir sets the cwd.
func TestFSVolumeReadOnly(t *testing.T) {
	tree, vol := testTree(t), volumeDir(t)
	before := treeHash(t, vol)
	c := fsCase{tree: tree, volumes: []volume{{Host: vol, Guest: "/mnt/vol", RO: true}}, workdir: "/mnt/vol/sub",
		argv: []string{"/bin/fs-vol", "/mnt/vol", "rel.txt"}}
	sameFSChecked(t, c, func(out string) {
		wantLines(t, "native fs-vol", out, `cwd /mnt/vol/sub ok`, `read rel.txt: "relative to the workdir\\n" ok`,
			`create: EROFS`, `append to /mnt/vol/a.txt: EROFS`, `mkdir: EROFS`, `rename: EROFS`, `remove: EROFS`,
			`symlink: EROFS`, `after: /mnt/vol/a.txt size 14`)
	})
	if treeHash(t, vol) != before {
		t.Fatal("a read-only volume changed on the host")
	}
}

// A writable volume takes writes in the guest's memory; the host directory never changes
// (the native side binds a copy, so both runs start from the same files).
func TestFSVolumeWritable(t *testing.T) {
	tree, vol := testTree(t), volumeDir(t)
	before := treeHash(t, vol)
	cp := filepath.Join(t.TempDir(), "vol-copy")
	if err := fstree.Copy(vol, cp); err != nil {
		t.Fatal(err)
	}
	c := fsCase{tree: tree, workdir: "/srv/v/sub", argv: []string{"/bin/fs-vol", "/srv/v", "rel.txt"}}
	c.volumes = []volume{{Host: cp, Guest: "/srv/v"}}
	n, root := c.native(t)
	defer os.RemoveAll(root)
	wantLines(t, "native fs-vol", n.stdout, `create: ok`, `stat created: ok`, `append to /srv/v/a.txt: ok`, `rename: ok`)
	c.volumes = []volume{{Host: vol, Guest: "/srv/v"}}
	u := c.unikernel(t)
	if n.stdout != u.stdout || n.status != u.status || n.stderr != u.stderr {
		t.Fatalf("fs-vol differs:\n%s\nunikernel (status %d):\n%s\n%s", diffText(n.stdout, u.stdout), u.status, u.stdout, u.stderr)
	}
	if treeHash(t, vol) != before {
		t.Fatal("the unikernel's writes to a volume reached the host directory")
	}
}

// A single host file as a volume (what runnc does for /etc/resolv.conf), read-only.
func TestFSVolumeFile(t *testing.T) {
	tree := testTree(t)
	f := filepath.Join(t.TempDir(), "app.conf")
	if err := os.WriteFile(f, []byte("key = value\nother = 2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c := fsCase{tree: tree, volumes: []volume{{Host: f, Guest: "/etc/app.conf", RO: true}},
		argv: []string{"/bin/busybox", "cat", "/etc/app.conf", "/etc/hostname"}}
	n := sameFS(t, c, nil)
	if n.stdout != "key = value\nother = 2\nfstree\n" {
		t.Fatalf("native: %q", n.stdout)
	}
}

// --workdir inside the rootfs: relative paths resolve from it, writes land in the overlay.
func TestFSWorkdir(t *testing.T) {
	tree := testTree(t)
	rel := strings.TrimPrefix(fstree.SmallPath(24), "data/tree/d01/")
	c := fsCase{tree: tree, workdir: "/data/tree/d01", argv: []string{"/bin/fs-vol", "e1", rel}}
	sameFSChecked(t, c, func(out string) {
		wantLines(t, "native fs-vol", out, `cwd /data/tree/d01 ok`, `read `+regexp.QuoteMeta(rel)+`: ".*" ok`, `create: ok`)
	})
}

// APP without a slash is looked up in the rootfs's PATH; argv[0] is the path it resolved
// to, as a shell's exec gives it natively.
func TestFSAppLookup(t *testing.T) {
	tree := testTree(t)
	n, _ := fsCase{tree: tree, inPlace: true, argv: []string{"/bin/busybox", "echo", "found"}}.native(t)
	u := fsCase{tree: tree, argv: []string{"busybox", "echo", "found"}}.unikernel(t)
	if n.stdout != "found\n" || u.stdout != n.stdout || u.status != 0 {
		t.Fatalf("native %q, unikernel (status %d) %q %s", n.stdout, u.status, u.stdout, u.stderr)
	}
	// /proc/self/cmdline shows argv[0] as resolved.
	c := fsCase{tree: tree, argv: []string{"/bin/busybox", "cat", "/proc/self/cmdline"}}
	n = sameFS(t, c, nil)
	u = fsCase{tree: tree, argv: []string{"busybox", "cat", "/proc/self/cmdline"}}.unikernel(t)
	if u.stdout != n.stdout || n.stdout != "/bin/busybox\x00cat\x00/proc/self/cmdline\x00" {
		t.Fatalf("argv of a PATH lookup: native %q, unikernel %q", n.stdout, u.stdout)
	}
}
