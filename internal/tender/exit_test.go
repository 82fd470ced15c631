// Tests for the fatal-error style and exit statuses.
package tender

import (
	"io"
	"os"
	"testing"
)

func TestFatalf(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	oldErr, oldExit, oldProg := os.Stderr, exit, Prog
	defer func() { os.Stderr, exit, Prog = oldErr, oldExit, oldProg }()
	code := -1
	os.Stderr, exit, Prog = w, func(c int) { code = c }, "nabla-spt"
	Fatalf("--mem=%d is too small", 1)
	w.Close()
	out, _ := io.ReadAll(r)
	if string(out) != "nabla-spt: --mem=1 is too small\n" || code != ExitFailure {
		t.Fatalf("Fatalf wrote %q and exited %d", out, code)
	}
	if SignalStatus(11) != 139 || SignalStatus(31) != 159 || SignalStatus(15) != 143 || SignalStatus(2) != 130 {
		t.Fatalf("SignalStatus is not 128+S")
	}
}
