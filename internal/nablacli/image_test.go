// Tests of `nabla image build`: both archive formats read back, names, and bad input.
package nablacli

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// helloImage is the test_hello.spt of this host's arch.
func helloImage(t *testing.T) string {
	arch := map[string]string{"amd64": "x86_64", "arm64": "aarch64"}[runtime.GOARCH]
	p := filepath.Join("..", "..", "guest", "build", arch, "test_hello.spt")
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("guest image missing (run make first): %v", err)
	}
	return p
}

// untar reads a tar (gzipped when gz) into name -> contents.
func untar(t *testing.T, b []byte, gz bool) map[string][]byte {
	t.Helper()
	var r io.Reader = bytes.NewReader(b)
	if gz {
		zr, err := gzip.NewReader(r)
		if err != nil {
			t.Fatal(err)
		}
		r = zr
	}
	files := map[string][]byte{}
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return files
		}
		if err != nil {
			t.Fatal(err)
		}
		d, _ := io.ReadAll(tr)
		files[strings.TrimPrefix(h.Name, "./")] = d
	}
}

func jsonOf(t *testing.T, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
}

type imageConfig struct {
	Architecture string
	Config       struct {
		Entrypoint, Cmd, Env []string
	}
}

func TestImageBuildOCI(t *testing.T) {
	dir := t.TempDir()
	rootfs := filepath.Join(dir, "rootfs")
	os.MkdirAll(filepath.Join(rootfs, "etc"), 0o755)
	os.WriteFile(filepath.Join(rootfs, "etc", "motd"), []byte("hi\n"), 0o644)
	out := filepath.Join(dir, "img.tar")
	if _, stderr, err := run(t, "", "image", "build", "--kernel", helloImage(t), "--rootfs", rootfs,
		"-t", "hello:1.0", "-o", out, "-e", "A=1", "--", "one", "two"); err != nil {
		t.Fatalf("image build: %v %s", err, stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	files := untar(t, b, false)
	var idx struct {
		Manifests []struct {
			Digest      string
			Annotations map[string]string
		}
	}
	jsonOf(t, files["index.json"], &idx)
	if len(idx.Manifests) != 1 || idx.Manifests[0].Annotations["io.containerd.image.name"] != "docker.io/library/hello:1.0" ||
		idx.Manifests[0].Annotations["org.opencontainers.image.ref.name"] != "1.0" {
		t.Fatalf("index.json: %s", files["index.json"])
	}
	blob := func(digest string) []byte {
		d, ok := files["blobs/sha256/"+strings.TrimPrefix(digest, "sha256:")]
		if !ok {
			t.Fatalf("blob %s missing", digest)
		}
		return d
	}
	var man struct {
		Config struct{ Digest string }
		Layers []struct{ Digest string }
	}
	jsonOf(t, blob(idx.Manifests[0].Digest), &man)
	var cfg imageConfig
	jsonOf(t, blob(man.Config.Digest), &cfg)
	if cfg.Architecture != runtime.GOARCH || strings.Join(cfg.Config.Entrypoint, " ") != "/test_hello.spt" ||
		strings.Join(cfg.Config.Cmd, " ") != "one two" || strings.Join(cfg.Config.Env, " ") != "A=1" {
		t.Errorf("config: %+v", cfg)
	}
	if len(man.Layers) != 1 {
		t.Fatalf("layers: %+v", man.Layers)
	}
	layer := untar(t, blob(man.Layers[0].Digest), true)
	kernel, _ := os.ReadFile(helloImage(t))
	if !bytes.Equal(layer["test_hello.spt"], kernel) || string(layer["etc/motd"]) != "hi\n" {
		t.Errorf("layer holds %d files; kernel %v, motd %q", len(layer), bytes.Equal(layer["test_hello.spt"], kernel), layer["etc/motd"])
	}
	if st, err := os.Stat(out); err != nil || st.Mode().Perm() != 0o644 {
		t.Errorf("archive mode: %v %v", st.Mode(), err)
	}
}

func TestImageBuildDocker(t *testing.T) {
	out := filepath.Join(t.TempDir(), "img.tar")
	if _, stderr, err := run(t, "", "image", "build", "-k", helloImage(t), "--format", "docker", "-t", "example.com:5000/team/hello", "-o", out); err != nil {
		t.Fatalf("image build: %v %s", err, stderr)
	}
	b, _ := os.ReadFile(out)
	files := untar(t, b, false)
	var man []struct {
		Config   string
		RepoTags []string
		Layers   []string
	}
	jsonOf(t, files["manifest.json"], &man)
	if len(man) != 1 || strings.Join(man[0].RepoTags, " ") != "example.com:5000/team/hello:latest" || len(man[0].Layers) != 1 {
		t.Fatalf("manifest.json: %s", files["manifest.json"])
	}
	var cfg imageConfig
	jsonOf(t, files[man[0].Config], &cfg)
	if strings.Join(cfg.Config.Entrypoint, " ") != "/test_hello.spt" || len(cfg.Config.Cmd) != 0 {
		t.Errorf("config: %+v", cfg)
	}
	if layer := untar(t, files[man[0].Layers[0]], false); len(layer["test_hello.spt"]) == 0 {
		t.Errorf("layer lacks the unikernel: %d files", len(layer))
	}
}

func TestImageBuildBadInput(t *testing.T) {
	dir := t.TempDir()
	notELF := filepath.Join(dir, "x.spt")
	os.WriteFile(notELF, []byte("not an ELF"), 0o644)
	notDir := filepath.Join(dir, "file")
	os.WriteFile(notDir, nil, 0o644)
	out := filepath.Join(dir, "out.tar")
	hello := helloImage(t)
	cases := []struct {
		args []string
		err  string
	}{
		{[]string{"-t", "a", "-o", out}, `"kernel" not set`},
		{[]string{"-k", hello, "-o", out}, `"tag" not set`},
		{[]string{"-k", hello, "-t", "a"}, `"output" not set`},
		{[]string{"-k", hello, "-t", "a", "-o", out, "--format", "zip"}, "want oci or docker"},
		{[]string{"-k", hello, "-t", "Hello", "-o", out}, "lower case"},
		{[]string{"-k", hello, "-t", "a:b/c", "-o", out}, `registry "a:b" is not valid`},
		{[]string{"-k", hello, "-t", "a:-x", "-o", out}, "tag \"-x\" is not valid"},
		{[]string{"-k", hello, "-t", "a", "-o", out, "-e", "=x"}, "want KEY=VALUE"},
		{[]string{"-k", hello, "-t", "a", "-o", out, "--rootfs", notDir}, "is not a directory"},
		{[]string{"-k", hello, "-t", "a", "-o", out, "--rootfs", filepath.Join(dir, "none")}, "no such file"},
		{[]string{"-k", notELF, "-t", "a", "-o", out}, "image build: "},
		{[]string{"-k", filepath.Join(dir, "x.elf"), "-t", "a", "-o", out}, "image build: "},
		{[]string{"-k", hello, "-t", "a", "-o", filepath.Join(dir, "nodir", "out.tar")}, "no such file"},
	}
	for _, c := range cases {
		_, _, err := run(t, "", append([]string{"image", "build"}, c.args...)...)
		if err == nil || !strings.Contains(err.Error(), c.err) || strings.Contains(err.Error(), "\n") {
			t.Errorf("image build %q: %v, want one line containing %q", c.args, err, c.err)
		}
	}
	// Nothing was written, not even a temporary.
	ents, _ := os.ReadDir(dir)
	if len(ents) != 2 {
		t.Errorf("files left: %v", ents)
	}
}

func TestNormalizeRef(t *testing.T) {
	good := map[string]string{
		"hello":                      "docker.io/library/hello:latest",
		"hello:v1.2":                 "docker.io/library/hello:v1.2",
		"me/app":                     "docker.io/me/app:latest",
		"docker.io/library/x:latest": "docker.io/library/x:latest",
		"localhost/app:1":            "localhost/app:1",
		"reg.example.com:5000/a/b":   "reg.example.com:5000/a/b:latest",
		"a_b/c-d.e__f":               "docker.io/a_b/c-d.e__f:latest",
	}
	for in, want := range good {
		if got, err := NormalizeRef(in); err != nil || got != want {
			t.Errorf("NormalizeRef(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "UP", "a//b", "a/", "/a", "a:", "a:b:c", "-a", "a b", "reg.example.com:x/a", strings.Repeat("a", 256)} {
		if got, err := NormalizeRef(in); err == nil {
			t.Errorf("NormalizeRef(%q) = %q, want an error", in, got)
		}
	}
}
