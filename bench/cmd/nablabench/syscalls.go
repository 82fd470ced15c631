// Host interface: distinct system calls seen by strace -f, and the seccomp allow lists.
package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"

	"github.com/nabla-containers/nabla/internal/hvt"
	"github.com/nabla-containers/nabla/internal/seccomp"
	"github.com/nabla-containers/nabla/internal/spt"
)

// straceLine matches "PID name(" (a call's start; "<... resumed>" lines are skipped).
var straceLine = regexp.MustCompile(`^(\d+)\s+([a-z0-9_]+)\(`)

// straceResumed matches "PID <... name resumed>": the end of a call another line started.
var straceResumed = regexp.MustCompile(`^(\d+)\s+<\.\.\. ([a-z0-9_]+) resumed>`)

// straceTrapped matches "PID --- SIGSYS {... si_code=SYS_SECCOMP ... si_syscall=__NR_name":
// the call the task just started was trapped by its seccomp filter (a libOS emulates it),
// so the host kernel never ran it.
var straceTrapped = regexp.MustCompile(`^(\d+)\s+--- SIGSYS \{.*si_code=SYS_SECCOMP.*si_syscall=__NR_([a-z0-9_]+)`)

// traced is one strace run: the distinct calls of the whole tree, and those the
// workload made after it was confined (the task that installed a seccomp filter, from
// then on) or started (the task that exec'd the container program, from then on).
// Calls a seccomp filter trapped (RET_TRAP: strace shows them, the kernel never ran
// them) are in trapped only.
type traced struct{ all, workload, trapped map[string]bool }

// heldCall is a task's latest call, not yet counted: the next line of that task says
// whether the filter trapped it.
type heldCall struct {
	name     string
	workload bool
}

func parseStrace(path, workloadExec string) (traced, error) {
	t := traced{all: map[string]bool{}, workload: map[string]bool{}, trapped: map[string]bool{}}
	f, err := os.Open(path)
	if err != nil {
		return t, err
	}
	defer f.Close()
	inWorkload := map[string]bool{} // pids (tasks) in the workload phase
	pending := ""                   // a confining call started but not yet finished
	held := map[string]heldCall{}
	commit := func(pid string) {
		if h, ok := held[pid]; ok {
			t.all[h.name] = true
			if h.workload {
				t.workload[h.name] = true
			}
			delete(held, pid)
		}
	}
	s := bufio.NewScanner(f)
	s.Buffer(make([]byte, 1<<20), 1<<20)
	for s.Scan() {
		line := s.Text()
		ok := strings.HasSuffix(line, "= 0")
		if m := straceTrapped.FindStringSubmatch(line); m != nil {
			if h, ok := held[m[1]]; ok && h.name == m[2] {
				delete(held, m[1])
				t.trapped[m[2]] = true
				continue
			}
		}
		if m := straceResumed.FindStringSubmatch(line); m != nil {
			// A multi-threaded caller's call finishes on its own line; a successful exec
			// resumes under the thread group's pid, which the workload then has.
			if m[2] == pending && ok {
				inWorkload[m[1]] = true
				t.workload[m[2]] = true
			}
			if m[2] == pending {
				pending = ""
			}
			continue // the call stays held: a trap report may still follow
		}
		m := straceLine.FindStringSubmatch(line)
		if m == nil {
			if f := strings.Fields(line); len(f) > 0 {
				commit(f[0]) // a signal or exit of that task: its last call ran
			}
			continue
		}
		pid, name := m[1], m[2]
		commit(pid)
		held[pid] = heldCall{name: name, workload: inWorkload[pid]}
		confining := (name == "seccomp" && strings.Contains(line, "SECCOMP_SET_MODE_FILTER")) ||
			(name == "prctl" && strings.Contains(line, "PR_SET_SECCOMP")) ||
			(workloadExec != "" && name == "execve" && strings.Contains(line, `"`+workloadExec+`"`))
		switch {
		case confining && ok:
			inWorkload[pid] = true
			if name == "execve" {
				t.workload[name] = true
			}
		case confining && strings.HasSuffix(line, "<unfinished ...>"):
			pending = name
		}
	}
	for pid := range held {
		commit(pid)
	}
	if len(t.all) == 0 {
		return t, fmt.Errorf("%s: no system calls parsed", path)
	}
	return t, s.Err()
}

