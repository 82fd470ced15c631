// `runnc state`: the OCI state of one container as runc prints it.
package cli

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/nabla-containers/nabla/internal/runnc/container"
)

// stateJSON is runc's containerState: the OCI state plus rootfs, created and owner.
type stateJSON struct {
	Version     string            `json:"ociVersion"`
	ID          string            `json:"id"`
	Pid         int               `json:"pid"`
	Status      string            `json:"status"`
	Bundle      string            `json:"bundle"`
	Rootfs      string            `json:"rootfs"`
	Created     time.Time         `json:"created"`
	Annotations map[string]string `json:"annotations,omitempty"`
	Owner       string            `json:"owner"`
}

func toJSON(rootDir string, st *container.State) stateJSON {
	cur := st.Current(rootDir)
	o := st.OCIState(cur)
	if cur == container.Creating && !container.Alive(st.Pid, st.PidStart) {
		o.Pid = 0 // a create that died: no process to name
	}
	return stateJSON{Version: o.Version, ID: st.ID, Pid: o.Pid, Status: string(cur), Bundle: st.Bundle,
		Rootfs: st.Rootfs, Created: st.Created, Annotations: st.Annotations, Owner: st.Owner}
}

func stateCommand() *cli.Command {
	return &cli.Command{
		Name:      "state",
		Usage:     "output the state of a container",
		ArgsUsage: "<container-id>",
		Action: func(c *cli.Context) error {
			id, err := oneID(c)
			if err != nil {
				return err
			}
			st, err := container.Load(root(c), id)
			if err != nil {
				return err
			}
			b, err := json.MarshalIndent(toJSON(root(c), st), "", "  ")
			if err != nil {
				return err
			}
			fmt.Fprintln(c.App.Writer, string(b))
			return nil
		},
	}
}
