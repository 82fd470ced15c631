// hvt images run on nabla-hvt (KVM); without that tender they are refused clearly.
package runnc

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestHvtImage(t *testing.T) {
	if _, err := os.Stat("/dev/kvm"); err != nil {
		t.Fatalf("hvt needs /dev/kvm: %v", err)
	}
	e := newEnv(t)
	s := helloSpec("on", "hvt")
	s.Process.Args[0] = "/test_hello.hvt"
	b := e.bundle(s, "test_hello.hvt")
	out := filepath.Join(e.tmp, "out")
	if r := e.runOut(out, "run", "-b", b, "h1"); r.code != 0 {
		got, _ := os.ReadFile(out)
		t.Fatalf("run hvt: exit %d: %s\n%s", r.code, r.stderr, got)
	}
	if got := waitFile(t, out, "SUCCESS"); !strings.Contains(got, "target hvt") || !strings.Contains(got, `"cmdline":"/test_hello.hvt on hvt"`) {
		t.Errorf("hvt output:\n%s", got)
	}

	// A runnc with only nabla-spt beside it (and none on PATH) refuses hvt images.
	lone := t.TempDir()
	for _, f := range []string{"runnc", "nabla-spt"} {
		data, err := os.ReadFile(filepath.Join(filepath.Dir(runncB), f))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(lone, f), data, 0o755)
	}
	if _, err := exec.LookPath("nabla-hvt"); err == nil {
		t.Fatal("nabla-hvt is on PATH; cannot test its absence")
	}
	cmd := exec.Command(filepath.Join(lone, "runnc"), "--root", e.root, "create", "-b", b, "h2")
	msg, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(msg), "hvt images need the nabla-hvt tender") || strings.Count(strings.TrimSpace(string(msg)), "\n") != 0 {
		t.Errorf("create without nabla-hvt: %v: %q", err, msg)
	}
	e.fails("does not exist", "state", "h2")
}
