// Tests for the tenders' shared start: --help, --version and bad options end the process.
package tender

import (
	"os"
	"strings"
	"testing"
)

type exited int

func TestParseOrExit(t *testing.T) {
	oldOut, oldErr, oldExit, oldProg := os.Stdout, os.Stderr, exit, Prog
	defer func() { os.Stdout, os.Stderr, exit, Prog = oldOut, oldErr, oldExit, oldProg }()
	exit = func(c int) { panic(exited(c)) }
	run := func(args ...string) (code int, out string) {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		os.Stdout, os.Stderr = w, w
		code = -1
		func() {
			defer func() {
				if c, ok := recover().(exited); ok {
					code = int(c)
				}
			}()
			ParseOrExit("nabla-test", append([]string{"nabla-test"}, args...))
		}()
		w.Close()
		b := make([]byte, 4096)
		n, _ := r.Read(b)
		r.Close()
		return code, string(b[:n])
	}
	cases := []struct {
		args []string
		code int
		out  string
	}{
		{[]string{"--help"}, ExitFailure, "usage: nabla-test"},
		{[]string{"--version"}, ExitSuccess, "nabla-test tender, version "},
		{[]string{"--bogus", "k"}, ExitFailure, "nabla-test: "},
		{[]string{"--mem=4", "k", "arg"}, -1, ""},
	}
	for _, c := range cases {
		code, out := run(c.args...)
		if code != c.code || !strings.Contains(out, c.out) {
			t.Errorf("%v: exit %d, output %q; want exit %d and %q", c.args, code, out, c.code, c.out)
		}
	}
	if Prog != "nabla-test" {
		t.Errorf("Prog = %q, want nabla-test", Prog)
	}
}
