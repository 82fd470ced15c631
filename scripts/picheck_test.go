// scripts/pi-check.sh on bad input: a 32-bit ARM OS, a kernel without seccomp, a non-ARM machine.
package scripts

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// run runs pi-check.sh with machine standing in for uname -m, /proc replaced by proc when not "".
func run(t *testing.T, machine, proc string) (code int, stdout, stderr string) {
	t.Helper()
	cmd := exec.Command("sh", "pi-check.sh")
	cmd.Env = append(os.Environ(), "PI_CHECK_MACHINE="+machine)
	if proc != "" {
		cmd.Env = append(cmd.Env, "PI_CHECK_PROC="+proc)
	}
	var so, se strings.Builder
	cmd.Stdout, cmd.Stderr = &so, &se
	err := cmd.Run()
	if cmd.ProcessState == nil {
		t.Fatalf("sh pi-check.sh: %v", err)
	}
	return cmd.ProcessState.ExitCode(), so.String(), se.String()
}

func oneLine(t *testing.T, name, s, want string) {
	t.Helper()
	if strings.Count(s, "\n") != 1 || !strings.HasPrefix(s, "pi-check: ") || !strings.Contains(s, want) {
		t.Errorf("%s: stderr %q, want one line with %q", name, s, want)
	}
}

func TestPiCheck(t *testing.T) {
	for _, m := range []string{"armv7l", "armv6l", "armv8l"} {
		code, _, se := run(t, m, "")
		if code != 1 {
			t.Errorf("%s: exit %d, want 1", m, code)
		}
		oneLine(t, m, se, "32-bit ARM OS (uname -m: "+m+"); nabla's binaries are arm64 only")
	}
	code, _, se := run(t, "x86_64", "")
	if code != 1 {
		t.Errorf("x86_64: exit %d, want 1", code)
	}
	oneLine(t, "x86_64", se, "machine x86_64 is not arm64")

	// A /proc whose status has no Seccomp: line is what a CONFIG_SECCOMP=n kernel shows.
	proc := t.TempDir()
	os.MkdirAll(filepath.Join(proc, "self"), 0o755)
	os.WriteFile(filepath.Join(proc, "self", "status"), []byte("Name:\tsh\nNoNewPrivs:\t0\n"), 0o644)
	code, _, se = run(t, "aarch64", proc)
	if code != 1 {
		t.Errorf("no seccomp: exit %d, want 1", code)
	}
	oneLine(t, "no seccomp", se, "this kernel has no seccomp")

	// This kernel has seccomp (the tests need it anyway): an arm64 machine passes.
	code, so, se := run(t, "aarch64", "")
	if code != 0 || !strings.HasPrefix(so, "pi-check: ok: aarch64") {
		t.Errorf("aarch64 on a seccomp kernel: exit %d, stdout %q, stderr %q", code, so, se)
	}
}
