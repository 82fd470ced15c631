// `runnc ps`: the container's processes (the tender is the only one).
package cli

import (
	"encoding/json"
	"fmt"
	"os/exec"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/nabla-containers/nabla/internal/runnc/container"
)

func psCommand() *cli.Command {
	return &cli.Command{
		Name:      "ps",
		Usage:     "ps displays the processes running inside a container",
		ArgsUsage: "<container-id> [ps options]",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "table", Usage: `select one of: table or json (default: "table")`},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() < 1 {
				return fmt.Errorf("ps: requires at least 1 argument (container id)")
			}
			id := c.Args().First()
			st, err := container.Load(root(c), id)
			if err != nil {
				return err
			}
			pids := []int{}
			if container.Check(container.OpProcesses, id, st.Current(root(c))) == nil {
				pids = append(pids, st.Pid)
			}
			switch c.String("format") {
			case "json":
				return json.NewEncoder(c.App.Writer).Encode(pids)
			case "table":
			default:
				return fmt.Errorf("invalid format option %q", c.String("format"))
			}
			args := c.Args().Slice()[1:]
			if len(args) == 0 {
				args = []string{"-ef"}
			}
			out, err := exec.Command("ps", args...).Output()
			if err != nil {
				return fmt.Errorf("ps: %v", err)
			}
			lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
			col := -1
			for i, f := range strings.Fields(lines[0]) {
				if f == "PID" {
					col = i
				}
			}
			if col < 0 {
				return fmt.Errorf("ps: no PID column in the output of ps %s", strings.Join(args, " "))
			}
			fmt.Fprintln(c.App.Writer, lines[0])
			for _, l := range lines[1:] {
				f := strings.Fields(l)
				if len(f) <= col {
					continue
				}
				if p, err := strconv.Atoi(f[col]); err == nil && len(pids) > 0 && p == pids[0] {
					fmt.Fprintln(c.App.Writer, l)
				}
			}
			return nil
		},
	}
}
