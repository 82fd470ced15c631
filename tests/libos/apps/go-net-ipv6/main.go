// go-net-ipv6: AF_INET6 inside one process: a dual-stack [::] listener reached over ::1 and
// over 127.0.0.1 (v4-mapped names), a [::1] listener, IPV6_V6ONLY, UDP over ::1 and to a
// dual-stack socket, the raw sockaddrs getsockname/getpeername give; prints only what is the
// same natively and in the guest.
package main

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"syscall"
	"time"
)

func check(what string, err error) {
	if err != nil {
		fmt.Printf("%s: %v\n", what, err)
		os.Exit(1)
	}
}

// sa prints a raw sockaddr: family and address, the port only as "port" (it varies).
func sa(s syscall.Sockaddr, port int) string {
	switch a := s.(type) {
	case *syscall.SockaddrInet4:
		return fmt.Sprintf("inet4 %v same-port=%v", netip.AddrFrom4(a.Addr), a.Port == port)
	case *syscall.SockaddrInet6:
		return fmt.Sprintf("inet6 %v scope=%d same-port=%v", netip.AddrFrom16(a.Addr), a.ZoneId, a.Port == port)
	}
	return fmt.Sprintf("%T", s)
}

// names is what the kernel says about a connection's two ends.
func names(what string, c net.Conn, lport, rport int) (out string) {
	rc, err := c.(syscall.Conn).SyscallConn()
	check("syscallconn", err)
	rc.Control(func(fd uintptr) {
		l, err1 := syscall.Getsockname(int(fd))
		r, err2 := syscall.Getpeername(int(fd))
		check("getsockname", err1)
		check("getpeername", err2)
		dom, _ := syscall.GetsockoptInt(int(fd), syscall.SOL_SOCKET, 39 /* SO_DOMAIN */)
		out = fmt.Sprintf("%s: domain %d local %s peer %s\n", what, dom, sa(l, lport), sa(r, rport))
	})
	return out
}

func errno(err error) string {
	var e syscall.Errno
	if errors.As(err, &e) {
		return fmt.Sprintf("errno %d", int(e))
	}
	if err == nil {
		return "ok"
	}
	return "other error"
}

// rawListen makes a TCP AF_INET6 socket with IPV6_V6ONLY v and binds it to addr:port.
func rawSocket(v6only int) int {
	fd, err := syscall.Socket(syscall.AF_INET6, syscall.SOCK_STREAM, 0)
	check("socket", err)
	if v6only >= 0 {
		check("v6only", syscall.SetsockoptInt(fd, syscall.IPPROTO_IPV6, syscall.IPV6_V6ONLY, v6only))
	}
	return fd
}

func port(ln net.Listener) int { return ln.Addr().(*net.TCPAddr).Port }

