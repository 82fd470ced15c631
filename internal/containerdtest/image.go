// Plain image archives (`docker save` layout) of one layer, for `ctr images import`,
// `docker load` and `podman load`: an ordinary FROM-scratch image, no nabla in it.
package containerdtest

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path"
	"sort"
	"strings"
	"time"
)

// File is one regular file of the image's layer.
type File struct {
	Name string // relative, slash-separated
	Data []byte
	Mode int64
}

// PlainImage writes the archive of one layer holding files (their parent directories
// first), tagged ref, for goarch, with the entrypoint and env given.
func PlainImage(dst, ref, goarch string, files []File, entrypoint, env []string) error {
	var layer bytes.Buffer
	tw := tar.NewWriter(&layer)
	epoch := time.Unix(0, 0)
	dirs := map[string]bool{}
	for _, f := range files {
		for d := path.Dir(f.Name); d != "." && d != "/" && !dirs[d]; d = path.Dir(d) {
			dirs[d] = true
		}
	}
	var dl []string
	for d := range dirs {
		dl = append(dl, d)
	}
	sort.Slice(dl, func(i, j int) bool {
		if a, b := strings.Count(dl[i], "/"), strings.Count(dl[j], "/"); a != b {
			return a < b
		}
		return dl[i] < dl[j]
	})
	for _, d := range dl {
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: d + "/", Mode: 0o755, ModTime: epoch}); err != nil {
			return err
		}
	}
	for _, f := range files {
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: f.Name, Mode: f.Mode, Size: int64(len(f.Data)), ModTime: epoch}); err != nil {
			return err
		}
		if _, err := tw.Write(f.Data); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	sum := func(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }
	cfg, err := json.Marshal(map[string]any{
		"architecture": goarch, "os": "linux",
		"config": map[string]any{"Entrypoint": entrypoint, "Env": env, "WorkingDir": "/"},
		"rootfs": map[string]any{"type": "layers", "diff_ids": []string{"sha256:" + sum(layer.Bytes())}},
	})
	if err != nil {
		return err
	}
	lid := sum(layer.Bytes())
	man, err := json.Marshal([]map[string]any{{"Config": sum(cfg) + ".json", "RepoTags": []string{ref}, "Layers": []string{lid + "/layer.tar"}}})
	if err != nil {
		return err
	}
	var out bytes.Buffer
	ow := tar.NewWriter(&out)
	for _, e := range []struct {
		name string
		data []byte
	}{{"manifest.json", man}, {sum(cfg) + ".json", cfg}, {lid + "/layer.tar", layer.Bytes()}} {
		if err := ow.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: e.name, Mode: 0o644, Size: int64(len(e.data)), ModTime: epoch}); err != nil {
			return err
		}
		if _, err := ow.Write(e.data); err != nil {
			return err
		}
	}
	if err := ow.Close(); err != nil {
		return err
	}
	return os.WriteFile(dst, out.Bytes(), 0o644)
}
