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
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"
	"golang.org/x/sys/unix"

	"github.com/nabla-containers/nabla/internal/bake"
	"github.com/nabla-containers/nabla/internal/publish"
	"github.com/nabla-containers/nabla/internal/runnc/rootfs"
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

func bakeImage(appPath, arch, libosPath string, disks []string) (img, libos, app []byte, o bake.Options, err error) {
	libos, app, o, err = readInputs(appPath, arch, libosPath)
	if err != nil {
		return nil, nil, nil, o, err
	}
	o.Disks = disks
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
func runImage(appPath, libosFlag string, disks, nets []string) (string, error) {
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
	stamp, err := bake.StampPath(appPath, lp, bake.Options{Arch: arch, Name: filepath.Base(appPath), Disks: disks, Nets: nets})
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
	o.Disks, o.Nets = disks, nets
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
		ArgsUsage:       "APP -o IMAGE [--target spt] [--arch x86_64|aarch64] [--libos LIBOS.spt] [--disk NAME]... [--net NAME]",
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
			img, _, _, _, err := bakeImage(a.App, a.Arch, a.LibOS, a.Disks)
			if err == nil && len(a.Nets) > 0 {
				img, err = bake.WithDevices(img, a.Disks, a.Nets)
			}
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
		Name:  "run",
		Usage: "run a static Linux ELF as an spt unikernel (baked into a cache first)",
		ArgsUsage: "APP [ARGS...]\n\n" +
			"APP gets exactly ARGS, --env and --workdir (argv[0] is APP as named). Without --rootfs\n" +
			"APP is a host file and the guest's / is empty and writable (in memory). With --rootfs=DIR\n" +
			"APP is a path inside DIR (looked up in the guest's PATH when it has no slash) and DIR is\n" +
			"the guest's /, read-only on the host: writes stay in the unikernel's memory. A --volume\n" +
			"without :ro is writable the same way: in the unikernel's memory only, never on the host.",
		Flags: []cli.Flag{
			&cli.Uint64Flag{Name: "mem", Value: defaultRunMemMiB, Usage: "guest memory in MiB: the most the app commits (Go needs at least 64)"},
			&cli.GenericFlag{Name: "env", Value: &listFlag{}, Usage: "NAME=VALUE for the app's environment, exactly (repeatable)"},
			&cli.StringFlag{Name: "rootfs", Usage: "directory that is the guest's / (a read-only disk; writes stay in guest memory)"},
			&cli.GenericFlag{Name: "volume", Value: &listFlag{}, Usage: "HOSTPATH:GUESTPATH[:ro] (repeatable): a directory or file as a disk at GUESTPATH; without :ro writable in guest memory only, never on the host"},
			&cli.StringFlag{Name: "workdir", Usage: "the app's working directory (absolute guest path; default /)"},
			&cli.GenericFlag{Name: "publish", Value: &listFlag{}, Usage: "[HOSTIP:]HOSTPORT:GUESTPORT (repeatable, root): the guest gets a private network and its TCP port GUESTPORT is reachable at HOSTPORT on the host, as with docker run -p"},
			&cli.BoolFlag{Name: "debug", Usage: "libOS debug output (unsupported system call counts at exit)"},
			&cli.BoolFlag{Name: "trap-calls", Usage: "every system call of the app traps (the libOS rewrites no call site; slower, for comparison and diagnosis)"},
			&cli.StringFlag{Name: "libos", Usage: "libOS image (default: found next to nabla)"},
			&cli.StringFlag{Name: "tender", Usage: "nabla-spt to run (default: next to nabla)"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() < 1 {
				return fmt.Errorf("run: want APP [ARGS...]")
			}
			ports, err := publish.ParseAll(*c.Generic("publish").(*listFlag))
			if err == nil && len(ports) > 0 {
				err = publish.CheckRoot()
			}
			if err != nil {
				return fmt.Errorf("run: %v", err)
			}
			// This process only reads files and execs the tender: no GC needed.
			debug.SetGCPercent(-1)
			lp, err := planLibRun(libRunOptions{
				App: c.Args().First(), Args: c.Args().Tail(), Env: *c.Generic("env").(*listFlag),
				Rootfs: c.String("rootfs"), Volumes: *c.Generic("volume").(*listFlag), Workdir: c.String("workdir"),
			})
			if err != nil {
				return fmt.Errorf("run: %v", err)
			}
			if len(ports) > 0 {
				return runPublished(lp, ports, c)
			}
			argv, err := libRunArgv(lp, c.String("libos"), c.String("tender"), c.Uint64("mem"), guestOptions(c), nil)
			if err != nil {
				return fmt.Errorf("run: %v", err)
			}
			// The tender takes over this process: its exit status is the app's.
			return unix.Exec(argv[0], argv, os.Environ())
		},
	}
}

// listFlag collects a repeatable flag's values exactly: urfave's slice flags split at
// commas, and `nabla run`'s command is run outside the app that could turn that off.
type listFlag []string

func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }
func (l *listFlag) String() string     { return strings.Join(*l, " ") }

