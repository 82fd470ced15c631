// `runnc create`: prepare the container and leave its init waiting on the exec fifo.
package cli

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/nabla-containers/nabla/internal/runnc/container"
)

func createFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "bundle", Aliases: []string{"b"}, Usage: "path to the root of the bundle directory, defaults to the current directory"},
		&cli.StringFlag{Name: "console-socket", Usage: "path to an AF_UNIX socket which will receive a file descriptor referencing the master end of the console's pseudoterminal"},
		&cli.StringFlag{Name: "pid-file", Usage: "specify the file to write the process id to"},
		&cli.BoolFlag{Name: "no-pivot", Usage: "do not use pivot root to jail process inside rootfs (no effect: the unikernel sees only its disk)"},
		&cli.BoolFlag{Name: "no-new-keyring", Usage: "do not create a new session keyring for the container (no effect)"},
		&cli.IntFlag{Name: "preserve-fds", Usage: "pass N additional file descriptors to the container (only 0 is supported)"},
	}
}

func createCommand() *cli.Command {
	return &cli.Command{
		Name:      "create",
		Usage:     "create a container",
		ArgsUsage: "<container-id>",
		Flags:     createFlags(),
		Action: func(c *cli.Context) error {
			id, err := oneID(c)
			if err != nil {
				return err
			}
			cr, err := create(c, id, true)
			if err != nil {
				return err
			}
			cr.Release()
			return nil
		},
	}
}

// oneID returns the single container id argument.
func oneID(c *cli.Context) (string, error) {
	if c.NArg() != 1 {
		return "", fmt.Errorf("%s: requires exactly 1 argument (container id), got %d", c.Command.Name, c.NArg())
	}
	id := c.Args().First()
	return id, container.CheckID(id)
}

// create passes create's flags (shared by run) to the lifecycle.
func create(c *cli.Context, id string, detach bool) (*container.Handle, error) {
	if n := c.Int("preserve-fds"); n != 0 {
		return nil, fmt.Errorf("--preserve-fds=%d: a unikernel cannot use extra file descriptors", n)
	}
	return container.Create(container.CreateOpts{
		Root: root(c), ID: id, Bundle: c.String("bundle"), ConsoleSocket: c.String("console-socket"),
		PidFile: c.String("pid-file"), Detach: detach,
	})
}
