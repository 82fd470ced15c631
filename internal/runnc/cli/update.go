// `runnc update`: only a memory limit the running guest already fits is accepted.
package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/urfave/cli/v2"

	"github.com/nabla-containers/nabla/internal/runnc/container"
)

func updateCommand() *cli.Command {
	return &cli.Command{
		Name:      "update",
		Usage:     "update container resource constraints (memory only; a unikernel's memory is fixed at start)",
		ArgsUsage: "<container-id>",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "resources", Aliases: []string{"r"}, Usage: "path to the file containing the resources to update or '-' to read from the standard input"},
			&cli.StringFlag{Name: "memory", Aliases: []string{"m"}, Usage: "memory limit (in bytes)"},
		},
		Action: func(c *cli.Context) error {
			id, err := oneID(c)
			if err != nil {
				return err
			}
			limit, err := updateLimit(c)
			if err != nil {
				return err
			}
			st, err := container.Load(root(c), id)
			if err != nil {
				return err
			}
			if limit < 0 {
				return nil // no memory change requested
			}
			if uint64(limit)>>20 < st.MemMB {
				return fmt.Errorf("update: memory limit %d MiB is below the guest's fixed %d MiB; a running unikernel cannot shrink", limit>>20, st.MemMB)
			}
			return nil
		},
	}
}

// updateLimit returns the requested memory limit in bytes, -1 if none, and refuses
// any other resource.
func updateLimit(c *cli.Context) (int64, error) {
	if m := c.String("memory"); m != "" {
		v, err := strconv.ParseInt(m, 10, 64)
		if err != nil || v <= 0 {
			return 0, fmt.Errorf("update: invalid memory value %q", m)
		}
		return v, nil
	}
	p := c.String("resources")
	if p == "" {
		return -1, nil
	}
	var b []byte
	var err error
	if p == "-" {
		b, err = readAllStdin()
	} else {
		b, err = os.ReadFile(p)
	}
	if err != nil {
		return 0, fmt.Errorf("update: %v", err)
	}
	var r specs.LinuxResources
	if err := json.Unmarshal(b, &r); err != nil {
		return 0, fmt.Errorf("update: resources: invalid JSON: %v", err)
	}
	var other []string
	if r.CPU != nil {
		other = append(other, "cpu")
	}
	if r.Pids != nil {
		other = append(other, "pids")
	}
	if r.BlockIO != nil {
		other = append(other, "blockIO")
	}
	if len(other) > 0 {
		return 0, fmt.Errorf("update of %s is not supported: only memory applies to a unikernel", strings.Join(other, ", "))
	}
	if r.Memory == nil || r.Memory.Limit == nil || *r.Memory.Limit <= 0 {
		return -1, nil
	}
	return *r.Memory.Limit, nil
}

func readAllStdin() ([]byte, error) { return io.ReadAll(io.LimitReader(os.Stdin, 1<<20)) }
