// `runnc kill`: send a signal (name or number) to the container's process.
package cli

import (
	"errors"
	"fmt"

	"github.com/urfave/cli/v2"
	"golang.org/x/sys/unix"

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
			id := c.Args().Get(0)
			raw := "SIGTERM"
			if c.NArg() == 2 {
				raw = c.Args().Get(1)
			}
			sig, err := container.ParseSignal(raw)
			if err != nil {
				return err
			}
			lock, err := container.Acquire(root(c), id)
			if err != nil {
				return err
			}
			defer lock.Release()
			st, err := container.Load(root(c), id)
			if err != nil {
				return err
			}
			if s := st.Current(root(c)); s != container.Created && s != container.Running {
				return errors.New("container not running")
			}
			pid := st.Pid
			if c.Bool("all") {
				pid = -pid // init is a session and group leader; the group is the container
			}
			if err := unix.Kill(pid, sig); err != nil {
				if err == unix.ESRCH {
					return errors.New("container not running")
				}
				return fmt.Errorf("kill: %v", err)
			}
			return nil
		},
	}
}