// strace runs argv under strace -f and parses the log.
func (e *env) strace(workloadExec string, argv ...string) (traced, error) {
	log := e.path("strace.log")
	os.Remove(log)
	a := append([]string{"strace", "-f", "-qq", "-o", log}, argv...)
	if _, err := e.run(a...); err != nil {
		return traced{}, err
	}
	return parseStrace(log, workloadExec)
}

func (e *env) countCalls(workload bool, workloadExec string, argv func() []string) func() (float64, error) {
	return func() (float64, error) {
		t, err := e.strace(workloadExec, argv()...)
		if workload {
			if err == nil && len(t.workload) == 0 {
				err = fmt.Errorf("no workload phase found (no seccomp filter or exec of %q)", workloadExec)
			}
			return float64(len(t.workload)), err
		}
		return float64(len(t.all)), err
	}
}

// allowed counts the distinct system call numbers a policy has allow rules for.
func allowed(p seccomp.Policy) float64 {
	nrs := map[uint32]bool{}
	for _, r := range p.Rules {
		nrs[r.Syscall] = true
	}
	return float64(len(nrs))
}

// constant is a contender whose value is known without running anything.
func constant(v float64, err error) func() (float64, error) {
	return func() (float64, error) { return v, err }
}

func (e *env) hostInterface(b bundles, warm, n int) []*Result {
	sptBin := filepath.Join(e.bin, "nabla-spt")
	hvtBin := filepath.Join(e.bin, "nabla-hvt")
	hvtNote := ""
	if e.pvm {
		hvtNote = "PVM"
	}
	var rs []*Result
	rs = append(rs, alternate("host interface", "distinct syscalls, whole tree, exec to exit (strace -f)", "calls", warm, n, []contender{
		{name: "runc run (static /true)", ref: true, run: e.countCalls(false, "", e.runtimeArgv("runc", b.true_))},
		{name: "runnc run (test_hello.spt)", run: e.countCalls(false, "", e.runtimeArgv("runnc", b.hello))},
		{name: "native static C hello", run: e.countCalls(false, "", fixed(e.hello))},
		{name: "nabla-spt test_hello.spt", run: e.countCalls(false, "", fixed(sptBin, e.guest("test_hello.spt")))},
		{name: "nabla-hvt test_hello.hvt", note: hvtNote, run: e.countCalls(false, "", fixed(hvtBin, e.guest("test_hello.hvt")))},
	})...)
	rs = append(rs, alternate("host interface", "distinct syscalls of the workload (after its exec or seccomp filter)", "calls", warm, n, []contender{
		{name: "runc run (static /true)", ref: true, run: e.countCalls(true, "/true", e.runtimeArgv("runc", b.true_))},
		{name: "runnc run (test_hello.spt)", run: e.countCalls(true, "", e.runtimeArgv("runnc", b.hello))},
		{name: "nabla-spt test_hello.spt", run: e.countCalls(true, "", fixed(sptBin, e.guest("test_hello.spt")))},
		{name: "nabla-hvt test_hello.hvt", note: hvtNote, run: e.countCalls(true, "", fixed(hvtBin, e.guest("test_hello.hvt")))},
	})...)
	hp, herr := hvt.Policy(runtime.GOARCH, hvt.PolicyFDs{VCPU: 3, EpollFD: 4, TimerFD: 5})
	lp, lerr := libosPolicy(e.goHelloSpt, libosMemMiB)
	rs = append(rs, alternate("host interface", "syscalls allowed by the seccomp policy (hello: no devices)", "calls", 0, 1, []contender{
		{name: "nabla-spt (internal/spt.Policy)", ref: true, run: constant(allowed(spt.Policy(runtime.GOARCH, spt.Devices{EpollFD: 3, TimerFD: 4})), nil)},
		{name: "nabla-hvt (internal/hvt.Policy)", run: constant(allowed(hp), herr)},
		{name: "nabla run hello-go (libOS: internal/spt.LibOSPolicy)", note: "from libOS text only; app calls trap", run: constant(allowed(lp), lerr)},
	})...)
	return append(rs, e.runcAllowed()...)
}
