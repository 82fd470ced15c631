// nabla-spt runs a Solo5 spt unikernel in a seccomp-confined child process.
package main

import (
	"os"

	"github.com/nabla-containers/nabla/internal/spt"
)

func main() { spt.Run(os.Args) }