// libRunArgv bakes (or finds in the cache) the image with the plan's disks, builds (or
// finds) the disks, opens each read-only for the tender to inherit (--block:NAME=@FD:
// the cached disk is shared, and guest writes to it fail), and returns the tender's argv.
//
// netArgs, when given, are the tender options of the NIC (publish.go): the image is then
// baked with one, named publish.NetDevice.
// guestOptions are the libOS's own words for `nabla run`'s --debug and --trap-calls.
func guestOptions(c *cli.Context) []string {
	var o []string
	if c.Bool("debug") {
		o = append(o, "--libos:debug")
	}
	if c.Bool("trap-calls") {
		o = append(o, "--libos:trap")
	}
	return o
}

func libRunArgv(lp *libRunPlan, libosPath, tenderPath string, mem uint64, guestOpts []string, netArgs []string) ([]string, error) {
	var disks, nets []string
	for _, d := range lp.Disks {
		disks = append(disks, d.Name)
	}
	if netArgs != nil {
		nets = []string{publish.NetDevice}
	}
	path, err := runImage(lp.AppHost, libosPath, disks, nets)
	if err != nil {
		return nil, err
	}
	tender, err := bake.TenderFile(tenderPath)
	if err != nil {
		return nil, err
	}
	argv := []string{tender, fmt.Sprintf("--mem=%d", mem)}
	if len(lp.Disks) > 0 {
		cache, err := bake.CacheDir()
		if err != nil {
			return nil, err
		}
		for _, d := range lp.Disks {
			var r *rootfs.Result
			if d.File != "" {
				r, err = rootfs.FileImage(d.Host, d.File, filepath.Join(cache, "disks"))
			} else {
				r, err = rootfs.Image(d.Host, filepath.Join(cache, "disks"), rootfs.Options{})
			}
			if err != nil {
				return nil, fmt.Errorf("disk %s (%s): %v", d.Name, d.Host, err)
			}
			// Not close-on-exec: the tender inherits it.
			fd, err := unix.Open(r.Path, unix.O_RDONLY, 0)
			if err != nil {
				return nil, fmt.Errorf("disk %s: %v", d.Name, err)
			}
			argv = append(argv, "--block:"+d.Name+"=@"+strconv.Itoa(fd),
				"--block-sector-size:"+d.Name+"="+strconv.Itoa(rootfs.DiskBlock))
		}
	}
	argv = append(argv, netArgs...)
	// The app reads nabla's stdin (a terminal, a pipe, /dev/null), as a native run would.
	lp.Config.Stdin = true
	argv = append(argv, "--stdin", path, "--solo5:quiet")
	argv = append(argv, guestOpts...)
	cfg, err := lp.Config.Cmdline()
	if err != nil {
		return nil, err
	}
	return append(argv, cfg), nil
}
