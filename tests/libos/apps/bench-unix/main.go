// bench-unix: AF_UNIX in one process: 256 MiB through a stream socket on a path, then
// 50,000 round trips of 64 bytes over a socketpair (the time of each half on stderr).
package main

import (
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

func main() {
	dir, err := os.MkdirTemp("", "bench-unix")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	ln, err := net.Listen("unix", filepath.Join(dir, "s"))
	if err != nil {
		fmt.Println(err)
		return
	}
	got := make(chan int64)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			got <- -1
			return
		}
		n, _ := io.Copy(io.Discard, c)
		got <- n
	}()
	c, err := net.Dial("unix", ln.Addr().String())
	if err != nil {
		fmt.Println(err)
		return
	}
	t0 := time.Now()
	buf := make([]byte, 64<<10)
	for i := 0; i < 4096; i++ {
		c.Write(buf)
	}
	c.Close()
	fmt.Println("streamed", <-got)
	t1 := time.Now()

	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	a, _ := net.FileConn(os.NewFile(uintptr(fds[0]), "a"))
	b, _ := net.FileConn(os.NewFile(uintptr(fds[1]), "b"))
	go func() {
		m := make([]byte, 64)
		for {
			if _, err := io.ReadFull(b, m); err != nil {
				return
			}
			b.Write(m)
		}
	}()
	m := make([]byte, 64)
	n := 0
	for i := 0; i < 50000; i++ {
		a.Write(m)
		if _, err := io.ReadFull(a, m); err != nil {
			break
		}
		n++
	}
	fmt.Println("round trips", n)
	fmt.Fprintln(os.Stderr, "stream", t1.Sub(t0), "round trips", time.Since(t1))
}
