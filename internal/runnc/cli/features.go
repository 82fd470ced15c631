// `runnc features`: what this runtime implements, in the runtime-spec features format.
package cli

import (
	"encoding/json"
	"fmt"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/opencontainers/runtime-spec/specs-go/features"
	"github.com/urfave/cli/v2"
)

func featuresCommand() *cli.Command {
	return &cli.Command{
		Name:  "features",
		Usage: "show the enabled features",
		Action: func(c *cli.Context) error {
			if c.NArg() != 0 {
				return fmt.Errorf("features: takes no arguments")
			}
			no := false
			f := features.Features{
				OCIVersionMin: "1.0.0",
				OCIVersionMax: specs.Version,
				Hooks:         []string{"prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"},
				MountOptions:  []string{},
				Linux: &features.Linux{
					Namespaces: []string{string(specs.NetworkNamespace)},
					Cgroup:     &features.Cgroup{V1: &no, V2: &no, Systemd: &no, SystemdUser: &no},
				},
				Annotations: map[string]string{"org.nabla-containers.runnc.version": Version},
			}
			b, err := json.MarshalIndent(f, "", "    ")
			if err != nil {
				return err
			}
			fmt.Fprintln(c.App.Writer, string(b))
			return nil
		},
	}
}
