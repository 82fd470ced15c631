// The runc lifecycle on hello bundles: create, state, list, ps, start, kill, delete, run.
package runnc

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestCreateStartDelete(t *testing.T) {
	e := newEnv(t)
	s := helloSpec("a b", "x")
	s.Annotations = map[string]string{"org.test": "yes"}
	b := e.bundle(s, "test_hello.spt")
	out := filepath.Join(e.tmp, "stdout")
	pidFile := filepath.Join(e.tmp, "init.pid")
	e.runOut(out, "create", "--bundle", b, "--pid-file", pidFile, "c1")
	st := e.state("c1")
	if st["status"] != "created" || st["bundle"] != b || st["id"] != "c1" {
		t.Errorf("after create: %v", st)
	}
	if st["annotations"].(map[string]any)["org.test"] != "yes" {
		t.Errorf("annotations: %v", st["annotations"])
	}
	pb, err := os.ReadFile(pidFile)
	if err != nil || string(pb) != strconv.Itoa(int(st["pid"].(float64))) {
		t.Errorf("pid file %q, state pid %v (%v)", pb, st["pid"], err)
	}
	// Nothing runs before start.
	if b, _ := os.ReadFile(out); len(b) != 0 {
		t.Errorf("output before start: %q", b)
	}
	l := e.ok("list")
	if !strings.HasPrefix(l.stdout, "ID          PID         STATUS      BUNDLE") || !strings.Contains(l.stdout, "c1  ") || !strings.Contains(l.stdout, "created") {
		t.Errorf("list table:\n%s", l.stdout)
	}
	if q := e.ok("list", "-q").stdout; q != "c1\n" {
		t.Errorf("list -q = %q", q)
	}
	var lj []map[string]any
	if err := json.Unmarshal([]byte(e.ok("list", "--format", "json").stdout), &lj); err != nil || len(lj) != 1 || lj[0]["id"] != "c1" {
		t.Errorf("list json: %v %v", lj, err)
	} else {
		validateState(t, lj[0])
	}
	var pids []int
	if err := json.Unmarshal([]byte(e.ok("ps", "--format", "json", "c1").stdout), &pids); err != nil || len(pids) != 1 || pids[0] != int(st["pid"].(float64)) {
		t.Errorf("ps json: %v %v", pids, err)
	}
	if ps := e.ok("ps", "c1").stdout; !strings.Contains(ps, "PID") || !strings.Contains(ps, strconv.Itoa(pids[0])) {
		t.Errorf("ps table:\n%s", ps)
	}
	e.ok("start", "c1")
	got := waitFile(t, out, "SUCCESS")
	want := `Command line is: '{"env":"A=1","hostname":"hello","cmdline":"/test_hello.spt \"a b\" x","cwd":"/"}'`
	if !strings.Contains(got, want) {
		t.Errorf("guest output %q lacks %q", got, want)
	}
	e.waitStatus("c1", "stopped")
	if st := e.state("c1"); st["pid"].(float64) != 0 {
		t.Errorf("stopped container has pid %v", st["pid"])
	}
	e.fails("cannot start a container that has stopped", "start", "c1")
	e.fails("container not running", "kill", "c1")
	e.ok("delete", "c1")
	e.fails("does not exist", "state", "c1")
	e.fails("does not exist", "delete", "c1")
	e.ok("delete", "--force", "c1") // runc: --force on a missing container succeeds
	if l := e.ok("list", "--format", "json").stdout; l != "null\n" {
		t.Errorf("empty list json = %q", l)
	}
}

