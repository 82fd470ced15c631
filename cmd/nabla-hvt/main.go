// nabla-hvt runs a Solo5 hvt unikernel in a KVM virtual machine.
package main

import (
	"os"

	"github.com/nabla-containers/nabla/internal/hvt"
)

func main() { hvt.Run(os.Args) }
