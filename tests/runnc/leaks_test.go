// Leak and truth checks for the fault tests: processes, links, network namespaces,
// mounts and state files, each checked explicitly, and `list` against /proc.
package runnc

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// leakWatch remembers what the host looked like before a test and which network
// namespaces the test's containers had.
type leakWatch struct {
	e      *env
	links  string
	mounts []string // mountinfo lines (mount ids stripped) before the test
	mu     sync.Mutex
	netns  map[string]bool // "net:[inode]" of containers seen alive
}

func watchLeaks(e *env) *leakWatch {
	return &leakWatch{e: e, links: hostLinks(e.t), mounts: mountLines(e.t), netns: map[string]bool{}}
}

func mountLines(t *testing.T) []string {
	b, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if f := strings.Fields(l); len(f) > 4 {
			out = append(out, strings.Join(f[2:], " ")) // without the mount and parent ids
		}
	}
	sort.Strings(out)
	return out
}

// noteNS records the network namespace of a container process, if it has its own.
func (w *leakWatch) noteNS(pid int) {
	if pid <= 0 {
		return
	}
	// Only a process of this test (its argv names our directory): the pid may have
	// died and been reused by now.
	base := "/proc/" + strconv.Itoa(pid)
	ns, err := os.Readlink(base + "/ns/net")
	self, _ := os.Readlink("/proc/self/ns/net")
	cmdline, cerr := os.ReadFile(base + "/cmdline")
	if err != nil || ns == self || cerr != nil || !bytes.Contains(cmdline, []byte(w.e.tmp)) {
		return
	}
	w.mu.Lock()
	w.netns[ns] = true
	w.mu.Unlock()
}

// check fails the test for anything left behind. Call it after every container of the
// test has been deleted.
func (w *leakWatch) check() {
	t := w.e.t
	t.Helper()
	// Processes: inits (their argv names the container directory under e.tmp) and
	// tenders (their argv names the image in a bundle under e.tmp).
	if pids := ourProcesses(w.e.tmp); len(pids) > 0 {
		t.Errorf("leak: processes: %v", pids)
	}
	// Links (taps, bridges, veths) in the host namespace.
	if after := hostLinks(t); after != w.links {
		t.Errorf("leak: host links changed: %q -> %q", w.links, after)
	}
	// Network namespaces: none of the containers' may still be held by a process or an
	// open descriptor (a bind mount would show in mountinfo below).
	w.mu.Lock()
	held := w.netnsHolders()
	w.mu.Unlock()
	for ns, holder := range held {
		links, _ := command("nsenter", "--net="+holder, "ip", "-o", "link")
		dir := filepath.Dir(holder)
		if strings.Contains(holder, "/fd/") {
			dir = filepath.Dir(dir)
		}
		cmdline, _ := os.ReadFile(dir + "/cmdline")
		stat, _ := os.ReadFile(dir + "/stat")
		t.Errorf("leak: network namespace %s still held by %s (%q, %s); its links:\n%s", ns, holder,
			bytes.ReplaceAll(cmdline, []byte{0}, []byte{' '}), bytes.TrimSpace(stat), links)
	}
	// Mounts: nothing new, nothing under the test's directory.
	before := map[string]bool{}
	for _, l := range w.mounts {
		before[l] = true
	}
	for _, l := range mountLines(t) {
		if strings.Contains(l, w.e.tmp) || (!before[l] && strings.Contains(l, "nsfs")) {
			t.Errorf("leak: mount %s", l)
		}
	}
	// State files: --root holds only the image cache, and the cache no temporary file.
	filepath.Walk(w.e.root, func(p string, info os.FileInfo, err error) error {
		if err != nil || p == w.e.root {
			return nil
		}
		rel, _ := filepath.Rel(w.e.root, p)
		switch {
		case rel == ".cache":
		case strings.HasPrefix(rel, ".cache/") && !strings.HasPrefix(info.Name(), "."):
		default:
			t.Errorf("leak: --root holds %s", rel)
		}
		return nil
	})
	if l := w.e.ok("list", "-q").stdout; l != "" {
		t.Errorf("leak: list still shows %q", l)
	}
}

