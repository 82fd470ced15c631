// `runnc kill`: send a signal (name or number) to the container's process.
package cli

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/nabla-containers/nabla/internal/runnc/container"
)

func killCommand() *cli.Command {
	return &cli.Command{
		Name:      "kill",
		Usage:     "kill sends the specified signal (default: SIGTERM) to the container's init process",
		ArgsUsage: "<container-id> [signal]",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "all", Aliases: []string{"a"}, Usage: "send the specified signal to all processes inside the container"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() < 1 || c.NArg() > 2 {
				return fmt.Errorf("kill: requires 1 or 2 arguments (container id, signal), got %d", c.NArg())
			}
			raw := "SIGTERM"
			if c.NArg() == 2 {
				raw = c.Args().Get(1)
			}
			sig, err := container.ParseSignal(raw)
			if err != nil {
				return err
			}
			return container.Kill(root(c), c.Args().Get(0), sig, c.Bool("all"))
		},
	}
}
