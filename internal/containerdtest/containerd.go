// Package containerdtest runs a private containerd for tests and benchmarks: its config,
// root and state under one directory, stopped by pid, nothing left mounted.
package containerdtest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"
)

// Daemon is one running private containerd.
type Daemon struct {
	Dir  string // config, root, state, log and socket live here
	Sock string // the gRPC socket, for ctr -a and dockerd --containerd
	cmd  *exec.Cmd
	log  *os.File
}

// config keeps the daemon to what ctr needs: no CRI (it would want CNI), no snapshotters
// that cannot work here, no debug or metrics listeners.
const config = `version = 2
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
`

// Start starts containerd with everything under dir and waits (up to 15 s) until ctr
// reaches it. On failure nothing is left running and the error carries the daemon's log.
func Start(dir string) (*Daemon, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	sock := filepath.Join(dir, "c.sock")
	cfg := fmt.Sprintf(config, filepath.Join(dir, "root"), filepath.Join(dir, "state"), sock, sock+".ttrpc")
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
	d := &Daemon{Dir: dir, Sock: sock, cmd: cmd, log: logf}
	deadline := time.Now().Add(15 * time.Second)
	for {
		if _, err := d.Ctr("default", "version"); err == nil {
			return d, nil
		}
		if time.Now().After(deadline) {
			d.Stop()
			b, _ := os.ReadFile(logf.Name())
			return nil, fmt.Errorf("containerd did not come up:\n%s", b)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// CtrArgv is the argv of a ctr command against this daemon in namespace ns.
func (d *Daemon) CtrArgv(ns string, args ...string) []string {
	return append([]string{"ctr", "-a", d.Sock, "-n", ns}, args...)
}

// Ctr runs a ctr command in namespace ns (30 s at most) and returns its combined output.
func (d *Daemon) Ctr(ns string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	argv := d.CtrArgv(ns, args...)
	out, err := exec.CommandContext(ctx, argv[0], argv[1:]...).CombinedOutput()
	return string(out), err
}

// Stop ends containerd (SIGTERM, then SIGKILL after 10 s) and unmounts what it left
// under its root, so the directory can be removed.
func (d *Daemon) Stop() {
	d.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { d.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		d.cmd.Process.Kill()
		<-done
	}
	exec.Command("umount", "-R", filepath.Join(d.Dir, "root")).Run()
	d.log.Close()
}
