// go-rlimit: reports RLIMIT_NOFILE, STACK and NPROC, then opens descriptors until EMFILE at a
// lowered soft limit, dup2 past it, and raising the soft and hard limits (process.rlimits).
package main

import (
	"fmt"
	"syscall"
)

func show(name string, res int) syscall.Rlimit {
	var l syscall.Rlimit
	err := syscall.Getrlimit(res, &l)
	fmt.Printf("%s %d %d %v\n", name, l.Cur, l.Max, err)
	return l
}

func main() {
	// Go raises the soft RLIMIT_NOFILE to the hard one when it starts.
	nofile := show("nofile", syscall.RLIMIT_NOFILE)
	show("stack", syscall.RLIMIT_STACK)
	show("nproc", 6) // RLIMIT_NPROC, not in package syscall on every arch
	low := syscall.Rlimit{Cur: 32, Max: nofile.Max}
	fmt.Printf("setrlimit soft 32: %v\n", syscall.Setrlimit(syscall.RLIMIT_NOFILE, &low))
	var fds []int
	var err error
	for len(fds) < 5000 {
		var fd int
		if fd, err = syscall.Open("/", syscall.O_RDONLY|syscall.O_CLOEXEC, 0); err != nil {
			break
		}
		fds = append(fds, fd)
	}
	// The count depends on what the Go runtime holds open (cgroup files under a cgroup
	// CPU limit): the last fd is the soft limit minus one wherever it runs.
	fmt.Printf("last fd %d, then: %v\n", fds[len(fds)-1], err)
	fmt.Printf("dup3 to fd 40: %v\n", syscall.Dup3(0, 40, 0))
	for _, fd := range fds {
		syscall.Close(fd)
	}
	up := syscall.Rlimit{Cur: nofile.Max, Max: nofile.Max}
	fmt.Printf("setrlimit soft to hard: %v\n", syscall.Setrlimit(syscall.RLIMIT_NOFILE, &up))
	show("nofile", syscall.RLIMIT_NOFILE)
	over := syscall.Rlimit{Cur: nofile.Max + 1, Max: nofile.Max + 1}
	fmt.Printf("setrlimit above hard: %v\n", syscall.Setrlimit(syscall.RLIMIT_NOFILE, &over))
	bad := syscall.Rlimit{Cur: 10, Max: 5}
	fmt.Printf("setrlimit soft above hard: %v\n", syscall.Setrlimit(syscall.RLIMIT_NOFILE, &bad))
}
