// go-args: prints os.Args (after argv[0]) and one environment variable; with
// NABLA_ARGS_HEX=1, every argv and environ entry, the cwd and the ids in hex, exactly.
package main

import (
	"fmt"
	"os"
	"strings"
	"syscall"
)

func main() {
	if os.Getenv("NABLA_ARGS_HEX") != "1" {
		fmt.Println("args:", strings.Join(os.Args[1:], ","))
		fmt.Println("NABLA_TEST:", os.Getenv("NABLA_TEST"))
		return
	}
	for i, a := range os.Args {
		fmt.Printf("argv[%d] %x\n", i, a)
	}
	for _, e := range os.Environ() {
		fmt.Printf("env %x\n", e)
	}
	// syscall.Getwd, not os.Getwd: that one trusts $PWD.
	wd, err := syscall.Getwd()
	fmt.Printf("cwd %x %v\n", wd, err)
	groups, err := syscall.Getgroups()
	fmt.Printf("ids %d %d %d %d %v %v\n", syscall.Getuid(), syscall.Geteuid(), syscall.Getgid(), syscall.Getegid(), groups, err)
}
