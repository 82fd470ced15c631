// Tests of the waiter the tender execs into: what is left of the tender, signals, exit statuses, PDEATHSIG.
package spt

import (
	"bytes"
	"debug/elf"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestWaiterImage: the built ELF loads as two segments at their fixed places, with the
// code cut at the marker; code without a marker is refused.
func TestWaiterImage(t *testing.T) {
	code := append([]byte{0x90, 0x90, 0xc3}, waiterMarker...)
	img, err := waiterImage(uint16(elf.EM_X86_64), append(code, 0xcc, 0xcc), 1234, 1<<16)
	if err != nil {
		t.Fatal(err)
	}
	f, err := elf.NewFile(bytes.NewReader(img))
	if err != nil {
		t.Fatal(err)
	}
	if f.Entry != waiterBase+waiterText || f.Type != elf.ET_EXEC {
		t.Errorf("entry %#x type %v", f.Entry, f.Type)
	}
	var loads []*elf.Prog
	for _, p := range f.Progs {
		if p.Type == elf.PT_LOAD {
			loads = append(loads, p)
		}
	}
	if len(loads) != 2 || loads[0].Vaddr != waiterBase || loads[0].Filesz != waiterText+3 || loads[1].Vaddr != waiterData {
		t.Errorf("segments %+v", loads)
	}
	if _, err := waiterImage(uint16(elf.EM_X86_64), []byte{0x90}, 1, 0); err == nil {
		t.Error("code without its end marker was accepted")
	}
	if b := waiterCodeBytes(); !bytes.HasSuffix(b, waiterMarker) || len(b) > 1024 {
		t.Errorf("waiterCodeBytes: %d bytes, marker at the end: %v", len(b), bytes.HasSuffix(b, waiterMarker))
	}
}

// TestWaiter: while a guest runs, the tender's process is the waiter (a memfd program,
// named like the tender, argv kept) holding a few pages, and the guest is its child.
func TestWaiter(t *testing.T) {
	p := filepath.Join(guestDir(), "test_spin.spt")
	if !exists(p) {
		t.Fatalf("no %s (make guest)", p)
	}
	cmd, child := startGuest(t, p)
	pid := cmd.Process.Pid
	exe, _ := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid))
	if !strings.HasPrefix(exe, "/memfd:nabla-spt") {
		t.Errorf("the tender is still %q, want the memfd waiter", exe)
	}
	// The exec names it after the fd ("3"), the waiter's first call renames it.
	var comm []byte
	for i := 0; i < 500; i++ {
		if comm, _ = os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid)); string(comm) == "nabla-spt\n" {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if string(comm) != "nabla-spt\n" {
		t.Errorf("comm %q", comm)
	}
	argv, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if want := strings.Join(cmd.Args, "\x00") + "\x00"; string(argv) != want {
		t.Errorf("cmdline %q, want %q", argv, want)
	}
	ppid := ""
	st, _ := os.ReadFile("/proc/" + child + "/status")
	for _, l := range strings.Split(string(st), "\n") {
		if v, ok := strings.CutPrefix(l, "PPid:"); ok {
			ppid = strings.TrimSpace(v)
		}
	}
	if ppid != fmt.Sprint(pid) {
		t.Errorf("guest's parent is %s, want the waiter %d", ppid, pid)
	}
	pc, err1 := procKiB(pid, "Private_Clean")
	pd, err2 := procKiB(pid, "Private_Dirty")
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	// Its text and data page, a stack page or two, and page tables not counted.
	if pc+pd > 64 {
		t.Errorf("the waiter holds %d KiB private, want a few pages", pc+pd)
	}
	fds, _ := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if len(fds) > 4 { // stdio and its signalfd
		t.Errorf("the waiter keeps %d descriptors", len(fds))
	}
}

// procKiB reads a field of /proc/PID/smaps_rollup.
func procKiB(pid int, field string) (int, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/smaps_rollup", pid))
	if err != nil {
		return 0, err
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == field+":" {
			var n int
			fmt.Sscan(f[1], &n)
			return n, nil
		}
	}
	return 0, fmt.Errorf("no %s", field)
}

// TestWaiterSignals: each forwarded signal ends the guest, and the waiter then dies by
// it (128+N); SIGKILL of the waiter kills the guest (PR_SET_PDEATHSIG survived the exec).
func TestWaiterSignals(t *testing.T) {
	p := filepath.Join(guestDir(), "test_spin.spt")
	if !exists(p) {
		t.Fatalf("no %s (make guest)", p)
	}
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP, syscall.SIGQUIT, syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGKILL} {
		t.Run(sig.String(), func(t *testing.T) {
			cmd, child := startGuest(t, p)
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			err := cmd.Wait()
			ws := cmd.ProcessState.Sys().(syscall.WaitStatus)
			if !ws.Signaled() || ws.Signal() != sig || ws.CoreDump() {
				t.Errorf("tender ended %v (%#x), want killed by %v without a core", err, uint32(ws), sig)
			}
			// The guest is gone or a zombie awaiting its new parent.
			deadline := time.Now().Add(2 * time.Second)
			for {
				st, err := os.ReadFile("/proc/" + child + "/status")
				if err != nil || strings.Contains(string(st), "State:\tZ") {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("guest %s still running after the tender ended by %v", child, sig)
				}
				time.Sleep(10 * time.Millisecond)
			}
		})
	}
}
