// Hooks, console socket, memory, logs, spec/features/--version, half-created cleanup.
package runnc

import (
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

func TestHooks(t *testing.T) {
	e := newEnv(t)
	log := filepath.Join(e.tmp, "hooks.log")
	hook := func(name string) specs.Hook {
		// Each hook appends its name and the state it got on stdin, one line.
		return specs.Hook{Path: "/bin/sh", Args: []string{"sh", "-c", `printf '%s ' "$0" >>` + log + `; cat >>` + log + `; echo >>` + log, name}}
	}
	s := helloSpec()
	s.Hooks = &specs.Hooks{
		Prestart: []specs.Hook{hook("prestart")}, CreateRuntime: []specs.Hook{hook("createRuntime")},
		CreateContainer: []specs.Hook{hook("createContainer")}, StartContainer: []specs.Hook{hook("startContainer")},
		Poststart: []specs.Hook{hook("poststart")}, Poststop: []specs.Hook{hook("poststop")},
	}
	b := e.bundle(s, "test_hello.spt")
	out := filepath.Join(e.tmp, "out")
	e.runOut(out, "create", "-b", b, "h1")
	e.runOut(out, "start", "h1")
	waitFile(t, out, "SUCCESS")
	e.waitStatus("h1", "stopped")
	e.ok("delete", "h1")
	raw, _ := os.ReadFile(log)
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
	var order []string
	for _, l := range lines {
		name, js, _ := strings.Cut(l, " ")
		order = append(order, name)
		var st specs.State
		if err := json.Unmarshal([]byte(js), &st); err != nil || st.ID != "h1" || st.Bundle != b {
			t.Errorf("%s hook state %q: %v", name, js, err)
		}
		if name != "poststop" && st.Pid <= 0 {
			t.Errorf("%s hook without pid: %q", name, js)
		}
	}
	want := "prestart createRuntime createContainer startContainer poststart poststop"
	if strings.Join(order, " ") != want {
		t.Errorf("hook order %q, want %q", order, want)
	}

	// A failing createRuntime hook fails create and leaves nothing.
	s.Hooks = &specs.Hooks{CreateRuntime: []specs.Hook{{Path: "/bin/sh", Args: []string{"sh", "-c", "echo boom; exit 3"}}}}
	e.writeSpec(b, s)
	e.fails("createRuntime hook #0 (/bin/sh): exit status 3: boom", "create", "-b", b, "h2")
	e.fails("does not exist", "state", "h2")
}

func TestConsoleSocket(t *testing.T) {
	e := newEnv(t)
	s := helloSpec("tty")
	s.Process.Terminal = true
	b := e.bundle(s, "test_hello.spt")
	sock := filepath.Join(e.tmp, "console.sock")
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: sock, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	got := make(chan *os.File, 1)
	go func() {
		c, err := l.AcceptUnix()
		if err != nil {
			got <- nil
			return
		}
		defer c.Close()
		buf, oob := make([]byte, 256), make([]byte, 64)
		_, oobn, _, _, err := c.ReadMsgUnix(buf, oob)
		if err != nil {
			got <- nil
			return
		}
		msgs, _ := unix.ParseSocketControlMessage(oob[:oobn])
		if len(msgs) != 1 {
			got <- nil
			return
		}
		fds, _ := unix.ParseUnixRights(&msgs[0])
		if len(fds) != 1 {
			got <- nil
			return
		}
		got <- os.NewFile(uintptr(fds[0]), "pty-master")
	}()
	e.ok("create", "-b", b, "--console-socket", sock, "tty1")
	var master *os.File
	select {
	case master = <-got:
	case <-time.After(5 * time.Second):
	}
	if master == nil {
		t.Fatal("no pty master received on the console socket")
	}
	defer master.Close()
	e.ok("start", "tty1")
	var all []byte
	buf := make([]byte, 4096)
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(string(all), "SUCCESS") && time.Now().Before(deadline) {
		master.SetReadDeadline(time.Now().Add(time.Second))
		n, err := master.Read(buf)
		all = append(all, buf[:n]...)
		if err != nil && !os.IsTimeout(err) {
			break
		}
	}
	if !strings.Contains(string(all), "Hello, World") || !strings.Contains(string(all), "/test_hello.spt tty") {
		t.Errorf("pty output %q", all)
	}
	e.waitStatus("tty1", "stopped")
	e.ok("delete", "tty1")
}

func TestMemoryLimit(t *testing.T) {
	e := newEnv(t)
	s := helloSpec()
	limit := int64(64 << 20)
	s.Linux = &specs.Linux{Resources: &specs.LinuxResources{Memory: &specs.LinuxMemory{Limit: &limit}}}
	b := e.bundle(s, "test_hello.spt")
	out := filepath.Join(e.tmp, "out")
	if r := e.runOut(out, "run", "-b", b, "m1"); r.code != 0 {
		t.Fatalf("run: %s", r.stderr)
	}
	if got := waitFile(t, out, "SUCCESS"); !strings.Contains(got, "64 MB addressable") {
		t.Errorf("guest memory not 64 MB:\n%s", got)
	}
	limit = 1 << 20 // below what the image needs: refused at create
	e.writeSpec(b, s)
	e.fails("linux.resources.memory.limit: --mem=1 is too small: the guest needs at least 2 MiB", "create", "-b", b, "m2")
}

func TestLogFile(t *testing.T) {
	e := newEnv(t)
	log := filepath.Join(e.tmp, "log.json")
	e.fails("does not exist", "--log", log, "--log-format", "json", "state", "ghost")
	b, _ := os.ReadFile(log)
	var rec map[string]string
	if err := json.Unmarshal(b, &rec); err != nil || rec["level"] != "error" || !strings.Contains(rec["msg"], "does not exist") || rec["time"] == "" {
		t.Errorf("json log %q: %v", b, err)
	}
	text := filepath.Join(e.tmp, "log.txt")
	e.fails("does not exist", "--log", text, "state", "ghost")
	if b, _ := os.ReadFile(text); !strings.Contains(string(b), `level=error msg="container does not exist"`) {
		t.Errorf("text log %q", b)
	}
	// Flags runc users pass are accepted.
	e.ok("--systemd-cgroup", "--criu", "/x", "--rootless", "false", "list", "-q")
}

func TestSpecFeaturesVersion(t *testing.T) {
	e := newEnv(t)
	dir := t.TempDir()
	e.ok("spec", "--bundle", dir)
	var s specs.Spec
	b, _ := os.ReadFile(filepath.Join(dir, "config.json"))
	if err := json.Unmarshal(b, &s); err != nil || s.Process == nil || !strings.HasSuffix(s.Process.Args[0], ".spt") || s.Root.Path != "rootfs" {
		t.Errorf("spec: %s: %v", b, err)
	}
	e.fails("exists", "spec", "-b", dir)
	// `spec` without --bundle writes into the working directory.
	dir2 := t.TempDir()
	if r := e.runIn(dir2, "spec"); r.code != 0 {
		t.Errorf("spec in cwd: %s", r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir2, "config.json")); err != nil {
		t.Error(err)
	}
	var f map[string]any
	if err := json.Unmarshal([]byte(e.ok("features").stdout), &f); err != nil || f["ociVersionMax"] != specs.Version {
		t.Errorf("features: %v %v", f, err)
	}
	v := e.ok("--version").stdout
	if !strings.HasPrefix(v, "runnc version ") || !strings.Contains(v, "\nspec: "+specs.Version+"\n") {
		t.Errorf("--version = %q", v)
	}
}

// TestHalfCreated: a create killed mid-way leaves a "creating" record (maybe with a
// live init) or a bare directory; delete --force removes both and kills the process.
func TestHalfCreated(t *testing.T) {
	e := newEnv(t)
	os.MkdirAll(filepath.Join(e.root, "bare"), 0o711)
	e.ok("delete", "--force", "bare")

	sleeper := exec.Command("sh", "-c", "sleep 60; : "+e.tmp) // e.tmp in argv: the leak check sees it
	sleeper.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := sleeper.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { sleeper.Wait(); close(done) }()
	stat, _ := os.ReadFile("/proc/" + strconv.Itoa(sleeper.Process.Pid) + "/stat")
	f := strings.Fields(string(stat)[strings.LastIndexByte(string(stat), ')')+2:])
	dir := filepath.Join(e.root, "half")
	os.MkdirAll(dir, 0o711)
	rec := `{"id":"half","bundle":"/b","rootfs":"/b/rootfs","status":"creating","pid":` + strconv.Itoa(sleeper.Process.Pid) + `,"pidStart":` + f[19] + `,"created":"2026-01-01T00:00:00Z","owner":"root"}`
	os.WriteFile(filepath.Join(dir, "state.json"), []byte(rec), 0o600)
	if st := e.state("half"); st["status"] != "creating" {
		t.Errorf("half-created status %v", st["status"])
	}
	e.fails("cannot delete container half that is not stopped: creating", "delete", "half")
	e.ok("delete", "--force", "half")
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Error("delete --force did not kill the half-created container's process")
		sleeper.Process.Kill()
	}
}

