// Running one command: wall time, exit status, output.
package main

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"
	"time"
)

// runTimeout bounds any single command: a hung runtime must not hang the bench.
const runTimeout = 60 * time.Second

// outcome of one command.
type outcome struct {
	ms     float64 // wall time, fork to reaped
	stdout string
}

// run executes argv (stdin /dev/null); a non-zero exit is an error carrying stderr.
func (e *env) run(argv ...string) (outcome, error) { return e.exec(false, argv) }

// runDetached is run for `run -d`: the container inherits the command's stdio and
// outlives it, so stdout and stderr go to /dev/null (a pipe would never reach EOF).
func (e *env) runDetached(argv ...string) error {
	_, err := e.exec(true, argv)
	return err
}

func (e *env) exec(detached bool, argv []string) (outcome, error) {
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	c := exec.CommandContext(ctx, argv[0], argv[1:]...)
	var out, errb bytes.Buffer
	c.Env = e.cmdEnv
	c.Stdin, c.Stdout, c.Stderr = e.devnull, &out, &errb
	if detached {
		c.Stdout, c.Stderr = e.devnull, e.devnull
	}
	t0 := time.Now()
	err := c.Run()
	d := time.Since(t0)
	if err != nil {
		return outcome{}, fmt.Errorf("%s: %v: %s", strings.Join(argv, " "), err, strings.TrimSpace(errb.String()))
	}
	return outcome{ms: float64(d.Nanoseconds()) / 1e6, stdout: out.String()}, nil
}

// timed is a contender body returning the wall time in ms.
func (e *env) timed(argv func() []string) func() (float64, error) {
	return func() (float64, error) {
		o, err := e.run(argv()...)
		return o.ms, err
	}
}

// fixed returns a constant argv.
func fixed(argv ...string) func() []string { return func() []string { return argv } }
