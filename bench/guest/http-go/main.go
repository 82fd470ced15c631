// http-go: the bench's HTTP server: /hello (a small response, for requests per second and
// latency), /stream?mib=N (N MiB of a fixed pattern, for stream throughput). It prints
// LISTENING once it accepts connections and runs until killed.
package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
)

func main() {
	ln, err := net.Listen("tcp", ":8080")
	if err != nil {
		fmt.Println("listen:", err)
		os.Exit(1)
	}
	chunk := make([]byte, 1<<20)
	for i := range chunk {
		chunk[i] = byte(i * 13)
	}
	http.HandleFunc("/hello", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("hello\n"))
	})
	http.HandleFunc("/stream", func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.Atoi(r.URL.Query().Get("mib"))
		if err != nil || n < 0 || n > 1<<14 {
			http.Error(w, "mib: 0..16384", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Length", strconv.Itoa(n<<20))
		for i := 0; i < n; i++ {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	fmt.Println("LISTENING")
	http.Serve(ln, nil)
}
