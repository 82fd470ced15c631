// Image pages shared between guests: read-only segments mapped from the image file, and the checks that keep that file the one parsed.
package spt

import (
	"debug/elf"
	"fmt"

	"golang.org/x/sys/unix"

	nelf "github.com/nabla-containers/nabla/internal/elf"
	"github.com/nabla-containers/nabla/internal/tender"
)

// imageID is what tells the image file apart from a changed or replaced one.
type imageID struct {
	dev, ino     uint64
	size         int64
	mtime, ctime unix.Timespec
}

// statImage reads fd's identity (fstat).
func statImage(fd int, name string) (imageID, error) {
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return imageID{}, fmt.Errorf("%s: %v", name, err)
	}
	return imageID{dev: uint64(st.Dev), ino: uint64(st.Ino), size: st.Size, mtime: st.Mtim, ctime: st.Ctim}, nil
}

// checkUnchanged refuses an image whose file changed between the parse and the mappings:
// what the guest runs must be what the tender checked and compiled the filter for.
func checkUnchanged(fd int, name string, before imageID) error {
	after, err := statImage(fd, name)
	if err != nil {
		return err
	}
	if after != before {
		return fmt.Errorf("%s: the image file changed while it was loaded", name)
	}
	return nil
}

// checkNotAttached refuses a writable block device that is the image file itself: the
// guest could then rewrite its own read-only pages (among them the libOS text, whose
// calls the filter lets through) in the page cache they are mapped from.
func checkNotAttached(devs []tender.Device, img imageID) error {
	for _, d := range devs {
		if d.Type != tender.DevBlock || d.ReadOnly {
			continue
		}
		var st unix.Stat_t
		if err := unix.Fstat(d.FD, &st); err != nil {
			return fmt.Errorf("--block:%s: %v", d.Name, err)
		}
		if uint64(st.Dev) == img.dev && uint64(st.Ino) == img.ino {
			return fmt.Errorf("--block:%s: is the unikernel image itself; attach it read-only (@FD opened O_RDONLY) or a copy", d.Name)
		}
	}
	return nil
}

// sharedPages is the page-aligned part of a read-only segment that can be a private
// mapping of the file: the whole pages inside [vaddr, vaddr+filesz), when the file
// offset and the address agree within a page. ok is false when there is none.
func sharedPages(s nelf.Segment) (lo, hi, off uint64, ok bool) {
	if s.Flags&uint32(elf.PF_W) != 0 || s.Offset%pageSize != s.Vaddr%pageSize {
		return 0, 0, 0, false
	}
	lo = (s.Vaddr + pageSize - 1) &^ (pageSize - 1)
	hi = (s.Vaddr + s.Filesz) &^ (pageSize - 1)
	if hi <= lo {
		return 0, 0, 0, false
	}
	return lo, hi, s.Offset + (lo - s.Vaddr), true
}

// mapShared replaces guest memory [lo, hi) with a private mapping of fd at off, prot as
// given: the page cache's pages, shared by every guest of this image until one writes.
func mapShared(fd int, lo, hi, off uint64, prot int) error {
	r, _, errno := unix.Syscall6(unix.SYS_MMAP, uintptr(lo), uintptr(hi-lo), uintptr(prot),
		uintptr(unix.MAP_PRIVATE|unix.MAP_FIXED), uintptr(fd), uintptr(off))
	if errno != 0 {
		return errno
	}
	if r != uintptr(lo) {
		return fmt.Errorf("mapped at %#x", r)
	}
	return nil
}
