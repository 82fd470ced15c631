// Tests of `nabla run`'s image lookup: the stat stamp hits without reading, and notices a changed app.
package nablacli

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// stampedApp builds a static Go hello as the app to bake (or copies the prebuilt
// go-hello from $NABLA_LIBOS_APPS: the aarch64 VM has no Go), with the libOS image of
// the build tree (or $NABLA_LIBOS_DIR) and a fresh cache.
func stampedApp(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("NABLA_LIBOS_DIR")
	if dir == "" {
		d, err := filepath.Abs(filepath.Join("..", "..", "guest", "libos", "build"))
		if err != nil {
			t.Fatal(err)
		}
		dir = d
	}
	if _, err := os.Stat(filepath.Join(dir, hostArch(), "libos.spt")); err != nil {
		t.Fatalf("the libOS image is needed (make guest): %v", err)
	}
	t.Setenv("NABLA_LIBOS_DIR", dir)
	t.Setenv("NABLA_CACHE_DIR", t.TempDir())
	app := filepath.Join(t.TempDir(), "app")
	if apps := os.Getenv("NABLA_LIBOS_APPS"); apps != "" {
		b, err := os.ReadFile(filepath.Join(apps, "go-hello"))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(app, b, 0o755); err != nil {
			t.Fatal(err)
		}
		return app
	}
	src := t.TempDir()
	for name, text := range map[string]string{
		"go.mod":  "module hello\n\ngo 1.22\n",
		"main.go": "package main\n\nfunc main() { println(\"hello\") }\n",
	} {
		if err := os.WriteFile(filepath.Join(src, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command("go", "build", "-o", app, ".")
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOFLAGS=-buildvcs=false")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return app
}

func TestRunImageStamp(t *testing.T) {
	app := stampedApp(t)
	first, err := runImage(app, "", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(filepath.Dir(first)) == "stamp" {
		t.Fatalf("first run %s: want the content-keyed image, the stamp cannot exist yet", first)
	}
	again, err := runImage(app, "", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(filepath.Dir(again)) != "stamp" {
		t.Fatalf("second run %s: want the stamp entry", again)
	}
	if a, b := sameFile(t, first), sameFile(t, again); !os.SameFile(a, b) {
		t.Fatalf("the stamp %s does not lead to %s", again, first)
	}

	// Change one byte in place ("hello" becomes "jello"), same size, and put the
	// mtime back: the ctime still gives it away.
	st, err := os.Stat(app)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(app)
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(b, []byte("hello"))
	if i < 0 {
		t.Fatal("no \"hello\" in the app")
	}
	f, err := os.OpenFile(app, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt([]byte("j"), int64(i)); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if err := os.Chtimes(app, time.Now(), st.ModTime()); err != nil {
		t.Fatal(err)
	}
	changed, err := runImage(app, "", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(filepath.Dir(changed)) == "stamp" || changed == first {
		t.Fatalf("after a change the run used %s (first bake %s): the change went unnoticed", changed, first)
	}
}

func sameFile(t *testing.T, p string) os.FileInfo {
	t.Helper()
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return st
}
