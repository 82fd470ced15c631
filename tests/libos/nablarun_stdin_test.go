// `nabla run` hands its stdin to the app: a pipe fed in two writes, and /dev/null; compared
// with the program's native run.
package libos

import (
	"bufio"
	"bytes"
	"io"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestNablaRunStdin(t *testing.T) {
	app := buildApp(t, "go-stdin")
	feed := func(w io.WriteCloser) {
		w.Write([]byte("one\n"))
		time.Sleep(300 * time.Millisecond) // the second write finds the app waiting in read(0)
		w.Write([]byte("two words\nthree"))
		w.Close()
	}
	run := func(argv []string, piped bool) (string, error) {
		c := exec.Command(argv[0], argv[1:]...)
		c.Env = []string{"NABLA_CACHE_DIR=" + filepath.Join(work(t), "cache"), "HOME=/nonexistent"}
		var out bytes.Buffer
		c.Stdout, c.Stderr = &out, &out
		if piped {
			in, err := c.StdinPipe()
			if err != nil {
				return "", err
			}
			go feed(in)
		} // else exec gives /dev/null
		done := make(chan error, 1)
		if err := c.Start(); err != nil {
			return "", err
		}
		go func() { done <- c.Wait() }()
		select {
		case err := <-done:
			return out.String(), err
		case <-time.After(2 * time.Minute):
			c.Process.Kill()
			<-done
			return out.String(), io.ErrNoProgress
		}
	}
	uk := []string{nablaBin(t), "run", "--tender=" + tender(t), "--libos=" + libosPath(t), app}
	for _, piped := range []bool{true, false} {
		want, err := run([]string{app}, piped)
		if err != nil {
			t.Fatalf("native run (piped %v): %v\n%s", piped, err, want)
		}
		got, err := run(uk, piped)
		if err != nil || got != want {
			t.Errorf("nabla run (stdin piped %v): %v\n%q\nnative:\n%q", piped, err, got, want)
		}
	}
}

// TestStdinReadiness: poll, epoll and select on stdin see no data before the feeder writes,
// data after it, and the end of file, natively and under `nabla run` alike (the feeder
// writes only when the program asks, so no timing decides the output).
func TestStdinReadiness(t *testing.T) {
	app := buildApp(t, "musl-stdinpoll")
	run := func(argv []string) (string, error) {
		c := exec.Command(argv[0], argv[1:]...)
		c.Env = []string{"NABLA_CACHE_DIR=" + filepath.Join(work(t), "cache"), "HOME=/nonexistent"}
		in, err := c.StdinPipe()
		if err != nil {
			return "", err
		}
		stdout, err := c.StdoutPipe()
		if err != nil {
			return "", err
		}
		var errb bytes.Buffer
		c.Stderr = &errb
		if err := c.Start(); err != nil {
			return "", err
		}
		timer := time.AfterFunc(2*time.Minute, func() { c.Process.Kill() })
		defer timer.Stop()
		var out strings.Builder
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line := sc.Text()
			out.WriteString(line + "\n")
			switch line {
			case "wait1":
				in.Write([]byte("one\n"))
			case "wait2":
				in.Write([]byte("two\n"))
			case "wait3":
				in.Close()
			}
		}
		in.Close()
		err = c.Wait()
		return out.String() + errb.String(), err
	}
	want, err := run([]string{app})
	if err != nil || !strings.Contains(want, "poll before data: 0") || !strings.Contains(want, "select read 0") {
		t.Fatalf("native run (premise): %v\n%s", err, want)
	}
	got, err := run([]string{nablaBin(t), "run", "--tender=" + tender(t), "--libos=" + libosPath(t), app})
	if err != nil || got != want {
		t.Errorf("nabla run: %v\n%s\nnative:\n%s", err, got, want)
	}
}