func main() {
	// A dual-stack listener, as net.Listen makes for ":0".
	dual, err := net.Listen("tcp", ":0")
	check("listen :0", err)
	dp := port(dual)
	fmt.Println("listen :0:", dual.Addr().(*net.TCPAddr).IP)
	lo6, err := net.Listen("tcp", "[::1]:0")
	check("listen [::1]:0", err)
	lp := port(lo6)
	fmt.Println("listen [::1]:0:", lo6.Addr().(*net.TCPAddr).IP)

	data := bytes.Repeat([]byte("ipv6 stream "), 100000)
	want := sha256.Sum256(data)
	serve := func(ln net.Listener, what string, p int) string {
		c, err := ln.Accept()
		check("accept", err)
		defer c.Close()
		out := names(what+" accepted", c, p, -1)
		h := sha256.New()
		n, err := io.Copy(h, c)
		check("read", err)
		fmt.Fprintf(c, "%d %v", n, bytes.Equal(h.Sum(nil), want[:]))
		return out
	}
	dialSend := func(network, addr, what string, ln net.Listener, p int) {
		done := make(chan string)
		go func() { done <- serve(ln, what, p) }()
		c, err := net.DialTimeout(network, addr, 5*time.Second)
		check("dial "+addr, err)
		fmt.Print(names(what+" dialled", c, -1, p))
		_, err = c.Write(data)
		check("write", err)
		c.(*net.TCPConn).CloseWrite()
		b, err := io.ReadAll(c)
		check("read reply", err)
		fmt.Printf("%s: %s\n", what, b)
		c.Close()
		fmt.Print(<-done)
	}
	dialSend("tcp", fmt.Sprintf("[::1]:%d", dp), "[::] over ::1", dual, dp)
	dialSend("tcp4", fmt.Sprintf("127.0.0.1:%d", dp), "[::] over 127.0.0.1", dual, dp)
	dialSend("tcp", fmt.Sprintf("[::ffff:127.0.0.1]:%d", dp), "[::] over ::ffff:127.0.0.1", dual, dp)
	dialSend("tcp6", fmt.Sprintf("[::1]:%d", lp), "[::1] over ::1", lo6, lp)
	_, err = net.DialTimeout("tcp4", fmt.Sprintf("127.0.0.1:%d", lp), 5*time.Second)
	fmt.Println("[::1] over 127.0.0.1:", errno(err))

	// IPV6_V6ONLY: default off; on, the [::] listener takes no IPv4; its port stays free
	// for an IPv4 listener.
	fd := rawSocket(-1)
	v, _ := syscall.GetsockoptInt(fd, syscall.IPPROTO_IPV6, syscall.IPV6_V6ONLY)
	fmt.Println("default v6only:", v)
	syscall.Close(fd)
	fd = rawSocket(1)
	check("bind v6only", syscall.Bind(fd, &syscall.SockaddrInet6{}))
	check("listen v6only", syscall.Listen(fd, 8))
	s, _ := syscall.Getsockname(fd)
	vp := s.(*syscall.SockaddrInet6).Port
	fmt.Println("v6only bound:", sa(s, vp))
	fmt.Println("v6only set after bind:", errno(syscall.SetsockoptInt(fd, syscall.IPPROTO_IPV6, syscall.IPV6_V6ONLY, 0)))
	_, err = net.DialTimeout("tcp4", fmt.Sprintf("127.0.0.1:%d", vp), 5*time.Second)
	fmt.Println("v6only over 127.0.0.1:", errno(err))
	c, err := net.DialTimeout("tcp6", fmt.Sprintf("[::1]:%d", vp), 5*time.Second)
	fmt.Println("v6only over ::1:", errno(err))
	if err == nil {
		c.Close()
	}
	ln4, err := net.Listen("tcp4", fmt.Sprintf("0.0.0.0:%d", vp))
	fmt.Println("IPv4 listener on the v6only port:", errno(err))
	if err == nil {
		ln4.Close()
	}
	syscall.Close(fd)
	_, err = net.Listen("tcp4", fmt.Sprintf("0.0.0.0:%d", dp))
	fmt.Println("IPv4 listener on the dual-stack port:", errno(err))
	fd = rawSocket(1)
	fmt.Println("v6only bind of ::ffff:127.0.0.1:", errno(syscall.Bind(fd, &syscall.SockaddrInet6{Addr: [16]byte{10: 0xff, 11: 0xff, 12: 127, 15: 1}})))
	fmt.Println("v6only connect to ::ffff:127.0.0.1:", errno(syscall.Connect(fd, &syscall.SockaddrInet6{Port: dp, Addr: [16]byte{10: 0xff, 11: 0xff, 12: 127, 15: 1}})))
	syscall.Close(fd)
	fd = rawSocket(-1)
	fmt.Println("AF_INET6 bind of a sockaddr_in:", errno(syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}})))
	syscall.Close(fd)

	// UDP: over ::1, and to a dual-stack socket from IPv4 (the source is v4-mapped).
	u6, err := net.ListenUDP("udp", &net.UDPAddr{})
	check("listen udp", err)
	up := u6.LocalAddr().(*net.UDPAddr).Port
	fmt.Println("udp listen:", u6.LocalAddr().(*net.UDPAddr).IP)
	for _, to := range []string{"::1", "127.0.0.1"} {
		cu, err := net.Dial("udp", net.JoinHostPort(to, fmt.Sprint(up)))
		check("dial udp", err)
		_, err = cu.Write([]byte("ping " + to))
		check("udp write", err)
		buf := make([]byte, 100)
		u6.SetReadDeadline(time.Now().Add(5 * time.Second))
		n, from, err := u6.ReadFromUDPAddrPort(buf)
		check("udp read", err)
		fmt.Printf("udp got %q from %v\n", buf[:n], from.Addr())
		_, err = u6.WriteToUDPAddrPort([]byte("pong"), from)
		check("udp reply", err)
		cu.SetReadDeadline(time.Now().Add(5 * time.Second))
		n, err = cu.Read(buf)
		check("udp read reply", err)
		fmt.Printf("udp reply %q, client %v\n", buf[:n], cu.LocalAddr().(*net.UDPAddr).IP)
		cu.Close()
	}
	u6.Close()
	fmt.Println("done")
}
