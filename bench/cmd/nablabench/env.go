// The bench environment: repository paths, scratch directory, built helpers and bundles.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/nabla-containers/nabla/internal/fstree"
)

// env is what every measurement needs; made once by setup.
type env struct {
	repo, arch, tmp string
	bin             string // repo/bin: nabla, nabla-spt, nabla-hvt, runnc
	guests          string // guest/build/<arch>
	pvm             bool   // /dev/kvm is PVM: hvt guests run under KVM's instruction emulator
	crun            string // crun wrapper: private mount namespace without the cgroup2 mount
	hello, trueBin  string // native static C programs
	sleeper         string
	idle            string // idle Solo5 spt guest (bench/guest/idle.c)
	goHello         string // static Go hello (tests/libos/apps/go-hello, CGO_ENABLED=0)
	goHelloSpt      string // goHello as `nabla run` baked it, in nablaCache
	nablaCache      string // NABLA_CACHE_DIR of every command: bakes stay in the scratch dir
	cmdEnv          []string
	rssRun          string // static launcher reporting its child's ru_maxrss (rss.c)
	runncRoot       string
	runcRoot        string
	crunRoot        string
	devnull         *os.File
	seq             int // container id counter
}

var archNames = map[string]string{"amd64": "x86_64", "arm64": "aarch64"}

// tools are the host programs the bench runs; Debian package names beside them.
var tools = map[string]string{"runc": "runc", "crun": "crun", "strace": "strace", "containerd": "containerd",
	"ctr": "containerd", "containerd-shim-runc-v2": "containerd", "gcc": "gcc", "unshare": "util-linux", "wrk": "wrk", "curl": "curl", "ip": "iproute2"}

