// Tests of the guest's ustar index (guest/libos/fs/ustar.c) built for the host: round trips of images this package writes, a hostile corpus with golden answers, a fuzzer.
package rootfs

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var updateGuestCorpus = flag.Bool("update-guest-corpus", false,
	"rewrite testdata/guestindex (disks and their .want listings)")

const guestFS = "../../../guest/libos/fs"

var (
	harnessOnce sync.Once
	harnessPath string
	harnessErr  error
)

// harness builds guest/libos/fs/ustar.c with the host gcc (ASan, UBSan) once per test
// process. The index code is arch-neutral C: where there is no compiler (the aarch64 VM)
// the tests skip, unless NABLA_REQUIRE_TOOLS=1 (the host run) makes that a failure.
func harness(t testing.TB) string {
	t.Helper()
	if _, err := exec.LookPath("gcc"); err != nil {
		if os.Getenv("NABLA_REQUIRE_TOOLS") == "1" {
			t.Fatal("gcc not installed: the guest ustar index cannot be tested")
		}
		t.Skip("gcc not installed (no compiler here, e.g. the aarch64 VM; the host run covers this arch-neutral C)")
	}
	harnessOnce.Do(func() {
		dir, err := os.MkdirTemp("", "ustar-harness-")
		if err != nil {
			harnessErr = err
			return
		}
		harnessPath = filepath.Join(dir, "ustar_harness")
		args := []string{"-std=gnu11", "-O1", "-g", "-Wall", "-Wextra", "-Werror",
			"-fsanitize=address,undefined", "-fno-sanitize-recover=all", "-fno-omit-frame-pointer",
			"-o", harnessPath, filepath.Join(guestFS, "hosttest/ustar_harness.c"),
			filepath.Join(guestFS, "ustar.c")}
		if out, err := exec.Command("gcc", args...).CombinedOutput(); err != nil {
			harnessErr = fmt.Errorf("gcc: %v\n%s", err, out)
		}
	})
	if harnessErr != nil {
		t.Fatal(harnessErr)
	}
	return harnessPath
}

// dump runs the harness over a disk file: the index listing (or "error: ...").
func dump(t testing.TB, disk string) string {
	t.Helper()
	cmd := exec.Command(harness(t), "dump", disk)
	cmd.Env = append(os.Environ(), "ASAN_OPTIONS=detect_leaks=1:abort_on_error=0")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("harness on %s: %v\n%s", disk, err, stderr.String())
	}
	return string(out)
}

