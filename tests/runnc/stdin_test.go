// The container's stdin reaches the program: a pipe (docker run -i), typed on its terminal
// (-it), /dev/null (end of file at once); compared with the program run natively.
package runnc

import (
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// stdinChunks is what the tests feed: two writes apart in time, so the second arrives
// while the program waits in read(0) (the guest blocks and is woken), then end of file.
var stdinChunks = []string{"one\n", "two words\nthree"}

const stdinWant = "ready\ngot: \"one\\n\"\ngot: \"two words\\n\"\ngot: \"three\"\nend after 19 bytes: EOF\n"

// feed writes the chunks to w with a pause between them, then closes it.
func feed(w io.WriteCloser) {
	for i, c := range stdinChunks {
		if i > 0 {
			time.Sleep(300 * time.Millisecond)
		}
		w.Write([]byte(c))
	}
	w.Close()
}

func TestStdinPipe(t *testing.T) {
	e := newEnv(t)
	b := e.progBundle(ociSpec("stdin"), "go-stdin", "stdin")

	// Natively first: the premise.
	native := exec.Command(goProgram(t, "go-stdin"))
	in, err := native.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	go feed(in)
	if out, err := native.Output(); err != nil || string(out) != stdinWant {
		t.Fatalf("native run (test premise): %v %q", err, out)
	}

	out, _ := os.CreateTemp(e.tmp, "out-")
	defer os.Remove(out.Name())
	cmd := exec.Command(runncB, "--root", e.root, "run", "-b", b, "stdin1")
	cmd.Stdout, cmd.Stderr = out, out
	in, err = cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go feed(in)
	err = cmd.Wait()
	got, _ := os.ReadFile(out.Name())
	if err != nil || string(got) != stdinWant {
		t.Errorf("runnc run with a pipe as stdin: %v\n%q\nwant %q", err, got, stdinWant)
	}

	// stdin /dev/null (docker run without -i): end of file at once, as natively.
	r := e.run("run", "-b", b, "stdin2")
	if want := "ready\nend after 0 bytes: EOF\n"; r.code != 0 || r.stdout != want {
		t.Errorf("runnc run with /dev/null as stdin: exit %d %q (stderr %q), want %q", r.code, r.stdout, r.stderr, want)
	}
	e.checkClean()
}

// typeOnPty reads m until the program says ready, types input, and returns all output
// until the terminal closes.
func typeOnPty(m *os.File, input string) string {
	var all []byte
	buf := make([]byte, 4096)
	typed := false
	for deadline := time.Now().Add(40 * time.Second); time.Now().Before(deadline); {
		m.SetReadDeadline(time.Now().Add(time.Second))
		n, err := m.Read(buf)
		all = append(all, buf[:n]...)
		if !typed && strings.Contains(string(all), "ready\r\n") {
			// A line, then ^D on an empty line: end of file in canonical mode.
			m.Write([]byte(input))
			typed = true
		}
		if err != nil && !os.IsTimeout(err) {
			break
		}
	}
	return string(all)
}

// ptyTyped is the line typed on the terminal and the end of file after it.
const ptyTyped = "hello world\r\x04"

func TestStdinTerminal(t *testing.T) {
	e := newEnv(t)
	s := ociSpec("stdin")
	s.Process.Terminal = true
	s.Process.ConsoleSize = &specs.Box{Height: 30, Width: 100}
	b := e.progBundle(s, "go-stdin", "stdin")

	native, _ := onPty(t, exec.Command(goProgram(t, "go-stdin")), 0, 0, func(m *os.File) string { return typeOnPty(m, ptyTyped) })
	// The terminal echoes the line; ICRNL makes the return a newline.
	if want := "ready\r\nhello world\r\ngot: \"hello world\\n\"\r\nend after 12 bytes: EOF\r\n"; native != want {
		t.Fatalf("native run on a pty (test premise): %q, want %q", native, want)
	}

	sock, gotPty := recvConsole(t, e.tmp)
	if out, err := exec.Command(runncB, "--root", e.root, "create", "--bundle", b, "--console-socket", sock, "tty-stdin").CombinedOutput(); err != nil {
		t.Fatalf("create: %v\n%s", err, out)
	}
	var m *os.File
	select {
	case m = <-gotPty:
	case <-time.After(60 * time.Second):
		t.Fatal("no pty on the console socket")
	}
	defer m.Close()
	if out, err := exec.Command(runncB, "--root", e.root, "start", "tty-stdin").CombinedOutput(); err != nil {
		t.Fatalf("start: %v\n%s", err, out)
	}
	got := typeOnPty(m, ptyTyped)
	e.waitStatus("tty-stdin", "stopped")
	e.ok("delete", "tty-stdin")
	if got != native {
		t.Errorf("typed on the terminal:\nrunnc:  %q\nnative: %q", got, native)
	}
	e.checkClean()
}
