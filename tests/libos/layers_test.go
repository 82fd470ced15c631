// The libOS's dependency direction: guest/libos/tools/check-layers.sh (run by the libOS
// Makefile at every link, so `make test` stops on a new upward edge) must pass the tree as
// built and fail on an object of a lower layer that calls into a higher one.
package libos

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestLayerCheck(t *testing.T) {
	script, err := filepath.Abs(filepath.Join("..", "..", "guest", "libos", "tools", "check-layers.sh"))
	if err != nil {
		t.Fatal(err)
	}
	_, serr := os.Stat(script)
	_, cerr := exec.LookPath("gcc")
	if (serr != nil || cerr != nil) && os.Getenv("NABLA_REQUIRE_TOOLS") == "0" {
		t.Skip("no libOS sources or gcc here (the aarch64 VM); this check runs on the host")
	}
	if serr != nil || cerr != nil {
		t.Fatalf("check-layers.sh or gcc missing: %v %v", serr, cerr)
	}
	// objs compiles each layer/name.c of srcs into dir/layer/name.o.
	objs := func(dir string, srcs map[string]string) []string {
		var out []string
		for rel, src := range srcs {
			c := filepath.Join(dir, rel)
			os.MkdirAll(filepath.Dir(c), 0o755)
			if err := os.WriteFile(c, []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
			o := strings.TrimSuffix(c, ".c") + ".o"
			if b, err := exec.Command("gcc", "-c", "-o", o, c).CombinedOutput(); err != nil {
				t.Fatalf("gcc %s: %v\n%s", rel, err, b)
			}
			out = append(out, o)
		}
		return out
	}
	check := func(dir string, o []string) (string, error) {
		b, err := exec.Command("bash", append([]string{script, dir}, o...)...).CombinedOutput()
		return string(b), err
	}
	down := t.TempDir()
	out, err := check(down, objs(down, map[string]string{
		"core/low.c": "int core_low(void) { return 1; }\n",
		"net/high.c": "int core_low(void);\nint net_high(void) { return core_low(); }\n",
	}))
	if err != nil || !strings.Contains(out, "every dependency points down") {
		t.Fatalf("a downward edge refused: %v\n%s", err, out)
	}
	up := t.TempDir()
	out, err = check(up, objs(up, map[string]string{
		"fd/low.c":   "int net_high(void);\nint fd_low(void) { return net_high(); }\n",
		"net/high.c": "int net_high(void) { return 2; }\n",
	}))
	if err == nil || !strings.Contains(out, "fd/low.o (fd) uses net_high from the higher layer net") {
		t.Fatalf("an upward edge passed: %v\n%s", err, out)
	}
	// The tree as the Makefile built it for this machine.
	build, _ := filepath.Abs(filepath.Join(envOr("NABLA_LIBOS_DIR", filepath.Join("..", "..", "guest", "libos", "build")), arch()))
	var built []string
	filepath.Walk(build, func(p string, info os.FileInfo, err error) error {
		if err == nil && strings.HasSuffix(p, ".o") && !strings.Contains(p, "/net/lwip/") {
			built = append(built, p)
		}
		return nil
	})
	if len(built) < 20 {
		t.Fatalf("only %d objects in %s: build the libOS first (make)", len(built), build)
	}
	if out, err := check(build, built); err != nil {
		t.Fatalf("the built libOS has an upward edge: %v\n%s", err, out)
	}
}
