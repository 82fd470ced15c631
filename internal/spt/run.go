// Package spt is the seccomp tender: it loads a Solo5 spt unikernel into a child process and runs it under a seccomp filter.
package spt

import (
	"runtime"

	"github.com/nabla-containers/nabla/internal/seccomp"
	"github.com/nabla-containers/nabla/internal/tender"
)

// Prog is the name the tender gives itself in messages and --version.
const Prog = "nabla-spt"

// Run is nabla-spt's main: it never returns. It exits with the guest's status,
// or dies by the signal that killed the guest, or exits 1 on a tender error.
func Run(args []string) {
	o := tender.ParseOrExit(Prog, args)
	if runtime.GOARCH != "amd64" && runtime.GOARCH != "arm64" {
		tender.Fatalf("unsupported host architecture %s", runtime.GOARCH)
	}
	// The guest's filter is loaded in the child, which can only exit 1 if that fails:
	// a kernel without seccomp filters is told apart here, in one line.
	if err := seccomp.Available(); err != nil {
		tender.Fatalf("%v", err)
	}
	g, err := prepare(o, args)
	if err != nil {
		tender.Fatalf("%v", err)
	}
	finish(launch(g))
}
