// Child processes beside the first program in the one address space: posix_spawn and vfork
// of glibc and musl (dyn/spawn.c), Python's subprocess, dash's simple commands, each run
// natively in a chroot of the Debian tree and as a unikernel, outputs compared; and fork,
// which stays ENOSYS with a line under --libos:debug.
package libos

import (
	"os/exec"
	"runtime"
	"strings"
	"testing"
)

// dyn/spawn.c: posix_spawn of /usr/bin/true, /usr/bin/false, of itself printing argv/env
// and exiting 7 (stdout to a pipe by dup2/close file actions, a cloexec fd closed, a
// handler reset, getppid), a sleeper killed by kill(2), one killed by its own signal, a
// missing program, vfork+_exit and vfork+execve; statuses by waitpid, waitid and wait4;
// SIGCHLD counted, and awaited with sigsuspend.
func TestSpawnC(t *testing.T) {
	tree := dynTree(t)
	for _, libc := range []string{"glibc", "musl"} {
		t.Run(libc, func(t *testing.T) {
			vfork := []string{"vfork _exit: exited 3\n", "vfork execve: exited 1\n", "SIGCHLD seen 9 times\n"}
			if libc == "musl" && runtime.GOARCH == "arm64" { // musl's vfork is fork there
				vfork = []string{"vfork: musl's is fork on aarch64, not run\n", "SIGCHLD seen 7 times\n"}
			}
			sameFSCheck(t, fsCase{tree: tree, inPlace: true, argv: []string{"/usr/bin/dyn-spawn-" + libc}}, nil,
				func(r fsResult) {
					for _, want := range append(vfork, "true: exited 0\n", "false: exited 1\n", "SIGCHLD siginfo: CLD_EXITED status 1 pid matches yes\n",
						"child argc 8: [a b] [] [z]\n", "child env SPAWN_X=forty two HOME=/spawned\n",
						"child ppid is the parent: yes, pid differs: yes\n",
						"fd 4 (cloexec) closed: yes", "waitid: signo 17 code CLD_EXITED status 7 pid matches yes\n",
						"sleeper: killed by signal 15\n", "suicide: killed by signal 11\n",
						"sigsuspend woken by SIGCHLD, SIGCHLD blocked again: yes\n") {
						if !strings.Contains(r.stdout, want) || r.status != 0 {
							t.Fatalf("native run lacks %q: %+v", want, r)
						}
					}
				})
		})
	}
}

// execve from a program with three threads, from the main thread and from another: the
// other threads end and the new program runs (as on Linux).
func TestExecveThreads(t *testing.T) {
	tree := dynTree(t)
	for _, libc := range []string{"glibc", "musl"} {
		for _, args := range [][]string{{"mtexec"}, {"mtexec", "thread"}} {
			t.Run(libc+" "+strings.Join(args, " "), func(t *testing.T) {
				sameFSCheck(t, fsCase{tree: tree, inPlace: true, argv: append([]string{"/usr/bin/dyn-spawn-" + libc}, args...)}, nil,
					func(r fsResult) {
						if r.status != 0 || !strings.HasPrefix(r.stdout, "exec from") {
							t.Fatalf("native run: %+v", r)
						}
					})
			})
		}
	}
}

// Python's subprocess (_posixsubprocess: vfork, then execve in the child; a fork would
// be ENOSYS here and fail the run): run with captured output, check_output, a failing
// command's status, and a child killed by a signal.
func TestSpawnPython(t *testing.T) {
	tree := dynTree(t)
	script := `import subprocess, signal
r = subprocess.run(["/bin/echo", "hi"], capture_output=True)
print(r.returncode, r.stdout, r.stderr)
print(subprocess.check_output(["/usr/bin/ls", "/usr/lib/python3.11/json"]).decode().split())
print(subprocess.run(["/usr/bin/false"]).returncode)
p = subprocess.Popen(["/usr/bin/sleep", "60"])
p.send_signal(signal.SIGTERM)
print(p.wait())
print(subprocess.run(["/usr/bin/env"], env={"A": "b"}, capture_output=True, text=True).stdout, end="")
`
	sameFSCheck(t, fsCase{tree: tree, inPlace: true, argv: []string{"/usr/bin/python3", "-B", "-c", script}}, nil,
		func(r fsResult) {
			if r.status != 0 || !strings.Contains(r.stdout, "0 b'hi\\n' b''\n") || !strings.Contains(r.stdout, "\n-15\nA=b\n") {
				t.Fatalf("native python3: %+v", r)
			}
		})
}

// Go's os/exec (clone with CLONE_VM|CLONE_VFORK in syscall.forkExec) from a static Go
// program: captured output, statuses, a missing program, a child killed.
func TestSpawnGo(t *testing.T) {
	tree := dynTree(t)
	sameFSCheck(t, fsCase{tree: tree, inPlace: true, argv: []string{"/usr/bin/go-exec"}}, nil,
		func(r fsResult) {
			if r.status != 0 || !strings.Contains(r.stdout, "echo: \"from go\\n\" <nil>\nfalse: exit status 1 1\n") ||
				!strings.Contains(r.stdout, "killed: signal: killed") {
				t.Fatalf("native go-exec: %+v", r)
			}
		})
}

// dash runs a simple command through vfork and execve (pipelines and $(...) need fork).
func TestSpawnDash(t *testing.T) {
	tree := dynTree(t)
	sameFSCheck(t, fsCase{tree: tree, inPlace: true, argv: []string{"/usr/bin/dash", "-c",
		`true; echo $?; /usr/bin/false; echo $?; /usr/bin/echo from echo; /usr/bin/dyn-hello-musl x y >/dev/null; echo $?; /nonexistent; echo $?`}}, nil,
		func(r fsResult) {
			if !strings.HasPrefix(r.stdout, "0\n1\nfrom echo\n") {
				t.Fatalf("native dash: %+v", r)
			}
		})
}

// fork (clone without CLONE_VM) is ENOSYS, named under --libos:debug: busybox sh forks
// for an external command and reports it. A static program linked at fixed addresses
// (Debian's busybox-static, at 0x400000 on both arches) cannot be a child's program where
// the first program's image already is: execve is ENOMEM with its own debug line, and
// dash says so (natively both run).
func TestSpawnRefused(t *testing.T) {
	tree := dynTree(t)
	for _, c := range []struct {
		name  string
		argv  []string
		wants []string
	}{
		{"fork", []string{"/usr/bin/busybox", "sh", "-c", "/usr/bin/true; echo $?"},
			[]string{"libos: fork (clone flags", "ENOSYS", "can't fork"}},
		{"static child", []string{"/usr/bin/dash", "-c", "/usr/bin/busybox true; echo $?"},
			[]string{"linked at fixed addresses", "a child needs a PIE", "/usr/bin/busybox: Cannot allocate memory", "\n126\n"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			fc := fsCase{tree: tree, argv: c.argv}
			argv := fc.uniArgv(t)
			argv = append([]string{argv[0], argv[1], "--debug"}, argv[2:]...)
			cmd := exec.Command(argv[0], argv[1:]...)
			cmd.Env = []string{"NABLA_CACHE_DIR=" + nablaCacheDir(t), "HOME=" + work(t), "PATH=/usr/bin:/bin"}
			r := runCmd(t, cmd, fsTimeout())
			out := r.stdout + r.stderr
			for _, w := range c.wants {
				if !strings.Contains(out, w) {
					t.Fatalf("%s: want %q in the output (status %d):\n%s", strings.Join(c.argv, " "), w, r.status, out)
				}
			}
		})
	}
}
