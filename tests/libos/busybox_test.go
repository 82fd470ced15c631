// Debian's busybox-static applets on the test rootfs, natively (chroot) and as unikernels,
// outputs compared. Each run is one applet: busybox sh would need fork, which the libOS
// does not have, so every check is a single applet's own output.
package libos

import (
	"archive/tar"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/nabla-containers/nabla/internal/fstree"
)

// sortLines is the normalisation for applets that print entries in directory order
// (find, grep -r, cp -v, tar -v): readdir order is the file system's own (ext4 hashes,
// tmpfs is newest first, the libOS's ustar index keeps archive order) and POSIX leaves
// it unspecified, so the lines are compared as a sorted set. Nothing else is changed.
func sortLines(s string) string {
	l := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	sort.Strings(l)
	return strings.Join(l, "\n") + "\n"
}

// lsDirSize is the normalisation of `ls -l` output: a directory's size and the "total"
// block count are the file system's own numbers (ext4 4096 per block, tmpfs 20 bytes a
// name, the libOS its own), not the tree's; they are blanked, the rest compared as is.
var lsDirLine = regexp.MustCompile(`(?m)^(d[-rwxsStT]{9} +\d+ +\d+ +\d+ +)\d+( )`)
var lsTotal = regexp.MustCompile(`(?m)^total \d+$`)

// The columns are padded to the widest field, a directory size among them: runs of
// blanks are compared as one.
var blanks = regexp.MustCompile(` +`)

func lsNorm(s string) string {
	return blanks.ReplaceAllString(lsTotal.ReplaceAllString(lsDirLine.ReplaceAllString(s, "${1}DIRSIZE$2"), "total N"), " ")
}

// The busybox Debian ships: static (no PT_INTERP), and `nabla bake` takes it as it is.
func TestBusyboxIsStatic(t *testing.T) {
	p := busybox(t)
	typ := staticELF(t, p)
	t.Logf("%s: %v, static", p, typ)
}

// someFiles are files of the tree by path, sorted: applet arguments (no shell to glob).
func someFiles(n int) []string {
	var l []string
	for i := 0; i < n; i++ {
		l = append(l, "/"+fstree.SmallPath(i*7))
	}
	sort.Strings(l)
	return l
}

