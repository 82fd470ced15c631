// Tests of ids, signals, the atomic state file, locking and liveness.
package container

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

func TestCheckID(t *testing.T) {
	for _, id := range []string{"a", "abc-1_2.3+x", strings.Repeat("x", 1024)} {
		if err := CheckID(id); err != nil {
			t.Errorf("CheckID(%q) = %v", id, err)
		}
	}
	for _, id := range []string{"", ".", "..", "../x", "a/b", "-a", "a b", strings.Repeat("x", 1025)} {
		if err := CheckID(id); err == nil {
			t.Errorf("CheckID(%q) accepted", id)
		}
	}
}

func TestParseSignal(t *testing.T) {
	good := map[string]unix.Signal{"9": unix.SIGKILL, "KILL": unix.SIGKILL, "SIGKILL": unix.SIGKILL, "term": unix.SIGTERM, "SIGUSR1": unix.SIGUSR1, "15": unix.SIGTERM}
	for s, want := range good {
		got, err := ParseSignal(s)
		if err != nil || got != want {
			t.Errorf("ParseSignal(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	for _, s := range []string{"", "0", "-1", "65", "FOO", "SIGFOO", "9x"} {
		if _, err := ParseSignal(s); err == nil || !strings.Contains(err.Error(), "unknown signal") {
			t.Errorf("ParseSignal(%q) error = %v", s, err)
		}
	}
}

func TestSaveLoad(t *testing.T) {
	root := t.TempDir()
	l, err := CreateDir(root, "c1")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	if _, err := CreateDir(root, "c1"); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Fatalf("duplicate CreateDir: %v", err)
	}
	if _, err := Load(root, "c1"); err != ErrNotExist {
		t.Fatalf("Load before save: %v", err)
	}
	s := &State{ID: "c1", Bundle: "/b", Status: Created, Pid: os.Getpid(), Created: time.Now().UTC()}
	s.PidStart, _ = StartTime(os.Getpid())
	if err := s.Save(root); err != nil {
		t.Fatal(err)
	}
	got, err := Load(root, "c1")
	if err != nil || got.Bundle != "/b" || got.Pid != s.Pid {
		t.Fatalf("Load = %+v, %v", got, err)
	}
	ents, _ := os.ReadDir(Dir(root, "c1"))
	if len(ents) != 1 {
		t.Errorf("temporary files left: %v", ents)
	}
	// Our own process is alive; with no fifo the status is running.
	if c := got.Current(root); c != Running {
		t.Errorf("Current = %s, want running", c)
	}
	os.WriteFile(filepath.Join(Dir(root, "c1"), FifoName), nil, 0o600)
	// A fifo left behind by a killed start does not make a released process created.
	if c := got.Current(root); c != Running {
		t.Errorf("Current with fifo, process not an init = %s, want running", c)
	}
	// An init (argv[0] runnc:init) still before the fifo is created.
	// The test binary itself sleeps (busybox's sleep in the VM would read argv[0] as
	// the applet name and exit at once).
	sleep := exec.Command(os.Args[0], "-test.run=^TestHelperSleep$")
	sleep.Args[0] = InitArgv0
	sleep.Env = append(os.Environ(), "RUNNC_TEST_HELPER_SLEEP=1")
	if err := sleep.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { sleep.Process.Kill(); sleep.Wait() }()
	// Start returns once the exec is under way, but the kernel fills in the new
	// argv a little later (a visible window under emulation): wait for it.
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(time.Millisecond) {
		b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", sleep.Process.Pid))
		if strings.HasPrefix(string(b), InitArgv0+"\x00") || time.Now().After(deadline) {
			break
		}
	}
	waiting := *got
	waiting.Pid = sleep.Process.Pid
	waiting.PidStart, _ = StartTime(waiting.Pid)
	if c := waiting.Current(root); c != Created {
		t.Errorf("Current of a waiting init with fifo = %s, want created", c)
	}
	got.PidStart++ // a reused pid is not our process
	if c := got.Current(root); c != Stopped {
		t.Errorf("Current with other start time = %s, want stopped", c)
	}
	os.WriteFile(filepath.Join(Dir(root, "c1"), stateFile), []byte("{"), 0o600)
	if _, err := Load(root, "c1"); err == nil || !strings.Contains(err.Error(), "corrupt") {
		t.Errorf("corrupt state: %v", err)
	}
}

func TestLockSerialises(t *testing.T) {
	root := t.TempDir()
	l, err := CreateDir(root, "c")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	order := []string{}
	done := make(chan struct{})
	go func() {
		l2, err := Acquire(root, "c")
		if err == nil {
			mu.Lock()
			order = append(order, "second")
			mu.Unlock()
			l2.Release()
		}
		close(done)
	}()
	time.Sleep(50 * time.Millisecond)
	mu.Lock()
	order = append(order, "first")
	mu.Unlock()
	l.Release()
	<-done
	if strings.Join(order, ",") != "first,second" {
		t.Errorf("lock order %v", order)
	}
	// A directory removed while waiting reads as not existing.
	l, _ = Acquire(root, "c")
	res := make(chan error)
	go func() { _, err := Acquire(root, "c"); res <- err }()
	time.Sleep(50 * time.Millisecond)
	RemoveDir(root, "c")
	l.Release()
	if err := <-res; err != ErrNotExist {
		t.Errorf("Acquire of removed container = %v", err)
	}
}

func TestAliveDead(t *testing.T) {
	if Alive(0, 0) || Alive(-1, 0) || Alive(1<<30, 0) {
		t.Error("nonexistent pid reported alive")
	}
}

// TestHelperSleep is the stand-in init process of TestSaveLoad: it only sleeps when asked.
func TestHelperSleep(t *testing.T) {
	if os.Getenv("RUNNC_TEST_HELPER_SLEEP") == "1" {
		time.Sleep(30 * time.Second)
	}
}
