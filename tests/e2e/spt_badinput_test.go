// TestSPTBadInput: bad images, devices and options must give exit 1 and one stderr line.
// The same cases run on nabla-hvt (hvt_badinput_test.go) through badInputCases.
package e2e

import (
	"debug/elf"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// badCase builds the tender command line (after the tender itself) for one bad input.
type badCase struct {
	name  string
	inNS  bool // needs a private netns with tap0 (so nothing touches the host's links)
	build func(t *testing.T, dir string) []string
	// mount, when set, runs the tender in a private mount namespace prepared by it.
	mount func(t *testing.T, dir string) error
	// nobody runs the tender as uid/gid 65534 (permission checks, root bypasses them).
	nobody bool
	// stderrHas, when set, must appear in the error line.
	stderrHas string
}

// pickCase finds a guest whose expectation matches want (plain, with blocks, with nets).
func pickCase(t *testing.T, cases []guestCase, what string, want func(expectation) bool) guestCase {
	t.Helper()
	for _, c := range cases {
		if c.Name == "hello" && want(c.Expect) {
			return c
		}
	}
	for _, c := range cases {
		if want(c.Expect) {
			return c
		}
	}
	t.Fatalf("no guest in %s has %s; the bad-input checks need one", testsDir(), what)
	return guestCase{}
}

// segmentCut is a file size that ends inside the last loadable segment's file data, so
// the image is truncated where the loader must read (cutting only the section headers
// would leave a runnable image: loaders need not read them).
func segmentCut(t *testing.T, path string) int64 {
	t.Helper()
	f, err := elf.Open(path)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	defer f.Close()
	var cut int64
	for _, p := range f.Progs {
		if p.Type == elf.PT_LOAD && p.Filesz > 1 {
			cut = int64(p.Off + p.Filesz/2)
		}
	}
	if cut == 0 {
		t.Fatalf("%s: no PT_LOAD with file data", path)
	}
	return cut
}

func copyWith(t *testing.T, src, dst string, edit func([]byte) []byte) string {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, edit(b), 0o644); err != nil {
		t.Fatal(err)
	}
	return dst
}

// netArgs attaches the nets of c to tap0.. (the bad-input guest has exactly one net).
func netArgs(c guestCase) []string {
	var a []string
	for i, n := range c.Expect.Nets {
		a = append(a, "--net:"+n.Name+"="+tapName(i))
	}
	return a
}

func TestSPTBadInput(t *testing.T) {
	requireHost(t)
	runBadCases(t, tenderPath(t, "nabla-spt"), badInputCases(t, "spt"))
}

// badInputCases are the checks every tender must pass, with images built for target.
func badInputCases(t *testing.T, target string) []badCase {
	t.Helper()
	cases, err := loadCases(testsDir())
	if err != nil {
		t.Fatalf("loading expectations: %v", err)
	}
	plainC := pickCase(t, cases, "no devices", func(e expectation) bool { return len(e.Blocks)+len(e.Nets) == 0 })
	blockC := pickCase(t, cases, "a block device", func(e expectation) bool { return len(e.Blocks) > 0 && len(e.Nets) == 0 })
	netC := pickCase(t, cases, "one net device", func(e expectation) bool { return len(e.Nets) == 1 && len(e.Blocks) == 0 })
	plain := guestImageFor(t, plainC.Name, target)
	blockImg := guestImageFor(t, blockC.Name, target)
	netImg := guestImageFor(t, netC.Name, target)
	other := "hvt"
	if target == "hvt" {
		other = "spt"
	}
	otherTarget := guestImageFor(t, plainC.Name, other)
	otherMachine := uint16(183) // EM_AARCH64
	if runtime.GOARCH == "arm64" {
		otherMachine = 62 // EM_X86_64
	}
	blocks := func(t *testing.T, dir string) []string {
		a, err := blockArgs(dir, blockC.Expect.Blocks)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}

	return []badCase{
		{name: "wrong-target", build: func(t *testing.T, dir string) []string {
			return []string{otherTarget} // an image for the other tender
		}},
		{name: "truncated-header", build: func(t *testing.T, dir string) []string {
			return []string{copyWith(t, plain, filepath.Join(dir, "k"), func(b []byte) []byte { return b[:40] })}
		}},
		{name: "truncated-image", build: func(t *testing.T, dir string) []string {
			cut := segmentCut(t, plain)
			return []string{copyWith(t, plain, filepath.Join(dir, "k"), func(b []byte) []byte { return b[:cut] })}
		}},
		{name: "wrong-machine", build: func(t *testing.T, dir string) []string {
			return []string{copyWith(t, plain, filepath.Join(dir, "k"), func(b []byte) []byte {
				if len(b) > 20 {
					b[18], b[19] = byte(otherMachine), byte(otherMachine>>8) // e_machine, LE
				}
				return b
			})}
		}},
		{name: "not-elf", build: func(t *testing.T, dir string) []string {
			return []string{copyWith(t, plain, filepath.Join(dir, "k"), func([]byte) []byte {
				return []byte(strings.Repeat("not an ELF file\n", 64))
			})}
		}},
		{name: "missing-kernel", build: func(t *testing.T, dir string) []string {
			return []string{filepath.Join(dir, "no-such-kernel.spt")}
		}},
		{name: "missing-device-attach", build: func(t *testing.T, dir string) []string {
			return []string{blockImg} // declares a block device, none given
		}},
		{name: "extra-device", build: func(t *testing.T, dir string) []string {
			f := filepath.Join(dir, "extra.img")
			if err := os.WriteFile(f, make([]byte, 4096), 0o644); err != nil {
				t.Fatal(err)
			}
			return []string{"--block:notdeclared=" + f, plain}
		}},
		{name: "missing-block-file", build: func(t *testing.T, dir string) []string {
			a := blocks(t, dir)
			for i, s := range a {
				if strings.HasPrefix(s, "--block:") {
					eq := strings.IndexByte(s, '=')
					a[i] = s[:eq+1] + filepath.Join(dir, "no-such-dir", "disk.img")
					break
				}
			}
			return append(a, blockImg)
		}},
		{name: "nonexistent-tap", inNS: true, build: func(t *testing.T, dir string) []string {
			return []string{"--net:" + netC.Expect.Nets[0].Name + "=nosuchtap9", netImg}
		}},
		{name: "bad-mac", inNS: true, build: func(t *testing.T, dir string) []string {
			return append(netArgs(netC), "--net-mac:"+netC.Expect.Nets[0].Name+"=zz:00:00:00:00:01", netImg)
		}},
		{name: "mem-too-small", build: func(t *testing.T, dir string) []string {
			return []string{"--mem=1", plain} // the guest is linked at 1 MiB
		}},
		{name: "mem-too-large", build: func(t *testing.T, dir string) []string {
			return []string{"--mem=1073741824", plain} // 1 PiB: beyond any user address space
		}},
		{name: "mem-not-a-number", build: func(t *testing.T, dir string) []string {
			return []string{"--mem=12x", plain}
		}},
	}
}

