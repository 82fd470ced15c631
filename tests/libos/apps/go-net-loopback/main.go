// go-net-loopback: TCP inside one process over 127.0.0.1 (net/http, raw streams, half-close,
// refused connects, many connections); prints only what is the same natively and in the guest.
package main

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
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

func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i/251)
	}
	return b
}

func main() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	check("listen", err)
	addr := ln.Addr().(*net.TCPAddr)
	fmt.Println("listening on", addr.IP, addr.Port != 0)

	big := pattern(1 << 20)
	mux := http.NewServeMux()
	mux.HandleFunc("/hello", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello %s", r.URL.Query().Get("n"))
	})
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(len(big)))
		w.Write(big)
	})
	mux.HandleFunc("/sum", func(w http.ResponseWriter, r *http.Request) {
		h := sha256.New()
		n, _ := io.Copy(h, r.Body)
		fmt.Fprintf(w, "%d %x", n, h.Sum(nil))
	})
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)

	base := "http://" + addr.String()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 8}}
	for i := 0; i < 20; i++ {
		resp, err := client.Get(base + "/hello?n=" + strconv.Itoa(i))
		check("get", err)
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if i%5 == 0 {
			fmt.Println(resp.StatusCode, string(b))
		}
	}
	resp, err := client.Get(base + "/big")
	check("get big", err)
	b, err := io.ReadAll(resp.Body)
	check("read big", err)
	resp.Body.Close()
	fmt.Printf("big: %d bytes, same %v\n", len(b), bytes.Equal(b, big))

	resp, err = client.Post(base+"/sum", "application/octet-stream", bytes.NewReader(pattern(3<<20)))
	check("post", err)
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	want := sha256.Sum256(pattern(3 << 20))
	fmt.Printf("post: %s (want %d %x)\n", b, 3<<20, want)

	// 64 clients at once over fresh connections.
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok := 0
	for i := 0; i < 64; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
			resp, err := c.Get(base + "/hello?n=" + strconv.Itoa(i))
			if err != nil {
				fmt.Println("parallel get:", err)
				return
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if string(b) == "hello "+strconv.Itoa(i) {
				mu.Lock()
				ok++
				mu.Unlock()
			}
		}(i)
	}
	wg.Wait()
	fmt.Println("parallel:", ok, "of 64")

	// A raw stream with half-close: the server sums until EOF, then answers.
	rl, err := net.Listen("tcp", "127.0.0.1:0")
	check("listen raw", err)
	go func() {
		c, err := rl.Accept()
		check("accept", err)
		h := sha256.New()
		n, err := io.Copy(h, c)
		check("server read", err)
		fmt.Fprintf(c, "%d %x", n, h.Sum(nil))
		c.Close()
	}()
	c, err := net.Dial("tcp", rl.Addr().String())
	check("dial", err)
	la, ra := c.LocalAddr().(*net.TCPAddr), c.RemoteAddr().(*net.TCPAddr)
	fmt.Println("local", la.IP, "remote", ra.IP, ra.Port == rl.Addr().(*net.TCPAddr).Port)
	data := pattern(8 << 20)
	_, err = c.Write(data)
	check("write", err)
	check("close write", c.(*net.TCPConn).CloseWrite())
	b, err = io.ReadAll(c)
	check("read answer", err)
	c.Close()
	want = sha256.Sum256(data)
	fmt.Printf("stream: %s (want %d %x)\n", b, len(data), want)

	// A port nobody listens on: refused.
	port := rl.Addr().(*net.TCPAddr).Port
	rl.Close()
	_, err = net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(port))
	fmt.Println("closed port refused:", errors.Is(err, syscall.ECONNREFUSED))

	// Connections opened and closed one after another leave no descriptor behind.
	fds := func() int {
		d, _ := os.ReadDir("/proc/self/fd")
		return len(d)
	}
	before := fds()
	cl := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	failed := 0
	for i := 0; i < 300; i++ {
		resp, err := cl.Get(base + "/hello?n=x")
		if err != nil {
			failed++
			continue
		}
		io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	// The server closes its ends after answering: give it a moment.
	back := false
	for i := 0; i < 500 && !back; i++ {
		back = fds() == before
		time.Sleep(10 * time.Millisecond)
	}
	fmt.Println("300 connections, failed:", failed, "fds back:", back)

	// Binding the busy address again fails.
	_, err = net.Listen("tcp", addr.String())
	fmt.Println("busy address in use:", errors.Is(err, syscall.EADDRINUSE))
	srv.Close()
	fmt.Println("done")
}
