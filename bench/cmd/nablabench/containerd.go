// A private containerd (state under the scratch directory, stopped by pid) and `ctr run`.
package main

import (
	"fmt"
	"path/filepath"

	"github.com/nabla-containers/nabla/internal/containerdtest"
)

// startContainerd starts the bench's private containerd under the scratch directory.
func (e *env) startContainerd() (*containerdtest.Daemon, error) {
	d, err := containerdtest.Start(e.path("containerd"))
	if err != nil {
		return nil, fmt.Errorf("%s", oneLine(err.Error()))
	}
	return d, nil
}

// ctrRuns measures `ctr run --rm --rootfs DIR` with runc, crun and runnc as the runc
// shim's binary: containerd, its shim and the runtime, create to deleted.
func (e *env) ctrRuns(b bundles, warm, n int) []*Result {
	c, err := e.startContainerd()
	if err != nil {
		return []*Result{{Section: "lifecycle", Measure: "ctr run --rm", Contender: "containerd", Unit: "ms", Error: err.Error()}}
	}
	defer c.Stop()
	fifo := e.path("ctr-fifo")
	argv := func(bin, root, bundle, cmd string) func() []string {
		return func() []string {
			return c.CtrArgv("nablabench", "run", "--rm", "--fifo-dir", fifo, "--runc-binary", bin, "--runc-root", root,
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
