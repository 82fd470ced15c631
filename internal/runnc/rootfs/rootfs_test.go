// Tests of the ustar rootfs image: contents, sector alignment, cache hits and misses.
package rootfs

import (
	"archive/tar"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func readTar(t *testing.T, p string) map[string]string {
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(b)%512 != 0 {
		t.Errorf("image size %d is not a multiple of 512", len(b))
	}
	out := map[string]string{}
	tr := tar.NewReader(bytes.NewReader(b))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(tr)
		switch h.Typeflag {
		case tar.TypeDir:
			out[h.Name] = "dir"
		case tar.TypeSymlink:
			out[h.Name] = "->" + h.Linkname
		default:
			out[h.Name] = string(data)
		}
	}
}

func tree(t *testing.T) string {
	d := t.TempDir()
	os.MkdirAll(filepath.Join(d, "etc"), 0o755)
	os.MkdirAll(filepath.Join(d, "data", "sub"), 0o755)
	os.WriteFile(filepath.Join(d, "etc", "hosts"), []byte("old hosts\n"), 0o644)
	os.WriteFile(filepath.Join(d, "data", "sub", "f.txt"), []byte("hello"), 0o644)
	os.WriteFile(filepath.Join(d, "app.spt"), []byte("ELF..."), 0o755)
	os.Symlink("sub/f.txt", filepath.Join(d, "data", "link"))
	long := strings.Repeat("n", 120)
	os.WriteFile(filepath.Join(d, "data", long), []byte("long name"), 0o644)
	return d
}

func TestImageContents(t *testing.T) {
	d, cache := tree(t), t.TempDir()
	extra := map[string][]byte{"etc/hosts": []byte("127.0.0.1 new\n"), "etc/resolv.conf": []byte("nameserver 1.1.1.1\n")}
	r, err := Image(d, cache, Options{Extra: extra, Skip: []string{"/app.spt"}})
	if err != nil {
		t.Fatal(err)
	}
	if r.Cached {
		t.Error("first build reported cached")
	}
	got := readTar(t, r.Path)
	want := map[string]string{
		"./": "dir", "data/": "dir", "data/sub/": "dir", "data/sub/f.txt": "hello", "data/link": "->sub/f.txt",
		"data/" + strings.Repeat("n", 120): "long name", "etc/": "dir",
		"etc/hosts": "127.0.0.1 new\n", "etc/resolv.conf": "nameserver 1.1.1.1\n",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	if _, ok := got["app.spt"]; ok {
		t.Error("skipped image present")
	}
	if len(got) != len(want) {
		t.Errorf("entries %v", got)
	}
}

func TestCache(t *testing.T) {
	d, cache := tree(t), t.TempDir()
	r1, err := Image(d, cache, Options{})
	if err != nil {
		t.Fatal(err)
	}
	st1, _ := os.Stat(r1.Path)
	r2, err := Image(d, cache, Options{})
	if err != nil || !r2.Cached || r2.Path != r1.Path {
		t.Fatalf("second build: %+v %v", r2, err)
	}
	st2, _ := os.Stat(r2.Path)
	if !os.SameFile(st1, st2) {
		t.Error("cached image was rewritten")
	}
	// Changing a file (size and mtime) gives a new image.
	time.Sleep(10 * time.Millisecond)
	os.WriteFile(filepath.Join(d, "data", "sub", "f.txt"), []byte("changed!"), 0o644)
	r3, err := Image(d, cache, Options{})
	if err != nil || r3.Cached || r3.Path == r1.Path {
		t.Fatalf("after change: %+v %v", r3, err)
	}
	if readTar(t, r3.Path)["data/sub/f.txt"] != "changed!" {
		t.Error("new content missing")
	}
	// Different injected /etc files give a different key.
	r4, _ := Image(d, cache, Options{Extra: map[string][]byte{"etc/hostname": []byte("a")}})
	r5, _ := Image(d, cache, Options{Extra: map[string][]byte{"etc/hostname": []byte("b")}})
	if r4.Path == r5.Path {
		t.Error("extra files not in the key")
	}
	ents, _ := os.ReadDir(cache)
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
}

func TestEmptyRootfsGetsEtc(t *testing.T) {
	r, err := Image(t.TempDir(), t.TempDir(), Options{Extra: map[string][]byte{"etc/hostname": []byte("h\n")}})
	if err != nil {
		t.Fatal(err)
	}
	got := readTar(t, r.Path)
	if got["./"] != "dir" || got["etc/"] != "dir" || got["etc/hostname"] != "h\n" || len(got) != 3 {
		t.Errorf("entries %v", got)
	}
}

func TestEtcFiles(t *testing.T) {
	d := t.TempDir()
	hosts := filepath.Join(d, "hosts")
	os.WriteFile(hosts, []byte("h"), 0o644)
	got, err := EtcFiles(map[string]string{"/etc/hosts": hosts, "/data": d})
	if err != nil || len(got) != 1 || string(got["etc/hosts"]) != "h" {
		t.Errorf("EtcFiles = %v, %v", got, err)
	}
	if _, err := EtcFiles(map[string]string{"/etc/hostname": d}); err == nil {
		t.Error("directory as /etc/hostname accepted")
	}
	if _, err := EtcFiles(map[string]string{"/etc/resolv.conf": filepath.Join(d, "nope")}); err == nil {
		t.Error("missing source accepted")
	}
}

func TestPrune(t *testing.T) {
	cache := t.TempDir()
	old := time.Now().Add(-MaxAge - time.Hour)
	for name, mt := range map[string]time.Time{"rootfs-old.tar": old, "rootfs-new.tar": time.Now(), ".rootfs-123": old, ".rootfs-456": time.Now()} {
		p := filepath.Join(cache, name)
		os.WriteFile(p, nil, 0o600)
		os.Chtimes(p, mt, mt)
	}
	if _, err := Image(tree(t), cache, Options{}); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]bool{"rootfs-old.tar": false, "rootfs-new.tar": true, ".rootfs-123": false, ".rootfs-456": true} {
		if _, err := os.Stat(filepath.Join(cache, name)); (err == nil) != want {
			t.Errorf("%s present = %v, want %v", name, err == nil, want)
		}
	}
}

func TestFileImage(t *testing.T) {
	d, cache := t.TempDir(), t.TempDir()
	src := filepath.Join(d, "resolv.conf")
	os.WriteFile(src, []byte("nameserver 10.0.0.1\n"), 0o644)
	r, err := FileImage(src, "resolv.conf", cache)
	if err != nil {
		t.Fatal(err)
	}
	if got := readTar(t, r.Path); len(got) != 1 || got["resolv.conf"] != "nameserver 10.0.0.1\n" {
		t.Errorf("entries %v", got)
	}
	if r2, err := FileImage(src, "resolv.conf", cache); err != nil || !r2.Cached || r2.Path != r.Path {
		t.Errorf("second build: %+v %v", r2, err)
	}
	if _, err := FileImage(d, "x", cache); err == nil {
		t.Error("a directory accepted as a file")
	}
	if _, err := FileImage(src, "a/b", cache); err == nil {
		t.Error("a name with a slash accepted")
	}
}
