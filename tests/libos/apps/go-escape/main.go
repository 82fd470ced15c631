// go-escape: host-facing calls an app might try; inside the unikernel none may reach the host.
package main

import (
	"fmt"
	"os"
	"syscall"
)

func main() {
	err := syscall.Exec("/bin/sh", []string{"sh", "-c", "echo ESCAPED"}, nil)
	fmt.Println("execve:", err)
	_, err = os.Open("/etc/passwd")
	fmt.Println("open /etc/passwd fails:", err != nil)
	_, _, errno := syscall.RawSyscall(syscall.SYS_GETPPID, 0, 0, 0)
	fmt.Println("getppid errno:", errno)
	// A raw packet socket (the guest's TCP/IP is its own: only host networking would serve this).
	fd, _, errno := syscall.RawSyscall(syscall.SYS_SOCKET, syscall.AF_PACKET, syscall.SOCK_RAW, 0)
	fmt.Println("socket:", int(fd) < 0 || errno != 0)
}
