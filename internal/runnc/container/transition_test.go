// Tests of the state-transition table: complete, and each verdict as runc words it.
package container

import (
	"strings"
	"testing"
)

func TestTransitionTableComplete(t *testing.T) {
	for op, row := range transitions {
		if len(row) != len(statuses) {
			t.Errorf("%s: %d statuses in its row, want %d", op, len(row), len(statuses))
		}
		for _, s := range statuses {
			if _, ok := row[s]; !ok {
				t.Errorf("%s: no verdict for %s", op, s)
			}
		}
	}
}

func TestTransitions(t *testing.T) {
	const ok = ""
	want := map[Op][4]string{ // creating, created, running, stopped
		OpStart: {"cannot start a container in the creating state", ok,
			"cannot start an already running container", "cannot start a container that has stopped"},
		OpKill:        {"container not running", ok, ok, "container not running"},
		OpDelete:      {"cannot delete container c1 that is not stopped: creating", ok, "cannot delete container c1 that is not stopped: running", ok},
		OpForceDelete: {ok, ok, ok, ok},
		OpProcesses:   {"container c1 has no process yet", ok, ok, "container c1 has stopped"},
	}
	if len(want) != len(transitions) {
		t.Errorf("table has %d operations, test knows %d", len(transitions), len(want))
	}
	for op, w := range want {
		for i, s := range statuses {
			err := Check(op, "c1", s)
			got := ok
			if err != nil {
				got = err.Error()
				if got == "" {
					t.Errorf("%s in %s: empty refusal", op, s)
				}
			}
			if got != w[i] {
				t.Errorf("%s in %s: %q, want %q", op, s, got, w[i])
			}
		}
	}
	// Outside the table: refused, never allowed by omission.
	if err := Check(OpStart, "c1", Status("paused")); err == nil || !strings.Contains(err.Error(), "paused") {
		t.Errorf("start in an unknown status: %v", err)
	}
	if err := Check(Op("exec"), "c1", Running); err == nil || !strings.Contains(err.Error(), "unknown operation") {
		t.Errorf("unknown operation: %v", err)
	}
}
