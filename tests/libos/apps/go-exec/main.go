// go-exec: os/exec (Go's forkExec: clone with CLONE_VM|CLONE_VFORK, then execve) of
// programs from the rootfs: output captured through a pipe, exit statuses, a missing program.
package main

import (
	"fmt"
	"os"
	"os/exec"
)

func main() {
	cmd := exec.Command("/usr/bin/echo", "from", "go")
	cmd.Stdin, cmd.Stderr = os.Stdin, os.Stderr // no /dev/null needed (the native chroot has none)
	out, err := cmd.Output()
	fmt.Printf("echo: %q %v\n", out, err)
	cmd = exec.Command("/usr/bin/false")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	fmt.Println("false:", cmd.Run(), cmd.ProcessState.ExitCode())
	cmd = exec.Command("/nonexistent")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	fmt.Println("missing:", cmd.Run())
	cmd = exec.Command("/usr/bin/sleep", "60")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		fmt.Println("start:", err)
		return
	}
	cmd.Process.Signal(os.Kill)
	fmt.Println("killed:", cmd.Wait())
}
