// A kernel without seccomp filters, stood in for by a filter that fails seccomp(2): one clear line.
package spt

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/nabla-containers/nabla/internal/seccomp"
)

// noSeccompEnv makes the re-executed test binary fail seccomp(2) with the errno it names
// (as a kernel built without CONFIG_SECCOMP_FILTER, EINVAL, or CONFIG_SECCOMP, ENOSYS does)
// and then exec the tender with the arguments that follow.
const noSeccompEnv = "NABLA_SPT_TEST_NOSECCOMP"

func TestMain(m *testing.M) {
	if v := os.Getenv(noSeccompEnv); v != "" {
		noSeccompChild(v)
	}
	os.Exit(m.Run())
}

func noSeccompChild(v string) {
	var errno uint16
	var tender string
	if _, err := fmt.Sscanf(v, "%d", &errno); err != nil || len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "bad child setup")
		os.Exit(3)
	}
	tender = os.Args[1]
	pol := seccomp.Policy{AuditArch: seccomp.AuditArchX86_64, Default: seccomp.RetAllow,
		Rules: []seccomp.Rule{{Syscall: unix.SYS_SECCOMP, Errno: errno, Why: "stand-in for a kernel without seccomp"}}}
	if runtime.GOARCH == "arm64" {
		pol.AuditArch = seccomp.AuditArchAArch64
	}
	prog, err := pol.Compile()
	if err == nil {
		// This thread only, then exec from it: the new image inherits the filter.
		runtime.LockOSThread()
		err = seccomp.InstallFlags(prog, 0)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "child filter:", err)
		os.Exit(3)
	}
	err = syscall.Exec(tender, append([]string{tender}, os.Args[2:]...), os.Environ())
	fmt.Fprintln(os.Stderr, "exec:", err)
	os.Exit(3)
}

func TestNoSeccompKernel(t *testing.T) {
	tender := tenderPath(t)
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		errno unix.Errno
		want  string
	}{
		{unix.EINVAL, "nabla-spt: this kernel has no seccomp filters (built without CONFIG_SECCOMP_FILTER)"},
		{unix.ENOSYS, "nabla-spt: this kernel has no seccomp (built without CONFIG_SECCOMP)"},
		{unix.EPERM, "nabla-spt: seccomp filters are not available here: seccomp(SECCOMP_SET_MODE_FILTER): operation not permitted"},
	} {
		cmd := exec.Command(self, tender, "--mem=2", "no-such-image.spt")
		cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%d", noSeccompEnv, int(c.errno)))
		var se strings.Builder
		cmd.Stderr = &se
		err := cmd.Run()
		if cmd.ProcessState == nil {
			t.Fatalf("%v: %v", c.errno, err)
		}
		lines := strings.Split(strings.TrimRight(se.String(), "\n"), "\n")
		if code := cmd.ProcessState.ExitCode(); code != 1 || len(lines) != 1 || !strings.HasPrefix(lines[0], c.want) {
			t.Errorf("seccomp(2) failing with %v: exit %d, stderr %q; want exit 1 and one line starting %q", c.errno, code, se.String(), c.want)
		}
	}
}
