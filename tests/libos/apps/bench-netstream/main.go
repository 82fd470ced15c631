// bench-netstream: 256 MiB through one TCP connection over 127.0.0.1 in the same process.
package main

import (
	"fmt"
	"io"
	"net"
)

func main() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
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
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		fmt.Println(err)
		return
	}
	buf := make([]byte, 64<<10)
	for i := 0; i < 256<<20/len(buf); i++ {
		if _, err := c.Write(buf); err != nil {
			fmt.Println(err)
			return
		}
	}
	c.Close()
	fmt.Println("received:", <-got)
}
