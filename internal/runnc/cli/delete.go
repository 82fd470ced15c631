// `runnc delete`: remove a stopped container (any container with --force).
package cli

import (
	"errors"
	"fmt"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/nabla-containers/nabla/internal/runnc/container"
)

func deleteCommand() *cli.Command {
	return &cli.Command{
		Name:      "delete",
		Usage:     "delete any resources held by the container often used with detached container",
		ArgsUsage: "<container-id>",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "force", Aliases: []string{"f"}, Usage: "Forcibly deletes the container if it is still running (uses SIGKILL)"},
		},
		Action: func(c *cli.Context) error {
			id, err := oneID(c)
			if err != nil {
				return err
			}
			return destroy(root(c), id, c.Bool("force"))
		},
	}
}

// destroy deletes a container. A directory without a state file (a create killed
// before its first save) is removed as runc does.
func destroy(rootDir, id string, force bool) error {
	lock, err := container.Acquire(rootDir, id)
	if errors.Is(err, container.ErrNotExist) {
		if force {
			return nil
		}
		return err
	}
	if err != nil {
		return err
	}
	defer lock.Release()
	st, err := container.Load(rootDir, id)
	if errors.Is(err, container.ErrNotExist) {
		_ = container.RemoveDir(rootDir, id)
		if force {
			return nil
		}
		return err
	}
	if err != nil {
		if !force {
			return err
		}
		// Unreadable state: nothing to kill that we can identify safely.
		return container.RemoveDir(rootDir, id)
	}
	switch s := st.Current(rootDir); s {
	case container.Stopped:
	case container.Created:
		if err := st.KillAndWait(); err != nil {
			return err
		}
	default:
		if !force {
			return fmt.Errorf("cannot delete container %s that is not stopped: %s", id, s)
		}
		if err := st.KillAndWait(); err != nil {
			return err
		}
	}
	if err := container.RemoveDir(rootDir, id); err != nil {
		return err
	}
	if st.Hooks != nil {
		if err := container.RunHooks("poststop", st.Hooks.Poststop, st.OCIState(container.Stopped)); err != nil {
			logf("warning", "%v", err)
			fmt.Fprintln(os.Stderr, "runnc: warning:", err)
		}
	}
	return nil
}
