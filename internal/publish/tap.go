// The tap in the private namespace: the host side's address, loopback up.
package publish

import (
	"fmt"
	"net"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// The private network: a /30 in a namespace of its own, so the addresses never meet the
// host's (every unikernel may use the same ones).
var (
	HostSideIP = net.IPv4(10, 0, 51, 1).To4() // the tap's address: the guest's gateway
	GuestIP    = net.IPv4(10, 0, 51, 2).To4()
)

// GuestPrefix is the prefix length of the private network.
const GuestPrefix = 30

// tapName is the tap's name inside the namespace (private to it).
const tapName = "tap0"

// setupTap runs on the namespace's thread: loopback up, a non-persistent tap with
// HostSideIP/30, up. The tap disappears with its last descriptor (the tender's) or with the
// namespace. The descriptor is returned without close-on-exec: the tender inherits it.
func setupTap() (int, error) {
	lo, err := netlink.LinkByName("lo")
	if err == nil {
		err = netlink.LinkSetUp(lo)
	}
	if err != nil {
		return -1, fmt.Errorf("loopback up: %v", err)
	}
	fd, err := unix.Open("/dev/net/tun", unix.O_RDWR|unix.O_NONBLOCK, 0)
	if err != nil {
		return -1, fmt.Errorf("open /dev/net/tun: %v", err)
	}
	fail := func(err error) (int, error) {
		unix.Close(fd)
		return -1, err
	}
	ifr, err := unix.NewIfreq(tapName)
	if err != nil {
		return fail(err)
	}
	ifr.SetUint16(unix.IFF_TAP | unix.IFF_NO_PI)
	if err := unix.IoctlIfreq(fd, unix.TUNSETIFF, ifr); err != nil {
		return fail(fmt.Errorf("create tap: %v", err))
	}
	tap, err := netlink.LinkByName(tapName)
	if err != nil {
		return fail(fmt.Errorf("tap: %v", err))
	}
	addr := &netlink.Addr{IPNet: &net.IPNet{IP: HostSideIP, Mask: net.CIDRMask(GuestPrefix, 32)}}
	if err := netlink.AddrAdd(tap, addr); err != nil {
		return fail(fmt.Errorf("tap address: %v", err))
	}
	if err := netlink.LinkSetUp(tap); err != nil {
		return fail(fmt.Errorf("tap up: %v", err))
	}
	return fd, nil
}
