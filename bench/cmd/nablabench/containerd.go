// A private containerd (state under the scratch directory, stopped by pid) and `ctr run`.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"
)

type containerd struct {
	dir, sock string
	cmd       *exec.Cmd
	log       *os.File
}

func (e *env) startContainerd() (*containerd, error) {
	dir := e.path("containerd")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	sock := filepath.Join(dir, "c.sock")
	cfg := fmt.Sprintf(`version = 2
root = %q
state = %q
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.devmapper"]
[grpc]
  address = %q
[ttrpc]
  address = %q
[debug]
  address = ""
[metrics]
  address = ""
`, filepath.Join(dir, "root"), filepath.Join(dir, "state"), sock, sock+".ttrpc")
	cfgPath := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o644); err != nil {
		return nil, err
	}
	logf, err := os.Create(filepath.Join(dir, "containerd.log"))
	if err != nil {
		return nil, err
	}
	cmd := exec.Command("containerd", "--config", cfgPath)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, err
	}
	c := &containerd{dir: dir, sock: sock, cmd: cmd, log: logf}
	deadline := time.Now().Add(15 * time.Second)
	for {
		if _, err := e.run(c.ctr("version")...); err == nil {
			return c, nil
		}
		if time.Now().After(deadline) {
			c.stop()
			b, _ := os.ReadFile(logf.Name())
			return nil, fmt.Errorf("containerd did not come up: %s", oneLine(string(b)))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// ctr is the argv of a ctr command against this containerd.
func (c *containerd) ctr(args ...string) []string {
	return append([]string{"ctr", "-a", c.sock, "-n", "nablabench"}, args...)
}

// stop ends containerd (SIGTERM, then SIGKILL after 10 s) and unmounts what it left.
func (c *containerd) stop() {
	c.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { c.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		c.cmd.Process.Kill()
		<-done
	}
	exec.Command("umount", "-R", filepath.Join(c.dir, "root")).Run()
	c.log.Close()
}

// ctrRuns measures `ctr run --rm --rootfs DIR` with runc, crun and runnc as the runc
// shim's binary: containerd, its shim and the runtime, create to deleted.
func (e *env) ctrRuns(b bundles, warm, n int) []*Result {
	c, err := e.startContainerd()
	if err != nil {
		return []*Result{{Section: "lifecycle", Measure: "ctr run --rm", Contender: "containerd", Unit: "ms", Error: err.Error()}}
	}
	defer c.stop()
	fifo := e.path("ctr-fifo")
	argv := func(bin, root, bundle, cmd string) func() []string {
		return func() []string {
			return c.ctr("run", "--rm", "--fifo-dir", fifo, "--runc-binary", bin, "--runc-root", root,
				"--rootfs", filepath.Join(bundle, "rootfs"), e.id("ctr"), cmd)
		}
	}
	cs := []contender{
		{name: "ctr run, runc (static /true)", ref: true, run: e.timed(argv("runc", e.path("ctr-runc"), b.true_, "/true"))},
		{name: "ctr run, crun (static /true)", note: "unshare -m wrapper", run: e.timed(argv(e.crun, e.path("ctr-crun"), b.true_, "/true"))},
		{name: "ctr run, runnc (test_hello.spt)", run: e.timed(argv(filepath.Join(e.bin, "runnc"), e.path("ctr-runnc"), b.hello, "/test_hello.spt"))},
	}
	return alternate("lifecycle", "ctr run --rm: create to deleted", "ms", warm, n, cs)
}
