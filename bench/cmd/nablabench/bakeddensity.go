// Density of baked Go: N idle Go programs of one image up at once, natively and baked on nabla-spt; PSS and private memory per process tree.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"time"
)

// buildGoIdle builds bench/guest/idle-go static and bakes it with `nabla bake`.
func (e *env) buildGoIdle() (native, baked string, err error) {
	native, baked = e.path("idle-go"), e.path("idle-go.spt")
	c := exec.Command(goTool(), "build", "-trimpath", "-o", native, "./bench/guest/idle-go")
	c.Dir = e.repo
	c.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+runtime.GOARCH)
	if b, err := c.CombinedOutput(); err != nil {
		return "", "", fmt.Errorf("go build bench/guest/idle-go: %v\n%s", err, b)
	}
	if _, err := e.run(filepath.Join(e.bin, "nabla"), "bake", native, "-o", baked); err != nil {
		return "", "", err
	}
	return native, baked, nil
}

// startIdle starts argv and waits for its "IDLE" line; its stdout is drained after that.
func (e *env) startIdle(argv []string) (*exec.Cmd, error) {
	c := exec.Command(argv[0], argv[1:]...)
	out, err := c.StdoutPipe()
	if err != nil {
		return nil, err
	}
	c.Stdin, c.Stderr = e.devnull, e.devnull
	if err := c.Start(); err != nil {
		return nil, err
	}
	up := waitLine(out, "IDLE")
	select {
	case ok := <-up:
		if ok {
			return c, nil
		}
		err = fmt.Errorf("%s exited before it was up", argv[0])
	case <-time.After(10 * time.Second):
		err = fmt.Errorf("%s not up after 10 s", argv[0])
	}
	c.Process.Kill()
	c.Wait()
	return nil, err
}

// idleMany starts n copies of argv, lets them settle, and returns each tree's PSS and
// private memory (Private_Clean + Private_Dirty), read with all n up.
func (e *env) idleMany(argv []string, n int, settle time.Duration) (pss, priv []float64, err error) {
	var cs []*exec.Cmd
	defer func() {
		for _, c := range cs {
			c.Process.Kill()
			c.Wait()
		}
	}()
	for len(cs) < n {
		c, err := e.startIdle(argv)
		if err != nil {
			return nil, nil, fmt.Errorf("container %d: %v", len(cs)+1, err)
		}
		cs = append(cs, c)
	}
	time.Sleep(settle)
	for _, c := range cs {
		p, err := treeSum(c.Process.Pid, "smaps_rollup", "Pss")
		if err != nil {
			return nil, nil, err
		}
		pc, err1 := treeSum(c.Process.Pid, "smaps_rollup", "Private_Clean")
		pd, err2 := treeSum(c.Process.Pid, "smaps_rollup", "Private_Dirty")
		if err1 != nil || err2 != nil {
			return nil, nil, fmt.Errorf("smaps_rollup: %v %v", err1, err2)
		}
		pss, priv = append(pss, p), append(priv, pc+pd)
	}
	return pss, priv, nil
}

func (e *env) bakedDensity(n int, settle time.Duration) []*Result {
	native, baked, err := e.buildGoIdle()
	var rs []*Result
	for _, x := range []struct {
		name string
		argv []string
		ref  bool
	}{
		{"native static Go idle", []string{native}, true},
		{"nabla-spt on the baked Go idle", []string{filepath.Join(e.bin, "nabla-spt"), fmt.Sprintf("--mem=%d", libosMemMiB), baked, "--solo5:quiet", "--"}, false},
	} {
		pss := &Result{Section: "density", Measure: fmt.Sprintf("baked Go idle, %d of one image up at once: PSS of each process tree", n),
			Contender: x.name, Unit: "KiB", Reference: x.ref, Samples: []float64{}}
		priv := &Result{Section: "density", Measure: fmt.Sprintf("baked Go idle, %d of one image up at once: private memory of each process tree", n),
			Contender: x.name, Unit: "KiB", Reference: x.ref, Note: "Private_Clean + Private_Dirty", Samples: []float64{}}
		if err == nil {
			var p, q []float64
			if p, q, err = e.idleMany(x.argv, n, settle); err == nil {
				pss.Samples, priv.Samples = p, q
			}
		}
		if err != nil {
			pss.Error, priv.Error = err.Error(), err.Error()
			err = nil
		}
		rs = append(rs, pss, priv)
	}
	return []*Result{rs[0], rs[2], rs[1], rs[3]}
}
