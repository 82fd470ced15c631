// Tests for block attach and manifest binding, on temporary files.
package tender

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

func tempFile(t *testing.T, size int64, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "disk")
	if err := os.WriteFile(p, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(p, size); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestAttachBlock(t *testing.T) {
	cases := []struct {
		size   int64
		sector uint16
		err    string
	}{
		{1 << 20, 512, ""},
		{4096, 4096, ""},
		{512, 0, ""}, // default sector size
		{6 << 10, 4096, "Backing storage size must be block aligned: "},
		{1000, 512, "size 1000 is not a multiple of 512 bytes"},
		{0, 512, "smaller than one block"},
		{2048, 4096, "smaller than one block"},
		{4096, 521, "power of 2"},
		{4096, 256, "power of 2"},
	}
	for _, c := range cases {
		p := tempFile(t, c.size, 0o600)
		fd, capacity, ro, err := AttachBlock(p, c.sector)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("AttachBlock(size %d, sector %d) = %v, want %q", c.size, c.sector, err, c.err)
			}
			continue
		}
		if err != nil || capacity != uint64(c.size) || ro {
			t.Errorf("AttachBlock(size %d, sector %d) = %d, read-only %v, %v", c.size, c.sector, capacity, ro, err)
			continue
		}
		fl, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
		if err != nil || fl&unix.O_ACCMODE != unix.O_RDWR {
			t.Errorf("fd is not open O_RDWR: flags %#x, %v", fl, err)
		}
		unix.Close(fd)
	}
	if _, _, _, err := AttachBlock(filepath.Join(t.TempDir(), "missing"), 512); err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("missing file: %v", err)
	}
	if _, _, _, err := AttachBlock(t.TempDir(), 512); err == nil {
		t.Errorf("a directory was accepted as a block device")
	}
}

func TestAttachBlockReadOnly(t *testing.T) {
	if os.Geteuid() == 0 {
		// root opens a 0400 file read-write anyway; a read-only bind mount is the real test, so use /proc.
		if _, _, _, err := AttachBlock("/proc/version", 512); err == nil {
			t.Fatalf("read-only /proc/version was opened read-write")
		}
		return
	}
	p := tempFile(t, 4096, 0o400)
	if _, _, _, err := AttachBlock(p, 512); err == nil || !strings.Contains(err.Error(), "read-write") {
		t.Fatalf("read-only file: %v", err)
	}
}

func TestCheckAndAttach(t *testing.T) {
	decls := []Decl{{"", DevReserved}, {"storage", DevBlock}, {"service", DevNet}, {"other", DevBlock}}
	disk := tempFile(t, 8192, 0o600)
	parse := func(args ...string) *Options {
		o, err := Parse(append(append([]string{"p"}, args...), "k"))
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	bad := []struct {
		o   *Options
		err string
	}{
		{parse("--block:nope=" + disk), "declares no device named 'nope'"},
		{parse("--net:storage=tap0"), "is BLOCK_BASIC in the manifest, not NET_BASIC"},
		{parse("--block:service=" + disk), "is NET_BASIC in the manifest, not BLOCK_BASIC"},
		{parse("--block:storage="+disk, "--net:service=tap0"), "device 'other' (BLOCK_BASIC) is declared in the manifest but not attached"},
		{parse("--block:storage="+disk, "--block:other="+disk), "device 'service' (NET_BASIC) is declared"},
	}
	for _, c := range bad {
		if err := Check(c.o, decls); err == nil || !strings.Contains(err.Error(), c.err) {
			t.Errorf("Check: %v, want %q", err, c.err)
		}
	}
	// Blocks only: attach for real, in manifest order.
	bdecls := []Decl{{"", DevReserved}, {"b", DevBlock}, {"a", DevBlock}}
	devs, err := Attach(parse("--block:a="+disk, "--block-sector-size:b=4096", "--block:b="+disk), bdecls)
	if err != nil {
		t.Fatal(err)
	}
	defer CloseDevices(devs)
	if len(devs) != 2 || devs[0].Index != 1 || devs[0].Name != "b" || devs[0].BlockSize != 4096 ||
		devs[1].Index != 2 || devs[1].BlockSize != 512 || devs[1].Capacity != 8192 {
		t.Fatalf("Attach = %+v", devs)
	}
	// A failing second device closes the first one's fd.
	before := countFDs(t)
	if _, err := Attach(parse("--block:b="+disk, "--block:a=/nonexistent/x"), bdecls); err == nil || !strings.Contains(err.Error(), "--block:a:") {
		t.Fatalf("Attach with a missing file: %v", err)
	}
	if after := countFDs(t); after != before {
		t.Fatalf("Attach leaked fds on error: %d before, %d after", before, after)
	}
}

func TestAttachTapErrors(t *testing.T) {
	if _, _, err := AttachTap("nabnotthere0"); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("missing tap: %v", err)
	}
	if _, _, err := AttachTap("@999"); err == nil || !strings.Contains(err.Error(), "not open") {
		t.Errorf("closed @FD: %v", err)
	}
	if _, _, err := AttachTap("@2"); err == nil || !strings.Contains(err.Error(), "not a tap") {
		t.Errorf("@2 (stderr): %v", err)
	}
}

