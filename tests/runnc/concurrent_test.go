// Concurrency: many containers created, started and deleted at once, nothing leaked.
package runnc

import (
	"fmt"
	"path/filepath"
	"sync"
	"testing"
)

func TestConcurrentContainers(t *testing.T) {
	e := newEnv(t)
	b := e.bundle(helloSpec(), "test_hello.spt")
	const n = 50
	for round := 0; round < 2; round++ {
		var wg sync.WaitGroup
		errs := make(chan string, n)
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(id string) {
				defer wg.Done()
				out := filepath.Join(e.tmp, id+".out")
				for _, args := range [][]string{{"create", "-b", b, id}, {"start", id}} {
					if r := e.runOut(out, args...); r.code != 0 {
						errs <- fmt.Sprintf("%v: %s", args, r.stderr)
						return
					}
				}
				// delete --force works whatever the container reached by now.
				if r := e.run("delete", "--force", id); r.code != 0 {
					errs <- fmt.Sprintf("delete %s: %s", id, r.stderr)
				}
			}(fmt.Sprintf("c%d-%d", round, i))
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
	}
	if l := e.ok("list", "-q").stdout; l != "" {
		t.Errorf("containers left: %q", l)
	}
}

// TestSameIDRace: concurrent creates of one id; exactly one wins.
func TestSameIDRace(t *testing.T) {
	e := newEnv(t)
	b := e.bundle(helloSpec(), "test_hello.spt")
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if r := e.run("create", "-b", b, "same"); r.code == 0 {
				mu.Lock()
				wins++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if wins != 1 {
		t.Errorf("%d creates of one id succeeded, want 1", wins)
	}
	e.ok("delete", "--force", "same")
}
