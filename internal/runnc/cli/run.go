// `runnc run`: create and start; in the foreground wait, forward signals, clean up.
package cli

import (
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"
	"golang.org/x/sys/unix"

	"github.com/nabla-containers/nabla/internal/runnc/container"
)

func runCommand() *cli.Command {
	flags := append(createFlags(),
		&cli.BoolFlag{Name: "detach", Aliases: []string{"d"}, Usage: "detach from the container's process"},
		&cli.BoolFlag{Name: "keep", Usage: "do not delete the container after it exits"},
		&cli.BoolFlag{Name: "no-subreaper", Usage: "disable the use of the subreaper used to reap reparented processes (no effect)"},
	)
	return &cli.Command{
		Name:      "run",
		Usage:     "create and run a container",
		ArgsUsage: "<container-id>",
		Flags:     flags,
		Action: func(c *cli.Context) error {
			id, err := oneID(c)
			if err != nil {
				return err
			}
			detach := c.Bool("detach")
			cr, err := create(c, id, detach)
			if err != nil {
				return err
			}
			// Catch signals before start so none is lost; forward them to the container.
			sigs := make(chan os.Signal, 16)
			if !detach {
				signal.Notify(sigs, forwarded...)
				defer signal.Stop(sigs)
			}
			cr.Unlock()
			logf("debug", "run %s: starting", id)
			if err := container.Start(root(c), id); err != nil {
				_ = container.Destroy(root(c), id, true)
				cr.Cmd.Wait()
				return err
			}
			if detach {
				cr.Release()
				return nil
			}
			copied := make(chan struct{})
			if cr.Pty != nil {
				go io.Copy(cr.Pty.Master, os.Stdin)
				go func() { io.Copy(os.Stdout, cr.Pty.Master); close(copied) }()
			} else {
				close(copied)
			}
			done := make(chan struct{})
			go func() {
				for {
					select {
					case s := <-sigs:
						cr.Cmd.Process.Signal(s)
					case <-done:
						return
					}
				}
			}()
			werr := cr.Cmd.Wait()
			close(done)
			logf("debug", "run %s: container exited", id)
			// The master reads EIO once the guest's output is drained.
			select {
			case <-copied:
			case <-time.After(time.Second):
			}
			code := exitStatus(cr.Cmd.ProcessState, werr)
			if !c.Bool("keep") {
				if err := container.Destroy(root(c), id, true); err != nil {
					return err
				}
			}
			logf("debug", "run %s: deleted", id)
			if cr.Pty != nil {
				cr.Pty.Close()
			}
			if code != 0 {
				return exitCode(code)
			}
			return nil
		},
	}
}

// forwarded are the signals `run` passes on to the container, as runc's signal
// handler does for the ones a shell or supervisor sends.
var forwarded = []os.Signal{unix.SIGINT, unix.SIGTERM, unix.SIGHUP, unix.SIGQUIT, unix.SIGUSR1, unix.SIGUSR2, unix.SIGCONT, unix.SIGALRM}

// exitStatus maps a wait result to a shell-style exit code (128+signal when killed).
func exitStatus(ps *os.ProcessState, err error) int {
	if ps == nil {
		if err != nil {
			return 255
		}
		return 0
	}
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ps.ExitCode()
}