func countFDs(t *testing.T) int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return len(ents)
}

// An @FD block device is taken as it was opened: read-only stays read-only (writes then
// fail with EBADF), and what cannot be a disk is refused and closed.
func TestAttachBlockFD(t *testing.T) {
	p := tempFile(t, 8192, 0o600)
	open := func(flags int) int {
		fd, err := unix.Open(p, flags, 0)
		if err != nil {
			t.Fatal(err)
		}
		return fd
	}
	for _, c := range []struct {
		flags int
		ro    bool
	}{{unix.O_RDONLY, true}, {unix.O_RDWR, false}} {
		fd := open(c.flags)
		got, capacity, ro, err := AttachBlock("@"+strconv.Itoa(fd), 4096)
		if err != nil || got != fd || capacity != 8192 || ro != c.ro {
			t.Errorf("AttachBlock(@%d, flags %#x) = %d, %d, read-only %v, %v", fd, c.flags, got, capacity, ro, err)
		}
		if fl, _ := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); fl&unix.FD_CLOEXEC == 0 {
			t.Errorf("adopted fd %d is not close-on-exec", fd)
		}
		_, werr := unix.Pwrite(fd, make([]byte, 512), 0)
		if c.ro && werr != unix.EBADF || !c.ro && werr != nil {
			t.Errorf("pwrite on the adopted fd (read-only %v): %v", c.ro, werr)
		}
		unix.Close(fd)
	}

	dir, err := unix.Open(t.TempDir(), unix.O_RDONLY|unix.O_DIRECTORY, 0)
	if err != nil {
		t.Fatal(err)
	}
	bad := []struct {
		fd  int
		err string
	}{
		{open(unix.O_WRONLY), "write-only"},
		{dir, "not a regular file or block device"},
		{open(unix.O_RDONLY), "smaller than one block"}, // 8192 bytes < one 16384-byte sector below
	}
	for i, c := range bad {
		sector := uint16(512)
		if i == 2 {
			sector = 16384
		}
		before := countFDs(t)
		if _, _, _, err := AttachBlock("@"+strconv.Itoa(c.fd), sector); err == nil || !strings.Contains(err.Error(), c.err) {
			t.Errorf("AttachBlock(@%d): %v, want %q", c.fd, err, c.err)
		}
		if after := countFDs(t); after != before-1 {
			t.Errorf("AttachBlock(@%d) did not close the refused fd (%d fds before, %d after)", c.fd, before, after)
		}
	}
	if _, _, _, err := AttachBlock("@999", 512); err == nil || !strings.Contains(err.Error(), "not open") {
		t.Errorf("AttachBlock(@999): %v", err)
	}
	// Through the command line and Attach: the device carries ReadOnly.
	fd := open(unix.O_RDONLY)
	o, err := Parse([]string{"p", "--block:storage=@" + strconv.Itoa(fd), "k"})
	if err != nil {
		t.Fatal(err)
	}
	devs, err := Attach(o, []Decl{{"", DevReserved}, {"storage", DevBlock}})
	if err != nil || len(devs) != 1 || devs[0].FD != fd || !devs[0].ReadOnly || devs[0].Capacity != 8192 {
		t.Fatalf("Attach(@%d) = %+v, %v", fd, devs, err)
	}
	CloseDevices(devs)
}
