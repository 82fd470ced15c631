// Network devices: a Linux tap opened by name through /dev/net/tun, or handed over as an open fd.
package tender

import (
	"errors"
	"fmt"
	"strings"

	"golang.org/x/sys/unix"
)

// AttachTap opens spec (an interface name, or "@N" for an open tap fd N) as a
// non-blocking tap without packet information and returns the fd and its MTU.
func AttachTap(spec string) (fd int, mtu uint16, err error) {
	sock, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return -1, 0, fmt.Errorf("socket for interface queries: %v", err)
	}
	defer unix.Close(sock)

	if strings.HasPrefix(spec, "@") {
		return adoptTapFD(sock, spec)
	}
	ifr, err := unix.NewIfreq(spec)
	if err != nil {
		return -1, 0, fmt.Errorf("tap '%s': %v", spec, err)
	}
	// Check first: TUNSETIFF would create a missing tap, and a down one cannot carry packets.
	if err := unix.IoctlIfreq(sock, unix.SIOCGIFFLAGS, ifr); err != nil {
		if errors.Is(err, unix.ENODEV) {
			return -1, 0, fmt.Errorf("tap '%s' does not exist", spec)
		}
		return -1, 0, fmt.Errorf("tap '%s': %v", spec, err)
	}
	if ifr.Uint16()&unix.IFF_UP == 0 {
		return -1, 0, fmt.Errorf("tap '%s' is down", spec)
	}
	fd, err = unix.Open("/dev/net/tun", unix.O_RDWR|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, 0, fmt.Errorf("tap '%s': /dev/net/tun: %v", spec, err)
	}
	set, _ := unix.NewIfreq(spec)
	set.SetUint16(unix.IFF_TAP | unix.IFF_NO_PI)
	if err := unix.IoctlIfreq(fd, unix.TUNSETIFF, set); err != nil {
		unix.Close(fd)
		switch {
		case errors.Is(err, unix.EBUSY):
			return -1, 0, fmt.Errorf("tap '%s' is busy (attached by another process?)", spec)
		case errors.Is(err, unix.EINVAL):
			return -1, 0, fmt.Errorf("'%s' is not a tap interface", spec)
		}
		return -1, 0, fmt.Errorf("tap '%s': TUNSETIFF: %v", spec, err)
	}
	mtu, err = ifMTU(sock, spec)
	if err != nil {
		unix.Close(fd)
		return -1, 0, err
	}
	return fd, mtu, nil
}

// adoptTapFD takes an fd opened by the caller (runnc, a script), checks it is a
// tap without packet information and makes it non-blocking.
func adoptTapFD(sock int, spec string) (int, uint16, error) {
	fd, err := parseFDSpec(spec)
	if err != nil {
		return -1, 0, err
	}
	fl, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
	if err != nil {
		return -1, 0, fmt.Errorf("%s: fd %d is not open", spec, fd)
	}
	ifr, _ := unix.NewIfreq("")
	if err := unix.IoctlIfreq(fd, unix.TUNGETIFF, ifr); err != nil {
		return -1, 0, fmt.Errorf("%s: fd %d is not a tap device", spec, fd)
	}
	if f := ifr.Uint16(); f&unix.IFF_TAP == 0 || f&unix.IFF_NO_PI == 0 {
		return -1, 0, fmt.Errorf("%s: fd %d is not a tap opened with IFF_TAP|IFF_NO_PI", spec, fd)
	}
	if fl&unix.O_NONBLOCK == 0 {
		if _, err := unix.FcntlInt(uintptr(fd), unix.F_SETFL, fl|unix.O_NONBLOCK); err != nil {
			return -1, 0, fmt.Errorf("%s: cannot make fd %d non-blocking: %v", spec, fd, err)
		}
	}
	mtu, err := ifMTU(sock, ifr.Name())
	if err != nil {
		return -1, 0, fmt.Errorf("%s: %v", spec, err)
	}
	return fd, mtu, nil
}

// ifMTU asks the kernel for name's MTU; the manifest holds it as a u16.
func ifMTU(sock int, name string) (uint16, error) {
	ifr, err := unix.NewIfreq(name)
	if err != nil {
		return 0, fmt.Errorf("tap '%s': %v", name, err)
	}
	if err := unix.IoctlIfreq(sock, unix.SIOCGIFMTU, ifr); err != nil {
		return 0, fmt.Errorf("tap '%s': SIOCGIFMTU: %v", name, err)
	}
	m := ifr.Uint32()
	if m == 0 || m > 0xffff {
		return 0, fmt.Errorf("tap '%s': MTU %d does not fit the manifest", name, m)
	}
	return uint16(m), nil
}
