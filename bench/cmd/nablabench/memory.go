// Memory: peak RSS of hello runs, and of an idle unikernel against an idle container.
package main

import (
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"time"
)

func (e *env) rss(argv func() []string) func() (float64, error) {
	return func() (float64, error) { return e.peakRSS(argv()...) }
}

func (e *env) memoryHello(b bundles, warm, n int) []*Result {
	cs := []contender{
		{name: "native static C hello", ref: true, run: e.rss(fixed(e.hello))},
		{name: "nabla-spt test_hello.spt", run: e.rss(fixed(filepath.Join(e.bin, "nabla-spt"), e.guest("test_hello.spt")))},
		{name: "runc run (static /true), tree", run: e.rss(e.runtimeArgv("runc", b.true_))},
		{name: "crun run (static /true), tree", note: "unshare -m wrapper", run: e.rss(e.runtimeArgv("crun", b.true_))},
		{name: "runnc run (test_hello.spt), tree", run: e.rss(e.runtimeArgv("runnc", b.hello))},
	}
	return alternate("memory", "hello: peak RSS of the largest process of the tree (ru_maxrss)", "KiB", warm, n, cs)
}

// detached is a container started with `run -d`.
type detached struct {
	rt, root, id string
	pid          int
}

func (e *env) rtBin(rt string) (bin, root string) {
	switch rt {
	case "runnc":
		return filepath.Join(e.bin, "runnc"), e.runncRoot
	case "crun":
		return e.crun, e.crunRoot
	}
	return "runc", e.runcRoot
}

// startDetached runs `RT run -d` and reads the container's pid from `RT state`.
func (e *env) startDetached(rt, bundle string) (*detached, error) {
	bin, root := e.rtBin(rt)
	d := &detached{rt: rt, root: root, id: e.id("d" + rt[:2])}
	if err := e.runDetached(bin, "--root", root, "run", "-d", "-b", bundle, d.id); err != nil {
		e.run(bin, "--root", root, "delete", "--force", d.id)
		return nil, err
	}
	o, err := e.run(bin, "--root", root, "state", d.id)
	if err == nil {
		var st struct{ Pid int }
		if err = json.Unmarshal([]byte(o.stdout), &st); err == nil && st.Pid <= 0 {
			err = fmt.Errorf("%s state %s: no pid", rt, d.id)
		}
		d.pid = st.Pid
	}
	if err != nil {
		e.stopDetached(d)
		return nil, err
	}
	return d, nil
}

func (e *env) stopDetached(d *detached) error {
	bin, root := e.rtBin(d.rt)
	_, err := e.run(bin, "--root", root, "delete", "--force", d.id)
	return err
}

// idleHWM starts a container, lets it settle, and returns its process tree's VmHWM.
func (e *env) idleHWM(rt, bundle string, settle time.Duration) func() (float64, error) {
	return func() (float64, error) {
		d, err := e.startDetached(rt, bundle)
		if err != nil {
			return 0, err
		}
		time.Sleep(settle)
		v, err := treeSum(d.pid, "status", "VmHWM")
		if serr := e.stopDetached(d); err == nil {
			err = serr
		}
		return v, err
	}
}

// idleDirect starts nabla-spt on the idle guest, waits for its "IDLE" line and settle (the
// guest may print before the tender has become the waiter), reads VmHWM.
func (e *env) idleDirect(settle time.Duration) func() (float64, error) {
	return func() (float64, error) { return e.idleDirectOnce(settle) }
}

func (e *env) idleDirectOnce(settle time.Duration) (float64, error) {
	c := exec.Command(filepath.Join(e.bin, "nabla-spt"), "--mem=32", e.idle)
	out, err := c.StdoutPipe()
	if err != nil {
		return 0, err
	}
	c.Stderr = e.devnull
	if err := c.Start(); err != nil {
		return 0, err
	}
	defer func() { c.Process.Kill(); c.Wait() }()
	up := waitLine(out, "IDLE")
	select {
	case ok := <-up:
		if !ok {
			return 0, fmt.Errorf("idle guest exited before it was up")
		}
	case <-time.After(10 * time.Second):
		return 0, fmt.Errorf("idle guest not up after 10 s")
	}
	time.Sleep(settle)
	return treeSum(c.Process.Pid, "status", "VmHWM")
}

func (e *env) memoryIdle(b bundles, warm, n int, settle time.Duration) []*Result {
	cs := []contender{
		{name: "runc run -d (static sleeper)", ref: true, run: e.idleHWM("runc", b.sleeper, settle)},
		{name: "crun run -d (static sleeper)", note: "unshare -m wrapper", run: e.idleHWM("crun", b.sleeper, settle)},
		{name: "runnc run -d (idle.spt)", run: e.idleHWM("runnc", b.idle, settle)},
		{name: "nabla-spt --mem=32 idle.spt", run: e.idleDirect(settle)},
	}
	return alternate("memory", "idle: VmHWM of the container's process tree once up", "KiB", warm, n, cs)
}
