// A hostile rootfs disk end to end: the libOS refuses it at boot with one line naming
// the entry and where it is, and exits with an error status; it never crashes or reads
// outside the disk (the parser itself is fuzzed in internal/runnc/rootfs).
package libos

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/nabla-containers/nabla/internal/bake"
	"github.com/nabla-containers/nabla/internal/runnc/rootfs"
)

func TestHostileRootfsDisk(t *testing.T) {
	tree := t.TempDir()
	os.MkdirAll(filepath.Join(tree, "etc"), 0o755)
	os.WriteFile(filepath.Join(tree, "etc", "hostname"), []byte("box\n"), 0o644)
	os.WriteFile(filepath.Join(tree, "big"), bytes.Repeat([]byte("z"), 3000), 0o644)
	res, err := rootfs.Image(tree, t.TempDir(), rootfs.Options{})
	if err != nil {
		t.Fatal(err)
	}
	good, err := os.ReadFile(res.Path)
	if err != nil {
		t.Fatal(err)
	}
	app, err := os.ReadFile(buildApp(t, "go-catfiles"))
	if err != nil {
		t.Fatal(err)
	}
	img, err := bake.Bake(libosImage(t), app, bake.Options{Name: "app", Disks: []string{"rootfs"}})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	imgPath := filepath.Join(dir, "app.spt")
	os.WriteFile(imgPath, img, 0o755)

	// header finds the 512-byte header of name in the archive.
	header := func(name string) int {
		for off := 0; off+512 <= len(good); off += 512 {
			if bytes.HasPrefix(good[off:], []byte(name+"\x00")) {
				return off
			}
		}
		t.Fatalf("%s not in the disk", name)
		return 0
	}
	run := func(disk []byte) (string, int) {
		p := filepath.Join(dir, "disk")
		os.WriteFile(p, disk, 0o644)
		cmd := exec.Command(tender(t), "--mem=256", "--block:rootfs="+p,
			"--block-sector-size:rootfs="+strconv.Itoa(rootfs.DiskBlock), imgPath, "--solo5:quiet",
			`{"argv":["/app","/etc/hostname"],"mounts":[{"dev":"rootfs","path":"/"}]}`)
		out, err := cmd.CombinedOutput()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return string(out), code
	}
	if out, code := run(good); code != 0 || !strings.Contains(out, `read /etc/hostname (/etc/hostname): "box\n" ok`) {
		t.Fatalf("the good disk: status %d\n%s", code, out)
	}
	cases := []struct {
		name string
		mod  func(d []byte)
		want string
	}{
		{"bad checksum", func(d []byte) { d[header("etc/hostname")+100] ^= 1 }, "checksum"},
		{"size past the end", func(d []byte) {
			h := d[header("big"):]
			copy(h[124:136], "77777777777\x00") // 8 GiB
			fixSum(h)
		}, "past the end of the disk"},
		{"dot-dot name", func(d []byte) {
			h := d[header("etc/hostname"):]
			copy(h[0:100], append([]byte("../../escape"), make([]byte, 88)...))
			fixSum(h)
		}, "'..'"},
		{"name without NUL", func(d []byte) {
			h := d[header("etc/hostname"):]
			copy(h[0:100], bytes.Repeat([]byte("n"), 100))
			copy(h[345:500], make([]byte, 155)) // no prefix
			fixSum(h)
		}, ""},
	}
	for _, c := range cases {
		t.Run(strings.ReplaceAll(c.name, " ", "-"), func(t *testing.T) {
			d := bytes.Clone(good)
			c.mod(d)
			out, code := run(d)
			t.Logf("status %d: %s", code, strings.TrimSpace(out))
			if strings.Contains(out, "fatal signal") || code >= 128 {
				t.Fatalf("the libOS crashed on a hostile disk: status %d\n%s", code, out)
			}
			if c.want == "" { // accepted with a 100-byte name: the disk is still consistent
				return
			}
			if code == 0 || !strings.Contains(out, "libos: disk rootfs: ") || !strings.Contains(out, c.want) {
				t.Fatalf("status %d, want a boot error naming %q:\n%s", code, c.want, out)
			}
			if n := strings.Count(strings.TrimSpace(out), "\n"); n > 2 {
				t.Errorf("more than a line or two of error:\n%s", out)
			}
		})
	}
}

// fixSum recomputes a ustar header's checksum (the sum of its bytes, the field as spaces).
func fixSum(h []byte) {
	copy(h[148:156], "        ")
	var s uint32
	for _, b := range h[:512] {
		s += uint32(b)
	}
	copy(h[148:156], []byte(octal6(s)+"\x00 "))
}

func octal6(v uint32) string {
	var b [6]byte
	for i := 5; i >= 0; i-- {
		b[i] = byte('0' + v&7)
		v >>= 3
	}
	return string(b[:])
}
