// The user guide's Docker steps (docs/kubernetes.md): its Dockerfile built with `docker
// build`, then run, curl, logs, stop and rm under runnc, each compared with runc.
package runnc

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// guideBlock is the fenced block of language lang after the marker <!-- name --> in the guide.
func guideBlock(t *testing.T, name, lang string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repo, "docs", "kubernetes.md"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)<!-- " + regexp.QuoteMeta(name) + " -->\\s*```" + regexp.QuoteMeta(lang) + "\n(.*?)```").FindSubmatch(b)
	if m == nil {
		t.Fatalf("docs/kubernetes.md: no ```%s block after <!-- %s -->", lang, name)
	}
	return string(m[1])
}

func TestGuideDocker(t *testing.T) {
	hostOnly(t, "Docker")
	requireRoot(t)
	dir, peer, d := dockerWorld(t, "runnc-guide-")

	// Steps 1 and 2: the static Go service and the guide's Dockerfile.
	ctx := filepath.Join(dir, "ctx")
	os.MkdirAll(ctx, 0o755)
	bin, err := os.ReadFile(goProgram(t, "go-pod-server"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(ctx, "server"), bin, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(ctx, "Dockerfile"), []byte(guideBlock(t, "dockerfile", "Dockerfile")), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := d.docker(t, "build", "-t", "hello-nabla", ctx); err != nil {
		t.Fatalf("docker build: %v\n%s", err, out)
	}

	// Step 4, under runc and runnc: the same answers, logs and clean stop.
	var got [2]string
	for i, rt := range []string{"runc", "runnc"} {
		if out, err := d.docker(t, "run", "-d", "--runtime="+rt, "--name", "web", "hello-nabla"); err != nil {
			t.Fatalf("%s: docker run: %v\n%s", rt, err, out)
		}
		ip, err := d.docker(t, "inspect", "-f", "{{.NetworkSettings.IPAddress}}", "web")
		ip = strings.TrimSpace(ip)
		host, _ := d.docker(t, "inspect", "-f", "{{.Config.Hostname}}", "web")
		if err != nil || ip == "" {
			t.Fatalf("%s: docker inspect: %v %q", rt, err, ip)
		}
		var body string
		deadline := time.Now().Add(30 * time.Second)
		for {
			out, err := peer.in("curl", "-sS", "--max-time", "5", "http://"+ip+":8080/")
			if err == nil {
				body = out
				break
			}
			if time.Now().After(deadline) {
				logs, _ := d.docker(t, "logs", "web")
				t.Fatalf("%s: curl http://%s:8080/: %v\n%s\nlogs:\n%s", rt, ip, err, out, logs)
			}
			time.Sleep(100 * time.Millisecond)
		}
		if want := "hello from " + strings.TrimSpace(host) + "\n"; body != want {
			t.Errorf("%s: curl: %q, want %q", rt, body, want)
		}
		var o, e string
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			if o, e, _ = d.dockerSplit(t, "logs", "web"); strings.Contains(e, "request GET /") {
				break
			}
		}
		if o != "listening on :8080\n" || e != "stderr is separate\nrequest GET /\n" {
			t.Errorf("%s: docker logs: stdout %q, stderr %q", rt, o, e)
		}
		if out, err := d.docker(t, "stop", "web"); err != nil {
			t.Errorf("%s: docker stop: %v\n%s", rt, err, out)
		}
		code, _ := d.docker(t, "inspect", "-f", "{{.State.ExitCode}}", "web")
		o, e, _ = d.dockerSplit(t, "logs", "web")
		got[i] = strings.TrimSpace(code) + "\x00" + o + "\x00" + e
		if want := "0\x00listening on :8080\ngot terminated\nbye\n\x00stderr is separate\nrequest GET /\n"; got[i] != want {
			t.Errorf("%s: after docker stop: %q, want %q", rt, got[i], want)
		}
		if out, err := d.docker(t, "rm", "web"); err != nil {
			t.Errorf("%s: docker rm: %v\n%s", rt, err, out)
		}
	}
	if out, _ := d.docker(t, "ps", "-aq"); strings.TrimSpace(out) != "" {
		t.Errorf("containers left: %q", out)
	}
}