func TestRunForeground(t *testing.T) {
	e := newEnv(t)
	b := e.bundle(helloSpec("fg"), "test_hello.spt")
	out := filepath.Join(e.tmp, "stdout")
	r := e.runOut(out, "run", "-b", b, "r1")
	if r.code != 0 {
		t.Fatalf("run: exit %d: %s", r.code, r.stderr)
	}
	got, _ := os.ReadFile(out)
	if !strings.Contains(string(got), "Hello, World") || !strings.Contains(string(got), `"cmdline":"/test_hello.spt fg"`) {
		t.Errorf("output %q", got)
	}
	// The container is deleted after run (no --keep).
	e.fails("does not exist", "state", "r1")

	// The guest's exit status is runnc's.
	s := helloSpec()
	s.Process.Args = []string{"/test_abort.spt"}
	b2 := e.bundle(s, "test_abort.spt")
	if r := e.runOut(out, "run", "--bundle", b2, "r2"); r.code != 255 {
		t.Errorf("run of test_abort: exit %d, want 255 (%s)", r.code, r.stderr)
	}
	// --keep leaves a stopped container.
	e.runOut(out, "run", "--keep", "--bundle", b, "r3")
	if st := e.state("r3"); st["status"] != "stopped" {
		t.Errorf("run --keep: %v", st)
	}
	e.ok("delete", "r3")
}

func TestRunDetachKill(t *testing.T) {
	e := newEnv(t)
	b := e.bundle(helloSpec(), "test_hello.spt")
	out := filepath.Join(e.tmp, "stdout")
	if r := e.runOut(out, "run", "-d", "--pid-file", filepath.Join(e.tmp, "pid"), "-b", b, "d1"); r.code != 0 {
		t.Fatalf("run -d: %s", r.stderr)
	}
	waitFile(t, out, "SUCCESS")
	e.waitStatus("d1", "stopped")
	e.ok("delete", "d1")

	// Signals by name and number, and --all, on created containers (init is waiting).
	for i, sig := range []string{"KILL", "9", "SIGKILL", "sigterm", "15"} {
		id := "k" + strconv.Itoa(i)
		e.ok("create", "-b", b, id)
		args := []string{"kill", id, sig}
		if i%2 == 1 {
			args = []string{"kill", "--all", id, sig}
		}
		e.ok(args...)
		e.waitStatus(id, "stopped")
		e.ok("delete", id)
	}
	// Default signal is SIGTERM.
	e.ok("create", "-b", b, "kt")
	e.ok("kill", "kt")
	e.waitStatus("kt", "stopped")
	e.ok("delete", "kt")
}

func TestDeleteCreatedAndForce(t *testing.T) {
	e := newEnv(t)
	b := e.bundle(helloSpec(), "test_hello.spt")
	e.ok("create", "-b", b, "x1")
	e.ok("delete", "x1") // a created container is killed and removed, as runc does
	e.ok("create", "-b", b, "x2")
	e.ok("delete", "--force", "x2")
}

// TestAcceptedFlags: runc flags that do not apply to a unikernel are accepted.
func TestAcceptedFlags(t *testing.T) {
	e := newEnv(t)
	b := e.bundle(helloSpec(), "test_hello.spt")
	out := filepath.Join(e.tmp, "out")
	e.runOut(out, "create", "--no-pivot", "--no-new-keyring", "--preserve-fds", "0", "-b", b, "f1")
	e.ok("start", "f1")
	e.waitStatus("f1", "stopped")
	e.ok("delete", "-f", "f1")
	if r := e.runOut(out, "run", "--no-subreaper", "--no-pivot", "--no-new-keyring", "-b", b, "f2"); r.code != 0 {
		t.Errorf("run with accepted flags: %s", r.stderr)
	}
	dir := t.TempDir()
	e.ok("spec", "--rootless", "-b", dir)
	if _, err := os.Stat(filepath.Join(dir, "config.json")); err != nil {
		t.Error(err)
	}
}

// TestUpdateMemory: a limit the guest's fixed memory fits is accepted, a smaller one not.
func TestUpdateMemory(t *testing.T) {
	e := newEnv(t)
	b := e.bundle(helloSpec(), "test_hello.spt")
	e.ok("create", "-b", b, "u1")
	e.ok("update", "--memory", "1073741824", "u1")
	e.fails("cannot shrink", "update", "--memory", "1048576", "u1")
	res := filepath.Join(e.tmp, "r.json")
	os.WriteFile(res, []byte(`{"memory":{"limit":1073741824}}`), 0o644)
	e.ok("update", "-r", res, "u1")
	e.fails("does not exist", "update", "--memory", "1073741824", "ghost")
	e.ok("delete", "u1")
}