// quote is the harness's print_quoted: bytes outside printable ASCII, '\' and ' ' as \xNN.
func quote(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7f || c == '\\' || c == ' ' {
			fmt.Fprintf(&b, "\\x%02x", c)
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

func fnv64(b []byte) uint64 {
	h := uint64(1469598103934665603)
	for _, c := range b {
		h ^= uint64(c)
		h *= 1099511628211
	}
	return h
}

// expectListing is what the index should hold for a tree Image wrote, in the
// harness's format, sorted: every entry with its type, permissions, owner, link count
// (directories 2 + subdirectories; files the number of their names: Image writes the
// later names of a file as hard links to the first), whole-second mtime, and content
// hash or link target.
func expectListing(t *testing.T, root string, extra map[string][]byte) []string {
	t.Helper()
	type ent struct {
		line    func(nlink int) string
		isDir   bool
		subdirs int
	}
	ents := map[string]*ent{}
	type ino struct{ dev, ino uint64 }
	names := map[ino]int{} // names of each regular file seen so far (walk order = Image's)
	parentOf := func(rel string) string {
		if i := strings.LastIndexByte(rel, '/'); i >= 0 {
			return rel[:i]
		}
		return ""
	}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if rel == "." { // the root entry "./" carries the tree's root
			info, err := os.Lstat(p)
			if err != nil {
				return err
			}
			st := info.Sys().(*syscall.Stat_t)
			ents[""] = &ent{isDir: true, line: func(n int) string {
				return fmt.Sprintf("/ d %04o %d:%d nlink=%d mtime=%d", uint32(info.Mode().Perm()), st.Uid, st.Gid, n, info.ModTime().Unix())
			}}
			return nil
		}
		rel = filepath.ToSlash(rel)
		if _, ok := extra[rel]; ok {
			return nil
		}
		info, err := os.Lstat(p)
		if err != nil {
			return err
		}
		if info.Mode()&fs.ModeSocket != 0 {
			return nil
		}
		st := info.Sys().(*syscall.Stat_t)
		perm := uint32(info.Mode().Perm())
		if info.Mode()&fs.ModeSetuid != 0 {
			perm |= 0o4000
		}
		if info.Mode()&fs.ModeSetgid != 0 {
			perm |= 0o2000
		}
		if info.Mode()&fs.ModeSticky != 0 {
			perm |= 0o1000
		}
		head := fmt.Sprintf("%s %%c %04o %d:%d nlink=%%d mtime=%d", quote(rel), perm, st.Uid, st.Gid, info.ModTime().Unix())
		var tail string
		typ := byte('f')
		switch {
		case info.IsDir():
			typ = 'd'
		case info.Mode()&fs.ModeSymlink != 0:
			typ = 'l'
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			tail = " -> " + quote(target)
		case info.Mode()&fs.ModeNamedPipe != 0:
			typ = 'p'
		case info.Mode()&fs.ModeCharDevice != 0:
			typ = 'c'
			tail = fmt.Sprintf(" dev=%d,%d", (st.Rdev>>8)&0xfff, (st.Rdev&0xff)|((st.Rdev>>12)&0xfff00))
		case info.Mode()&fs.ModeDevice != 0:
			typ = 'b'
			tail = fmt.Sprintf(" dev=%d,%d", (st.Rdev>>8)&0xfff, (st.Rdev&0xff)|((st.Rdev>>12)&0xfff00))
		default:
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			tail = fmt.Sprintf(" size=%d fnv=%016x", len(b), fnv64(b))
			if st.Nlink > 1 {
				id := ino{uint64(st.Dev), st.Ino}
				if names[id] > 0 {
					tail = " hardlink" + tail
				}
				names[id]++
				nl := int(st.Nlink)
				ents[rel] = &ent{line: func(int) string {
					return fmt.Sprintf(head, typ, nl) + tail
				}}
				return nil
			}
		}
		ents[rel] = &ent{isDir: typ == 'd', line: func(n int) string {
			return fmt.Sprintf(head, typ, n) + tail
		}}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for n, b := range extra {
		for d := parentOf(n); d != ""; d = parentOf(d) {
			if ents[d] == nil {
				ents[d] = &ent{isDir: true, line: func(k int) string {
					return fmt.Sprintf("%s d 0755 0:0 nlink=%d mtime=0", quote(d), k)
				}}
			}
		}
		ents[n] = &ent{line: func(int) string {
			return fmt.Sprintf("%s f 0644 0:0 nlink=1 mtime=0 size=%d fnv=%016x", quote(n), len(b), fnv64(b))
		}}
	}
	for rel, e := range ents {
		if rel != "" && e.isDir {
			ents[parentOf(rel)].subdirs++
		}
	}
	var out []string
	for _, e := range ents {
		n := 1
		if e.isDir {
			n = 2 + e.subdirs
		}
		out = append(out, e.line(n))
	}
	sort.Strings(out)
	return out
}

func sortedLines(s string) []string {
	l := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	sort.Strings(l)
	return l
}

func compareListings(t *testing.T, got, want []string) {
	t.Helper()
	g := map[string]bool{}
	for _, l := range got {
		g[l] = true
	}
	w := map[string]bool{}
	for _, l := range want {
		w[l] = true
	}
	for _, l := range want {
		if !g[l] {
			t.Errorf("index lacks   %.300s", l)
		}
	}
	for _, l := range got {
		if !w[l] {
			t.Errorf("index has odd %.300s", l)
		}
	}
}

// TestGuestIndexRoundTrip: what Image writes, the guest index reads back exactly -
// sizes around the sector and cache-chunk boundaries, PAX long names and link targets,
// non-UTF-8 and odd bytes in names, modes, owners, old and pre-1970 times, fifos and
// devices, empty dirs and the injected /etc files.
func TestGuestIndexRoundTrip(t *testing.T) {
	harness(t)
	root := t.TempDir()
	mk := func(rel string, data []byte, mode os.FileMode) {
		p := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
	}
	seq := func(n int) []byte {
		b := make([]byte, n)
		x := uint32(n) + 7
		for i := range b {
			x = x*1103515245 + 12345
			b[i] = byte(x >> 16)
		}
		return b
	}
	for _, n := range []int{0, 1, 511, 512, 513, 65535, 65536, 65537, 200000, 3<<20 + 17} {
		mk(fmt.Sprintf("data/f%d", n), seq(n), 0o644)
	}
	mk("bin/suid", []byte("#!/bin/sh\n"), 0o4755|os.ModeSetuid)
	mk("secret", []byte("x"), 0o600)
	mk("nothing", nil, 0)
	long := strings.Repeat("n", 200)
	mk("deep/"+long+"/"+long+"/"+long+"/file", []byte("deep"), 0o644)
	mk("odd/sp ace/tab\there/new\nline/\xff\xfe/ünï€", []byte("odd"), 0o644)
	if err := os.MkdirAll(filepath.Join(root, "empty/dir"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(root, "links"), 0o755); err != nil {
		t.Fatal(err)
	}
	for target, name := range map[string]string{
		"../data/f1": "links/rel", "/etc/passwd": "links/abs", "nowhere": "links/dangling",
		strings.Repeat("../", 100) + "x": "links/long", "links/loop": "links/loop",
	} {
		if err := os.Symlink(target, filepath.Join(root, name)); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Link(filepath.Join(root, "data/f1"), filepath.Join(root, "data/hard")); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(root, "fifo"), 0o640); err != nil {
		t.Fatal(err)
	}
	if os.Getuid() == 0 {
		if err := syscall.Mknod(filepath.Join(root, "null"), syscall.S_IFCHR|0o666, 1<<8|3); err != nil {
			t.Fatal(err)
		}
		if err := os.Lchown(filepath.Join(root, "secret"), 1234, 5678); err != nil {
			t.Fatal(err)
		}
		if err := os.Lchown(filepath.Join(root, "links/rel"), 70000, 4000000000); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Date(1999, 12, 31, 23, 59, 59, 0, time.UTC)
	before := time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC)
	for p, tm := range map[string]time.Time{"secret": old, "nothing": before, "data/f0": time.Unix(1<<33+5, 0)} {
		if err := os.Chtimes(filepath.Join(root, p), tm, tm); err != nil {
			t.Fatal(err)
		}
	}
	extra := map[string][]byte{"etc/hosts": []byte("127.0.0.1 localhost\n"), "etc/resolv.conf": []byte("nameserver 10.0.0.1\n")}
	r, err := Image(root, t.TempDir(), Options{Extra: extra})
	if err != nil {
		t.Fatal(err)
	}
	got := dump(t, r.Path)
	if strings.HasPrefix(got, "error:") {
		t.Fatalf("index refused a good image: %s", got)
	}
	compareListings(t, sortedLines(got), expectListing(t, root, extra))
}

// TestGuestIndexManyEntries: 10^5 entries in 100 directories index (the hash grows) and
// list completely.
func TestGuestIndexManyEntries(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	harness(t)
	p := filepath.Join(t.TempDir(), "many.tar")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	for i := 0; i < 100000; i++ {
		w.Write(rawHeader(fmt.Sprintf("d%02d/file%06d", i%100, i), '0', 0, ""))
	}
	w.Write(make([]byte, 1024))
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	out := dump(t, p)
	lines := strings.Count(out, "\n")
	if lines != 100000+100+1 {
		t.Fatalf("listing has %d lines, want %d (head: %.200s)", lines, 100101, out)
	}
	if !strings.Contains(out, "d42/file099942 f 0644 0:0 nlink=1 mtime=1000000000 size=0 fnv=14650fb0739d0383\n") {
		i := strings.Index(out, "d42/file099942")
		t.Errorf("entry missing or wrong: %.200q", out[max(i, 0):])
	}
}

// rawHeader is one ustar header (POSIX magic, right checksum) for the hostile corpus.
func rawHeader(name string, typ byte, size uint64, link string, opts ...func(h []byte)) []byte {
	h := make([]byte, 512)
	copy(h[0:100], name)
	copy(h[100:108], "0000644\x00")
	copy(h[108:116], "0000000\x00")
	copy(h[116:124], "0000000\x00")
	copy(h[124:136], fmt.Sprintf("%011o\x00", size))
	copy(h[136:148], fmt.Sprintf("%011o\x00", 1000000000))
	h[156] = typ
	copy(h[157:257], link)
	copy(h[257:265], "ustar\x0000")
	for _, o := range opts {
		o(h)
	}
	fixChecksum(h)
	return h
}

func fixChecksum(h []byte) {
	copy(h[148:156], "        ")
	sum := 0
	for _, c := range h {
		sum += int(c)
	}
	copy(h[148:156], fmt.Sprintf("%06o\x00 ", sum))
}

func pad(b []byte) []byte {
	if r := len(b) % 512; r != 0 {
		b = append(b, make([]byte, 512-r)...)
	}
	return b
}

func paxRecords(kv ...string) []byte {
	var out []byte
	for i := 0; i+1 < len(kv); i += 2 {
		rec := " " + kv[i] + "=" + kv[i+1] + "\n"
		n := len(rec) + 1
		for len(fmt.Sprint(n))+len(rec) != n {
			n++
		}
		out = append(out, fmt.Sprintf("%d%s", n, rec)...)
	}
	return out
}

// hostileCorpus makes the committed corpus: valid disks from Image (fixed times so the
// bytes are reproducible) and hand-made hostile ones.
func hostileCorpus(t *testing.T) map[string][]byte {
	end := make([]byte, 1024)
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	file := func(name string, data string, opts ...func([]byte)) []byte {
		return cat(rawHeader(name, '0', uint64(len(data)), "", opts...), pad([]byte(data)))
	}
	c := map[string][]byte{}

	// valid images written by this package
	root := t.TempDir()
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(root, "usr/bin"), 0o755))
	must(os.MkdirAll(filepath.Join(root, "tmp"), 0o1777))
	must(os.Chmod(filepath.Join(root, "tmp"), 0o1777|os.ModeSticky))
	must(os.WriteFile(filepath.Join(root, "usr/bin/app"), bytes.Repeat([]byte("app!"), 3000), 0o755))
	must(os.WriteFile(filepath.Join(root, strings.Repeat("L", 150)), []byte("long"), 0o644))
	must(os.Symlink("usr/bin", filepath.Join(root, "bin")))
	fixed := time.Unix(1700000000, 0)
	for _, p := range []string{"usr/bin/app", strings.Repeat("L", 150), "usr/bin", "usr", "tmp"} {
		must(os.Chtimes(filepath.Join(root, p), fixed, fixed))
	}
	must(os.Lchown(filepath.Join(root, "bin"), os.Getuid(), os.Getgid()))
	var b bytes.Buffer
	es, err := scan(root, nil)
	must(err)
	for i := range es { // the symlink's own time cannot be set portably: drop it
		if es[i].info.Mode()&fs.ModeSymlink != 0 {
			es[i].info = fixedTime{es[i].info, fixed}
		}
	}
	must(write(&b, es, map[string][]byte{"etc/hosts": []byte("127.0.0.1 localhost\n")}))
	c["valid_image"] = b.Bytes()

	// GNU long names and link targets ('L', 'K'), base-256 size field
	longName := strings.Repeat("gnu/", 75) + "name"
	longLink := strings.Repeat("k/", 200)
	c["valid_gnu"] = cat(
		rawHeader("././@LongLink", 'L', uint64(len(longName)+1), ""), pad([]byte(longName+"\x00")),
		rawHeader("short", '0', 3, "", func(h []byte) { copy(h[257:265], "ustar  \x00") }), pad([]byte("abc")),
		rawHeader("././@LongLink", 'K', uint64(len(longLink)), ""), pad([]byte(longLink)),
		rawHeader("sym", '2', 0, "ignored", func(h []byte) { copy(h[257:265], "ustar  \x00") }),
		rawHeader("b256", '0', 0, "", func(h []byte) {
			copy(h[257:265], "ustar  \x00")
			copy(h[124:136], []byte{0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x01})
		}), pad(bytes.Repeat([]byte{'z'}, 0x201)),
		end)
	// PAX: long path, link path, size, uid, gid, negative fractional mtime; a global header
	pax := paxRecords("path", "pax/"+strings.Repeat("p", 250)+"/file", "uid", "4000000000", "gid", "7",
		"mtime", "-86400.5", "SCHILY.xattr.user.x", "y", "atime", "1.5")
	paxl := paxRecords("linkpath", "/"+strings.Repeat("t", 500))
	c["valid_pax"] = cat(
		rawHeader("pax_global_header", 'g', 20, ""), pad(paxRecords("comment", "abc")),
		rawHeader("PaxHeaders/x", 'x', uint64(len(pax)), ""), pad(pax),
		file("truncated-name", "pax data"),
		rawHeader("PaxHeaders/y", 'x', uint64(len(paxl)), ""), pad(paxl),
		rawHeader("pax/link", '2', 0, "short"),
		end)
	// names using all 100 bytes (no NUL) and a 155-byte prefix
	c["name_no_nul"] = cat(
		file(strings.Repeat("a", 100), "x", func(h []byte) { copy(h[345:500], strings.Repeat("P", 155)) }),
		file(strings.Repeat("b", 100), "y"),
		rawHeader("dir", '5', 0, "", func(h []byte) { copy(h[100:108], "0000755\x00") }),
		rawHeader("./dir/./sub//", '5', 0, ""),
		file("/abs/olute", "absolute names land under the root"),
		end)
	c["root_as_file"] = cat(file("./", "the root as a file"), end)
	// links pointing outside, to nothing, to themselves, and at each other
	c["links"] = cat(
		file("etc/passwd", "root:x:0:0::/:/bin/sh\n"),
		rawHeader("up", '2', 0, "../../../../etc/shadow"),
		rawHeader("abs", '2', 0, "/etc/passwd"),
		rawHeader("empty", '2', 0, ""),
		rawHeader("hl_ok", '1', 0, "etc/passwd"),
		rawHeader("hl_ok2", '1', 0, "./hl_ok"),
		rawHeader("hl_out", '1', 0, "../etc/passwd"),
		rawHeader("hl_missing", '1', 0, "nothing"),
		rawHeader("a", '1', 0, "b"),
		rawHeader("b", '1', 0, "a"),
		rawHeader("self", '1', 0, "self"),
		rawHeader("hl_dir", '1', 0, "etc"),
		rawHeader("hl_size", '1', 1<<40, "etc/passwd"),
		end)
	// a name replaced by another type: the old directory's children disappear
	c["replace"] = cat(
		rawHeader("x/", '5', 0, ""), file("x/child", "c"), rawHeader("x/sub/", '5', 0, ""),
		file("x", "now a file"), rawHeader("x/", '5', 0, ""), file("x/new", "n"),
		file("f", "one"), file("f", "two"),
		end)
	c["empty_disk"] = nil
	c["zero_disk"] = make([]byte, 4096)
	c["no_end_marker"] = file("f", "data")
	c["short_last_sector"] = append(file("f", "data"), make([]byte, 100)...)

	// errors at boot
	good := file("ok", "fine")
	bad := file("f", "data")
	bad[0] ^= 1
	c["bad_checksum"] = cat(good, bad, end)
	c["bad_magic"] = cat(rawHeader("f", '0', 0, "", func(h []byte) { copy(h[257:265], "tar\x00\x00\x0000") }), end)
	c["truncated_data"] = cat(good, rawHeader("big", '0', 5000, ""), make([]byte, 1024))
	huge := cat(good, rawHeader("huge", '0', 10<<30, "", func(h []byte) { copy(h[124:136], fmt.Sprintf("%011o ", uint64(10<<30))) }))
	c["huge_size"] = append(huge, make([]byte, 1<<20-len(huge))...)[:1<<20]
	c["dotdot"] = cat(good, file("a/../../etc/passwd", "x"), end)
	c["parent_not_dir"] = cat(file("a", "x"), file("a/b", "y"), end)
	c["unsupported_type"] = cat(rawHeader("sparse", 'S', 0, ""), end)
	c["pax_bad_length"] = cat(rawHeader("p", 'x', 12, ""), pad([]byte("99 path=x\n\x00\x00")), file("f", ""), end)
	c["pax_huge"] = cat(rawHeader("p", 'x', 100<<10, ""), make([]byte, 100<<10), end)
	c["pax_nul_path"] = cat(rawHeader("p", 'x', 12, ""), pad([]byte("12 path=a\x00b\n")), file("f", ""), end)
	c["pax_size_past_end"] = cat(rawHeader("p", 'x', 25, ""), pad(paxRecords("size", "99999999999")), file("f", ""), end)
	c["component_too_long"] = cat(rawHeader("p", 'x', uint64(len(paxRecords("path", strings.Repeat("c", 256)))), ""),
		pad(paxRecords("path", strings.Repeat("c", 256))), file("f", ""), end)
	c["bad_octal"] = cat(rawHeader("f", '0', 0, "", func(h []byte) { copy(h[124:136], "00000000009\x00") }), end)
	c["gnu_long_too_long"] = cat(rawHeader("././@LongLink", 'L', 5000, ""), pad(bytes.Repeat([]byte{'x'}, 5000)), end)
	return c
}

// fixedTime overrides an entry's mtime (the corpus must be reproducible).
type fixedTime struct {
	fs.FileInfo
	t time.Time
}

func (f fixedTime) ModTime() time.Time { return f.t }

// TestGuestIndexCorpus: the committed hostile corpus gives the committed answers: an
// index listing, or a one-line error naming the entry and the reason. Regenerate with
// `go test ./internal/runnc/rootfs -run TestGuestIndexCorpus -update-guest-corpus`.
func TestGuestIndexCorpus(t *testing.T) {
	dir := "testdata/guestindex"
	if *updateGuestCorpus {
		harness(t)
		must := func(err error) {
			if err != nil {
				t.Fatal(err)
			}
		}
		must(os.RemoveAll(dir))
		must(os.MkdirAll(dir, 0o755))
		for name, disk := range hostileCorpus(t) {
			p := filepath.Join(dir, name+".disk")
			must(os.WriteFile(p, disk, 0o644))
			must(os.WriteFile(filepath.Join(dir, name+".want"), []byte(dump(t, p)), 0o644))
		}
	}
	disks, _ := filepath.Glob(filepath.Join(dir, "*.disk"))
	if len(disks) < 20 {
		t.Fatalf("corpus has %d disks", len(disks))
	}
	harness(t)
	for _, p := range disks {
		want, err := os.ReadFile(strings.TrimSuffix(p, ".disk") + ".want")
		if err != nil {
			t.Fatal(err)
		}
		if got := dump(t, p); got != string(want) {
			t.Errorf("%s:\n got %.2000s\nwant %.2000s", p, got, want)
		}
	}
}

// server is a long-lived "ustar_harness serve" for the fuzzer (one per test process).
type server struct {
	cmd    *exec.Cmd
	in     io.WriteCloser
	out    *bufio.Reader
	stderr *bytes.Buffer
}

var (
	srvMu sync.Mutex
	srv   *server
)

func (s *server) query(disk []byte) (string, error) {
	var n [4]byte
	binary.LittleEndian.PutUint32(n[:], uint32(len(disk)))
	if _, err := s.in.Write(append(n[:], disk...)); err != nil {
		return "", err
	}
	a, err := s.out.ReadString('\n')
	if err != nil {
		return "", err
	}
	b, err := s.out.ReadString('\n')
	return a + b, err
}

// FuzzGuestIndex feeds disks to the index (seeded by the committed corpus): no input may
// crash it, read outside the disk, leak, loop, or fail without a message; the harness
// also indexes each disk under a memory budget that makes allocation fail part way.
func FuzzGuestIndex(f *testing.F) {
	disks, _ := filepath.Glob("testdata/guestindex/*.disk")
	for _, p := range disks {
		if b, err := os.ReadFile(p); err == nil && len(b) <= 64<<10 {
			f.Add(b)
		}
	}
	if len(disks) == 0 {
		f.Fatal("no corpus in testdata/guestindex")
	}
	path := harness(f)
	f.Fuzz(func(t *testing.T, disk []byte) {
		srvMu.Lock()
		defer srvMu.Unlock()
		if srv == nil {
			s := &server{cmd: exec.Command(path, "serve"), stderr: &bytes.Buffer{}}
			s.cmd.Stderr = s.stderr
			in, err := s.cmd.StdinPipe()
			if err != nil {
				t.Fatal(err)
			}
			out, err := s.cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := s.cmd.Start(); err != nil {
				t.Fatal(err)
			}
			s.in, s.out = in, bufio.NewReader(out)
			srv = s
		}
		res, err := srv.query(disk)
		if err != nil {
			srv.in.Close()
			srv.cmd.Wait()
			msg := srv.stderr.String()
			srv = nil
			t.Fatalf("harness died on a %d-byte disk: %v\n%s", len(disk), err, msg)
		}
		for _, l := range strings.Split(strings.TrimSuffix(res, "\n"), "\n") {
			if !strings.HasPrefix(l, "ok ") && !strings.HasPrefix(l, "error: ") {
				t.Fatalf("odd answer %q", l)
			}
		}
	})
}

// FuzzGuestIndexTree: any tree FuzzImage can build, the guest index lists exactly.
func FuzzGuestIndexTree(f *testing.F) {
	f.Add([]byte{0, 3, 'e', 't', 'c', 1, 1, 'a', 'q', 2})
	f.Add([]byte{5, 2, 0xff, 0xfe, 5, 1, 0x80, 1, 1, 0xc3, 7, 3, 1, 'p', 4, 1, 'c', 7, 1, 's'})
	f.Add(append([]byte{0, 200}, bytes.Repeat([]byte{'L'}, 200)...))
	harness(f)
	f.Fuzz(func(t *testing.T, prog []byte) {
		root := t.TempDir()
		buildTree(t, root, prog)
		r, err := Image(root, t.TempDir(), Options{})
		if err != nil {
			return // FuzzImage covers the writer's errors
		}
		got := dump(t, r.Path)
		compareListings(t, sortedLines(got), expectListing(t, root, nil))
	})
}
