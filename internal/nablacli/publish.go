// `nabla run --publish`: the libOS run on a private network with its TCP ports on the host.
package nablacli

import (
	"fmt"
	"strconv"

	"github.com/urfave/cli/v2"

	"github.com/nabla-containers/nabla/internal/publish"
	"github.com/nabla-containers/nabla/internal/runnc/specconv"
)

// runPublished prepares the private network (namespace, tap, host ports bound), gives the
// guest its address in the libOS's "net" key, and runs the tender as a child while the
// ports are proxied. It returns only on an error; the run's end ends this process.
func runPublished(lp *libRunPlan, ports []publish.Port, c *cli.Context) error {
	nw, err := publish.Prepare(ports)
	if err != nil {
		return fmt.Errorf("run: %v", err)
	}
	lp.Config.Net = &specconv.Net{If: "ukvmif0", Cloner: "True", Type: "inet", Method: "static",
		Addr: publish.GuestIP.String(), Mask: strconv.Itoa(publish.GuestPrefix), Gw: publish.HostSideIP.String()}
	argv, err := libRunArgv(lp, c.String("libos"), c.String("tender"), c.Uint64("mem"), guestOptions(c), nw.TenderArgs())
	if err != nil {
		nw.Close()
		return fmt.Errorf("run: %v", err)
	}
	return fmt.Errorf("run: %v", nw.Run(argv))
}
