// Start-up: a hello unikernel on the tenders against a native static C hello.
package main

import "path/filepath"

func (e *env) startup(warm, n int) []*Result {
	hvtNote := ""
	if e.pvm {
		hvtNote = "PVM: guest runs under KVM's instruction emulator"
	}
	cs := []contender{
		{name: "native static C hello", ref: true, run: e.timed(fixed(e.hello))},
		{name: "nabla-spt test_hello.spt", run: e.timed(fixed(filepath.Join(e.bin, "nabla-spt"), e.guest("test_hello.spt")))},
		{name: "nabla run test_hello.spt", run: e.timed(fixed(filepath.Join(e.bin, "nabla"), "run", e.guest("test_hello.spt")))},
		{name: "nabla-hvt test_hello.hvt", note: hvtNote, run: e.timed(fixed(filepath.Join(e.bin, "nabla-hvt"), e.guest("test_hello.hvt")))},
	}
	return alternate("start-up", "hello: exec to exit", "ms", warm, n, cs)
}
