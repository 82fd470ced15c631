// TestNablaRun: `nabla run` picks the tender from the image and runs hello on both.
package e2e

import (
	"fmt"
	"testing"
)

func TestNablaRun(t *testing.T) {
	requireHost(t)
	nabla := tenderPath(t, "nabla")
	cases, err := loadCases(testsDir())
	if err != nil {
		t.Fatalf("loading expectations: %v", err)
	}
	var hello *guestCase
	for i := range cases {
		if cases[i].Name == "hello" {
			hello = &cases[i]
		}
	}
	if hello == nil {
		t.Fatalf("no test_hello expectation in %s", testsDir())
	}
	for _, target := range []string{"spt", "hvt"} {
		t.Run(target, func(t *testing.T) {
			if target == "hvt" {
				requireKVM(t)
			}
			e, _ := hello.Expect.forTender(target)
			// A tender option before the kernel is passed through (--mem), as is the
			// guest's command line after it.
			argv := append([]string{nabla, "run", "--mem=8", guestImageFor(t, "hello", target)}, e.Args...)
			res, err := run(argv, runTimeout)
			if err != nil {
				t.Fatal(err)
			}
			report := fmt.Sprintf("stdout:\n%s\nstderr:\n%s", indent(res.Stdout), indent(res.Stderr))
			if res.Status != *e.Exit {
				t.Errorf("exit status %d, want %d\n%s", res.Status, *e.Exit, report)
			}
			if e.Stdout != nil && res.Stdout != *e.Stdout {
				t.Errorf("stdout mismatch: want\n%s\n%s", indent(*e.Stdout), report)
			}
		})
	}
	t.Run("bad-option", func(t *testing.T) {
		// The tender's own check rejects the option: nabla passed it through untouched.
		res, err := run([]string{nabla, "run", "--mem=12x", guestImageFor(t, "hello", "spt")}, runTimeout)
		if err != nil {
			t.Fatal(err)
		}
		checkBad(t, res)
	})
}
