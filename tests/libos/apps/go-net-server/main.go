// go-net-server: a net/http server on :8080 for a client outside the guest: /hello, /big
// (1 MiB of a known pattern), /echo (the request body back, streamed), /stream?n= (n bytes of
// the pattern), /sink (the body's length and SHA-256), /stats (open fds, free memory), /quit
// (answers, then exits 0); and on :8081 a service that reads to EOF, answers the byte count
// and closes (the client closes first, so its side holds TIME_WAIT).
package main

import (
	"bufio"
	"crypto/sha256"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
)

func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i/251)
	}
	return b
}

// memFree is MemFree of /proc/meminfo in kB.
func memFree() string {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return "?"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "MemFree:"); ok {
			return strings.TrimSuffix(strings.TrimSpace(v), " kB")
		}
	}
	return "?"
}

func countService(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go func() {
			n, _ := io.Copy(io.Discard, c)
			fmt.Fprintf(c, "%d\n", n)
			c.Close()
		}()
	}
}

func main() {
	big := pattern(1 << 20)
	ln, err := net.Listen("tcp", ":8080")
	if err != nil {
		fmt.Println("listen:", err)
		os.Exit(1)
	}
	ln2, err := net.Listen("tcp", ":8081")
	if err != nil {
		fmt.Println("listen:", err)
		os.Exit(1)
	}
	go countService(ln2)
	quit := make(chan struct{})
	mux := http.NewServeMux()
	mux.HandleFunc("/hello", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello from %s", r.Host)
	})
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(len(big)))
		w.Write(big)
	})
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		// Reads and writes interleave (without this, net/http discards a body under
		// 256 KiB once the response starts, for clients that only read after writing).
		http.NewResponseController(w).EnableFullDuplex()
		io.Copy(w, r.Body)
	})
	mux.HandleFunc("/stream", func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.ParseInt(r.URL.Query().Get("n"), 10, 64)
		if err != nil || n < 0 {
			http.Error(w, "bad n", 400)
			return
		}
		w.Header().Set("Content-Length", strconv.FormatInt(n, 10))
		for n > 0 {
			k := int64(len(big))
			if k > n {
				k = n
			}
			if _, err := w.Write(big[:k]); err != nil {
				return
			}
			n -= k
		}
	})
	mux.HandleFunc("/sink", func(w http.ResponseWriter, r *http.Request) {
		h := sha256.New()
		n, err := io.Copy(h, r.Body)
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		fmt.Fprintf(w, "%d %x", n, h.Sum(nil))
	})
	mux.HandleFunc("/stats", func(w http.ResponseWriter, r *http.Request) {
		fds, _ := os.ReadDir("/proc/self/fd")
		fmt.Fprintf(w, "fds %d memfree %s", len(fds), memFree())
	})
	mux.HandleFunc("/quit", func(w http.ResponseWriter, r *http.Request) {
		// The whole answer goes out before main may exit (the guest's end then vanishes).
		w.Header().Set("Content-Length", "3")
		fmt.Fprint(w, "bye")
		w.(http.Flusher).Flush()
		close(quit)
	})
	go http.Serve(ln, mux)
	<-quit
	fmt.Println("served")
}
