// The messages between `runnc create` and the container's init over their socketpair.
package initproc

import (
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Config is what create sends init, as one JSON line.
type Config struct {
	Launch *Launch      `json:"launch"` // the tender to exec
	Fifo   string       `json:"fifo"`   // exec fifo to block on until start
	NetNS  string       `json:"netns,omitempty"`
	Hooks  *specs.Hooks `json:"hooks,omitempty"` // createContainer, startContainer
	State  specs.State  `json:"state"`           // handed to those hooks
}

// Sync bytes. Init sends Ready once in its namespaces; create answers Go after the
// runtime hooks; init answers Created after the container hooks, or Error followed by
// a message and EOF at any point.
const (
	Ready   = 'R'
	Go      = 'G'
	Created = 'C'
	Error   = 'E'
)

// SyncFD is the descriptor number of init's end of the socketpair.
const SyncFD = 3

// Arg is argv[1] of the init process (argv[0] is runnc itself).
const Arg = "init"

// StartedComm is the name init gives itself once released from the exec fifo (it
// execs the tender next, or, in a sandbox, never).
const StartedComm = "runnc:started"
