// Unit tests of the pure parts: strace parsing, summaries, alternation, ratios.
package main

import (
	"strings"
	"testing"
)

func keys(m map[string]bool) string {
	var s []string
	for k := range m {
		s = append(s, k)
	}
	return strings.Join(sortStrings(s), ",")
}

func sortStrings(s []string) []string {
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
	return s
}

func TestParseStraceExec(t *testing.T) {
	tr, err := parseStrace("testdata/runc-true.strace", "/true")
	if err != nil {
		t.Fatal(err)
	}
	// The exec resumes under another pid (thread group leader): the workload follows it.
	if got, want := keys(tr.workload), "arch_prctl,execve,exit_group,set_tid_address"; got != want {
		t.Errorf("workload calls %s, want %s", got, want)
	}
	if got, want := keys(tr.all), "arch_prctl,brk,clone,execve,exit_group,futex,set_tid_address"; got != want {
		t.Errorf("all calls %s, want %s", got, want)
	}
}

func TestParseStraceSeccomp(t *testing.T) {
	tr, err := parseStrace("testdata/spt-hello.strace", "")
	if err != nil {
		t.Fatal(err)
	}
	// Only the task that installed the filter, from then on; the other thread's futex is not.
	if got, want := keys(tr.workload), "exit_group,write"; got != want {
		t.Errorf("workload calls %s, want %s", got, want)
	}
	if len(tr.all) != 7 {
		t.Errorf("all calls %s, want 7", keys(tr.all))
	}
}

func TestStats(t *testing.T) {
	r := &Result{Samples: []float64{5, 1, 3, 2}}
	med, lo, hi, ok := r.stats()
	if !ok || med != 2.5 || lo != 1 || hi != 5 {
		t.Errorf("stats = %v %v %v %v, want 2.5 1 5 true", med, lo, hi, ok)
	}
	if _, _, _, ok := (&Result{}).stats(); ok {
		t.Error("stats of no samples is ok")
	}
}

func TestAlternate(t *testing.T) {
	var order []string
	mk := func(name string, v float64) contender {
		return contender{name: name, run: func() (float64, error) { order = append(order, name); return v, nil }}
	}
	rs := alternate("s", "m", "u", 1, 2, []contender{mk("a", 1), mk("b", 2)})
	if len(rs[0].Samples) != 2 || len(rs[1].Samples) != 2 {
		t.Fatalf("samples %v %v, want 2 each (warm-up not counted)", rs[0].Samples, rs[1].Samples)
	}
	if got := strings.Join(order, ""); got != "abbaab" {
		t.Errorf("run order %s, want abbaab (rotating start)", got)
	}
}

func TestTableRatio(t *testing.T) {
	rs := []*Result{
		{Section: "s", Measure: "m", Contender: "ref", Unit: "ms", Reference: true, Samples: []float64{2}},
		{Section: "s", Measure: "m", Contender: "x", Unit: "ms", Samples: []float64{3}},
		{Section: "s", Measure: "m", Contender: "bad", Unit: "ms", Error: "boom\nline"},
	}
	tab := table(rs)
	for _, want := range []string{"| ref (ref) | 1 | 2 | 2 | 2 | ms | 1.00 |", "| x | 1 | 3 | 3 | 3 | ms | 1.50 |", "ERROR: boom line"} {
		if !strings.Contains(tab, want) {
			t.Errorf("table lacks %q:\n%s", want, tab)
		}
	}
}

func TestParseVM(t *testing.T) {
	out := []byte(`== host: x86_64-PVM(emulated-kernel-mode)
BENCH x86_64-PVM spt startup hello median of 20: 2.50 ms
BENCH x86_64-PVM hvt puts 10000 x 1 byte: run 90.0 ms, empty run 10.0 ms, round trip 8.00 us
== aarch64 VM
BENCH aarch64-VM(nested-KVM) spt startup hello median of 20: 12.25 ms
BENCH aarch64-VM(nested-KVM) hvt startup hello median of 20: 30.50 ms
BENCH aarch64-VM(nested-KVM) hvt puts ERROR boom
`)
	rs := parseVM(out, 3)
	if len(rs) != 3 {
		t.Fatalf("%d rows, want 3 (host start-up skipped, error line skipped): %+v", len(rs), rs)
	}
	if rs[0].Unit != "us" || rs[0].Samples[0] != 8 || rs[0].Reference || rs[0].MedianOf != 3 || rs[1].MedianOf != 20 {
		t.Errorf("puts row %+v", rs[0])
	}
	if !rs[1].Reference || rs[1].Samples[0] != 12.25 || rs[2].Samples[0] != 30.5 || rs[2].Contender != "nabla-hvt test_hello.hvt" {
		t.Errorf("VM rows %+v %+v", rs[1], rs[2])
	}
}

func TestParseStraceTrapped(t *testing.T) {
	tr, err := parseStrace("testdata/libos-hello.strace", "")
	if err != nil {
		t.Fatal(err)
	}
	// A call followed by its task's SIGSYS SYS_SECCOMP report never reached the host:
	// openat and mmap only trapped; write and exit_group also ran (from the libOS).
	if got, want := keys(tr.trapped), "exit_group,mmap,openat,write"; got != want {
		t.Errorf("trapped calls %s, want %s", got, want)
	}
	if got, want := keys(tr.all), "execve,exit_group,futex,mprotect,openat,rt_sigreturn,seccomp,write"; got != want {
		t.Errorf("all calls %s, want %s", got, want)
	}
	if got, want := keys(tr.workload), "exit_group,mprotect,rt_sigreturn,write"; got != want {
		t.Errorf("workload calls %s, want %s", got, want)
	}
}

func TestCountSysnums(t *testing.T) {
	src := []byte("const (\n\tSYS_READ = 0\n\tSYS_WRITE = 1\n\tSYS_OTHER_NAME = 1\n\tNOT_SYS = 7\n)\n")
	if v, err := countSysnums(src, "x"); err != nil || v != 2 {
		t.Errorf("countSysnums = %v, %v; want 2 distinct numbers", v, err)
	}
	if _, err := countSysnums([]byte("package unix\n"), "x"); err == nil {
		t.Error("a file without SYS_ constants counted")
	}
}

func TestCountProfileAllowed(t *testing.T) {
	prof := []byte(`{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
		{"names": ["read", "write"], "action": "SCMP_ACT_ALLOW"},
		{"names": ["write", "clone"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0}]},
		{"names": ["ptrace"], "action": "SCMP_ACT_ERRNO"},
		{"name": "kill", "action": "SCMP_ACT_ALLOW"}]}`)
	if v, err := countProfileAllowed(prof, "p"); err != nil || v != 4 {
		t.Errorf("countProfileAllowed = %v, %v; want 4 (read, write, clone, kill)", v, err)
	}
	for _, bad := range []string{`{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"}]}`, `{"syscalls": []}`, `[`} {
		if _, err := countProfileAllowed([]byte(bad), "p"); err == nil {
			t.Errorf("profile %s counted", bad)
		}
	}
}

func TestTableText(t *testing.T) {
	rs := []*Result{{Section: "s", Measure: "m", Contender: "docker", Unit: "calls", Text: "not measured: absent"}}
	if tab := table(rs); !strings.Contains(tab, "| docker | 0 | not measured: absent |") {
		t.Errorf("statement row missing:\n%s", tab)
	}
	if n := (&report{Results: rs}).failed(); n != 0 {
		t.Errorf("a statement row counted as %d failures", n)
	}
}
