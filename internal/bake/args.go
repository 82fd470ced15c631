// The `nabla bake` command line: flags may come before or after APP.
package bake

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// Args is a parsed `nabla bake` command line.
type Args struct {
	App, Output, Target, Arch, LibOS string
	Disks                            []string // --disk, repeatable: block devices in the manifest
	Nets                             []string // --net: the network device in the manifest
}

// ErrHelp is returned by ParseArgs for -h/--help; Usage says what to print.
var ErrHelp = errors.New("help requested")

// Usage of `nabla bake`.
const Usage = `usage: nabla bake APP -o IMAGE [--target spt] [--arch x86_64|aarch64] [--libos LIBOS.spt] [--disk NAME]... [--net NAME]

Joins APP, a static Linux ELF (Go built with CGO_ENABLED=0, a C program linked with
musl-gcc -static), with the library OS into the Solo5 unikernel IMAGE.
--disk NAME (repeatable) declares block device NAME in the image's manifest: "rootfs"
for the root disk, vol1, vol2, ... for extra disks; the tender then needs each attached
(--block:NAME=PATH).
--net NAME declares network device NAME ("service" by convention; one): the unikernel's
TCP/IP runs on it, attached with --net:NAME=TAP and configured by the "net" key.
`

// ParseArgs parses args (after "bake"). urfave/cli and the flag package stop at the first
// argument that is not a flag, so the parse resumes after each one.
func ParseArgs(args []string) (Args, error) {
	fs := flag.NewFlagSet("bake", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var a Args
	fs.StringVar(&a.Output, "o", "", "unikernel image to write")
	fs.StringVar(&a.Target, "target", "spt", "Solo5 target")
	fs.StringVar(&a.Arch, "arch", "", "x86_64 or aarch64 (default: the app's)")
	fs.StringVar(&a.LibOS, "libos", "", "libOS image (default: found next to nabla)")
	fs.Func("disk", "block device NAME in the manifest (repeatable)", func(v string) error {
		a.Disks = append(a.Disks, v)
		return nil
	})
	fs.Func("net", "network device NAME in the manifest", func(v string) error {
		a.Nets = append(a.Nets, v)
		return nil
	})
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return a, ErrHelp
			}
			return a, err
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	switch {
	case len(pos) != 1:
		return a, fmt.Errorf("want one APP argument, got %d (%s)", len(pos), strings.TrimSpace(strings.SplitN(Usage, "\n", 2)[0]))
	case a.Output == "":
		return a, fmt.Errorf("-o IMAGE is required")
	case a.Target != "spt":
		return a, fmt.Errorf("--target %q: only spt is supported", a.Target)
	case a.Arch != "" && a.Arch != "x86_64" && a.Arch != "aarch64":
		return a, fmt.Errorf("--arch must be x86_64 or aarch64, not %q", a.Arch)
	}
	if err := checkDisks(a.Disks); err != nil {
		return a, fmt.Errorf("--disk: %v", err)
	}
	if err := checkNets(a.Nets, a.Disks); err != nil {
		return a, fmt.Errorf("--net: %v", err)
	}
	a.App = pos[0]
	return a, nil
}
