// Fault-injection hook for the tests: RUNNC_TEST_STOP_AT stops runnc at a named point.
package container

import (
	"fmt"
	"os"
	"runtime"
	"strings"

	"golang.org/x/sys/unix"
)

// TestStopEnv names the environment variable of the hook. Its value is a comma
// separated list of points (see stopPoints); when runnc reaches one it stops itself
// with SIGSTOP, and again whenever continued, so a test can SIGKILL it exactly there.
// Only runnc reads it: the init and the tender are started with an empty environment,
// and nothing else changes.
const TestStopEnv = "RUNNC_TEST_STOP_AT"

// stopPoints are the named points, in the order create and start pass them.
var stopPoints = []string{
	"create:dir",       // container directory made and locked, no state yet
	"create:saved",     // "creating" state saved, no process yet
	"create:init",      // init started, its pid saved, no handshake yet
	"create:ready",     // init is in its namespaces; runtime hooks not run yet
	"create:handshake", // init waits on the exec fifo; state still "creating"
	"create:done",      // state "created" saved, pid file not written yet
	"start:locked",     // lock held, state loaded
	"start:opened",     // exec fifo opened for reading (init unblocks), byte not read
	"start:read",       // init's byte read, fifo not removed yet
	"start:removed",    // fifo removed, state still "created"
	"start:saved",      // state "running" saved, poststart hooks not run
}

// testStop stops runnc if point is named in RUNNC_TEST_STOP_AT.
func testStop(point string) {
	v := os.Getenv(TestStopEnv)
	if v == "" {
		return
	}
	for _, p := range strings.Split(v, ",") {
		if p == point {
			logf("debug", "test hook: stopping at %s", point)
			// Stay stopped until killed: a stray SIGCONT must not let runnc run past the
			// point the test is about to kill it at.
			// Signal this thread, not the process: a process-directed stop may land
			// only after this goroutine has already run on.
			runtime.LockOSThread()
			for {
				_ = unix.Tgkill(os.Getpid(), unix.Gettid(), unix.SIGSTOP)
				fmt.Fprintf(os.Stderr, "runnc: test hook: continued at %s, stopping again\n", point)
			}
		}
	}
}

// CheckTestStop refuses an unknown point, so a misspelt hook fails loudly instead of
// never stopping.
func CheckTestStop() error {
	v := os.Getenv(TestStopEnv)
	if v == "" {
		return nil
	}
	for _, p := range strings.Split(v, ",") {
		known := false
		for _, k := range stopPoints {
			known = known || p == k
		}
		if !known {
			return fmt.Errorf("%s: unknown point %q (known: %s)", TestStopEnv, p, strings.Join(stopPoints, ", "))
		}
	}
	return nil
}
