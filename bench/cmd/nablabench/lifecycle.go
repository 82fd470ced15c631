// Container lifecycle: `X run` of a bundle (create, start, wait, delete) per runtime.
package main

import (
	"path/filepath"
)

// bundles made once: runnc's hello, runc/crun's static /true, the idle/sleeper pair, and
// runc's static Go hello (the libOS comparison).
type bundles struct{ hello, true_, idle, sleeper, goHello string }

func (e *env) makeBundles() (bundles, error) {
	b := bundles{hello: e.path("b-hello"), true_: e.path("b-true"), idle: e.path("b-idle"), sleeper: e.path("b-sleeper"), goHello: e.path("b-hello-go")}
	for _, x := range []struct{ dir, file, name string }{
		{b.hello, e.guest("test_hello.spt"), "test_hello.spt"},
		{b.true_, e.trueBin, "true"},
		{b.idle, e.idle, "idle.spt"},
		{b.sleeper, e.sleeper, "sleeper"},
		{b.goHello, e.goHello, "hello-go"},
	} {
		if err := e.bundle(x.dir, x.file, x.name); err != nil {
			return b, err
		}
	}
	return b, nil
}

// runtimeArgv is `RUNTIME --root R run -b B ID` for runnc, runc or crun.
func (e *env) runtimeArgv(rt, bundle string) func() []string {
	return func() []string {
		switch rt {
		case "runnc":
			return []string{filepath.Join(e.bin, "runnc"), "--root", e.runncRoot, "run", "-b", bundle, e.id("bn")}
		case "crun":
			return []string{e.crun, "--root", e.crunRoot, "run", "-b", bundle, e.id("bc")}
		}
		return []string{"runc", "--root", e.runcRoot, "run", "-b", bundle, e.id("br")}
	}
}

func (e *env) lifecycle(b bundles, warm, n int) []*Result {
	cs := []contender{
		{name: "runc run (static /true)", ref: true, run: e.timed(e.runtimeArgv("runc", b.true_))},
		{name: "crun run (static /true)", note: "unshare -m wrapper", run: e.timed(e.runtimeArgv("crun", b.true_))},
		{name: "runnc run (test_hello.spt)", run: e.timed(e.runtimeArgv("runnc", b.hello))},
	}
	return alternate("lifecycle", "`run` of a bundle: create to deleted", "ms", warm, n, cs)
}
