// Exit statuses and the one way a tender reports a fatal error.
package tender

import (
	"fmt"
	"os"
)

// Exit statuses, as Solo5's tenders use them.
const (
	ExitSuccess = 0   // solo5_exit(0)
	ExitFailure = 1   // tender error: bad image, option, device, or guest request
	ExitAbort   = 255 // solo5_abort(), assertion, stack smash
)

// SignalStatus is what a shell reports for a process killed by sig.
func SignalStatus(sig int) int { return 128 + sig }

// Prog prefixes every diagnostic; the tender's Run sets it.
var Prog = "nabla"

// exit is os.Exit; tests replace it.
var exit = os.Exit

// Fatalf prints "<Prog>: <msg>" on stderr and exits with ExitFailure.
func Fatalf(format string, a ...any) {
	fmt.Fprintf(os.Stderr, "%s: %s\n", Prog, fmt.Sprintf(format, a...))
	exit(ExitFailure)
}

// Warnf prints "<Prog>: <msg>" on stderr.
func Warnf(format string, a ...any) {
	fmt.Fprintf(os.Stderr, "%s: %s\n", Prog, fmt.Sprintf(format, a...))
}