func runBadCases(t *testing.T, tender string, bad []badCase) {
	for _, bc := range bad {
		t.Run(bc.name, func(t *testing.T) {
			dir := t.TempDir()
			argv := append([]string{tender}, bc.build(t, dir)...)
			t.Logf("running %s", strings.Join(argv, " "))
			var res result
			if bc.mount != nil || bc.nobody {
				res = runIsolated(t, argv, dir, bc.mount, bc.nobody)
			} else {
				res = runBad(t, argv, bc.inNS)
			}
			checkBad(t, res)
			if bc.stderrHas != "" && !strings.Contains(res.Stderr, bc.stderrHas) {
				t.Errorf("stderr %q does not mention %q", strings.TrimSpace(res.Stderr), bc.stderrHas)
			}
		})
	}
}

func runBad(t *testing.T, argv []string, inNS bool) result {
	t.Helper()
	if !inNS {
		res, err := run(argv, runTimeout)
		if err != nil {
			t.Fatalf("running tender: %v", err)
		}
		return res
	}
	ns, err := newNetns()
	if err != nil {
		t.Fatalf("network namespace: %v", err)
	}
	defer ns.Close()
	if err := ns.Do(func() error { return createTap(tapName(0), hostIP(0)) }); err != nil {
		t.Fatalf("tap setup: %v", err)
	}
	defer func() {
		if err := ns.Do(func() error { return deleteTap(tapName(0)) }); err != nil {
			t.Errorf("cleanup: %v", err)
		}
	}()
	var r *running
	if err := ns.Do(func() error { var e error; r, e = start(argv); return e }); err != nil {
		t.Fatalf("starting tender: %v", err)
	}
	defer r.kill()
	res, err := r.wait(runTimeout)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// checkBad: exit 1, exactly one line on stderr, no Go panic text, no guest output.
func checkBad(t *testing.T, res result) {
	t.Helper()
	report := "stdout:\n" + indent(res.Stdout) + "\nstderr:\n" + indent(res.Stderr)
	if res.TimedOut {
		t.Fatalf("tender still running after %v; killed\n%s", runTimeout*timeoutScale(), report)
	}
	if res.Status != 1 {
		t.Errorf("exit status %d, want 1\n%s", res.Status, report)
	}
	msg := strings.TrimSuffix(res.Stderr, "\n")
	if msg == "" || strings.Contains(msg, "\n") || !strings.HasSuffix(res.Stderr, "\n") {
		t.Errorf("want exactly one newline-terminated line on stderr\n%s", report)
	}
	for _, s := range []string{"goroutine", "panic:"} {
		if strings.Contains(res.Stderr, s) {
			t.Errorf("stderr has Go panic text %q\n%s", s, report)
		}
	}
	if res.Stdout != "" {
		t.Errorf("guest output on stdout, want none\n%s", report)
	}
	t.Logf("stderr: %s", msg)
}
