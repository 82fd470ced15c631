// Usage and version texts, worded like upstream's so scripts that grep them keep working.
package tender

import (
	"fmt"
	"os"
)

// Version is the tenders' release; the build may override it with -ldflags -X.
var Version = "v0.1.0"

// ABIVersion is the Solo5 tender ABI these tenders implement (abi.ABIVersion).
const ABIVersion = 2

// Usage is the --help text for prog; extra lists tender-specific options, one per line.
func Usage(prog string, extra string) string {
	return fmt.Sprintf(`usage: %[1]s [ CORE OPTIONS ] [ MODULE OPTIONS ] [ -- ] KERNEL [ ARGS ]
KERNEL is the filename of the unikernel to run.
ARGS are optional arguments passed to KERNEL.
Core options:
  [ --mem=512 ] (guest memory in MB)
    --help (display this help)
    --version (display version information)
Compiled-in module options:
    --block:NAME=PATH | @NN (attach block device/file at PATH or at fd @NN as block storage NAME)
    --block-sector-size:NAME=SIZE (set sector size for block device NAME, default 512)
    --net:NAME=IFACE | @NN (attach tap at IFACE or at fd @NN as network NAME)
    --net-mac:NAME=HWADDR (set HWADDR for network NAME)
    --stdin (a libOS image reads this process's stdin)
%[2]s`, prog, extra)
}

// VersionText is what --version prints.
func VersionText(prog string) string {
	return fmt.Sprintf("%s tender, version %s\nABI version %d\n", prog, Version, ABIVersion)
}

// ParseOrExit is the tenders' shared start: it names prog in diagnostics, parses args, and
// ends the process as upstream does for a bad option (1), --help (usage, 1) and
// --version (0). Otherwise it returns the options.
func ParseOrExit(prog string, args []string) *Options {
	Prog = prog
	o, err := Parse(args)
	if err != nil {
		Fatalf("%v", err)
	}
	if o.Help {
		fmt.Fprint(os.Stderr, Usage(prog, ""))
		exit(ExitFailure)
	}
	if o.Version {
		fmt.Print(VersionText(prog))
		exit(ExitSuccess)
	}
	return o
}
