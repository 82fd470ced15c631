// Package e2e holds the end-to-end tests that run the tenders against the test guests.
//
// TestSPT and TestHVT run every guest/tests/test_*/expect.json case on nabla-spt and
// nabla-hvt; an optional "spt"/"hvt" object in a case overrides exit/stdout/contains/
// absent for that tender, "na" marks the case not applicable there (with the reason,
// reported as a skip) and "na_pvm" does so only when /dev/kvm is PVM (kvm_pvm loaded, or
// no vmx/svm in /proc/cpuinfo). "driver": "signal" (test_spin) sends SIGTERM once the
// guest printed its first line. TestSignals checks SIGTERM and SIGINT on both tenders
// (spt dies by the signal: 143/130; hvt exits 1 with "Exiting on signal N", within 1 s).
// TestSPTBadInput/TestHVTBadInput: bad images, devices and options, and for hvt a
// missing /dev/kvm, a /dev/kvm that is not KVM and one without permission (private mount
// namespace; the last run as uid 65534). TestHVTSeccomp uses nabla-hvt's test hook
// NABLA_HVT_TEST_SECCOMP_VIOLATION=1 (read from the environment before setup, so no
// guest can set it): a getppid after the filter is installed must end in SIGSYS (159).
// TestNablaRun runs hello through `nabla run` on both tenders.
package e2e
