// Block devices: a file (or host block device) opened read-write, checked against its sector size.
package tender

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// AttachBlock opens path O_RDWR and returns the fd and the capacity, which must
// be a whole number (at least one) of sectors.
func AttachBlock(path string, sector uint16) (fd int, capacity uint64, err error) {
	if sector == 0 {
		sector = DefaultSectorSize
	}
	if sector < 512 || sector&(sector-1) != 0 {
		return -1, 0, fmt.Errorf("%s: sector size %d must be a power of 2, at least 512", path, sector)
	}
	// Raw unix calls keep the fd out of Go's poller and its extra fds.
	fd, err = unix.Open(path, unix.O_RDWR|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, 0, fmt.Errorf("%s: cannot open read-write: %v", path, err)
	}
	end, err := unix.Seek(fd, 0, unix.SEEK_END)
	if err != nil {
		unix.Close(fd)
		return -1, 0, fmt.Errorf("%s: cannot find its size: %v", path, err)
	}
	capacity = uint64(end)
	bs := uint64(sector)
	switch {
	case capacity < bs:
		err = fmt.Errorf("%s: size %d is smaller than one block (%d bytes)", path, capacity, bs)
	case capacity%bs != 0:
		err = fmt.Errorf("%s: size %d must be block aligned (%d bytes)", path, capacity, bs)
	}
	if err != nil {
		unix.Close(fd)
		return -1, 0, err
	}
	return fd, capacity, nil
}
