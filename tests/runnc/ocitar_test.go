// A minimal OCI image-layout tarball (one layer with the unikernel) for ctr image import.
package runnc

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"runtime"
	"testing"
)

type blob struct {
	MediaType   string            `json:"mediaType"`
	Digest      string            `json:"digest"`
	Size        int               `json:"size"`
	Annotations map[string]string `json:"annotations,omitempty"`
}

func digest(b []byte) string { s := sha256.Sum256(b); return "sha256:" + hex.EncodeToString(s[:]) }

func tarOf(t *testing.T, files map[string][]byte) []byte {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for name, b := range files {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o755, Size: int64(len(b)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		tw.Write(b)
	}
	tw.Close()
	return buf.Bytes()
}

// writeOCIImage writes an OCI archive named ref whose rootfs holds files and whose
// entrypoint is entry.
func writeOCIImage(t *testing.T, path, ref string, files map[string][]byte, entry []string) {
	layerTar := tarOf(t, files)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(layerTar)
	zw.Close()
	cfg, _ := json.Marshal(map[string]any{
		"architecture": runtime.GOARCH, "os": "linux",
		"config": map[string]any{"Entrypoint": entry, "Env": []string{"PATH=/"}, "WorkingDir": "/"},
		"rootfs": map[string]any{"type": "layers", "diff_ids": []string{digest(layerTar)}},
	})
	man, _ := json.Marshal(map[string]any{
		"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
		"config": blob{MediaType: "application/vnd.oci.image.config.v1+json", Digest: digest(cfg), Size: len(cfg)},
		"layers": []blob{{MediaType: "application/vnd.oci.image.layer.v1.tar+gzip", Digest: digest(gz.Bytes()), Size: gz.Len()}},
	})
	idx, _ := json.Marshal(map[string]any{
		"schemaVersion": 2,
		"manifests": []blob{{MediaType: "application/vnd.oci.image.manifest.v1+json", Digest: digest(man), Size: len(man),
			Annotations: map[string]string{"io.containerd.image.name": ref, "org.opencontainers.image.ref.name": "latest"}}},
	})
	files2 := map[string][]byte{
		"oci-layout": []byte(`{"imageLayoutVersion":"1.0.0"}`),
		"index.json": idx,
	}
	for _, b := range [][]byte{cfg, man, gz.Bytes()} {
		files2["blobs/sha256/"+digest(b)[7:]] = b
	}
	if err := os.WriteFile(path, tarOf(t, files2), 0o644); err != nil {
		t.Fatal(err)
	}
}