// netnsHolders maps each recorded namespace still in use to a /proc path that holds it.
func (w *leakWatch) netnsHolders() map[string]string {
	out := map[string]string{}
	if len(w.netns) == 0 {
		return out
	}
	deadline := time.Now().Add(5 * time.Second) // a dying tender releases it a moment later
	for {
		for k := range out {
			delete(out, k)
		}
		procs, _ := os.ReadDir("/proc")
		for _, p := range procs {
			if _, err := strconv.Atoi(p.Name()); err != nil {
				continue
			}
			base := "/proc/" + p.Name()
			// Only this test's processes (their argv names its directory): a namespace's
			// inode number is reused once it is freed, and other test packages running
			// beside this one make namespaces of their own.
			if cmdline, err := os.ReadFile(base + "/cmdline"); err != nil || !bytes.Contains(cmdline, []byte(w.e.tmp)) {
				continue
			}
			if l, err := os.Readlink(base + "/ns/net"); err == nil && w.netns[l] {
				out[l] = base + "/ns/net"
			}
			fds, _ := os.ReadDir(base + "/fd")
			for _, fd := range fds {
				if l, err := os.Readlink(base + "/fd/" + fd.Name()); err == nil && w.netns[l] {
					out[l] = base + "/fd/" + fd.Name()
				}
			}
		}
		if len(out) == 0 || time.Now().After(deadline) {
			return out
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// listed is one row of `runnc list --format json`.
type listed struct {
	ID     string `json:"id"`
	Pid    int    `json:"pid"`
	Status string `json:"status"`
}

func (e *env) list() map[string]listed {
	e.t.Helper()
	var rows []listed
	out := e.ok("list", "--format", "json").stdout
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		e.t.Fatalf("list json: %v\n%s", err, out)
	}
	m := map[string]listed{}
	for _, r := range rows {
		m[r.ID] = r
	}
	return m
}

// proc is what /proc says about one process of a container.
type proc struct {
	pid, ppid   int
	arg0, comm  string
	initWaiting bool // an init not yet released from the exec fifo
	tender      bool
}

// containerProcs lists the live processes of container id with bundle dir: its init
// (argv names <root>/<id>) and its tender (argv names an image under the bundle).
func (e *env) containerProcs(id, bundle string) []proc {
	var out []proc
	dir := filepath.Join(e.root, id)
	ents, _ := os.ReadDir("/proc")
	for _, p := range ents {
		pid, err := strconv.Atoi(p.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + p.Name() + "/cmdline")
		if err != nil {
			continue
		}
		args := strings.Split(strings.TrimRight(string(b), "\x00"), "\x00")
		ours := false
		for _, a := range args {
			ours = ours || a == dir || strings.HasPrefix(a, bundle+"/")
		}
		st, _ := os.ReadFile("/proc/" + p.Name() + "/stat")
		if f := strings.Fields(string(st)); !ours || len(f) < 3 || f[2] == "Z" {
			continue
		}
		comm, _ := os.ReadFile("/proc/" + p.Name() + "/comm")
		pr := proc{pid: pid, arg0: args[0], comm: string(bytes.TrimSpace(comm))}
		if i := strings.LastIndexByte(string(st), ')'); i > 0 {
			if f := strings.Fields(string(st[i+1:])); len(f) > 1 {
				pr.ppid, _ = strconv.Atoi(f[1])
			}
		}
		pr.initWaiting = pr.arg0 == "runnc:init" && pr.comm != "runnc:started"
		pr.tender = strings.HasPrefix(filepath.Base(pr.arg0), "nabla-")
		out = append(out, pr)
	}
	return out
}

// truthful checks list's row for id against the processes the container really has.
// A row may be missing only when the container has no directory.
func (e *env) truthful(id, bundle string, row listed, present bool) {
	e.t.Helper()
	procs := e.containerProcs(id, bundle)
	_, dirErr := os.Stat(filepath.Join(e.root, id))
	if !present {
		if dirErr == nil {
			e.t.Errorf("%s: has a directory but list omits it", id)
		}
		if len(procs) > 0 {
			e.t.Errorf("%s: not listed but has processes %+v", id, procs)
		}
		return
	}
	// The tender may run helpers (its own children): the container is its main
	// process plus those.
	var main []proc
	for _, p := range procs {
		if p.pid == row.Pid || p.ppid != row.Pid || row.Pid == 0 {
			main = append(main, p)
		}
	}
	procs = main
	one := len(procs) == 1
	switch row.Status {
	case "stopped":
		if len(procs) > 0 {
			e.t.Errorf("%s: listed stopped but has processes %+v", id, procs)
		}
	case "running":
		if !one || procs[0].pid != row.Pid || procs[0].initWaiting {
			e.t.Errorf("%s: listed running (pid %d) but has processes %+v", id, row.Pid, procs)
		}
	case "created":
		if !one || procs[0].pid != row.Pid || !procs[0].initWaiting {
			e.t.Errorf("%s: listed created (pid %d) but has processes %+v", id, row.Pid, procs)
		}
	case "creating":
		// A create in progress or killed: at most its init, never released.
		if len(procs) > 1 || (one && (!procs[0].initWaiting || procs[0].pid != row.Pid)) || (!one && row.Pid != 0) {
			e.t.Errorf("%s: listed creating (pid %d) but has processes %+v", id, row.Pid, procs)
		}
	default:
		e.t.Errorf("%s: unknown status %q", id, row.Status)
	}
}

// command runs a command and returns its combined output.
func command(name string, args ...string) (string, error) {
	out, err := exec.Command(name, args...).CombinedOutput()
	return string(out), err
}
