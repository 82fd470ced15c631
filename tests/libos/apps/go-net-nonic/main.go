// go-net-nonic: in a guest without a network device, outside addresses are unreachable
// (ENETUNREACH for TCP and UDP, EADDRNOTAVAIL for binding them), loopback still works.
package main

import (
	"errors"
	"fmt"
	"net"
	"syscall"
)

func main() {
	_, err := net.Dial("tcp", "10.1.2.3:80")
	fmt.Println("tcp connect outside: ENETUNREACH", errors.Is(err, syscall.ENETUNREACH))
	u, err := net.Dial("udp", "10.1.2.3:53")
	if err == nil {
		_, err = u.Write([]byte("x"))
	}
	fmt.Println("udp send outside: ENETUNREACH", errors.Is(err, syscall.ENETUNREACH))
	_, err = net.Listen("tcp", "10.1.2.3:0")
	fmt.Println("bind outside: EADDRNOTAVAIL", errors.Is(err, syscall.EADDRNOTAVAIL))
	l, err := net.Listen("tcp", "127.0.0.1:0")
	fmt.Println("loopback listen:", err == nil)
	c, err := net.Dial("tcp", l.Addr().String())
	fmt.Println("loopback connect:", err == nil)
	if c != nil {
		c.Close()
	}
}
