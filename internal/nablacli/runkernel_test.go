// Tests of `nabla run`'s tender selection and argv, with the exec replaced by a recorder.
package nablacli

import (
	"debug/elf"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/nabla-containers/nabla/abi"
	"github.com/nabla-containers/nabla/internal/elf/elftest"
)

func hostMachine() uint16 {
	if runtime.GOARCH == "arm64" {
		return uint16(elf.EM_AARCH64)
	}
	return uint16(elf.EM_X86_64)
}

func otherMachine() uint16 {
	if runtime.GOARCH == "arm64" {
		return uint16(elf.EM_X86_64)
	}
	return uint16(elf.EM_AARCH64)
}

// fakeTenders makes executable nabla-spt and nabla-hvt files in a new directory.
func fakeTenders(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, n := range []string{"nabla-spt", "nabla-hvt"} {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("#!/bin/false\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestTenderFor(t *testing.T) {
	for _, tc := range []struct {
		name    string
		machine uint16
		target  uint32
		want    string
		err     string
	}{
		{"spt", hostMachine(), abi.TargetSPT, "nabla-spt", ""},
		{"hvt", hostMachine(), abi.TargetHVT, "nabla-hvt", ""},
		{"other target", hostMachine(), 7, "", "ABI target 7 has no nabla tender"},
		{"other machine", otherMachine(), abi.TargetHVT, "", "this host is"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := writeImage(t, elftest.Valid(tc.machine, tc.target, nil).Bytes())
			got, err := TenderFor(p)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("TenderFor = %q, %v; want an error with %q", got, err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("TenderFor = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
	if _, err := TenderFor(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Errorf("a missing kernel was accepted")
	}
	if _, err := TenderFor(writeImage(t, []byte("not an ELF"))); err == nil {
		t.Errorf("a non-ELF kernel was accepted")
	}
}

// TestTenderForGuestImages checks the selection on the test unikernels built in this tree.
func TestTenderForGuestImages(t *testing.T) {
	arch := "x86_64"
	if runtime.GOARCH == "arm64" {
		arch = "aarch64"
	}
	for _, target := range []string{"spt", "hvt"} {
		p := filepath.Join("..", "..", "guest", "build", arch, "test_hello."+target)
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("guest image missing (run make first): %v", err)
		}
		if got, err := TenderFor(p); err != nil || got != "nabla-"+target {
			t.Errorf("%s: TenderFor = %q, %v; want nabla-%s", p, got, err, target)
		}
		if !isSolo5(p) {
			t.Errorf("%s: not recognised as a Solo5 image", p)
		}
	}
}

func TestRunArgv(t *testing.T) {
	dir := fakeTenders(t)
	hvt := writeImage(t, elftest.Valid(hostMachine(), abi.TargetHVT, nil).Bytes())
	spt := writeImage(t, elftest.Valid(hostMachine(), abi.TargetSPT, nil).Bytes())
	for _, tc := range []struct {
		args, want []string
	}{
		{[]string{hvt}, []string{dir + "/nabla-hvt", hvt}},
		{[]string{"--mem=8", "--block:disk=/x", spt, "a", "--b"}, []string{dir + "/nabla-spt", "--mem=8", "--block:disk=/x", spt, "a", "--b"}},
		{[]string{"--mem=8", "--", hvt, "-x"}, []string{dir + "/nabla-hvt", "--mem=8", hvt, "-x"}},
	} {
		got, err := RunArgv(tc.args, dir)
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("RunArgv(%q) = %q, %v; want %q", tc.args, got, err, tc.want)
		}
	}
	// Not next to nabla: PATH.
	t.Setenv("PATH", dir)
	if got, err := RunArgv([]string{spt}, t.TempDir()); err != nil || got[0] != dir+"/nabla-spt" {
		t.Errorf("PATH lookup: %q, %v", got, err)
	}
	t.Setenv("PATH", t.TempDir())
	if _, err := RunArgv([]string{spt}, t.TempDir()); err == nil || !strings.Contains(err.Error(), "nabla-spt not found") {
		t.Errorf("missing tender: %v", err)
	}
	for _, bad := range [][]string{{}, {"--mem=2"}, {"--mem=2", "--"}, {"-m", spt}, {"--", "--"}} {
		if got, err := RunArgv(bad, dir); err == nil {
			t.Errorf("RunArgv(%q) = %q, want an error", bad, got)
		}
	}
}

// TestRunCommand runs `nabla run` in-process with the exec recorded instead of done.
func TestRunCommand(t *testing.T) {
	dir := fakeTenders(t)
	t.Setenv("PATH", dir) // the test binary's own directory has no tenders
	var got []string
	saved := execTender
	execTender = func(path string, argv, env []string) error { got = argv; return os.ErrPermission }
	defer func() { execTender = saved }()
	hvt := writeImage(t, elftest.Valid(hostMachine(), abi.TargetHVT, nil).Bytes())
	_, _, err := run(t, "", "run", "--mem=4", hvt, "arg")
	want := []string{dir + "/nabla-hvt", "--mem=4", hvt, "arg"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("exec argv %q, want %q", got, want)
	}
	if err == nil || !strings.Contains(err.Error(), "exec") {
		t.Errorf("a failed exec gave %v, want an error naming it", err)
	}
	got = nil
	other := writeImage(t, elftest.Valid(hostMachine(), 7, nil).Bytes())
	if _, _, err := run(t, "", "run", other); err == nil || got != nil {
		t.Errorf("other target: err %v, exec %q; want an error and no exec", err, got)
	}
}
