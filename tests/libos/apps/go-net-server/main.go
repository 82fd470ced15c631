// go-net-server: a net/http server on :8080 for a client outside the guest: /hello, /big
// (1 MiB of a known pattern, or ?kib=N of it), /echo (the request body back), /quit (answers, then exits 0).
package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
)

func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i/251)
	}
	return b
}

func main() {
	big := pattern(1 << 20)
	ln, err := net.Listen("tcp", ":8080")
	if err != nil {
		fmt.Println("listen:", err)
		os.Exit(1)
	}
	quit := make(chan struct{})
	mux := http.NewServeMux()
	mux.HandleFunc("/hello", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello from %s", r.Host)
	})
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		b := big
		if k, err := strconv.Atoi(r.URL.Query().Get("kib")); err == nil && k >= 0 && k<<10 <= len(big) {
			b = big[:k<<10] // ?kib=N: the first N KiB
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(b)))
		w.Write(b)
	})
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		io.Copy(w, r.Body)
	})
	mux.HandleFunc("/quit", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "bye")
		close(quit)
	})
	go http.Serve(ln, mux)
	<-quit
	fmt.Println("served")
}