// checkTools reports missing tools; with install it first apt-get installs their packages.
func checkTools(install bool) error {
	var missing, pkgs []string
	for t, p := range tools {
		if _, err := exec.LookPath(t); err != nil {
			missing = append(missing, t)
			pkgs = append(pkgs, p)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	if install {
		args := append([]string{"install", "-y", "-qq", "--no-install-recommends"}, pkgs...)
		c := exec.Command("apt-get", args...)
		c.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		if out, err := c.CombinedOutput(); err != nil {
			return fmt.Errorf("apt-get install %v: %v\n%s", pkgs, err, out)
		}
		return checkTools(false)
	}
	return fmt.Errorf("missing tools %v (apt-get install %s)", missing, strings.Join(pkgs, " "))
}

// setup checks the build outputs and makes the scratch directory, helpers and wrapper.
func setup(repo string, install bool) (*env, error) {
	if os.Geteuid() != 0 {
		return nil, fmt.Errorf("the bench needs root (runc, crun, runnc, containerd, strace)")
	}
	if err := checkTools(install); err != nil {
		return nil, err
	}
	arch, ok := archNames[runtime.GOARCH]
	if !ok {
		return nil, fmt.Errorf("unsupported GOARCH %s", runtime.GOARCH)
	}
	e := &env{repo: repo, arch: arch, bin: filepath.Join(repo, "bin"), guests: filepath.Join(repo, "guest", "build", arch)}
	for _, p := range []string{"bin/nabla", "bin/nabla-spt", "bin/nabla-hvt", "bin/runnc",
		"guest/build/" + arch + "/test_hello.spt", "guest/build/" + arch + "/test_hello.hvt",
		"guest/libos/build/" + arch + "/libos.spt"} {
		if _, err := os.Stat(filepath.Join(repo, p)); err != nil {
			return nil, fmt.Errorf("%s missing: run `make go guest` first", p)
		}
	}
	_, err := os.Stat("/sys/module/kvm_pvm")
	e.pvm = err == nil
	if e.tmp, err = os.MkdirTemp("", "nablabench-"); err != nil {
		return nil, err
	}
	if e.devnull, err = os.OpenFile(os.DevNull, os.O_RDWR, 0); err != nil {
		return e, err
	}
	e.runncRoot, e.runcRoot, e.crunRoot = e.path("root-runnc"), e.path("root-runc"), e.path("root-crun")
	e.nablaCache = e.path("nabla-cache")
	e.cmdEnv = append(os.Environ(), "NABLA_CACHE_DIR="+e.nablaCache)
	// crun 1.8.1 refuses hybrid cgroups: run it where the cgroup2 mount is gone.
	e.crun = e.path("crun-legacy")
	crunPath, _ := exec.LookPath("crun")
	script := "#!/bin/sh\n# crun in a private mount namespace without the cgroup2 mount (hybrid cgroups).\n" +
		"exec unshare -m --propagation private sh -c 'umount /sys/fs/cgroup/unified 2>/dev/null; exec " + crunPath + " \"$@\"' crun \"$@\"\n"
	if err := os.WriteFile(e.crun, []byte(script), 0o755); err != nil {
		return e, err
	}
	progs := map[string]string{
		"hello":   "#include <stdio.h>\nint main(void) { printf(\"Hello, World\\n\"); return 0; }\n",
		"true":    "int main(void) { return 0; }\n",
		"sleeper": "#include <unistd.h>\nint main(void) { for (;;) pause(); }\n",
	}
	for name, src := range progs {
		c := e.path(name + ".c")
		if err := os.WriteFile(c, []byte(src), 0o644); err != nil {
			return e, err
		}
		if out, err := exec.Command("gcc", "-static", "-O2", "-o", e.path(name), c).CombinedOutput(); err != nil {
			return e, fmt.Errorf("gcc -static %s: %v\n%s", name, err, out)
		}
	}
	e.hello, e.trueBin, e.sleeper = e.path("hello"), e.path("true"), e.path("sleeper")
	if e.rssRun, err = buildLauncher(e.tmp); err != nil {
		return e, err
	}
	if e.idle, err = buildIdle(repo, arch, e.tmp); err != nil {
		return e, err
	}
	if e.goHello, err = buildGoHello(repo, e.tmp); err != nil {
		return e, err
	}
	if e.goHelloSpt, err = e.primeLibOS(); err != nil {
		return e, err
	}
	return e, nil
}

func (e *env) path(name string) string { return filepath.Join(e.tmp, name) }

func (e *env) guest(name string) string { return filepath.Join(e.guests, name) }

// close deletes any container still in the bench's runtime roots (a measurement that
// failed half-way), unmounts and removes the scratch directory; it reports leftovers.
func (e *env) close() error {
	var left []string
	for _, rt := range []string{"runc", "crun", "runnc"} {
		bin, root := e.rtBin(rt)
		o, err := e.run(bin, "--root", root, "list", "-q")
		if err != nil {
			continue // the root was never made
		}
		for _, id := range strings.Fields(o.stdout) {
			left = append(left, rt+":"+id)
			e.run(bin, "--root", root, "delete", "--force", id)
		}
	}
	if e.devnull != nil {
		e.devnull.Close()
	}
	exec.Command("umount", "-R", e.tmp).Run() // anything a runtime left mounted under it
	if err := os.RemoveAll(e.tmp); err != nil {
		left = append(left, err.Error())
	}
	if len(left) > 0 {
		return fmt.Errorf("left behind (now removed): %v", left)
	}
	return nil
}

// id returns a fresh container id.
func (e *env) id(prefix string) string {
	e.seq++
	return fmt.Sprintf("%s%d-%d", prefix, os.Getpid(), e.seq)
}

// treeBundle is an OCI bundle (for runc or runnc) named name of args on a copy of tree
// (runc makes mount points in its rootfs), in the network namespace netns (a path, as a
// CNI plugin sets it) or, when netns is "", a new empty one.
func (e *env) treeBundle(name, tree string, args []string, netns string) (string, error) {
	dir := e.path(name)
	rootfs := filepath.Join(dir, "rootfs")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	if err := fstree.Copy(tree, rootfs); err != nil {
		return "", err
	}
	return dir, runcSpec(dir, func(spec, proc, linux map[string]any) {
		proc["args"] = args
		nss, _ := linux["namespaces"].([]any)
		for _, n := range nss {
			if m, ok := n.(map[string]any); ok && m["type"] == "network" && netns != "" {
				m["path"] = netns
			}
		}
	})
}

// bundle makes a bundle directory whose rootfs holds file (as /name) and whose spec is
// runc's default (`runc spec`: pid, net, ipc, uts and mount namespaces, default
// capabilities and masked paths) with no terminal and args.
func (e *env) bundle(dir, file, name string, args ...string) error {
	rootfs := filepath.Join(dir, "rootfs")
	if err := os.MkdirAll(rootfs, 0o755); err != nil {
		return err
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(rootfs, name), b, 0o755); err != nil {
		return err
	}
	return runcSpec(dir, func(spec, proc, linux map[string]any) {
		proc["args"] = append([]string{"/" + name}, args...)
	})
}

// runcSpec writes runc's default spec (`runc spec`: pid, net, ipc, uts and mount
// namespaces, default capabilities and masked paths) into dir with no terminal, lets edit
// change it (the whole spec, its process and its linux objects), and writes it back.
func runcSpec(dir string, edit func(spec, proc, linux map[string]any)) error {
	cfg := filepath.Join(dir, "config.json")
	os.Remove(cfg)
	if out, err := exec.Command("runc", "spec", "-b", dir).CombinedOutput(); err != nil {
		return fmt.Errorf("runc spec: %v: %s", err, out)
	}
	b, err := os.ReadFile(cfg)
	if err != nil {
		return err
	}
	var spec map[string]any
	if err := json.Unmarshal(b, &spec); err != nil {
		return err
	}
	proc, _ := spec["process"].(map[string]any)
	linux, _ := spec["linux"].(map[string]any)
	if proc == nil || linux == nil {
		return fmt.Errorf("runc spec: no process or linux object")
	}
	proc["terminal"] = false
	edit(spec, proc, linux)
	if b, err = json.MarshalIndent(spec, "", "  "); err != nil {
		return err
	}
	return os.WriteFile(cfg, b, 0o644)
}
