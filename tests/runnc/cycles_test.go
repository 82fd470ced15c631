// 200 create/start/kill/delete cycles from a fixed seed, run by concurrent workers on a
// small pool of ids so that commands on one container interleave at random.
package runnc

import (
	"fmt"
	"math/rand"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	cycles     = 200
	cycleIDs   = 12 // ids shared by the workers: commands on one id collide
	cycleProcs = 6  // concurrent workers
	cycleSeed  = 20261127
)

// step is one command of a cycle, decided in advance from the seed.
type step struct {
	args  []string
	pause time.Duration // before the command
}

// planCycle draws one cycle for id: create, then at random start, kill with some
// signal, state or list, and a delete with or without --force.
func planCycle(r *rand.Rand, id, bundle string) []step {
	pause := func() time.Duration { return time.Duration(r.Intn(15)) * time.Millisecond }
	s := []step{{[]string{"create", "-b", bundle, id}, pause()}}
	if r.Intn(4) != 0 {
		s = append(s, step{[]string{"start", id}, pause()})
	}
	if r.Intn(3) == 0 {
		s = append(s, step{[]string{"state", id}, pause()})
	}
	if r.Intn(2) == 0 {
		sig := []string{"KILL", "TERM", "9", "SIGINT", "USR1"}[r.Intn(5)]
		args := []string{"kill", id, sig}
		if r.Intn(3) == 0 {
			args = []string{"kill", "--all", id, sig}
		}
		s = append(s, step{args, pause()})
	}
	if r.Intn(3) == 0 {
		s = append(s, step{[]string{"list", "--format", "json"}, pause()})
	}
	if r.Intn(3) == 0 {
		s = append(s, step{[]string{"delete", id}, pause()})
	} else {
		s = append(s, step{[]string{"delete", "--force", id}, pause()})
	}
	return s
}

func TestRandomCycles(t *testing.T) {
	requireRoot(t)
	e := newEnv(t)
	w := watchLeaks(e)
	// Half the ids run test_hello (exits at once), half test_net in a namespace with a
	// tap (serves until killed). Each id has its own bundle, so /proc tells them apart.
	bundles := make([]string, cycleIDs)
	for i := range bundles {
		if i%2 == 0 {
			bundles[i] = e.bundle(helloSpec(), "test_hello.spt")
		} else {
			bundles[i] = e.bundle(serveSpec(), "test_net.spt")
		}
	}
	r := rand.New(rand.NewSource(cycleSeed))
	plans := make(chan []step, cycles)
	for i := 0; i < cycles; i++ {
		n := r.Intn(cycleIDs)
		plans <- planCycle(r, fmt.Sprintf("cyc%d", n), bundles[n])
	}
	close(plans)

	var mu sync.Mutex
	outcomes := map[string]int{}
	var wg sync.WaitGroup
	start := time.Now()
	for p := 0; p < cycleProcs; p++ {
		wg.Add(1)
		go func(p int) {
			defer wg.Done()
			out := filepath.Join(e.tmp, fmt.Sprintf("worker%d.out", p))
			for plan := range plans {
				for _, s := range plan {
					time.Sleep(s.pause)
					res := e.runOut(out, s.args...)
					// Any command may lose a race (exists, does not exist, not running,
					// stopped), but it answers with one line and status 1, never a crash.
					msg := strings.TrimSpace(res.stderr)
					key := s.args[0] + ":ok"
					if res.code != 0 {
						key = s.args[0] + ":" + firstWords(msg)
						if res.code != 1 || strings.Contains(msg, "\n") || strings.Contains(msg, "panic") {
							t.Errorf("runnc %v: exit %d: %q", s.args, res.code, res.stderr)
						}
					}
					if s.args[0] == "start" && res.code == 0 {
						id := s.args[len(s.args)-1]
						if row, ok := e.list()[id]; ok {
							w.noteNS(row.Pid)
						}
					}
					mu.Lock()
					outcomes[key]++
					mu.Unlock()
				}
			}
		}(p)
	}
	wg.Wait()
	t.Logf("%d cycles in %v; outcomes %v", cycles, time.Since(start).Round(time.Millisecond), outcomes)

	// Quiet now: list must match /proc for every id, listed or not.
	rows := e.list()
	for i := range bundles {
		id := fmt.Sprintf("cyc%d", i)
		row, ok := rows[id]
		e.truthful(id, bundles[i], row, ok)
		w.noteNS(row.Pid)
	}
	for id := range rows {
		e.ok("delete", "--force", id)
	}
	w.check()
}

// firstWords is an error message without the container id, to count kinds of losses.
func firstWords(msg string) string {
	msg = strings.TrimPrefix(msg, "runnc: ")
	f := strings.Fields(msg)
	var keep []string
	for _, w := range f {
		if !strings.HasPrefix(w, "cyc") {
			keep = append(keep, w)
		}
		if len(keep) == 5 {
			break
		}
	}
	return strings.Join(keep, " ")
}
