// Block devices: a file (or host block device) opened read-write, or an fd handed over (possibly read-only), checked against its sector size.
package tender

import (
	"fmt"
	"strings"

	"golang.org/x/sys/unix"
)

// AttachBlock opens spec, a path (O_RDWR, as upstream does) or "@N" for an fd N the
// caller left open (taken as it is: read-write or read-only), and returns the fd,
// the capacity, which must be a whole number (at least one) of sectors, and whether
// the guest may only read it. A handed-over fd is closed on error, like an opened one.
func AttachBlock(spec string, sector uint16) (fd int, capacity uint64, readOnly bool, err error) {
	if sector == 0 {
		sector = DefaultSectorSize
	}
	if sector < 512 || sector&(sector-1) != 0 {
		return -1, 0, false, fmt.Errorf("%s: sector size %d must be a power of 2, at least 512", spec, sector)
	}
	if strings.HasPrefix(spec, "@") {
		fd, readOnly, err = adoptBlockFD(spec)
	} else {
		// Raw unix calls keep the fd out of Go's poller and its extra fds.
		fd, err = unix.Open(spec, unix.O_RDWR|unix.O_CLOEXEC, 0)
		if err != nil {
			err = fmt.Errorf("%s: cannot open read-write: %v", spec, err)
		}
	}
	if err != nil {
		return -1, 0, false, err
	}
	// pread/pwrite ignore the file offset, so moving it to find the size is harmless.
	end, err := unix.Seek(fd, 0, unix.SEEK_END)
	if err != nil {
		unix.Close(fd)
		return -1, 0, false, fmt.Errorf("%s: cannot find its size: %v", spec, err)
	}
	capacity = uint64(end)
	bs := uint64(sector)
	switch {
	case capacity < bs:
		err = fmt.Errorf("%s: size %d is smaller than one block (%d bytes)", spec, capacity, bs)
	case capacity%bs != 0:
		err = fmt.Errorf("Backing storage size must be block aligned: %s: size %d is not a multiple of %d bytes", spec, capacity, bs)
	}
	if err != nil {
		unix.Close(fd)
		return -1, 0, false, err
	}
	return fd, capacity, readOnly, nil
}

// adoptBlockFD checks that "@N" is an open regular file or block device the tender
// can read; a read-only one makes a read-only device. It keeps the fd from leaking
// into anything the tender might start.
func adoptBlockFD(spec string) (int, bool, error) {
	fd, err := parseFDSpec(spec)
	if err != nil {
		return -1, false, err
	}
	fl, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
	if err != nil {
		return -1, false, fmt.Errorf("%s: fd %d is not open", spec, fd)
	}
	fail := func(format string, a ...any) (int, bool, error) {
		unix.Close(fd)
		return -1, false, fmt.Errorf("%s: "+format, append([]any{spec}, a...)...)
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return fail("fstat: %v", err)
	}
	if t := st.Mode & unix.S_IFMT; t != unix.S_IFREG && t != unix.S_IFBLK {
		return fail("fd %d is not a regular file or block device", fd)
	}
	var readOnly bool
	switch fl & unix.O_ACCMODE {
	case unix.O_RDONLY:
		readOnly = true
	case unix.O_RDWR:
	default:
		return fail("fd %d is open write-only; a block device must be readable", fd)
	}
	if _, err := unix.FcntlInt(uintptr(fd), unix.F_SETFD, unix.FD_CLOEXEC); err != nil {
		return fail("F_SETFD: %v", err)
	}
	return fd, readOnly, nil
}
