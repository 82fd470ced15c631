// Moving eth0's address to a tap and joining the two with tc redirects (no bridge).
package netns

import (
	"errors"
	"fmt"
	"net"
	"strconv"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// TapName is the tap's name inside the container's namespace (private to it).
const TapName = "tap0"

// Config is eth0's IPv4 configuration as the guest gets it.
type Config struct {
	Addr    net.IP
	Prefix  int
	Gateway net.IP // nil without a default route
	MAC     net.HardwareAddr
}

// Mask is the prefix length as the rumprun "mask" key spells it. A /32 with a gateway
// outside it (Calico's proxy-ARP style) is passed unchanged: the guest must route to
// the gateway on-link.
func (c *Config) Mask() string { return strconv.Itoa(c.Prefix) }

// Result is the attached tap: its descriptor (to keep open across exec) and eth0's
// configuration (nil when the namespace has no eth0 with an IPv4 address).
type Result struct {
	TapFD  int
	Config *Config
}

// Setup runs in the container's network namespace (the calling thread's). It
// creates the tap; when eth0 has an IPv4 address, it removes the address from eth0
// and redirects every frame from eth0 to the tap and back with tc, so the guest owns
// eth0's address and MAC and the host namespace never sees a new device.
func Setup() (*Result, error) {
	fd, err := openTap(TapName)
	if err != nil {
		return nil, err
	}
	res := &Result{TapFD: fd}
	fail := func(err error) (*Result, error) {
		unix.Close(fd)
		return nil, err
	}
	tap, err := netlink.LinkByName(TapName)
	if err != nil {
		return fail(fmt.Errorf("tap: %v", err))
	}
	eth, err := netlink.LinkByName("eth0")
	var nf netlink.LinkNotFoundError
	if errors.As(err, &nf) {
		// No network plugged in: the guest gets a NIC with no link.
		if err := netlink.LinkSetUp(tap); err != nil {
			return fail(fmt.Errorf("tap up: %v", err))
		}
		return res, nil
	}
	if err != nil {
		return fail(fmt.Errorf("eth0: %v", err))
	}
	cfg, addr, err := readConfig(eth)
	if err != nil {
		return fail(err)
	}
	if mtu := eth.Attrs().MTU; mtu > 0 {
		if err := netlink.LinkSetMTU(tap, mtu); err != nil {
			return fail(fmt.Errorf("tap mtu: %v", err))
		}
	}
	if addr != nil {
		// The guest answers for the address now; the namespace's stack must not.
		if err := netlink.AddrDel(eth, addr); err != nil {
			return fail(fmt.Errorf("remove eth0 address: %v", err))
		}
	}
	for _, l := range []netlink.Link{tap, eth} {
		if err := netlink.LinkSetUp(l); err != nil {
			return fail(fmt.Errorf("%s up: %v", l.Attrs().Name, err))
		}
	}
	if err := redirect(eth, tap); err != nil {
		return fail(err)
	}
	if err := redirect(tap, eth); err != nil {
		return fail(err)
	}
	res.Config = cfg
	return res, nil
}

// readConfig reads eth0's first IPv4 address, the default gateway and the MAC.
func readConfig(eth netlink.Link) (*Config, *netlink.Addr, error) {
	addrs, err := netlink.AddrList(eth, netlink.FAMILY_V4)
	if err != nil {
		return nil, nil, fmt.Errorf("eth0 addresses: %v", err)
	}
	if len(addrs) == 0 {
		return nil, nil, nil
	}
	a := addrs[0]
	ones, _ := a.IPNet.Mask.Size()
	cfg := &Config{Addr: a.IP.To4(), Prefix: ones, MAC: eth.Attrs().HardwareAddr}
	routes, err := netlink.RouteList(nil, netlink.FAMILY_V4)
	if err != nil {
		return nil, nil, fmt.Errorf("routes: %v", err)
	}
	for _, r := range routes {
		if (r.Dst == nil || r.Dst.IP.IsUnspecified()) && r.Gw != nil {
			cfg.Gateway = r.Gw.To4()
			break
		}
	}
	return cfg, &a, nil
}

// redirect sends every frame arriving on from out of to (ingress qdisc, u32 match-all
// filter, mirred egress redirect).
func redirect(from, to netlink.Link) error {
	idx := from.Attrs().Index
	q := &netlink.Ingress{QdiscAttrs: netlink.QdiscAttrs{LinkIndex: idx, Handle: netlink.MakeHandle(0xffff, 0), Parent: netlink.HANDLE_INGRESS}}
	if err := netlink.QdiscAdd(q); err != nil {
		return fmt.Errorf("ingress qdisc on %s: %v", from.Attrs().Name, err)
	}
	f := &netlink.U32{
		FilterAttrs: netlink.FilterAttrs{LinkIndex: idx, Parent: netlink.MakeHandle(0xffff, 0), Priority: 1, Protocol: unix.ETH_P_ALL},
		Actions:     []netlink.Action{netlink.NewMirredAction(to.Attrs().Index)},
	}
	if err := netlink.FilterAdd(f); err != nil {
		return fmt.Errorf("redirect %s to %s: %v", from.Attrs().Name, to.Attrs().Name, err)
	}
	return nil
}
