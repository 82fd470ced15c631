// Tests that guests of one image map its read-only pages from the file and share them.
package spt

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	nelf "github.com/nabla-containers/nabla/internal/elf"
	"github.com/nabla-containers/nabla/internal/tender"
)

// startGuest starts the tender on image (test_spin) and returns it with its guest child's
// pid, once the guest has printed its line: past its unmaps and running its own code
// (under the VM's emulation that takes longer than any fixed sleep) and the tender has
// become the waiter.
func startGuest(t *testing.T, image string) (*exec.Cmd, string) {
	cmd := exec.Command(tenderPath(t), "--mem=2", image)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	up := make(chan bool, 1)
	go func() {
		s := bufio.NewScanner(out)
		for s.Scan() {
			if strings.Contains(s.Text(), "SPINNING") {
				up <- true
				for s.Scan() {
				}
				return
			}
		}
		up <- false
	}()
	select {
	case ok := <-up:
		if !ok {
			t.Fatal("the guest ended before it printed SPINNING")
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the guest printed nothing within 30 s")
	}
	// The guest may print before the tender has become the waiter.
	for i := 0; ; i++ {
		exe, _ := os.Readlink(fmt.Sprintf("/proc/%d/exe", cmd.Process.Pid))
		if strings.HasPrefix(exe, "/memfd:") {
			break
		}
		if i == 1000 {
			t.Fatalf("the tender is still %q 10 s after the guest started, not the waiter", exe)
		}
		time.Sleep(10 * time.Millisecond)
	}
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", cmd.Process.Pid, cmd.Process.Pid))
	child := strings.TrimSpace(string(b))
	if child == "" {
		t.Fatal("no guest child")
	}
	return cmd, child
}

// imageMappings returns the smaps entries of pid that map the file with inode ino.
func imageMappings(t *testing.T, pid string, ino uint64) []string {
	b, err := os.ReadFile("/proc/" + pid + "/smaps")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	cur := -1
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) >= 5 && strings.Contains(f[0], "-") && !strings.HasSuffix(f[0], ":") {
			cur = -1
			if n, err := strconv.ParseUint(f[4], 10, 64); err == nil && n == ino {
				out = append(out, line)
				cur = len(out) - 1
			}
			continue
		}
		if cur >= 0 {
			out[cur] += "\n" + line
		}
	}
	return out
}

// smapsKiB reads a "Name:  N kB" field of one smaps entry.
func smapsKiB(entry, name string) int {
	for _, l := range strings.Split(entry, "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == name+":" {
			n, _ := strconv.Atoi(f[1])
			return n
		}
	}
	return -1
}

// TestImageTextShared runs two guests of one image: each maps the whole pages of the
// text segment from the image file (private, read-only, executable, nothing dirty), and
// the pages both touched are shared between them rather than copied.
func TestImageTextShared(t *testing.T) {
	p := filepath.Join(guestDir(), "test_spin.spt")
	if !exists(p) {
		t.Fatalf("no %s (make guest)", p)
	}
	var st syscall.Stat_t
	if err := syscall.Stat(p, &st); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	fi, _ := f.Stat()
	img, err := nelf.Parse(f, fi.Size())
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	var text nelf.Segment
	for _, s := range img.Segments {
		if s.Flags&1 != 0 { // PF_X
			text = s
		}
	}
	lo, hi, _, ok := sharedPages(text)
	if !ok {
		t.Fatalf("%s: text segment %+v has no whole page to map", p, text)
	}
	_, c1 := startGuest(t, p)
	_, c2 := startGuest(t, p)
	shared, all := 0, ""
	for _, c := range []string{c1, c2} {
		ms := imageMappings(t, c, st.Ino)
		if len(ms) != 1 {
			t.Fatalf("guest %s: %d mappings of the image, want the text:\n%s", c, len(ms), strings.Join(ms, "\n"))
		}
		start, end, perm, ok := mapsRange([]byte(ms[0]))
		if !ok || start != lo || end != hi || string(perm) != "r-xp" {
			t.Errorf("guest %s: image mapping %q, want [%#x, %#x) r-xp", c, strings.SplitN(ms[0], "\n", 2)[0], lo, hi)
		}
		// Copies would be anonymous; the page cache's pages count as dirty on a tmpfs
		// (the VM's initramfs), so shared is clean or dirty.
		if d := smapsKiB(ms[0], "Anonymous"); d != 0 {
			t.Errorf("guest %s: %d KiB of the text mapping are private copies", c, d)
		}
		shared += smapsKiB(ms[0], "Shared_Clean") + smapsKiB(ms[0], "Shared_Dirty")
		all += "guest " + c + ":\n" + ms[0] + "\n"
	}
	if shared == 0 {
		t.Errorf("no text page is shared between the two guests:\n%s", all)
	}
}

// TestImageIdentity: a changed image file and a writable attachment of the image itself are refused.
func TestImageIdentity(t *testing.T) {
	p := filepath.Join(t.TempDir(), "img")
	if err := os.WriteFile(p, make([]byte, 4096), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(p, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	id, err := statImage(int(f.Fd()), p)
	if err != nil {
		t.Fatal(err)
	}
	if err := checkUnchanged(int(f.Fd()), p, id); err != nil {
		t.Errorf("unchanged file: %v", err)
	}
	if err := checkNotAttached([]tender.Device{{Type: tender.DevBlock, FD: int(f.Fd()), Name: "rootfs", ReadOnly: true}}, id); err != nil {
		t.Errorf("read-only attachment of the image: %v", err)
	}
	if err := checkNotAttached([]tender.Device{{Type: tender.DevBlock, FD: int(f.Fd()), Name: "rootfs"}}, id); err == nil {
		t.Errorf("a writable attachment of the image was accepted")
	}
	if _, err := f.WriteAt([]byte{1}, 8192); err != nil {
		t.Fatal(err)
	}
	if err := checkUnchanged(int(f.Fd()), p, id); err == nil {
		t.Errorf("a file grown after the parse was accepted")
	}
}