func TestOOMScoreAdjAndTerminalRun(t *testing.T) {
	e := newEnv(t)
	s := helloSpec()
	adj := 104
	s.Process.OOMScoreAdj = &adj
	b := e.bundle(s, "test_hello.spt")
	e.ok("create", "-b", b, "o1")
	pid := int(e.state("o1")["pid"].(float64))
	if v, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/oom_score_adj"); strings.TrimSpace(string(v)) != "104" {
		t.Errorf("oom_score_adj = %q", v)
	}
	e.ok("delete", "o1")

	// run in the foreground with a terminal: runnc allocates the pty and copies output.
	s = helloSpec("tty")
	s.Process.Terminal = true
	b = e.bundle(s, "test_hello.spt")
	r := e.run("run", "-b", b, "t1")
	if r.code != 0 || !strings.Contains(r.stdout, "Hello, World") {
		t.Errorf("run with terminal: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
}

// TestKilledDuringCreate: runnc create killed while a createRuntime hook runs leaves a
// "creating" container; delete --force removes it and nothing is left.
func TestKilledDuringCreate(t *testing.T) {
	e := newEnv(t)
	s := helloSpec()
	marker := filepath.Join(e.tmp, "hook-started")
	s.Hooks = &specs.Hooks{CreateRuntime: []specs.Hook{{Path: "/bin/sh", Args: []string{"sh", "-c", "touch " + marker + "; sleep 30; : " + e.tmp}}}}
	b := e.bundle(s, "test_hello.spt")
	cmd := exec.Command(runncB, "--root", e.root, "create", "-b", b, "k1")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 1000; i++ { // the marker exists once the hook runs
		if _, err := os.Stat(marker); err == nil {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // runnc and its hook
	cmd.Wait()
	if st := e.state("k1"); st["status"] != "creating" {
		t.Errorf("after a killed create: %v", st)
	}
	e.fails("not stopped: creating", "delete", "k1")
	e.ok("delete", "--force", "k1")
	e.fails("does not exist", "state", "k1")
}
