// The tender's command line, finished by init once the network is known.
package initproc

import (
	"fmt"
	"strconv"

	"github.com/nabla-containers/nabla/abi"
	"github.com/nabla-containers/nabla/internal/runnc/netns"
	"github.com/nabla-containers/nabla/internal/runnc/specconv"
)

// Launch is everything needed to exec the tender except the network attachment.
type Launch struct {
	Tender  string   `json:"tender"`            // absolute path
	Head    []string `json:"head"`              // argv[0] and options (memory)
	Image   string   `json:"image"`             // host path of the unikernel
	Disk    string   `json:"disk,omitempty"`    // cached rootfs image, attached read-only as "rootfs"
	Volumes []Volume `json:"volumes,omitempty"` // further cached disks (libOS bind mounts), read-only
	// SectorSize, when set, is the block size of every disk (libOS images read their
	// disks in blocks of rootfs.DiskBlock); 0: the tender's default (512).
	SectorSize int              `json:"sectorSize,omitempty"`
	Guest      *specconv.Config `json:"guest"`
	NetDevice  string           `json:"netDevice,omitempty"` // manifest name of the NIC, if any
	Plain      bool             `json:"plain,omitempty"`     // args[1:] as the command line, no JSON
	Pause      bool             `json:"pause,omitempty"`     // no tender: hold the namespaces until signalled
	// GuestOpts go before the command line: --solo5:quiet (no banner or memory map in
	// the container's output), --libos:debug. The guest's bindings strip them.
	GuestOpts []string `json:"guestOpts,omitempty"`
}

// Volume is one more disk: its manifest name and the cached image.
type Volume struct {
	Name string `json:"name"`
	Path string `json:"path"`
}

// Argv completes the tender's argv: the read-only descriptors of the disks, the
// tap descriptor and eth0's MAC for the NIC, eth0's address in the guest
// configuration, then the image and its command line. A negative diskFD, or missing
// volFDs (before init has opened the disks: length checks), stand in as a wide fd number.
func (l *Launch) Argv(diskFD, tapFD int, net *netns.Config, volFDs ...int) ([]string, error) {
	a := append([]string{}, l.Head...)
	if l.Disk != "" {
		if diskFD < 0 {
			diskFD = 1 << 20
		}
		a = append(a, "--block:rootfs=@"+strconv.Itoa(diskFD))
		if l.SectorSize != 0 {
			a = append(a, "--block-sector-size:rootfs="+strconv.Itoa(l.SectorSize))
		}
	}
	for i, v := range l.Volumes {
		fd := 1 << 20
		if i < len(volFDs) {
			fd = volFDs[i]
		}
		a = append(a, "--block:"+v.Name+"=@"+strconv.Itoa(fd))
		if l.SectorSize != 0 {
			a = append(a, "--block-sector-size:"+v.Name+"="+strconv.Itoa(l.SectorSize))
		}
	}
	g := *l.Guest
	if l.NetDevice != "" && tapFD >= 0 {
		a = append(a, "--net:"+l.NetDevice+"=@"+strconv.Itoa(tapFD))
		if net != nil {
			a = append(a, "--net-mac:"+l.NetDevice+"="+net.MAC.String())
			n := &specconv.Net{If: "ukvmif0", Cloner: "True", Type: "inet", Method: "static", Addr: net.Addr.String(), Mask: net.Mask()}
			if net.Gateway != nil {
				n.Gw = net.Gateway.String()
			}
			g.Net = n
		}
	}
	var cmdline string
	if l.Plain {
		if len(g.Args) > 1 {
			cmdline = specconv.JoinArgs(g.Args[1:])
		}
		if len(cmdline) >= abi.CmdlineSize {
			return nil, fmt.Errorf("guest command line is %d bytes, the limit is %d", len(cmdline), abi.CmdlineSize-1)
		}
	} else {
		var err error
		if cmdline, err = g.Cmdline(); err != nil {
			return nil, err
		}
	}
	n := len(cmdline)
	for _, o := range l.GuestOpts {
		n += len(o) + 1
	}
	if n >= abi.CmdlineSize {
		return nil, fmt.Errorf("guest command line is %d bytes, the limit is %d (too many or too long args/env)", n, abi.CmdlineSize-1)
	}
	a = append(a, "--", l.Image)
	a = append(a, l.GuestOpts...)
	if cmdline == "" && len(l.GuestOpts) > 0 {
		return a, nil
	}
	return append(a, cmdline), nil
}
