// TestHVT: every guest/tests/test_*/expect.json case against nabla-hvt for this arch.
package e2e

import (
	"os"
	"runtime"
	"strings"
	"testing"
)

// requireKVM fails (never skips) without a usable /dev/kvm: the VM run has one, and the
// x86_64 hosts of this project have PVM's.
func requireKVM(t *testing.T) {
	t.Helper()
	st, err := os.Stat("/dev/kvm")
	if err != nil {
		t.Fatalf("hvt tests need /dev/kvm (KVM, or PVM on x86_64; in the aarch64 VM qemu must run with virtualization=on): %v", err)
	}
	if st.Mode()&os.ModeCharDevice == 0 {
		t.Fatalf("/dev/kvm is not a character device (mode %v)", st.Mode())
	}
}

// pvmReason says why this host's /dev/kvm is PVM (the kvm_pvm module is loaded, or the
// CPU has no VMX/SVM so KVM cannot be hardware-backed), or "" when it is not.
func pvmReason() string {
	if runtime.GOARCH != "amd64" {
		return ""
	}
	if _, err := os.Stat("/sys/module/kvm_pvm"); err == nil {
		return "/sys/module/kvm_pvm is present"
	}
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(b), "\n") {
		if !strings.HasPrefix(line, "flags") {
			continue
		}
		for _, f := range strings.Fields(line) {
			if f == "vmx" || f == "svm" {
				return ""
			}
		}
		return "the CPU has neither vmx nor svm in /proc/cpuinfo"
	}
	return ""
}

func TestHVT(t *testing.T) {
	requireHost(t)
	requireKVM(t)
	tender := tenderPath(t, "nabla-hvt")
	cases, err := loadCases(testsDir())
	if err != nil {
		t.Fatalf("loading expectations: %v", err)
	}
	pvm := pvmReason()
	if pvm != "" {
		t.Logf("/dev/kvm is PVM: %s", pvm)
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			e, o := c.Expect.forTender("hvt")
			if o.NA != "" {
				t.Skipf("not applicable on hvt: %s", o.NA)
			}
			if o.NAOnPVM != "" && pvm != "" {
				t.Skipf("not applicable on PVM (%s): %s", pvm, o.NAOnPVM)
			}
			runCase(t, tender, guestImageFor(t, c.Name, "hvt"), e)
		})
	}
}
