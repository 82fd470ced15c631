// Package tender holds what nabla-spt and nabla-hvt share: the upstream-compatible command line, device attachment, the guest command line and exit-status conventions.
package tender

import (
	"fmt"
	"strconv"
	"strings"
)

// BlockOpt is one --block:NAME=PATH|@FD, with its --block-sector-size:NAME if given.
type BlockOpt struct {
	Name       string
	Path       string // a file or block device, or "@N" for an already open fd N
	SectorSize uint16 // 0: DefaultSectorSize
}

// NetOpt is one --net:NAME=TAP|@FD, with its --net-mac:NAME if given.
type NetOpt struct {
	Name   string
	Spec   string // an interface name, or "@N" for an already open fd N
	MAC    [6]byte
	MACSet bool
}

// Options is the parsed command line. Nothing in it has touched the host yet.
type Options struct {
	Help    bool
	Version bool
	MemMiB  uint64 // 0 when --mem was not given
	Blocks  []BlockOpt
	Nets    []NetOpt
	Kernel  string
	Args    []string // the guest's arguments, after KERNEL
	// Stdin (--stdin, nabla-spt with a libOS image) lets the guest read the tender's fd 0,
	// made non-blocking and watched by the guest's epoll set.
	Stdin bool
}

// Parse reads args (args[0] is the program name) the way upstream's tenders do:
// options, then KERNEL (the first argument not starting with '-', or the one
// after "--"), then the guest's arguments, which are never interpreted.
// --help and --version end parsing at once, as upstream's first pass does.
func Parse(args []string) (*Options, error) {
	o := &Options{}
	sectors := map[string]uint16{}
	macs := map[string][6]byte{}
	seen := map[string]string{} // device name -> the option that attached it
	i := 1
	for ; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			i++
			break
		}
		if !strings.HasPrefix(a, "-") {
			break
		}
		switch {
		case a == "--help":
			o.Help = true
			return o, nil
		case a == "--version":
			o.Version = true
			return o, nil
		case a == "--stdin":
			o.Stdin = true
		case strings.HasPrefix(a, "--mem="):
			mb, err := parseMem(a[len("--mem="):])
			if err != nil {
				return nil, err
			}
			o.MemMiB = mb
		case strings.HasPrefix(a, "--block:"):
			name, path, err := splitDev(a, "--block:")
			if err != nil {
				return nil, err
			}
			if strings.HasPrefix(path, "@") {
				if _, err := parseFDSpec(path); err != nil {
					return nil, fmt.Errorf("%s: %v", a, err)
				}
			}
			if prev, dup := seen[name]; dup {
				return nil, fmt.Errorf("%s: device '%s' is already attached by %s", a, name, prev)
			}
			seen[name] = a
			o.Blocks = append(o.Blocks, BlockOpt{Name: name, Path: path})
		case strings.HasPrefix(a, "--block-sector-size:"):
			name, v, err := splitDev(a, "--block-sector-size:")
			if err != nil {
				return nil, err
			}
			n, err := ParseSectorSize(v)
			if err != nil {
				return nil, fmt.Errorf("%s: %v", a, err)
			}
			sectors[name] = n
		case strings.HasPrefix(a, "--net:"):
			name, spec, err := splitDev(a, "--net:")
			if err != nil {
				return nil, err
			}
			if err := checkNetSpec(spec); err != nil {
				return nil, fmt.Errorf("%s: %v", a, err)
			}
			if prev, dup := seen[name]; dup {
				return nil, fmt.Errorf("%s: device '%s' is already attached by %s", a, name, prev)
			}
			seen[name] = a
			o.Nets = append(o.Nets, NetOpt{Name: name, Spec: spec})
		case strings.HasPrefix(a, "--net-mac:"):
			name, v, err := splitDev(a, "--net-mac:")
			if err != nil {
				return nil, err
			}
			mac, err := ParseMAC(v)
			if err != nil {
				return nil, fmt.Errorf("%s: %v", a, err)
			}
			macs[name] = mac
		default:
			return nil, fmt.Errorf("invalid option: '%s' (try --help)", a)
		}
	}
	if i >= len(args) {
		return nil, fmt.Errorf("missing KERNEL argument (try --help)")
	}
	o.Kernel = args[i]
	o.Args = args[i+1:]
	if o.Kernel == "" {
		return nil, fmt.Errorf("KERNEL is an empty string")
	}

	// A sector size or MAC for a device that is not attached is a typo; say so
	// rather than silently ignore it.
	for k := range o.Blocks {
		if n, ok := sectors[o.Blocks[k].Name]; ok {
			o.Blocks[k].SectorSize = n
			delete(sectors, o.Blocks[k].Name)
		}
	}
	for name := range sectors {
		return nil, fmt.Errorf("--block-sector-size:%s given without --block:%s=PATH", name, name)
	}
	for k := range o.Nets {
		if mac, ok := macs[o.Nets[k].Name]; ok {
			o.Nets[k].MAC, o.Nets[k].MACSet = mac, true
			delete(macs, o.Nets[k].Name)
		}
	}
	for name := range macs {
		return nil, fmt.Errorf("--net-mac:%s given without --net:%s=TAP", name, name)
	}
	return o, nil
}

