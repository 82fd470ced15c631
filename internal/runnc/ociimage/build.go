// Image config, OCI layout and docker-archive writers.
package ociimage

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/nabla-containers/nabla/internal/elf"
	"github.com/nabla-containers/nabla/internal/runnc/specconv"
)

// Spec says what goes into the image.
type Spec struct {
	Ref        string   // image name, e.g. docker.io/library/hello:latest
	Image      string   // the unikernel on the host (.spt, .hvt or .nabla)
	Rootfs     string   // directory to add as the rootfs ("" for none)
	Args       []string // arguments after the entrypoint (the image's CMD)
	Env        []string // KEY=VALUE
	Entrypoint string   // path of the unikernel in the image; default "/" + base name
}

// built is the image's parts, shared by both archive formats.
type built struct {
	layer, gz, config []byte
	arch              string
}

func sum(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

// build checks the unikernel (a Solo5 ELF with a known target extension) and makes
// the layer and the image configuration.
func build(s *Spec) (*built, error) {
	if s.Ref == "" {
		return nil, fmt.Errorf("image build: no image name")
	}
	if _, err := specconv.TargetOf(s.Image); err != nil {
		return nil, fmt.Errorf("image build: %v", err)
	}
	f, err := os.Open(s.Image)
	if err != nil {
		return nil, fmt.Errorf("image build: %v", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("image build: %v", err)
	}
	img, err := elf.Parse(f, st.Size())
	f.Close()
	if err != nil {
		return nil, fmt.Errorf("image build: %s: %v", s.Image, err)
	}
	arch := map[string]string{"x86_64": "amd64", "aarch64": "arm64"}[elf.MachineName(img.Machine)]
	if arch == "" {
		return nil, fmt.Errorf("image build: %s: unsupported machine %s", s.Image, elf.MachineName(img.Machine))
	}
	entry := s.Entrypoint
	if entry == "" {
		entry = "/" + filepath.Base(s.Image)
	}
	entry = path.Clean("/" + entry)
	if strings.Contains(strings.TrimPrefix(entry, "/"), "/") {
		return nil, fmt.Errorf("image build: entrypoint %s must be at the top of the rootfs", entry)
	}
	if _, err := specconv.TargetOf(entry); err != nil {
		return nil, fmt.Errorf("image build: entrypoint %v", err)
	}
	b := &built{arch: arch}
	if b.layer, err = layer(s.Rootfs, s.Image, strings.TrimPrefix(entry, "/")); err != nil {
		return nil, fmt.Errorf("image build: %v", err)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(b.layer)
	if err := zw.Close(); err != nil {
		return nil, err
	}
	b.gz = gz.Bytes()
	cfg := map[string]any{
		"architecture": arch, "os": "linux",
		"config": map[string]any{"Entrypoint": []string{entry}, "Cmd": s.Args, "Env": s.Env, "WorkingDir": "/"},
		"rootfs": map[string]any{"type": "layers", "diff_ids": []string{"sha256:" + sum(b.layer)}},
	}
	if b.config, err = json.Marshal(cfg); err != nil {
		return nil, err
	}
	return b, nil
}

type descriptor struct {
	MediaType   string            `json:"mediaType"`
	Digest      string            `json:"digest"`
	Size        int               `json:"size"`
	Annotations map[string]string `json:"annotations,omitempty"`
}

// WriteOCI writes an OCI image layout as a tar, named for containerd's import.
func WriteOCI(w io.Writer, s *Spec) error {
	b, err := build(s)
	if err != nil {
		return err
	}
	man, _ := json.Marshal(map[string]any{
		"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
		"config": descriptor{MediaType: "application/vnd.oci.image.config.v1+json", Digest: "sha256:" + sum(b.config), Size: len(b.config)},
		"layers": []descriptor{{MediaType: "application/vnd.oci.image.layer.v1.tar+gzip", Digest: "sha256:" + sum(b.gz), Size: len(b.gz)}},
	})
	tag := "latest"
	if i := strings.LastIndexByte(s.Ref, ':'); i > strings.LastIndexByte(s.Ref, '/') {
		tag = s.Ref[i+1:]
	}
	idx, _ := json.Marshal(map[string]any{
		"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
		"manifests": []descriptor{{MediaType: "application/vnd.oci.image.manifest.v1+json", Digest: "sha256:" + sum(man), Size: len(man),
			Annotations: map[string]string{"io.containerd.image.name": s.Ref, "org.opencontainers.image.ref.name": tag}}},
	})
	return writeTar(w, []entry{
		{"oci-layout", []byte(`{"imageLayoutVersion":"1.0.0"}`)},
		{"index.json", idx},
		{"blobs/sha256/" + sum(b.config), b.config},
		{"blobs/sha256/" + sum(man), man},
		{"blobs/sha256/" + sum(b.gz), b.gz},
	})
}

// WriteDocker writes a docker-archive (`docker save` format) for `docker load`.
func WriteDocker(w io.Writer, s *Spec) error {
	b, err := build(s)
	if err != nil {
		return err
	}
	lid := sum(b.layer)
	cfgName := sum(b.config) + ".json"
	ref := strings.TrimPrefix(s.Ref, "docker.io/library/")
	if !strings.Contains(ref[strings.LastIndexByte(ref, '/')+1:], ":") {
		ref += ":latest"
	}
	man, _ := json.Marshal([]map[string]any{{"Config": cfgName, "RepoTags": []string{ref}, "Layers": []string{lid + "/layer.tar"}}})
	return writeTar(w, []entry{{"manifest.json", man}, {cfgName, b.config}, {lid + "/layer.tar", b.layer}})
}

type entry struct {
	name string
	data []byte
}

func writeTar(w io.Writer, es []entry) error {
	tw := tar.NewWriter(w)
	for _, e := range es {
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: e.name, Mode: 0o644, Size: int64(len(e.data)), ModTime: epoch}); err != nil {
			return err
		}
		if _, err := tw.Write(e.data); err != nil {
			return err
		}
	}
	return tw.Close()
}
