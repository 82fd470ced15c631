// Bad input: each case is a one-line error, a non-zero exit, and leaves nothing behind.
package runnc

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func TestBadBundles(t *testing.T) {
	e := newEnv(t)
	noConfig := e.bundle(nil, "test_hello.spt")
	badJSON := e.bundle(nil, "test_hello.spt")
	os.WriteFile(filepath.Join(badJSON, "config.json"), []byte(`{"process": [`), 0o644)
	noRootfs := e.bundle(helloSpec(), "test_hello.spt")
	os.RemoveAll(filepath.Join(noRootfs, "rootfs"))
	notImage := helloSpec()
	notImage.Process.Args = []string{"/bin/sh"}
	missing := helloSpec()
	missing.Process.Args = []string{"/nothere.spt"}
	notElf := e.bundle(helloSpec(), "test_hello.spt")
	os.WriteFile(filepath.Join(notElf, "rootfs", "test_hello.spt"), []byte("#!/bin/sh\n"), 0o755)
	other := map[string]string{"amd64": "aarch64", "arm64": "x86_64"}[runtime.GOARCH]
	wrongArch := e.bundle(helloSpec())
	b, err := os.ReadFile(filepath.Join(repo, "guest", "build", other, "test_hello.spt"))
	if err != nil {
		t.Fatalf("the %s hello image is needed for the wrong-arch case (make guest): %v", other, err)
	}
	os.WriteFile(filepath.Join(wrongArch, "rootfs", "test_hello.spt"), b, 0o755)
	hvt := helloSpec()
	hvt.Process.Args = []string{"/test_hello.spt.hvt"}
	hvtB := e.bundle(hvt)
	hb, _ := os.ReadFile(image(t, "test_hello.spt"))
	os.WriteFile(filepath.Join(hvtB, "rootfs", "test_hello.spt.hvt"), hb, 0o755)
	hugeMem := helloSpec()
	limit := int64(1 << 50)
	hugeMem.Linux = &specs.Linux{Resources: &specs.LinuxResources{Memory: &specs.LinuxMemory{Limit: &limit}}}
	tty := helloSpec()
	tty.Process.Terminal = true

	cases := []struct {
		name, bundle, want string
		extra              []string
	}{
		{"no config.json", noConfig, "config.json not found", nil},
		{"invalid JSON", badJSON, "invalid JSON", nil},
		{"missing rootfs", noRootfs, "rootfs (" + filepath.Join(noRootfs, "rootfs") + ") does not exist", nil},
		{"program not in the rootfs", e.bundle(notImage, "test_hello.spt"), `process.args[0] "/bin/sh": not found in the rootfs`, nil},
		{"missing image", e.bundle(missing, "test_hello.spt"), "not found in the rootfs", nil},
		{"not ELF", notElf, "not a Solo5 unikernel", nil},
		{"wrong arch", wrongArch, "executable is for " + other, nil},
		{"spt image named hvt", hvtB, "executable is not for the solo5-hvt target", nil},
		{"memory above host", e.bundle(hugeMem, "test_hello.spt"), "more than the host", nil},
		{"terminal without console socket", e.bundle(tty, "test_hello.spt"), "cannot allocate tty", []string{"--detach"}},
		{"console socket without terminal", e.bundle(helloSpec(), "test_hello.spt"), "cannot use console socket", []string{"--console-socket", "/nonexistent.sock"}},
		{"preserve-fds", e.bundle(helloSpec(), "test_hello.spt"), "preserve-fds", []string{"--preserve-fds", "2"}},
		{"nonexistent bundle", filepath.Join(e.tmp, "nope"), "config.json not found", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, cmd := range []string{"create", "run"} {
				extra := c.extra
				if cmd == "create" && len(extra) > 0 && extra[0] == "--detach" {
					extra = extra[1:] // create always detaches
				}
				args := append([]string{cmd, "--bundle", c.bundle}, extra...)
				e.fails(c.want, append(args, "bad")...)
				e.fails("does not exist", "state", "bad")
			}
		})
	}
}

func TestBadIDsAndSignals(t *testing.T) {
	e := newEnv(t)
	b := e.bundle(helloSpec(), "test_hello.spt")
	e.fails("does not exist", "state", "ghost")
	e.fails("does not exist", "start", "ghost")
	e.fails("does not exist", "kill", "ghost", "KILL")
	e.fails("does not exist", "delete", "ghost")
	e.fails("does not exist", "ps", "ghost")
	e.fails("invalid container id", "create", "-b", b, "../escape")
	e.fails("invalid container id", "state", "a/b")
	e.fails("requires exactly 1 argument", "create", "-b", b)
	e.fails("requires exactly 1 argument", "start", "a", "b")

	e.ok("create", "-b", b, "dup")
	e.fails("container with id exists: dup", "create", "-b", b, "dup")
	e.fails("container with id exists: dup", "run", "-b", b, "dup")
	e.fails(`unknown signal "FOO"`, "kill", "dup", "FOO")
	e.fails(`unknown signal "SIGNOPE"`, "kill", "dup", "SIGNOPE")
	e.fails(`unknown signal "99"`, "kill", "dup", "99")
	if st := e.state("dup"); st["status"] != "created" {
		t.Errorf("after failed commands: %v", st)
	}
	e.ok("delete", "dup")
}

func TestUnsupported(t *testing.T) {
	e := newEnv(t)
	for _, c := range []string{"exec", "pause", "resume", "checkpoint", "restore", "events"} {
		e.fails("not supported", c, "x")
	}
	r := e.run("update", "--cpu-shares", "2", "x")
	if r.code == 0 {
		t.Error("update --cpu-shares accepted")
	}
	res := filepath.Join(e.tmp, "res.json")
	os.WriteFile(res, []byte(`{"cpu":{"shares":2}}`), 0o644)
	e.fails("not supported", "update", "-r", res, "x")
	e.fails("unknown log-format", "--log-format", "xml", "list")
}
