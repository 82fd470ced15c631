// Rewritten system call sites (guest/libos/sys/patch_x86_64.c): a program whose calls take
// every path a rewritten site has gives its native output with sites rewritten and with
// --trap-calls, and on x86_64 most of its calls go through rewritten sites.
package libos

import (
	"regexp"
	"runtime"
	"strconv"
	"testing"
)

// patchScript: threads blocked in read on one pipe while others call (contexts saved at a
// site and resumed after a switch), a signal handler run while a call is blocked (EINTR,
// then Python's retry), many small calls, select with a timeout, a subprocess (vfork and
// exec beside the parent) and an execve at the end.
const patchScript = `import os, signal, threading, time, select, subprocess, sys
r, w = os.pipe()
got = []
ts = [threading.Thread(target=lambda: got.append(os.read(r, 100))) for _ in range(3)]
for t in ts: t.start()
time.sleep(0.05)
for i in range(3):
    os.write(w, b"m%d" % i)
    time.sleep(0.01)
for t in ts: t.join()
print(sorted(got))
hits = []
signal.signal(signal.SIGALRM, lambda s, f: hits.append(s))
r2, w2 = os.pipe()
def later():
    time.sleep(0.2)
    os.write(w2, b"late")
threading.Thread(target=later).start()
signal.setitimer(signal.ITIMER_REAL, 0.05)
print(os.read(r2, 10), hits)
print(sum(os.getpid() > 0 for _ in range(20000)))
print(select.select([r2], [], [], 0.01))
p = subprocess.run(["/usr/bin/echo", "child"], capture_output=True)
print(p.returncode, p.stdout)
sys.stdout.flush()
os.execv("/usr/bin/echo", ["echo", "exec'd"])
`

func TestPatchedSites(t *testing.T) {
	tree := dynTree(t)
	argv := []string{"/usr/bin/python3", "-B", "-c", patchScript}
	check := func(r fsResult) {
		want := "[b'm0', b'm1', b'm2']\nb'late' [14]\n20000\n([], [], [])\n0 b'child\\n'\nexec'd\n"
		if r.stdout != want || r.status != 0 {
			t.Fatalf("native run: status %d, output:\n%s\nstderr:\n%s", r.status, r.stdout, r.stderr)
		}
	}
	t.Run("rewritten", func(t *testing.T) {
		sameFSCheck(t, fsCase{tree: tree, inPlace: true, argv: argv}, nil, check)
	})
	t.Run("trap-calls", func(t *testing.T) {
		sameFSCheck(t, fsCase{tree: tree, inPlace: true, argv: argv, flags: []string{"--trap-calls"}}, nil, check)
	})
	t.Run("counts", func(t *testing.T) {
		counts := regexp.MustCompile(`libos: (\d+) trapped, (\d+) through (\d+) patched sites`)
		for _, flags := range [][]string{{"--debug"}, {"--debug", "--trap-calls"}} {
			r := fsCase{tree: tree, inPlace: true, argv: argv, flags: flags}.unikernel(t)
			m := counts.FindStringSubmatch(r.stdout + r.stderr)
			if m == nil {
				t.Fatalf("%v: no call counts in the debug output:\n%s\nstderr:\n%s", flags, r.stdout, r.stderr)
			}
			trapped, fast, sites := atoi(t, m[1]), atoi(t, m[2]), atoi(t, m[3])
			t.Logf("%v: %d trapped, %d through %d patched sites", flags, trapped, fast, sites)
			switch {
			case len(flags) == 2 && (fast != 0 || sites != 0):
				t.Fatalf("--trap-calls: %d calls through %d patched sites, want none", fast, sites)
			case len(flags) == 2 && trapped < 20000:
				t.Fatalf("--trap-calls: %d calls trapped, want the script's 20000 and more", trapped)
			case len(flags) == 1 && runtime.GOARCH == "amd64" && (sites == 0 || fast < 10*trapped):
				t.Fatalf("x86_64: %d trapped, %d through %d sites: want most calls through rewritten sites", trapped, fast, sites)
			case len(flags) == 1 && runtime.GOARCH != "amd64" && (fast != 0 || sites != 0):
				t.Fatalf("%s rewrites no site, yet %d calls went through %d sites", runtime.GOARCH, fast, sites)
			}
		}
	})
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
