// `docker run -p HOST:GUEST` of a Go file server image under runc and runnc: curl on the
// dockerd host (the peer namespace) fetches 1 MiB from the image's rootfs, sha256 checked.
package runnc

import (
	"archive/tar"
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fileServerTar is a FROM-scratch rootfs: /bin/go-fileserver and /srv/big.bin (1 MiB of
// random bytes, whose sha256 is returned).
func fileServerTar(t *testing.T) ([]byte, string) {
	big := make([]byte, 1<<20)
	rand.Read(big)
	sum := sha256.Sum256(big)
	app, err := os.ReadFile(goProgram(t, "go-fileserver"))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, f := range []struct {
		name string
		b    []byte
	}{{"bin/go-fileserver", app}, {"srv/big.bin", big}} {
		if err := tw.WriteHeader(&tar.Header{Name: f.name, Mode: 0o755, Size: int64(len(f.b)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		tw.Write(f.b)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), hex.EncodeToString(sum[:])
}

func TestDockerPublish(t *testing.T) {
	hostOnly(t, "Docker")
	requireRoot(t)
	if _, err := exec.LookPath("curl"); err != nil {
		t.Fatal("curl not found (apt-get install curl)")
	}
	dir, peer, d := dockerWorld(t, "runnc-dockerpub-")
	if out, err := peer.in("ip", "link", "set", "lo", "up"); err != nil {
		t.Fatalf("lo up in the dockerd namespace: %v\n%s", err, out)
	}

	tb, sum := fileServerTar(t)
	tarPath := filepath.Join(dir, "rootfs.tar")
	if err := os.WriteFile(tarPath, tb, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := d.docker(t, "import", "--change", `ENTRYPOINT ["/bin/go-fileserver", ":8080", "/srv"]`, tarPath, "fileserver:latest"); err != nil {
		t.Fatalf("docker import: %v\n%s", err, out)
	}
	for i, rt := range []string{"runc", "runnc"} {
		t.Run(rt, func(t *testing.T) {
			port := fmt.Sprint(18080 + i)
			name := "web-" + rt
			if out, err := d.docker(t, "run", "-d", "--runtime="+rt, "--name", name, "-p", port+":8080", "fileserver"); err != nil {
				t.Fatalf("docker run: %v\n%s", err, out)
			}
			defer d.docker(t, "rm", "-f", name)
			// From the dockerd host's loopback and from its address on the bridge.
			for _, host := range []string{"127.0.0.1", "10.99.0.1"} {
				url := "http://" + host + ":" + port + "/big.bin"
				var got, out string
				var err error
				for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
					out, err = peer.in("sh", "-c", "curl -sS --fail --max-time 30 "+url+" | sha256sum")
					if got = strings.Fields(out + " x")[0]; err == nil && got == sum {
						break
					}
				}
				if got != sum {
					logs, _ := d.docker(t, "logs", name)
					t.Fatalf("%s: sha256 %q, want %s: %v\n%s\nlogs:\n%s", url, got, sum, err, out, logs)
				}
			}
			if out, err := d.docker(t, "stop", "-t", "5", name); err != nil {
				t.Fatalf("docker stop: %v\n%s", err, out)
			}
		})
	}
}
