// go-net-unix: AF_UNIX from Go in one process: a stream echo server on a path (net.Listen
// "unix": the socket file in stat, removed on Close), 32 parallel clients and a 4 MB echo,
// EADDRINUSE and ECONNREFUSED, read deadlines, unixgram with source addresses, unixpacket
// boundaries, abstract names, syscall.Socketpair wrapped by net.FileConn, SO_PEERCRED, and a
// descriptor passed with SCM_RIGHTS. Prints only what is the same natively and in the guest.
package main

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"
)

func check(what string, err error) {
	if err != nil {
		fmt.Printf("%s: %v\n", what, err)
		os.Exit(1)
	}
}

func echoServer(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go func() {
			io.Copy(c, c)
			c.(*net.UnixConn).CloseWrite()
			c.Close()
		}()
	}
}

func stream(dir string) {
	path := filepath.Join(dir, "echo.sock")
	ln, err := net.Listen("unix", path)
	check("listen", err)
	st, err := os.Stat(path)
	check("stat", err)
	fmt.Println("socket file:", st.Mode()&os.ModeSocket != 0, st.Mode().Type() == os.ModeSocket)
	fmt.Println("listener addr is the path:", ln.Addr().String() == path, ln.Addr().Network())
	go echoServer(ln)

	c, err := net.Dial("unix", path)
	check("dial", err)
	fmt.Println("remote is the path:", c.RemoteAddr().String() == path, "local:", c.LocalAddr().String() == "")
	c.Write([]byte("hello over unix"))
	c.(*net.UnixConn).CloseWrite()
	b, err := io.ReadAll(c)
	fmt.Printf("echo: %q %v\n", b, err)
	c.Close()

	// 32 clients at once.
	var wg sync.WaitGroup
	errs := make(chan error, 32)
	for i := 0; i < 32; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			c, err := net.Dial("unix", path)
			if err != nil {
				errs <- err
				return
			}
			defer c.Close()
			msg := bytes.Repeat([]byte{byte('a' + i%26)}, 1000+i)
			c.Write(msg)
			c.(*net.UnixConn).CloseWrite()
			got, err := io.ReadAll(c)
			if err != nil || !bytes.Equal(got, msg) {
				errs <- fmt.Errorf("client %d: %d bytes, %v", i, len(got), err)
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	n := 0
	for e := range errs {
		fmt.Println(e)
		n++
	}
	fmt.Println("parallel clients failed:", n)

	// 4 MB through the echo, written and read at once.
	data := make([]byte, 4<<20)
	for i := range data {
		data[i] = byte(i*7 + i>>11)
	}
	c, err = net.Dial("unix", path)
	check("dial", err)
	go func() {
		c.Write(data)
		c.(*net.UnixConn).CloseWrite()
	}()
	h := sha256.New()
	m, err := io.Copy(h, c)
	fmt.Println("4 MB echo:", m, err, bytes.Equal(h.Sum(nil), sha(data)))
	c.Close()

	// A read deadline on an idle connection.
	c, err = net.Dial("unix", path)
	check("dial", err)
	c.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	_, err = c.Read(make([]byte, 1))
	fmt.Println("deadline:", errors.Is(err, os.ErrDeadlineExceeded))
	c.Close()

	_, err = net.Listen("unix", path)
	fmt.Println("listen again:", errors.Is(err, syscall.EADDRINUSE))
	ln.Close()
	_, err = os.Stat(path)
	fmt.Println("removed on close:", os.IsNotExist(err))
	_, err = net.Dial("unix", path)
	fmt.Println("dial removed:", errors.Is(err, syscall.ENOENT))

	// A listener whose name stays: ECONNREFUSED once it is closed.
	ul, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	check("listen", err)
	ul.SetUnlinkOnClose(false)
	ul.Close()
	_, err = net.Dial("unix", path)
	fmt.Println("dial closed:", errors.Is(err, syscall.ECONNREFUSED))
	fmt.Println("remove:", os.Remove(path))
}

func sha(b []byte) []byte {
	s := sha256.Sum256(b)
	return s[:]
}

func dgram(dir string) {
	spath, cpath := filepath.Join(dir, "dg.sock"), filepath.Join(dir, "dgc.sock")
	srv, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: spath, Net: "unixgram"})
	check("listen unixgram", err)
	cl, err := net.DialUnix("unixgram", &net.UnixAddr{Name: cpath, Net: "unixgram"}, &net.UnixAddr{Name: spath, Net: "unixgram"})
	check("dial unixgram", err)
	for _, m := range []string{"one", "three", "fifteen bytes.."} {
		cl.Write([]byte(m))
	}
	buf := make([]byte, 64)
	for i := 0; i < 3; i++ {
		n, from, err := srv.ReadFromUnix(buf)
		fmt.Printf("datagram %q from the client: %v %v\n", buf[:n], from != nil && from.Name == cpath, err)
		if i == 2 {
			srv.WriteToUnix([]byte("reply"), from)
		}
	}
	n, err := cl.Read(buf)
	fmt.Printf("client got %q %v\n", buf[:n], err)

	// Truncation: the rest of a datagram is dropped, MSG_TRUNC says so.
	cl.Write([]byte("a long datagram"))
	oob := make([]byte, 64)
	n, _, flags, _, err := srv.ReadMsgUnix(buf[:4], oob)
	fmt.Printf("truncated: %q trunc %v %v\n", buf[:n], flags&syscall.MSG_TRUNC != 0, err)

	// An unnamed sender has no address.
	anon, err := net.DialUnix("unixgram", nil, &net.UnixAddr{Name: spath, Net: "unixgram"})
	check("dial anon", err)
	anon.Write([]byte("anon"))
	n, from, err := srv.ReadFromUnix(buf)
	fmt.Printf("anonymous %q from nil: %v %v\n", buf[:n], from == nil, err)
	srv.SetReadDeadline(time.Now().Add(30 * time.Millisecond))
	_, _, err = srv.ReadFromUnix(buf)
	fmt.Println("unixgram deadline:", errors.Is(err, os.ErrDeadlineExceeded))
	anon.Close()
	cl.Close()
	srv.Close()
	os.Remove(spath)
	os.Remove(cpath)
}