func TestBusyboxApplets(t *testing.T) {
	tree := testTree(t)
	bb := func(args ...string) []string { return append([]string{"/bin/busybox"}, args...) }
	cases := []struct {
		name string
		argv []string
		norm func(string) string
		want string // a regexp one native output line must match
		// writes: the applet writes (to /tmp or the overlay), so the native side runs in
		// a copy; read-only applets run natively in the tree itself (copying 3,000 files
		// for each of them would dominate the test's time).
		writes bool
	}{
		{"cat", bb(append([]string{"cat", "/data/text/words.txt", "/etc/passwd"}, someFiles(20)...)...), nil, `root:x:0:0:nabla fstree root:/root:/bin/sh`, false},
		{"cat-links", bb("cat", "/data/links/abs", "/data/links/chain3", "/data/links/escape-abs", "/data/hard/two"), nil, `hard linked content`, false},
		{"sha256sum", bb(append([]string{"sha256sum", "/bin/fs-tree", "/data/text/words.txt"}, someFiles(200)...)...), nil, `[0-9a-f]{64}  /data/text/words.txt`, false},
		{"sha256sum-c", bb("sha256sum", "-c", "/data/sums"), nil, `/data/text/words.txt: OK`, false},
		{"find", bb("find", "/data"), sortLines, `/data/odd/ünïcödé-名前.txt`, false},
		{"find-type-f", bb("find", "/data", "-type", "f", "-name", "*7.txt", "-size", "-2k"), sortLines, `/data/tree/.*7\.txt`, false},
		{"find-L", bb("find", "-L", "/data/links/rel-dir/d01", "-type", "f"), sortLines, `/data/links/rel-dir/d01/e0/f00001.txt`, false},
		{"find-L-loops", bb("find", "-L", "/data/links", "-type", "f"), sortLines, `/data/links/chain3`, false},
		{"find-mtime-perm", bb("find", "/data/tree", "-perm", "0600", "-newer", "/data/tree/d05/e0/f00005.txt"), sortLines, `/data/tree/.*`, false},
		{"wc", bb(append([]string{"wc", "/data/text/words.txt"}, someFiles(30)...)...), nil, ` *3000 +\d+ +\d+ /data/text/words.txt`, false},
		{"sort", bb("sort", "-k3,3n", "-k1,1", "/data/text/words.txt"), nil, `.*`, false},
		{"sort-u", bb("sort", "-u", "-r", "/data/text/words.txt", "/etc/passwd"), nil, `root:.*`, false},
		{"grep-r", bb("grep", "-r", "-n", "nabla", "/data/tree/d00"), sortLines, `/data/tree/d00/.*:\d+:.*nabla.*`, false},
		{"grep-rl", bb("grep", "-r", "-l", "-i", "ZULU", "/data"), sortLines, `/data/text/words.txt`, false},
		{"grep-c", bb("grep", "-c", "alpha", "/data/text/words.txt"), nil, `\d+`, false},
		{"ls-la", bb("ls", "-lan", "--full-time", "/data", "/data/links", "/data/odd", "/data/hard", "/bin"), lsNorm, `lrwxrwxrwx +1 0 +0 +22 2021-03-04 05:06:07 \+0000 abs -> /data/links/target.txt`, false},
		{"ls-R", bb("ls", "-R", "/data/tree/d03"), nil, `/data/tree/d03/e6:`, false},
		{"ls-tree", bb("ls", "-lanR", "--full-time", "/data/tree/d09"), lsNorm, `-rw-r--r-- .*`, false},
		{"tar-c-stdout", bb(append([]string{"tar", "-c", "-f", "-", "/data/hard/one", "/data/links/abs"}, someFiles(40)...)...), nil, ``, false},
		{"tar-c-tmp", bb("tar", "-c", "-v", "-f", "/tmp/t.tar", "-C", "/data", "tree/d04", "links", "hard", "odd"), sortLines, `tree/d04/e0/f00004.txt`, true},
		{"tar-x-tmp", bb("tar", "-x", "-v", "-f", "/data/fixture.tar", "-C", "/tmp"), nil, `fixture/b/c.txt`, true},
		{"tar-t", bb("tar", "-t", "-v", "-f", "/data/fixture.tar"), nil, `.*fixture/b/c.txt`, false},
		{"tar-xO", bb("tar", "-x", "-O", "-f", "/data/fixture.tar"), nil, `file c of the fixture`, false},
		// Not /data/hard: which of a file's names cp copies (and which it links) follows
		// readdir order, which each file system picks (tmpfs lists newest first).
		{"cp-a", bb("cp", "-a", "-v", "/data/tree/d05", "/data/links", "/tmp/"), sortLines, `'/data/links/abs' -> '/tmp/links/abs'`, true},
		{"cp-a-overlay", bb("cp", "-a", "/data/tree/d06", "/data/tree/d06-copy"), nil, ``, true},
		{"stat", bb("stat", "-c", "%n %s %a %h %F %Y", "/data/text/words.txt", "/data/hard/one", "/data/links/abs", "/data/odd/private/secret"), nil, `/data/hard/one 20 644 3 regular file \d+`, false},
		{"readlink-f", bb("readlink", "-f", "/data/links/chain3"), nil, `/data/links/target.txt`, false},
		{"readlink-f-escape", bb("readlink", "-f", "/data/links/escape-rel"), nil, `/etc/passwd`, false},
		{"readlink-f-dir", bb("readlink", "-f", "/data/links/rel-dir/d01/../d02"), nil, `/data/tree/d02`, false},
		{"head-tail", bb("tail", "-n", "5", "/data/text/words.txt"), nil, `.*`, false},
		{"md5sum", bb("md5sum", "/data/links/target.txt", "/data/odd/with space.txt", "/data/odd/empty"), nil, `[0-9a-f]{32}  /data/odd/empty`, false},
		{"cmp", bb("cmp", "/data/hard/one", "/data/hard/three"), nil, ``, false},
		{"pwd", bb("pwd"), nil, `/`, false},
		{"missing-file", bb("cat", "/data/absent"), nil, ``, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fc := fsCase{tree: tree, argv: c.argv, inPlace: !c.writes}
			sameFSCheck(t, fc, c.norm, func(n fsResult) {
				if c.want != "" {
					wantLines(t, "native "+c.name, n.stdout, c.want)
				}
				// Only these end with an error natively: a missing file; loops under find -L.
				if (n.status != 0) != (c.name == "missing-file" || c.name == "find-L-loops") {
					t.Fatalf("native %s: status %d, stderr %q", c.name, n.status, n.stderr)
				}
			})
		})
	}
}

// addFixtures puts what the tar and sha256sum -c cases read into the tree: an archive
// written here with archive/tar and a checksum list.
func addFixtures(tree string) error {
	set := func(err error) error { return err }
	f, err := os.Create(filepath.Join(tree, "data/fixture.tar"))
	if err != nil {
		return set(err)
	}
	tw := tar.NewWriter(f)
	for _, e := range []struct {
		name, body string
		dir        bool
	}{{"fixture/", "", true}, {"fixture/a.txt", "file a\n", false}, {"fixture/b/", "", true}, {"fixture/b/c.txt", "file c of the fixture\n", false}} {
		h := &tar.Header{Name: e.name, Mode: 0o644, ModTime: fstree.Epoch, Uname: "root", Gname: "root", Format: tar.FormatUSTAR}
		if e.dir {
			h.Typeflag, h.Mode = tar.TypeDir, 0o755
		} else {
			h.Typeflag, h.Size = tar.TypeReg, int64(len(e.body))
		}
		if err := tw.WriteHeader(h); err != nil {
			return set(err)
		}
		tw.Write([]byte(e.body))
	}
	if err := tw.Close(); err != nil {
		return set(err)
	}
	if err := f.Close(); err != nil {
		return set(err)
	}
	var sums strings.Builder
	for _, p := range append(someFiles(50), "/data/text/words.txt") {
		h, err := fileSHA(filepath.Join(tree, p))
		if err != nil {
			return set(err)
		}
		sums.WriteString(h + "  " + p + "\n")
	}
	if err := os.WriteFile(filepath.Join(tree, "data/sums"), []byte(sums.String()), 0o644); err != nil {
		return set(err)
	}
	for _, p := range []string{"data/fixture.tar", "data/sums", "data"} {
		if err := os.Chtimes(filepath.Join(tree, p), fstree.Epoch, fstree.Epoch); err != nil {
			return set(err)
		}
	}
	return nil
}
