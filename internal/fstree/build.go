// Package fstree writes the deterministic file trees the libOS file tests and benches use
// as a rootfs: thousands of files, nested directories, relative and absolute symlinks,
// hard links, odd names, fixed modes and times; and copies and hashes such trees.
package fstree

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"
)

// Spec says what Build writes.
type Spec struct {
	Files int // small regular files under /data/tree (text and binary, 0 to ~8 KiB)
	// BigMiB > 0 adds /data/big.bin of that many MiB (pseudo-random, see BigByteAt).
	BigMiB int
}

// Epoch is the modification time of every entry Build writes (plus an entry's index in
// seconds for the small files), so listings with times are the same on every run.
var Epoch = time.Date(2021, 3, 4, 5, 6, 7, 0, time.UTC)

// EtcPasswd is the tree's /etc/passwd: different from any host's, so a path that leaves
// the rootfs (an absolute symlink resolved on the host) is noticed.
const EtcPasswd = "root:x:0:0:nabla fstree root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"

// words make the text files: grep, sort and wc get real lines to work on.
var words = []string{"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel",
	"india", "juliet", "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo",
	"sierra", "tango", "uniform", "victor", "whiskey", "xray", "yankee", "zulu", "nabla"}

// rng is a counter-mode SHA-256 stream: the same bytes on every machine and Go version.
type rng struct {
	seed [32]byte
	n    uint64
	buf  []byte
}

func newRNG(label string) *rng { return &rng{seed: sha256.Sum256([]byte(label))} }

func (r *rng) next() byte {
	if len(r.buf) == 0 {
		var b [40]byte
		copy(b[:], r.seed[:])
		binary.LittleEndian.PutUint64(b[32:], r.n)
		r.n++
		s := sha256.Sum256(b[:])
		r.buf = s[:]
	}
	c := r.buf[0]
	r.buf = r.buf[1:]
	return c
}

func (r *rng) intn(n int) int {
	v := uint32(r.next()) | uint32(r.next())<<8 | uint32(r.next())<<16 | uint32(r.next())<<24
	return int(v % uint32(n))
}

// SmallPath is the path (inside the tree, no leading slash) of small file i: three
// levels of directories, so walks descend and directories hold tens of entries.
func SmallPath(i int) string {
	return fmt.Sprintf("data/tree/d%02d/e%d/f%05d.txt", i%23, (i/23)%7, i)
}

// Build writes the tree described by s into dir (which must not exist or be empty).
// Every entry is owned by the caller; times are Epoch-based; modes are set explicitly
// (not through the umask).
func Build(dir string, s Spec) error {
	w := &writer{root: dir}
	w.dir("", 0o755)
	for _, d := range []string{"bin", "etc", "tmp", "dev", "proc", "sys", "root", "data"} {
		w.dir(d, 0o755)
	}
	w.chmod("tmp", 0o777|os.ModeSticky)
	w.file("etc/passwd", []byte(EtcPasswd), 0o644)
	w.file("etc/group", []byte("root:x:0:\nnogroup:x:65534:\n"), 0o644)
	w.file("etc/hostname", []byte("fstree\n"), 0o644)
	r := newRNG("nabla fstree small files")
	for i := 0; i < s.Files; i++ {
		p := SmallPath(i)
		w.mkdirAll(filepath.Dir(p))
		var b []byte
		if i%10 == 9 { // every tenth is binary
			b = make([]byte, r.intn(8192))
			for k := range b {
				b[k] = r.next()
			}
		} else {
			for n := r.intn(40); n > 0; n-- {
				for k := r.intn(8) + 1; k > 0; k-- {
					b = append(b, words[r.intn(len(words))]...)
					b = append(b, ' ')
				}
				b = append(b, fmt.Sprintf("%d\n", r.intn(100000))...)
			}
		}
		mode := os.FileMode(0o644)
		switch i % 17 {
		case 3:
			mode = 0o600
		case 5:
			mode = 0o755
		case 11:
			mode = 0o444
		}
		w.file(p, b, mode)
		w.times(p, Epoch.Add(time.Duration(i)*time.Second))
	}
	// One larger text file for grep, sort, wc and stdio line reading.
	w.dir("data/text", 0o755)
	var t []byte
	for i := 0; i < 3000; i++ {
		t = append(t, fmt.Sprintf("%s %s %05d %s\n", words[r.intn(len(words))], words[r.intn(len(words))], r.intn(100000), words[i%len(words)])...)
	}
	w.file("data/text/words.txt", t, 0o644)
	// Links and odd names, beside the tree.
	w.dir("data/links", 0o755)
	w.file("data/links/target.txt", []byte("the link target\n"), 0o644)
	w.symlink("target.txt", "data/links/rel")
	w.symlink("../tree/d01/e0/f00001.txt", "data/links/rel-up")
	w.symlink("/data/links/target.txt", "data/links/abs")
	w.symlink("/data/tree/d02", "data/links/abs-dir")
	w.symlink("../tree", "data/links/rel-dir")
	w.symlink("rel", "data/links/chain1")
	w.symlink("chain1", "data/links/chain2")
	w.symlink("abs", "data/links/chain3")
	w.symlink("missing", "data/links/dangling")
	w.symlink("loop-b", "data/links/loop-a")
	w.symlink("loop-a", "data/links/loop-b")
	// An absolute link and a relative one that climb above /: inside the rootfs both
	// end at the tree's /etc/passwd, never the host's.
	w.symlink("/../../../../etc/passwd", "data/links/escape-abs")
	w.symlink("../../../../../../../../etc/passwd", "data/links/escape-rel")
	w.dir("data/hard", 0o755)
	w.file("data/hard/one", []byte("hard linked content\n"), 0o644)
	w.link("data/hard/one", "data/hard/two")
	w.link("data/hard/one", "data/hard/three")
	w.dir("data/odd", 0o755)
	w.file("data/odd/with space.txt", []byte("spaces\n"), 0o644)
	w.file("data/odd/ünïcödé-名前.txt", []byte("non-ASCII\n"), 0o644)
	w.file("data/odd/quote\"and'apostrophe", []byte("quotes\n"), 0o644)
	w.file("data/odd/empty", nil, 0o644)
	w.dir("data/odd/empty-dir", 0o755)
	w.dir("data/odd/private", 0o700)
	w.file("data/odd/private/secret", []byte("mode 0600 in a 0700 dir\n"), 0o600)
	// A path longer than ustar's 100-byte name field (it needs the prefix field) and a
	// name of 99 bytes.
	deep := "data/odd/deep"
	for i := 0; i < 12; i++ {
		deep += fmt.Sprintf("/level%02d", i)
	}
	w.mkdirAll(deep)
	w.file(deep+"/"+string(repeat('n', 99)), []byte("long path\n"), 0o644)
	if s.BigMiB > 0 {
		w.big("data/big.bin", s.BigMiB)
	}
	if w.err != nil {
		return w.err
	}
	return w.fixDirTimes()
}