func packet(dir string) {
	path := filepath.Join(dir, "pk.sock")
	ln, err := net.Listen("unixpacket", path)
	check("listen unixpacket", err)
	done := make(chan struct{})
	go func() {
		defer close(done)
		c, err := ln.Accept()
		check("accept", err)
		buf := make([]byte, 64)
		for {
			n, err := c.Read(buf)
			if err != nil {
				fmt.Println("unixpacket server:", err)
				break
			}
			fmt.Printf("unixpacket message %q\n", buf[:n])
		}
		c.Close()
	}()
	c, err := net.Dial("unixpacket", path)
	check("dial unixpacket", err)
	for _, m := range []string{"a", "bb", "ccc"} {
		c.Write([]byte(m)) // each read gets one message, however they queue up
	}
	c.Close()
	<-done
	ln.Close()
}

func abstract() {
	name := fmt.Sprintf("@go-net-unix-%d", os.Getpid())
	ln, err := net.Listen("unix", name)
	check("listen abstract", err)
	fmt.Println("abstract addr:", ln.Addr().String() == name)
	go echoServer(ln)
	c, err := net.Dial("unix", name)
	check("dial abstract", err)
	c.Write([]byte("abstract"))
	c.(*net.UnixConn).CloseWrite()
	b, _ := io.ReadAll(c)
	fmt.Printf("abstract echo %q\n", b)
	_, err = net.Listen("unix", name)
	fmt.Println("abstract listen again:", errors.Is(err, syscall.EADDRINUSE))
	c.Close()
	ln.Close()
	_, err = net.Dial("unix", name)
	fmt.Println("abstract dial closed:", errors.Is(err, syscall.ECONNREFUSED))
}

func pair() {
	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	check("socketpair", err)
	fa, fb := os.NewFile(uintptr(fds[0]), "a"), os.NewFile(uintptr(fds[1]), "b")
	ca, err := net.FileConn(fa)
	check("fileconn", err)
	cb, err := net.FileConn(fb)
	check("fileconn", err)
	fa.Close()
	fb.Close()
	fmt.Printf("socketpair conns: %T %T\n", ca, cb)
	go func() {
		ca.Write([]byte("over a socketpair"))
		ca.Close()
	}()
	b, err := io.ReadAll(cb)
	fmt.Printf("socketpair read %q %v\n", b, err)

	ua := cb.(*net.UnixConn)
	raw, _ := ua.SyscallConn()
	raw.Control(func(fd uintptr) {
		cr, err := syscall.GetsockoptUcred(int(fd), syscall.SOL_SOCKET, syscall.SO_PEERCRED)
		fmt.Println("SO_PEERCRED:", err, cr.Pid == int32(os.Getpid()), cr.Uid == uint32(os.Getuid()), cr.Gid == uint32(os.Getgid()))
		t, err := syscall.GetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_TYPE)
		fmt.Println("SO_TYPE:", t, err)
	})
	_, err = cb.Write([]byte("x"))
	fmt.Println("write to closed peer: EPIPE", errors.Is(err, syscall.EPIPE))
	cb.Close()

	// Datagram socketpair: boundaries kept.
	fds, err = syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_DGRAM, 0)
	check("socketpair dgram", err)
	syscall.Write(fds[0], []byte("first"))
	syscall.Write(fds[0], []byte("second"))
	buf := make([]byte, 64)
	n, _ := syscall.Read(fds[1], buf)
	m, _ := syscall.Read(fds[1], buf[n:])
	fmt.Printf("dgram pair: %q %q\n", buf[:n], buf[n:n+m])
	syscall.Close(fds[0])
	syscall.Close(fds[1])
}

func rights() {
	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	check("socketpair", err)
	a, _ := net.FileConn(os.NewFile(uintptr(fds[0]), "a"))
	b, _ := net.FileConn(os.NewFile(uintptr(fds[1]), "b"))
	r, w, err := os.Pipe()
	check("pipe", err)
	_, _, err = a.(*net.UnixConn).WriteMsgUnix([]byte("fd"), syscall.UnixRights(int(w.Fd())), nil)
	fmt.Println("WriteMsgUnix:", err)
	w.Close()
	buf, oob := make([]byte, 16), make([]byte, 64)
	n, oobn, _, _, err := b.(*net.UnixConn).ReadMsgUnix(buf, oob)
	fmt.Printf("ReadMsgUnix %q %v\n", buf[:n], err)
	msgs, err := syscall.ParseSocketControlMessage(oob[:oobn])
	check("parse", err)
	got, err := syscall.ParseUnixRights(&msgs[0])
	check("rights", err)
	fmt.Println("received fds:", len(got))
	pw := os.NewFile(uintptr(got[0]), "w")
	pw.Write([]byte("through the passed pipe"))
	pw.Close()
	out, _ := io.ReadAll(r)
	fmt.Printf("pipe: %q\n", out)
	a.Close()
	b.Close()
}

func main() {
	dir, err := os.MkdirTemp("", "go-net-unix")
	check("mkdtemp", err)
	defer os.RemoveAll(dir)
	stream(dir)
	dgram(dir)
	packet(dir)
	abstract()
	pair()
	rights()
	fmt.Println("done")
}
