// Locations of the tender, guest images and expectations, and the host preconditions.
package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// guestArch maps the Go arch to the guest/build directory name.
func guestArch() string {
	if runtime.GOARCH == "arm64" {
		return "aarch64"
	}
	return "x86_64"
}

// envPath reads a path from the environment; the defaults are relative to tests/e2e (the
// test's working directory) so "go test ./tests/e2e" works in the repo and the same test
// binary works inside the VM, where run.sh sets the variables.
func envPath(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func binDir() string {
	def := filepath.Join("..", "..", "bin")
	if runtime.GOARCH == "arm64" {
		def = filepath.Join(def, "arm64")
	}
	return envPath("NABLA_BIN", def)
}

// guestDir is the directory holding <arch>/test_<name>.spt.
func guestDir() string {
	return envPath("NABLA_GUEST_DIR", filepath.Join("..", "..", "guest", "build"))
}

// testsDir is the directory holding test_<name>/expect.json.
func testsDir() string {
	return envPath("NABLA_TESTS_DIR", filepath.Join("..", "..", "guest", "tests"))
}

func tenderPath(t *testing.T, name string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join(binDir(), name))
	if err != nil {
		t.Fatalf("tender path: %v", err)
	}
	if st, err := os.Stat(p); err != nil || st.IsDir() || st.Mode()&0o111 == 0 {
		t.Fatalf("tender %s missing or not executable (build it first; set NABLA_BIN to override): %v", p, err)
	}
	return p
}

// requireHost fails (never skips) when the e2e preconditions are not met.
func requireHost(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Fatalf("e2e tests need root (taps, network namespaces, ping flood); run as root")
	}
	if _, err := os.Stat("/dev/net/tun"); err != nil {
		t.Fatalf("e2e tests need /dev/net/tun: %v", err)
	}
	if _, err := exec.LookPath("ping"); err != nil {
		t.Fatalf("e2e tests need ping in PATH: %v", err)
	}
}