// splitDev splits "PREFIXNAME=VALUE" and checks NAME as the manifest does.
func splitDev(a, prefix string) (name, value string, err error) {
	rest := a[len(prefix):]
	eq := strings.IndexByte(rest, '=')
	if eq < 0 {
		return "", "", fmt.Errorf("%s: expected %sNAME=VALUE", a, prefix)
	}
	name, value = rest[:eq], rest[eq+1:]
	if err := CheckName(name); err != nil {
		return "", "", fmt.Errorf("%s: %v", a, err)
	}
	if value == "" {
		return "", "", fmt.Errorf("%s: empty value for '%s'", a, name)
	}
	return name, value, nil
}

// MaxNameLen is the longest device name a manifest entry can hold (68 bytes with the NUL).
const MaxNameLen = 67

// CheckName accepts the device names the manifest generator accepts: [A-Za-z0-9]{1,67}.
func CheckName(name string) error {
	if name == "" {
		return fmt.Errorf("empty device name")
	}
	if len(name) > MaxNameLen {
		return fmt.Errorf("device name is %d characters long, the maximum is %d", len(name), MaxNameLen)
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return fmt.Errorf("device name '%s' has a character other than A-Z, a-z, 0-9", name)
		}
	}
	return nil
}

// parseMem reads the --mem value: a positive decimal number of MiB.
func parseMem(v string) (uint64, error) {
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil || n == 0 {
		return 0, fmt.Errorf("--mem=%s: expected a positive number of MiB", v)
	}
	return n, nil
}

// DefaultSectorSize is the block size of a block device unless --block-sector-size says otherwise.
const DefaultSectorSize = 512

// ParseSectorSize accepts what the manifest's u16 block size can hold and the
// guest can use: a power of two, at least 512.
func ParseSectorSize(v string) (uint16, error) {
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("sector size '%s' is not a number", v)
	}
	if n < 512 || n&(n-1) != 0 || n > 1<<15 {
		return 0, fmt.Errorf("Block size must be a multiple of 2 greater than or equal 512: sector size %d is not a power of 2 between 512 and 32768", n)
	}
	return uint16(n), nil
}

// IfNameMax is the longest Linux interface name (IFNAMSIZ - 1).
const IfNameMax = 15

// checkNetSpec checks the syntax of TAP or @FD; whether it exists is Attach's business.
func checkNetSpec(spec string) error {
	if strings.HasPrefix(spec, "@") {
		if _, err := parseFDSpec(spec); err != nil {
			return err
		}
		return nil
	}
	if len(spec) > IfNameMax {
		return fmt.Errorf("interface name '%s' is longer than %d characters", spec, IfNameMax)
	}
	if strings.ContainsAny(spec, "/ \t\n:") || spec == "." || spec == ".." {
		return fmt.Errorf("'%s' is not a valid interface name", spec)
	}
	return nil
}

// parseFDSpec reads "@N".
func parseFDSpec(spec string) (int, error) {
	n, err := strconv.ParseUint(spec[1:], 10, 31)
	if err != nil {
		return 0, fmt.Errorf("'%s' is not @FD with a decimal fd number", spec)
	}
	return int(n), nil
}
