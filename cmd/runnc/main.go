// runnc: an OCI runtime (runc's command line) that runs Solo5 unikernels on nabla-spt.
package main

import (
	"os"

	"github.com/nabla-containers/nabla/internal/runnc/cli"
	"github.com/nabla-containers/nabla/internal/runnc/initproc"
)

func main() {
	// The container's init is runnc re-executed by create; it never returns.
	if len(os.Args) > 1 && os.Args[1] == initproc.Arg {
		initproc.Main()
	}
	os.Exit(cli.Main(os.Args, os.Stderr))
}
