// go-enosys: calls a system call the libOS does not serve; it must get ENOSYS, not crash.
package main

import (
	"fmt"
	"syscall"
)

func main() {
	// SYS_ACCT exists on both arches and is never served by the libOS.
	_, _, errno := syscall.Syscall(syscall.SYS_ACCT, 0, 0, 0)
	fmt.Println("acct:", errno == syscall.ENOSYS)
	fmt.Println("still running")
}
