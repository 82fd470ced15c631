// go-net-udp: UDP over 127.0.0.1 in one process: an echo server, connected and unconnected
// clients, datagram boundaries and sizes, source addresses.
package main

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"time"
)

func check(what string, err error) {
	if err != nil {
		fmt.Printf("%s: %v\n", what, err)
		os.Exit(1)
	}
}

func main() {
	srv, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	check("listen", err)
	go func() {
		buf := make([]byte, 65536)
		for {
			n, from, err := srv.ReadFromUDP(buf)
			if err != nil {
				return
			}
			srv.WriteToUDP(buf[:n], from)
		}
	}()
	sa := srv.LocalAddr().(*net.UDPAddr)
	fmt.Println("server on", sa.IP, sa.Port != 0)

	c, err := net.DialUDP("udp", nil, sa)
	check("dial", err)
	la := c.LocalAddr().(*net.UDPAddr)
	fmt.Println("client local", la.IP, la.Port != 0, "remote same:", c.RemoteAddr().String() == sa.String())
	ok := 0
	buf := make([]byte, 65536)
	sizes := []int{0, 1, 100, 1472, 1473, 4000, 9000, 30000, 65000}
	for _, n := range sizes {
		msg := bytes.Repeat([]byte{byte(n)}, n)
		_, err := c.Write(msg)
		check("write", err)
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		got, err := c.Read(buf)
		check("read", err)
		if got == n && bytes.Equal(buf[:got], msg) {
			ok++
		}
	}
	fmt.Println("echoed sizes:", ok, "of", len(sizes))

	// Boundaries: three datagrams queued, read back one each.
	u, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	check("listen 2", err)
	for _, m := range []string{"one", "two!", "three"} {
		_, err := u.WriteToUDP([]byte(m), u.LocalAddr().(*net.UDPAddr))
		check("write to self", err)
	}
	for i := 0; i < 3; i++ {
		u.SetReadDeadline(time.Now().Add(5 * time.Second))
		n, from, err := u.ReadFromUDP(buf)
		check("read self", err)
		fmt.Printf("datagram %q from self: %v\n", buf[:n], from.String() == u.LocalAddr().String())
	}
	// A short buffer truncates the datagram; the rest is gone.
	u.WriteToUDP([]byte("0123456789"), u.LocalAddr().(*net.UDPAddr))
	u.WriteToUDP([]byte("next"), u.LocalAddr().(*net.UDPAddr))
	small := make([]byte, 4)
	n, _, _, _, err := u.ReadMsgUDP(small, nil)
	fmt.Printf("truncated: %q %v\n", small[:n], err)
	n, _, err = u.ReadFromUDP(buf)
	fmt.Printf("after it: %q %v\n", buf[:n], err)
	// Nothing queued: the deadline passes.
	u.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	_, _, err = u.ReadFromUDP(buf)
	fmt.Println("timeout:", err != nil && err.(net.Error).Timeout())
	fmt.Println("done")
}
