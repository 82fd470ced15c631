// Package nablacli implements the `nabla` command: the image inspector, manifest generator, runner and image builder.
package nablacli

import (
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/nabla-containers/nabla/abi"
)

// Version is the nabla version, set at link time with -ldflags -X.
var Version = "dev"

// App returns the nabla command with its output going to stdout and stderr.
func App(stdin io.Reader, stdout, stderr io.Writer) *cli.App {
	cli.VersionPrinter = func(c *cli.Context) {
		fmt.Fprintf(c.App.Writer, "nabla version %s\nSolo5 ABI version %d\n", c.App.Version, abi.ABIVersion)
	}
	return &cli.App{
		Name:                 "nabla",
		Usage:                "build, inspect and run Solo5 unikernel images",
		Version:              Version,
		Reader:               stdin,
		Writer:               stdout,
		ErrWriter:            stderr,
		HideHelpCommand:      true,
		EnableBashCompletion: false,
		// --env=A=1,2 is one variable: values are taken exactly, never split at commas.
		DisableSliceFlagSeparator: true,
		Commands: []*cli.Command{
			inspectCommand(),
			genManifestCommand(),
			kernelRunCommand(),
			bakeCommand(),
			imageCommand(),
		},
		// Errors are printed once, by main, as one line.
		ExitErrHandler: func(*cli.Context, error) {},
	}
}