func repeat(c byte, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = c
	}
	return b
}

// BigByteAt is byte i of /data/big.bin: a cheap pattern that is not periodic at any
// block size (so a block read from the wrong offset changes the hash).
func BigByteAt(i int64) byte {
	x := uint64(i)*0x9E3779B97F4A7C15 + uint64(i>>12)
	return byte(x>>56) ^ byte(i>>20)
}

// writer remembers the first error, so Build reads as a list.
type writer struct {
	root string
	err  error
	dirs []string
}

func (w *writer) do(err error) {
	if w.err == nil && err != nil {
		w.err = err
	}
}

func (w *writer) path(p string) string { return filepath.Join(w.root, p) }

func (w *writer) dir(p string, mode os.FileMode) {
	w.do(os.MkdirAll(w.path(p), 0o755))
	w.chmod(p, mode)
	w.dirs = append(w.dirs, p)
}

func (w *writer) mkdirAll(p string) {
	if st, err := os.Stat(w.path(p)); err == nil && st.IsDir() {
		return
	}
	w.mkdirAll(filepath.Dir(p))
	w.dir(p, 0o755)
}

func (w *writer) chmod(p string, mode os.FileMode) { w.do(os.Chmod(w.path(p), mode)) }

func (w *writer) file(p string, b []byte, mode os.FileMode) {
	w.do(os.WriteFile(w.path(p), b, 0o600))
	w.chmod(p, mode)
	w.times(p, Epoch)
}

func (w *writer) times(p string, t time.Time) { w.do(os.Chtimes(w.path(p), t, t)) }

func (w *writer) symlink(target, p string) {
	w.do(os.Symlink(target, w.path(p)))
	w.do(lchtimes(w.path(p), Epoch))
}

func (w *writer) link(old, p string) { w.do(os.Link(w.path(old), w.path(p))) }

func (w *writer) big(p string, mib int) {
	f, err := os.OpenFile(w.path(p), os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644)
	if err != nil {
		w.do(err)
		return
	}
	buf := make([]byte, 1<<20)
	for m := 0; m < mib && w.err == nil; m++ {
		base := int64(m) << 20
		for k := range buf {
			buf[k] = BigByteAt(base + int64(k))
		}
		_, err := f.Write(buf)
		w.do(err)
	}
	w.do(f.Close())
	w.times(p, Epoch)
}

// fixDirTimes sets every directory's time last, deepest first (adding entries changed them).
func (w *writer) fixDirTimes() error {
	ds := append([]string(nil), w.dirs...)
	sort.Slice(ds, func(i, j int) bool { return len(ds[i]) > len(ds[j]) })
	for _, d := range ds {
		if err := os.Chtimes(w.path(d), Epoch, Epoch); err != nil {
			return err
		}
	}
	return nil
}
