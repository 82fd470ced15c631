// `nabla bake` and `nabla run`: a static Linux ELF joined with the libOS into a Solo5 spt unikernel.
package nablacli

import (
	"debug/elf"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"

	"github.com/urfave/cli/v2"
	"golang.org/x/sys/unix"

	"github.com/nabla-containers/nabla/internal/bake"
)

// maxAppSize bounds the app file read into memory.
const maxAppSize = 1 << 30

// defaultRunMemMiB is the guest memory of `nabla run` (--mem), the most the app may commit:
// the libOS gets 4 GiB of address space beyond it for Go's reservations (guest/libos
// README "Memory"). A Go program needs at least 64 MiB, a C one 32.
const defaultRunMemMiB = 256

func hostArch() string {
	if runtime.GOARCH == "arm64" {
		return "aarch64"
	}
	return "x86_64"
}

// appArch reads the ELF machine of the app to pick the libOS when --arch is not given.
func appArch(b []byte) string {
	if len(b) >= 20 && string(b[:4]) == elf.ELFMAG {
		return bake.ArchName(elf.Machine(uint16(b[18]) | uint16(b[19])<<8))
	}
	return hostArch()
}

func bakeImage(appPath, arch, libosPath string) (img, libos, app []byte, o bake.Options, err error) {
	libos, app, o, err = readInputs(appPath, arch, libosPath)
	if err != nil {
		return nil, nil, nil, o, err
	}
	img, err = bake.Bake(libos, app, o)
	if err != nil {
		return nil, nil, nil, o, fmt.Errorf("%s: %v", appPath, err)
	}
	return img, libos, app, o, nil
}

// readInputs reads the app and the libOS for it and names the result; no baking yet.
func readInputs(appPath, arch, libosPath string) (libos, app []byte, o bake.Options, err error) {
	app, err = readWhole(appPath, maxAppSize)
	if err != nil {
		return nil, nil, o, err
	}
	if len(app) > maxAppSize {
		return nil, nil, o, fmt.Errorf("%s: larger than %d bytes", appPath, maxAppSize)
	}
	if arch == "" {
		arch = appArch(app)
	} else if arch != "x86_64" && arch != "aarch64" {
		return nil, nil, o, fmt.Errorf("--arch must be x86_64 or aarch64, not %q", arch)
	}
	lp, err := bake.LibOSFile(libosPath, arch)
	if err != nil {
		return nil, nil, o, err
	}
	libos, err = readWhole(lp, 64<<20)
	if err != nil {
		return nil, nil, o, err
	}
	o = bake.Options{Arch: arch, Name: filepath.Base(appPath)}
	return libos, app, o, nil
}

// runImage is the baked image of `nabla run APP`: found by the stat stamp of the app and
// the libOS when they have not changed since the last run (no file read whole), else by
// their content (a bake on a miss), and the stamp then made to point at it.
func runImage(appPath, libosFlag string) (string, error) {
	var head [20]byte
	f, err := os.Open(appPath)
	if err != nil {
		return "", err
	}
	n, _ := io.ReadFull(f, head[:])
	f.Close()
	arch := appArch(head[:n])
	if arch != hostArch() {
		return "", fmt.Errorf("%s is an %s binary; this host runs %s", appPath, arch, hostArch())
	}
	lp, err := bake.LibOSFile(libosFlag, arch)
	if err != nil {
		return "", err
	}
	stamp, err := bake.StampPath(appPath, lp, bake.Options{Arch: arch, Name: filepath.Base(appPath)})
	if err != nil {
		return "", err
	}
	if st, err := os.Stat(stamp); err == nil && st.Mode().IsRegular() {
		return stamp, nil
	}
	// The content key: a hit needs no baking (nor checking: the same bytes were
	// checked when the entry was made).
	libos, app, o, err := readInputs(appPath, arch, lp)
	if err != nil {
		return "", err
	}
	path, err := bake.CachePath(libos, app, o)
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(path); err != nil {
		img, err := bake.Bake(libos, app, o)
		if err != nil {
			return "", fmt.Errorf("%s: %v", appPath, err)
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return "", err
		}
		if err := writeFileAtomic(path, img); err != nil {
			return "", err
		}
	}
	// A stamp that cannot be made only costs the next run a hash.
	_ = bake.LinkStamp(stamp, path)
	return path, nil
}

