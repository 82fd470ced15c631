// Which lifecycle operation a container's status allows: one table, as runc's
// libcontainer keeps its state transitions in one place.
package container

import (
	"errors"
	"fmt"
	"strings"
)

// Op is an operation on an existing container that depends on its status.
type Op string

// The operations checked against the table.
const (
	OpStart       Op = "start"        // release init from the exec fifo
	OpKill        Op = "kill"         // signal the container's process
	OpDelete      Op = "delete"       // remove the container (killing a created one)
	OpForceDelete Op = "delete-force" // remove it whatever it is doing
	OpProcesses   Op = "ps"           // the container has a process to list
)

// allowed marks a permitted transition in the table; any other entry is the refusal,
// with {id} and {status} filled in (runc's texts: tools match on them).
const allowed = ""

const notStopped = "cannot delete container {id} that is not stopped: {status}"

// transitions is the whole table: for each operation, each status's verdict. Every
// operation names every status (a test checks), so none is allowed by omission.
var transitions = map[Op]map[Status]string{
	OpStart: {
		Creating: "cannot start a container in the {status} state",
		Created:  allowed,
		Running:  "cannot start an already running container",
		Stopped:  "cannot start a container that has stopped",
	},
	OpKill: {
		Creating: "container not running",
		Created:  allowed,
		Running:  allowed,
		Stopped:  "container not running",
	},
	OpDelete: {
		Creating: notStopped,
		Created:  allowed, // never started: its init is killed first, as runc does
		Running:  notStopped,
		Stopped:  allowed,
	},
	OpForceDelete: {Creating: allowed, Created: allowed, Running: allowed, Stopped: allowed},
	OpProcesses: {
		Creating: "container {id} has no process yet",
		Created:  allowed,
		Running:  allowed,
		Stopped:  "container {id} has stopped",
	},
}

// statuses lists every status, for the table's completeness check.
var statuses = []Status{Creating, Created, Running, Stopped}

// Check returns nil when op is allowed in status s, else the refusal for container id.
func Check(op Op, id string, s Status) error {
	row, ok := transitions[op]
	if !ok {
		return fmt.Errorf("unknown operation %q", op)
	}
	msg, ok := row[s]
	if !ok {
		return fmt.Errorf("cannot %s a container in the %s state", op, s)
	}
	if msg == allowed {
		return nil
	}
	return errors.New(strings.NewReplacer("{id}", id, "{status}", string(s)).Replace(msg))
}
