// Command nabla builds and inspects Solo5 unikernel images; the logic is in internal/nablacli.
package main

import (
	"fmt"
	"os"

	"github.com/nabla-containers/nabla/internal/nablacli"
)

func main() {
	if err := nablacli.App(os.Stdin, os.Stdout, os.Stderr).Run(os.Args); err != nil {
		fmt.Fprintf(os.Stderr, "nabla: %v\n", err)
		os.Exit(1)
	}
}
