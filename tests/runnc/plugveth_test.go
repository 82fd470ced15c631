// The network tests' veth maker, run as a hook by re-executing the test binary: it
// needs no iproute2 (the aarch64 VM has only busybox, whose ip cannot name a veth's
// peer or move it to another namespace).
package runnc

import (
	"fmt"
	"os"
	"strconv"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// plugVethArg as the test binary's first argument runs plugVethMain instead of tests.
const plugVethArg = "plug-veth"

// plugVethMain makes a veth pair with end NAME in the namespace at PEERNS and end eth0
// in the network namespace of process PID. Both ends are created directly in their
// namespaces, so the namespace the hook runs in never sees them.
func plugVethMain(args []string) int {
	if len(args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: plug-veth PEERNS NAME PID")
		return 2
	}
	if err := plugVeth(args[0], args[1], args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "plug-veth:", err)
		return 1
	}
	return 0
}

func plugVeth(peerNS, name, pid string) error {
	if _, err := strconv.Atoi(pid); err != nil {
		return fmt.Errorf("pid %q is not a number", pid)
	}
	peer, err := unix.Open(peerNS, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(peer)
	ctr, err := unix.Open("/proc/"+pid+"/ns/net", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(ctr)
	la := netlink.NewLinkAttrs()
	la.Name, la.Namespace = name, netlink.NsFd(peer)
	return netlink.LinkAdd(&netlink.Veth{LinkAttrs: la, PeerName: "eth0", PeerNamespace: netlink.NsFd(ctr)})
}
