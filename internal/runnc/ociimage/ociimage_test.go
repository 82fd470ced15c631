// Tests: both archive formats hold a consistent image with the unikernel and rootfs.
package ociimage

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func hello(t *testing.T) string {
	p := filepath.Join("..", "..", "..", "guest", "build", "x86_64", "test_hello.spt")
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("guest image %s missing (run make guest): %v", p, err)
	}
	return p
}

func untar(t *testing.T, b []byte) map[string][]byte {
	out := map[string][]byte{}
	tr := tar.NewReader(bytes.NewReader(b))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		d, _ := io.ReadAll(tr)
		out[h.Name] = d
	}
}

func rootfs(t *testing.T) string {
	d := t.TempDir()
	os.MkdirAll(filepath.Join(d, "etc"), 0o755)
	os.WriteFile(filepath.Join(d, "etc", "app.conf"), []byte("conf"), 0o644)
	return d
}

func TestOCI(t *testing.T) {
	var buf bytes.Buffer
	s := &Spec{Ref: "docker.io/library/hello:v1", Image: hello(t), Rootfs: rootfs(t), Args: []string{"a"}, Env: []string{"K=V"}}
	if err := WriteOCI(&buf, s); err != nil {
		t.Fatal(err)
	}
	files := untar(t, buf.Bytes())
	var idx struct {
		Manifests []descriptor `json:"manifests"`
	}
	if err := json.Unmarshal(files["index.json"], &idx); err != nil || len(idx.Manifests) != 1 {
		t.Fatalf("index.json: %s %v", files["index.json"], err)
	}
	if idx.Manifests[0].Annotations["io.containerd.image.name"] != s.Ref || idx.Manifests[0].Annotations["org.opencontainers.image.ref.name"] != "v1" {
		t.Errorf("annotations %v", idx.Manifests[0].Annotations)
	}
	blob := func(d descriptor) []byte {
		b, ok := files["blobs/sha256/"+strings.TrimPrefix(d.Digest, "sha256:")]
		if !ok || len(b) != d.Size || "sha256:"+sum(b) != d.Digest {
			t.Fatalf("blob %v missing or wrong", d)
		}
		return b
	}
	var man struct {
		Config descriptor   `json:"config"`
		Layers []descriptor `json:"layers"`
	}
	json.Unmarshal(blob(idx.Manifests[0]), &man)
	var cfg struct {
		Architecture string
		Config       struct{ Entrypoint, Cmd, Env []string }
		Rootfs       struct {
			DiffIDs []string `json:"diff_ids"`
		}
	}
	json.Unmarshal(blob(man.Config), &cfg)
	if cfg.Architecture != "amd64" || strings.Join(cfg.Config.Entrypoint, " ") != "/test_hello.spt" || cfg.Config.Cmd[0] != "a" || cfg.Config.Env[0] != "K=V" {
		t.Errorf("config %+v", cfg)
	}
	zr, err := gzip.NewReader(bytes.NewReader(blob(man.Layers[0])))
	if err != nil {
		t.Fatal(err)
	}
	layer, _ := io.ReadAll(zr)
	if "sha256:"+sum(layer) != cfg.Rootfs.DiffIDs[0] {
		t.Error("diff_id does not match the layer")
	}
	lf := untar(t, layer)
	want, _ := os.ReadFile(hello(t))
	if !bytes.Equal(lf["test_hello.spt"], want) || string(lf["etc/app.conf"]) != "conf" {
		t.Errorf("layer entries %d", len(lf))
	}
	// Same inputs, same bytes.
	var again bytes.Buffer
	WriteOCI(&again, s)
	if !bytes.Equal(again.Bytes(), buf.Bytes()) {
		t.Error("build is not reproducible")
	}
}

func TestDocker(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteDocker(&buf, &Spec{Ref: "docker.io/library/hello", Image: hello(t), Entrypoint: "/app.nabla"}); err != nil {
		t.Fatal(err)
	}
	files := untar(t, buf.Bytes())
	var man []struct {
		Config   string
		RepoTags []string
		Layers   []string
	}
	if err := json.Unmarshal(files["manifest.json"], &man); err != nil || len(man) != 1 || man[0].RepoTags[0] != "hello:latest" {
		t.Fatalf("manifest.json %s: %v", files["manifest.json"], err)
	}
	if _, ok := files[man[0].Config]; !ok {
		t.Error("config missing")
	}
	if lf := untar(t, files[man[0].Layers[0]]); len(lf["app.nabla"]) == 0 {
		t.Error("unikernel missing from the layer")
	}
}

func TestBadInput(t *testing.T) {
	notImage := filepath.Join(t.TempDir(), "x.spt")
	os.WriteFile(notImage, []byte("not elf"), 0o644)
	cases := map[string]*Spec{
		"no image name":              {Image: hello(t)},
		"not a unikernel image":      {Ref: "a", Image: "/bin/sh"},
		"x.spt":                      {Ref: "a", Image: notImage},
		"must be at the top":         {Ref: "a", Image: hello(t), Entrypoint: "/bin/x.spt"},
		"no such file":               {Ref: "a", Image: "/nonexistent.spt"},
		"rootfs: lstat /nonexistent": {Ref: "a", Image: hello(t), Rootfs: "/nonexistent"},
	}
	for want, s := range cases {
		err := WriteOCI(io.Discard, s)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%+v: %v, want %q", s, err, want)
		}
	}
}
