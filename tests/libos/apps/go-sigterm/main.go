// go-sigterm: says "ready", waits for SIGTERM/SIGINT/SIGHUP/SIGUSR1/SIGUSR2 through
// signal.Notify, says which one came and "bye", and exits 0 (a server's clean shutdown).
package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP, syscall.SIGUSR1, syscall.SIGUSR2)
	fmt.Println("ready")
	s := <-c
	fmt.Printf("got %v\n", s)
	fmt.Println("bye")
}
