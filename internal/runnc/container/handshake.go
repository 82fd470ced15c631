// The create/init handshake over their socketpair: namespaces, runtime hooks, created.
package container

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/nabla-containers/nabla/internal/runnc/hooks"
	"github.com/nabla-containers/nabla/internal/runnc/initproc"
)

// handshake drives init through its namespaces and the hooks to the created state.
func (cr *Handle) handshake(sync *os.File, p *plan, launch *initproc.Launch, fifo string) error {
	st := cr.State
	cfg := initproc.Config{Launch: launch, Fifo: fifo, NetNS: p.netns, Hooks: p.bundle.Spec.Hooks, State: st.OCIState(Creating)}
	b, err := json.Marshal(cfg)
	if err != nil {
		return err
	}
	if _, err := sync.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("init: %v", err)
	}
	r := bufio.NewReader(sync)
	if err := expect(r, initproc.Ready); err != nil {
		return err
	}
	logf("debug", "create %s: init ready", st.ID)
	testStop("create:ready")
	if h := p.bundle.Spec.Hooks; h != nil {
		ost := st.OCIState(Creating)
		if err := hooks.Run("prestart", h.Prestart, ost); err != nil {
			return err
		}
		if err := hooks.Run("createRuntime", h.CreateRuntime, ost); err != nil {
			return err
		}
	}
	if _, err := sync.Write([]byte{initproc.Go}); err != nil {
		return fmt.Errorf("init: %v", err)
	}
	return expect(r, initproc.Created)
}

// expect reads one sync byte; an error byte carries init's message.
func expect(r *bufio.Reader, want byte) error {
	b, err := r.ReadByte()
	if err != nil {
		return fmt.Errorf("init exited early: %v", err)
	}
	if b == initproc.Error {
		msg, _ := io.ReadAll(io.LimitReader(r, 4096))
		return fmt.Errorf("init: %s", msg)
	}
	if b != want {
		return fmt.Errorf("init: unexpected sync byte %q", b)
	}
	return nil
}
