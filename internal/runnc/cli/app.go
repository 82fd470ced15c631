// Package cli is runnc's command line: runc's global flags and commands.
package cli

import (
	"fmt"
	"io"
	"os"
	"runtime"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/urfave/cli/v2"

	"github.com/nabla-containers/nabla/internal/runnc/container"
)

// Version of runnc.
const Version = "0.1.0"

// DefaultRoot is runc's default state root, for runnc.
const DefaultRoot = "/run/runnc"

// App builds the command-line application.
func App() *cli.App {
	cli.VersionPrinter = func(c *cli.Context) {
		fmt.Fprintf(c.App.Writer, "runnc version %s\nspec: %s\ngo: %s\n", Version, specs.Version, runtime.Version())
	}
	return &cli.App{
		Name:                   "runnc",
		Usage:                  "OCI runtime that runs Solo5 unikernels on the nabla tenders",
		Version:                Version,
		HideHelpCommand:        true,
		UseShortOptionHandling: true,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "debug", Usage: "enable debug logging"},
			&cli.StringFlag{Name: "log", Usage: "set the log file to write runnc logs to (default is '/dev/stderr')"},
			&cli.StringFlag{Name: "log-format", Value: "text", Usage: "set the log format ('text' (default), or 'json')"},
			&cli.StringFlag{Name: "root", Value: DefaultRoot, Usage: "root directory for storage of container state (this should be located in tmpfs)"},
			// Accepted for runc compatibility; they do not apply to unikernels.
			&cli.StringFlag{Name: "criu", Hidden: true},
			&cli.BoolFlag{Name: "systemd-cgroup", Hidden: true},
			&cli.StringFlag{Name: "rootless", Value: "auto", Hidden: true},
		},
		Before: func(c *cli.Context) error {
			if err := setupLog(c); err != nil {
				return err
			}
			return container.CheckTestStop()
		},
		Commands: []*cli.Command{
			createCommand(), startCommand(), runCommand(), stateCommand(), killCommand(),
			deleteCommand(), listCommand(), psCommand(), specCommand(), featuresCommand(), updateCommand(),
			unsupported("exec", "execute new process inside the container"),
			unsupported("pause", "pause all processes inside the container"),
			unsupported("resume", "resumes all processes that have been previously paused"),
			unsupported("checkpoint", "checkpoint a running container"),
			unsupported("restore", "restore a container from a previous checkpoint"),
			unsupported("events", "display container events such as OOM notifications, cpu, memory, and IO usage statistics"),
		},
	}
}

// Main runs runnc with args and returns the exit code. Errors are one line on stderr
// and, when --log is set, an error record in the log (where containerd looks).
func Main(args []string, stderr io.Writer) int {
	app := App()
	app.ErrWriter = stderr
	err := app.Run(args)
	if err == nil {
		return 0
	}
	if ec, ok := err.(exitCode); ok {
		return int(ec)
	}
	logf("error", "%v", err)
	fmt.Fprintln(stderr, "runnc:", err)
	return 1
}

// exitCode makes `run` exit with the container's status without printing anything.
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

func unsupported(name, usage string) *cli.Command {
	return &cli.Command{
		Name:            name,
		Usage:           usage + " (not supported by runnc)",
		SkipFlagParsing: true,
		Action: func(*cli.Context) error {
			return fmt.Errorf("%s is not supported: a unikernel container runs a single process", name)
		},
	}
}

func root(c *cli.Context) string { return c.String("root") }

func init() {
	// urfave prints "Incorrect Usage" with help for flag errors; keep errors one line.
	cli.OsExiter = os.Exit
}
