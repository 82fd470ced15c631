// A docker-archive (what `docker save` writes) for `docker load`: Docker 20.10 cannot
// load OCI layouts.
package runnc

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"runtime"
	"testing"
)

func writeDockerArchive(t *testing.T, path, tag string, files map[string][]byte, entry, env []string) {
	layer := tarOf(t, files)
	sum := sha256.Sum256(layer)
	layerID := hex.EncodeToString(sum[:])
	cfg, _ := json.Marshal(map[string]any{
		"architecture": runtime.GOARCH, "os": "linux",
		"config": map[string]any{"Entrypoint": entry, "Env": env, "WorkingDir": "/"},
		"rootfs": map[string]any{"type": "layers", "diff_ids": []string{"sha256:" + layerID}},
	})
	cs := sha256.Sum256(cfg)
	cfgName := hex.EncodeToString(cs[:]) + ".json"
	man, _ := json.Marshal([]map[string]any{{"Config": cfgName, "RepoTags": []string{tag}, "Layers": []string{layerID + "/layer.tar"}}})
	out := tarOf(t, map[string][]byte{"manifest.json": man, cfgName: cfg, layerID + "/layer.tar": layer})
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
}
