// nabla-spt runs a Solo5 spt unikernel in a seccomp-confined child process.
package main

import (
	"os"
	"runtime"

	"github.com/nabla-containers/nabla/internal/spt"
)

// The launch clones the guest and execs the waiter from the process's main thread: an
// exec from another thread leaves the pid a zombie for a moment (the old leader exits),
// which runtimes watching the pid (runnc) would take for the container's end.
func init() { runtime.LockOSThread() }

func main() { spt.Run(os.Args) }
