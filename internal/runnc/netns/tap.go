// Package netns gives the unikernel the container's network: in the container's network
// namespace, eth0's IPv4 configuration moves to a tap the tender attaches.
package netns

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// openTap creates a non-persistent tap called name in the calling thread's network
// namespace. It disappears when the last descriptor (the tender's) is closed, so an
// exiting container leaves no device behind.
func openTap(name string) (int, error) {
	fd, err := unix.Open("/dev/net/tun", unix.O_RDWR|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, fmt.Errorf("open /dev/net/tun: %v", err)
	}
	ifr, err := unix.NewIfreq(name)
	if err != nil {
		unix.Close(fd)
		return -1, fmt.Errorf("tap %s: %v", name, err)
	}
	ifr.SetUint16(unix.IFF_TAP | unix.IFF_NO_PI)
	if err := unix.IoctlIfreq(fd, unix.TUNSETIFF, ifr); err != nil {
		unix.Close(fd)
		return -1, fmt.Errorf("create tap %s: %v", name, err)
	}
	return fd, nil
}
