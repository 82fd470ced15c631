// Binding the manifest's declared devices to the command line's attachments.
package tender

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// DevType is a manifest entry type (the abi.MFT* values).
type DevType uint32

const (
	DevBlock    DevType = 1       // MFT_DEV_BLOCK_BASIC
	DevNet      DevType = 2       // MFT_DEV_NET_BASIC
	DevReserved DevType = 1 << 30 // MFT_RESERVED_FIRST and above: not a device
)

func (t DevType) String() string {
	switch t {
	case DevBlock:
		return "BLOCK_BASIC"
	case DevNet:
		return "NET_BASIC"
	}
	return fmt.Sprintf("type %d", uint32(t))
}

// Decl is one manifest entry; its index in the slice is the guest's handle.
type Decl struct {
	Name string
	Type DevType
}

// Device is an attached device, ready for the guest's manifest copy.
type Device struct {
	Index     int // manifest index = guest handle
	Name      string
	Type      DevType
	FD        int
	Capacity  uint64 // block
	BlockSize uint16 // block
	ReadOnly  bool   // block: a read-only @FD; guest writes fail with an error
	MAC       [6]byte
	MTU       uint16 // net
}

// Check verifies, without touching the host, that every attachment names a
// manifest device of the right type and every declared device is attached.
func Check(o *Options, decls []Decl) error {
	index := make(map[string]int, len(decls))
	for i, d := range decls {
		if i > 0 && d.Type < DevReserved {
			index[d.Name] = i
		}
	}
	want := func(opt, name string, t DevType) error {
		i, ok := index[name]
		if !ok {
			return fmt.Errorf("%s: the unikernel declares no device named '%s'", opt, name)
		}
		if decls[i].Type != t {
			return fmt.Errorf("%s: device '%s' is %s in the manifest, not %s", opt, name, decls[i].Type, t)
		}
		return nil
	}
	attached := map[string]bool{}
	for _, b := range o.Blocks {
		if err := want("--block:"+b.Name, b.Name, DevBlock); err != nil {
			return err
		}
		attached[b.Name] = true
	}
	for _, n := range o.Nets {
		if err := want("--net:"+n.Name, n.Name, DevNet); err != nil {
			return err
		}
		attached[n.Name] = true
	}
	for i, d := range decls {
		if i == 0 || d.Type >= DevReserved || attached[d.Name] {
			continue
		}
		opt := "--block:" + d.Name + "=PATH"
		if d.Type == DevNet {
			opt = "--net:" + d.Name + "=TAP"
		}
		return fmt.Errorf("device '%s' (%s) is declared in the manifest but not attached (use %s)", d.Name, d.Type, opt)
	}
	return nil
}

// Attach checks the attachments (see Check), then opens every block file and
// tap; the result is in manifest order. On error nothing stays open (handed-over
// @FDs included).
func Attach(o *Options, decls []Decl) ([]Device, error) {
	if err := Check(o, decls); err != nil {
		return nil, err
	}
	blocks := make(map[string]*BlockOpt, len(o.Blocks))
	for k := range o.Blocks {
		blocks[o.Blocks[k].Name] = &o.Blocks[k]
	}
	nets := make(map[string]*NetOpt, len(o.Nets))
	for k := range o.Nets {
		nets[o.Nets[k].Name] = &o.Nets[k]
	}
	devs := make([]Device, 0, len(o.Blocks)+len(o.Nets))
	fail := func(err error) ([]Device, error) {
		CloseDevices(devs)
		return nil, err
	}
	for i, d := range decls {
		if i == 0 || d.Type >= DevReserved {
			continue
		}
		dev := Device{Index: i, Name: d.Name, Type: d.Type}
		switch d.Type {
		case DevBlock:
			b := blocks[d.Name]
			bs := b.SectorSize
			if bs == 0 {
				bs = DefaultSectorSize
			}
			fd, capacity, ro, err := AttachBlock(b.Path, bs)
			if err != nil {
				return fail(fmt.Errorf("--block:%s: %v", d.Name, err))
			}
			dev.FD, dev.Capacity, dev.BlockSize, dev.ReadOnly = fd, capacity, bs, ro
		case DevNet:
			n := nets[d.Name]
			fd, mtu, err := AttachTap(n.Spec)
			if err != nil {
				return fail(fmt.Errorf("--net:%s: %v", d.Name, err))
			}
			dev.FD, dev.MTU, dev.MAC = fd, mtu, n.MAC
			if !n.MACSet {
				if dev.MAC, err = RandomMAC(); err != nil {
					unix.Close(fd)
					return fail(err)
				}
			}
		default:
			return fail(fmt.Errorf("device '%s' has unknown manifest type %d", d.Name, uint32(d.Type)))
		}
		devs = append(devs, dev)
	}
	return devs, nil
}

// CloseDevices closes the fds Attach opened (a handed-over @FD included).
func CloseDevices(devs []Device) {
	for _, d := range devs {
		unix.Close(d.FD)
	}
}
