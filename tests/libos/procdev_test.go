// /proc, /sys and /dev as programs read them: Debian's busybox applets natively (chroot with
// the host's /proc and /dev) and as a unikernel, the same output where Linux's is fixed, the
// same shape where the numbers are the machine's; and the empty root of `nabla run` alone.
package libos

import (
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// TestProcDevSame: what must read the same both ways (links, device numbers, the
// environment, a missing controlling terminal).
func TestProcDevSame(t *testing.T) {
	tree := testTree(t)
	bb := func(args ...string) []string { return append([]string{"/bin/busybox"}, args...) }
	for _, c := range []struct {
		name string
		argv []string
		want string // a line the native output must have
		norm func(string) string
	}{
		{"environ", bb("cat", "/proc/self/environ"), `PATH=/bin:/usr/bin.HOME=/root.LC_ALL=C.`, nil},
		{"exe", bb("readlink", "/proc/self/exe"), `/bin/busybox`, nil},
		// The native run inherits the test binary's other descriptors (go test's pipes).
		{"fd-dir", bb("ls", "/proc/self/fd", "/dev/fd/"), `3`, func(s string) string {
			return regexp.MustCompile(`(?m)^([4-9]|\d\d+)\n`).ReplaceAllString(s, "")
		}},
		{"std-links", bb("stat", "-c", "%N", "/dev/stdin", "/dev/stdout", "/dev/stderr", "/dev/fd"), `'/dev/stdout' -> '/proc/self/fd/1'`, nil},
		{"devices", bb("stat", "-c", "%n %F %t:%T %a", "/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty"), `/dev/urandom character special file 1:9 666`, nil},
		{"zero", bb("od", "-A", "n", "-t", "x1", "-N", "16", "/dev/zero"), ` 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00`, nil},
		{"stdout", bb("cp", "/data/hard/one", "/dev/stdout"), `hard linked content`, nil},
		{"no-tty", bb("cat", "/dev/tty"), `cat: can't open '/dev/tty': No such device or address`, nil},
		{"self-cwd", bb("readlink", "/proc/self/cwd"), `/`, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			sameFSCheck(t, fsCase{tree: tree, argv: c.argv, inPlace: true}, c.norm, func(n fsResult) {
				if !regexp.MustCompile(`(?m)^` + c.want + `$`).MatchString(n.stdout + n.stderr) {
					t.Fatalf("native %s: no line %q in:\n%s%s", c.name, c.want, n.stdout, n.stderr)
				}
			})
		})
	}
}

// TestProcShape: files whose numbers are the machine's: each line named must be there,
// natively (where the chroot has the file) and in the unikernel.
func TestProcShape(t *testing.T) {
	tree := testTree(t)
	for _, c := range []struct {
		file   string
		native string // "native": the chroot shows the same kind of file; "host": the host's
		// own (no /sys in the chroot); "": the libOS's only (mounts, the hostname are the machine's)
		lines []string
	}{
		{"/proc/self/status", "native", []string{`Name:\tbusybox`, `Umask:\t0022`, `State:\tR \(running\)`, `Pid:\t\d+`,
			`Uid:\t0\t0\t0\t0`, `Gid:\t0\t0\t0\t0`, `VmRSS:\s+\d+ kB`, `Threads:\t1`}},
		{"/proc/self/stat", "native", []string{`\d+ \(busybox\) R \d+ .*`}},
		{"/proc/self/maps", "native", []string{`[0-9a-f]+-[0-9a-f]+ r-xp [0-9a-f]+ [0-9a-f]+:[0-9a-f]+ \d+ +/bin/busybox`}},
		{"/proc/self/cmdline", "native", []string{"/bin/busybox\x00cat\x00/proc/self/cmdline\x00"}},
		{"/proc/meminfo", "native", []string{`MemTotal:\s+\d+ kB`, `MemFree:\s+\d+ kB`, `MemAvailable:\s+\d+ kB`}},
		{"/proc/cpuinfo", "native", []string{`processor\s*: 0`}},
		{"/proc/uptime", "native", []string{`\d+\.\d\d \d+\.\d\d`}},
		{"/proc/sys/kernel/hostname", "", []string{`[A-Za-z0-9.-]+`}},
		{"/proc/mounts", "", []string{`\S+ / \S+ rw,\S+ 0 0`, `proc /proc proc \S+ 0 0`, `devtmpfs /dev devtmpfs \S+ 0 0`, `\S+ /dev/shm tmpfs rw,\S+ 0 0`}},
		{"/sys/devices/system/cpu/online", "host", []string{`0(-\d+)?`}},
	} {
		t.Run(strings.ReplaceAll(strings.TrimPrefix(c.file, "/"), "/", "_"), func(t *testing.T) {
			fc := fsCase{tree: tree, argv: []string{"/bin/busybox", "cat", c.file}, inPlace: true}
			runs := map[string]fsResult{"unikernel": fc.unikernel(t)}
			switch c.native {
			case "native":
				runs["native"], _ = fc.native(t)
			case "host":
				b, err := os.ReadFile(c.file)
				if err != nil {
					t.Fatal(err)
				}
				runs["host"] = fsResult{stdout: string(b)}
			}
			for what, r := range runs {
				if r.status != 0 {
					t.Fatalf("%s cat %s: status %d\n%s%s", what, c.file, r.status, r.stdout, r.stderr)
				}
				for _, l := range c.lines {
					if !regexp.MustCompile(`(?m)^` + l + `$`).MatchString(r.stdout) {
						t.Errorf("%s %s: no line %q in:\n%s", what, c.file, l, r.stdout)
					}
				}
			}
		})
	}
}

// Without --rootfs the guest still has an empty writable / with /dev, /proc and /tmp.
func TestNoRootfsRoot(t *testing.T) {
	bb := busybox(t)
	run := func(args ...string) fsResult {
		argv := []string{nablaCmd(t), "run", "--libos=" + libosPath(t), "--tender=" + tender(t), bb}
		argv = append(argv, args...)
		cmd := exec.Command(argv[0], argv[1:]...)
		cmd.Env = []string{"NABLA_CACHE_DIR=" + nablaCacheDir(t), "HOME=" + work(t), "PATH=" + os.Getenv("PATH")}
		return runCmd(t, cmd, fsTimeout())
	}
	r := run("ls", "-a", "/", "/tmp")
	if r.status != 0 || !regexp.MustCompile(`(?s)^/:\n\.\n\.\.\n(.*\n)?dev\n(.*\n)?proc\n(.*\n)?tmp\n`).MatchString(r.stdout) {
		t.Fatalf("ls -a / /tmp: status %d\n%s%s", r.status, r.stdout, r.stderr)
	}
	for _, args := range [][]string{{"mkdir", "-p", "/a/b/c"}, {"touch", "/tmp/x", "/y"}, {"cp", "/proc/self/cmdline", "/copied"}} {
		if r := run(args...); r.status != 0 || r.stdout != "" || r.stderr != "" {
			t.Fatalf("%v: status %d\n%s%s", args, r.status, r.stdout, r.stderr)
		}
	}
	// A write lands in memory and the next run starts empty again.
	if r := run("cat", "/y"); r.status == 0 || !strings.Contains(r.stdout+r.stderr, "No such file or directory") {
		t.Fatalf("a second run sees /y: status %d\n%s%s", r.status, r.stdout, r.stderr)
	}
}