// readWhole reads a file of at most limit bytes (a larger one is returned cut at limit+1,
// for the caller's check) in one buffer sized from fstat: `nabla run` reads megabytes
// before every start, and growing a buffer would copy them and wake the GC.
func readWhole(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	b := make([]byte, 0, min(max(st.Size(), 0), limit)+1)
	for int64(len(b)) <= limit {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)] // the file grew: let append pick a larger buffer
		}
		n, err := f.Read(b[len(b):min(int64(cap(b)), limit+1)])
		b = b[:len(b)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	return b, nil
}

// bakeCommand parses its own flags (bake.ParseArgs) so that they may follow APP
// (`nabla bake APP -o IMAGE`), which urfave/cli v2 does not allow.
func bakeCommand() *cli.Command {
	return &cli.Command{
		Name:            "bake",
		Usage:           "join a static Linux ELF (Go CGO_ENABLED=0, musl -static) and the libOS into a unikernel",
		ArgsUsage:       "APP -o IMAGE [--target spt] [--arch x86_64|aarch64] [--libos LIBOS.spt]",
		SkipFlagParsing: true,
		Action: func(c *cli.Context) error {
			a, err := bake.ParseArgs(c.Args().Slice())
			if errors.Is(err, bake.ErrHelp) {
				_, err = io.WriteString(c.App.Writer, bake.Usage)
				return err
			}
			if err != nil {
				return fmt.Errorf("bake: %v", err)
			}
			img, _, _, _, err := bakeImage(a.App, a.Arch, a.LibOS)
			if err != nil {
				return fmt.Errorf("bake: %v", err)
			}
			if err := writeFileAtomic(a.Output, img); err != nil {
				return fmt.Errorf("bake: %v", err)
			}
			return os.Chmod(a.Output, 0o755)
		},
	}
}

func runCommand() *cli.Command {
	return &cli.Command{
		Name:      "run",
		Usage:     "run a static Linux ELF as an spt unikernel (baked into a cache first)",
		ArgsUsage: "APP [ARGS...]",
		Flags: []cli.Flag{
			&cli.Uint64Flag{Name: "mem", Value: defaultRunMemMiB, Usage: "guest memory in MiB: the most the app commits (Go needs at least 64)"},
			&cli.StringSliceFlag{Name: "env", Usage: "NAME=VALUE for the app's environment (repeatable)"},
			&cli.BoolFlag{Name: "debug", Usage: "libOS debug output (unsupported system call counts at exit)"},
			&cli.StringFlag{Name: "libos", Usage: "libOS image (default: found next to nabla)"},
			&cli.StringFlag{Name: "tender", Usage: "nabla-spt to run (default: next to nabla)"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() < 1 {
				return fmt.Errorf("run: want APP [ARGS...]")
			}
			// This process only reads two files and execs the tender: no GC needed.
			debug.SetGCPercent(-1)
			path, err := runImage(c.Args().First(), c.String("libos"))
			if err != nil {
				return fmt.Errorf("run: %v", err)
			}
			tender, err := bake.TenderFile(c.String("tender"))
			if err != nil {
				return fmt.Errorf("run: %v", err)
			}
			argv := []string{tender, fmt.Sprintf("--mem=%d", c.Uint64("mem")), path, "--solo5:quiet"}
			if c.Bool("debug") {
				argv = append(argv, "--libos:debug")
			}
			for _, e := range c.StringSlice("env") {
				argv = append(argv, "--env="+e)
			}
			argv = append(argv, "--")
			argv = append(argv, c.Args().Tail()...)
			// The tender takes over this process: its exit status is the app's.
			return unix.Exec(tender, argv, os.Environ())
		},
	}
}
