// `runnc list`: all containers under --root, as a table or JSON (runc's formats).
package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"text/tabwriter"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/urfave/cli/v2"

	"github.com/nabla-containers/nabla/internal/runnc/container"
)

func listCommand() *cli.Command {
	return &cli.Command{
		Name:  "list",
		Usage: "lists containers started by runnc with the given root",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "table", Usage: `select one of: table or json (default: "table")`},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "display only container IDs"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() != 0 {
				return fmt.Errorf("list: takes no arguments")
			}
			all, err := loadAll(root(c))
			if err != nil {
				return err
			}
			w := c.App.Writer
			if c.Bool("quiet") {
				for _, s := range all {
					fmt.Fprintln(w, s.ID)
				}
				return nil
			}
			switch c.String("format") {
			case "table":
				tw := tabwriter.NewWriter(w, 12, 1, 3, ' ', 0)
				fmt.Fprint(tw, "ID\tPID\tSTATUS\tBUNDLE\tCREATED\tOWNER\n")
				for _, s := range all {
					fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\n", s.ID, s.Pid, s.Status, s.Bundle, s.Created.Format(time.RFC3339Nano), s.Owner)
				}
				return tw.Flush()
			case "json":
				return json.NewEncoder(w).Encode(all)
			}
			return fmt.Errorf("invalid format option %q", c.String("format"))
		},
	}
}

// loadAll reads every readable container state, sorted by id. Like runc, a missing
// root lists nothing (JSON null) rather than failing.
func loadAll(rootDir string) ([]stateJSON, error) {
	ents, err := os.ReadDir(rootDir)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []stateJSON
	for _, e := range ents {
		if !e.IsDir() || container.CheckID(e.Name()) != nil {
			continue
		}
		st, err := container.Load(rootDir, e.Name())
		if errors.Is(err, container.ErrNotExist) {
			// A create that has not saved its first state (or was killed before it
			// could): the id is taken, so list it rather than hide it.
			if info, ierr := e.Info(); ierr == nil {
				out = append(out, stateJSON{Version: specs.Version, ID: e.Name(), Status: string(container.Creating), Created: info.ModTime().UTC()})
			}
			continue
		}
		if err != nil {
			continue // unreadable: nothing truthful to say about it
		}
		out = append(out, toJSON(rootDir, st))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}
