// `runnc spec`: write a config.json skeleton whose process runs a unikernel.
package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/urfave/cli/v2"
)

// Skeleton is the spec `runnc spec` writes: the hello image at the rootfs top, no
// terminal, a new network namespace (Docker and CNI plug networking into it).
func Skeleton() *specs.Spec {
	return &specs.Spec{
		Version: specs.Version,
		Root:    &specs.Root{Path: "rootfs", Readonly: true},
		Process: &specs.Process{
			Args: []string{"/hello.spt"},
			Env:  []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"},
			Cwd:  "/",
		},
		Hostname: "runnc",
		Linux: &specs.Linux{
			Namespaces: []specs.LinuxNamespace{{Type: specs.NetworkNamespace}},
		},
	}
}

func specCommand() *cli.Command {
	return &cli.Command{
		Name:  "spec",
		Usage: "create a new specification file",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "bundle", Aliases: []string{"b"}, Usage: "path to the root of the bundle directory"},
			&cli.BoolFlag{Name: "rootless", Usage: "generate a configuration for a rootless container (same skeleton)"},
		},
		Action: func(c *cli.Context) error {
			dir := c.String("bundle")
			if dir == "" {
				dir = "."
			}
			p := filepath.Join(dir, "config.json")
			if _, err := os.Stat(p); err == nil {
				return fmt.Errorf("File %s exists. Remove it first", p)
			}
			b, err := json.MarshalIndent(Skeleton(), "", "\t")
			if err != nil {
				return err
			}
			return os.WriteFile(p, append(b, '\n'), 0o666)
		},
	}
}
