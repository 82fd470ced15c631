// `nabla run`: run a unikernel with the tender its ABI note names (nabla-spt or nabla-hvt);
// a plain Linux ELF (no Solo5 note) goes to the libOS run of bake.go instead.
package nablacli

import (
	delf "debug/elf"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/nabla-containers/nabla/abi"
	"github.com/nabla-containers/nabla/internal/elf"
)

// execTender replaces the nabla process with the tender (tests swap it out). Exec, not a
// child: the tender's exit status and signal handling are then exactly its own.
var execTender = syscall.Exec

// kernelRunCommand is `nabla run`. Both runs share the name: what the file is decides, so
// a Solo5 image is never handed to the libOS baker nor a Linux program to a tender.
func kernelRunCommand() *cli.Command {
	libos := runCommand() // bake.go: static Linux ELF on the spt libOS
	return &cli.Command{
		Name:  "run",
		Usage: "run a Solo5 unikernel with nabla-spt or nabla-hvt, as its ABI note says (a static Linux ELF: on the spt libOS)",
		ArgsUsage: "[TENDER OPTIONS] KERNEL [ARGS]\n\n" +
			"Tender options (--mem=N, --block:NAME=PATH, --net:NAME=TAP, ...) are passed through\n" +
			"and must use the --opt=value form; '--' ends them. The tender is looked up next to\n" +
			"the nabla binary, then in PATH. A file without a Solo5 note is run as\n" +
			"  " + libos.Name + " " + strings.ReplaceAll(libos.ArgsUsage, "\n", " ") + " (see bake.go's flags).",
		// The tender options are the tender's: nabla must not parse or reject them.
		SkipFlagParsing: true,
		Action: func(c *cli.Context) error {
			if _, kernel, _, err := splitRunArgs(c.Args().Slice()); err == nil && !isSolo5(kernel) {
				return libos.Run(c, append([]string{libos.Name}, c.Args().Slice()...)...)
			}
			self, err := os.Executable()
			if err != nil {
				return fmt.Errorf("run: cannot find the nabla binary: %v", err)
			}
			argv, err := RunArgv(c.Args().Slice(), filepath.Dir(self))
			if err != nil {
				return err
			}
			return fmt.Errorf("run: exec %s: %v", argv[0], execTender(argv[0], argv, os.Environ()))
		},
	}
}

// RunArgv turns `nabla run` arguments into the tender's argv (argv[0] the tender's path):
// the kernel's ABI target picks the tender, found in selfDir or else in PATH.
func RunArgv(args []string, selfDir string) ([]string, error) {
	opts, kernel, rest, err := splitRunArgs(args)
	if err != nil {
		return nil, err
	}
	name, err := TenderFor(kernel)
	if err != nil {
		return nil, err
	}
	path, err := lookupTender(name, selfDir)
	if err != nil {
		return nil, err
	}
	argv := append([]string{path}, opts...)
	argv = append(argv, kernel)
	return append(argv, rest...), nil
}

// splitRunArgs separates leading tender options ("--..." words) from KERNEL and its ARGS.
func splitRunArgs(args []string) (opts []string, kernel string, rest []string, err error) {
	i := 0
	for ; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			i++
			break
		}
		if !strings.HasPrefix(a, "-") {
			break
		}
		if !strings.HasPrefix(a, "--") || len(a) == 2 {
			return nil, "", nil, fmt.Errorf("run: tender option %q: options have the form --name=value", a)
		}
		opts = append(opts, a)
	}
	if i >= len(args) {
		return nil, "", nil, errors.New("run: missing KERNEL (usage: nabla run [TENDER OPTIONS] KERNEL [ARGS])")
	}
	return opts, args[i], args[i+1:], nil
}

// isSolo5 reports whether path is an ELF file with a note named "Solo5" (any type, even
// a malformed one: such a file gets the Solo5 loader's error, not the libOS's).
func isSolo5(path string) bool {
	f, err := delf.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type != delf.PT_NOTE || p.Filesz > 1<<16 {
			continue
		}
		b := make([]byte, p.Filesz)
		if _, err := p.ReadAt(b, 0); err != nil {
			continue
		}
		for len(b) >= 12 {
			namesz := uint64(f.ByteOrder.Uint32(b[0:]))
			descsz := uint64(f.ByteOrder.Uint32(b[4:]))
			name := align4(namesz)
			if 12+name > uint64(len(b)) {
				break
			}
			if namesz == 6 && string(b[12:12+5]) == "Solo5" {
				return true
			}
			next := 12 + name + align4(descsz)
			if next > uint64(len(b)) {
				break
			}
			b = b[next:]
		}
	}
	return false
}

func align4(n uint64) uint64 { return (n + 3) &^ 3 }

// TenderFor reads the image's ABI note and names the tender that runs it on this host.
func TenderFor(kernel string) (string, error) {
	f, err := os.Open(kernel)
	if err != nil {
		return "", fmt.Errorf("run: %v", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return "", fmt.Errorf("run: %v", err)
	}
	if !st.Mode().IsRegular() {
		return "", fmt.Errorf("run: %s: not a regular file", kernel)
	}
	img, err := elf.Parse(f, st.Size())
	if err != nil {
		return "", fmt.Errorf("run: %s: %v", kernel, err)
	}
	if err := img.CheckMachine(runtime.GOARCH); err != nil {
		return "", fmt.Errorf("run: %s: %v", kernel, err)
	}
	switch img.ABITarget {
	case abi.TargetSPT:
		return "nabla-spt", nil
	case abi.TargetHVT:
		return "nabla-hvt", nil
	}
	name := abi.TargetName(img.ABITarget)
	if name == "" {
		name = fmt.Sprint(img.ABITarget)
	}
	return "", fmt.Errorf("run: %s: ABI target %s has no nabla tender (spt and hvt only)", kernel, name)
}

// lookupTender finds name next to nabla (the installed pair), then in PATH.
func lookupTender(name, selfDir string) (string, error) {
	if selfDir != "" {
		p := filepath.Join(selfDir, name)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	p, err := exec.LookPath(name)
	if err != nil {
		return "", fmt.Errorf("run: %s not found next to nabla (%s) nor in PATH", name, selfDir)
	}
	return filepath.Abs(p)
}
