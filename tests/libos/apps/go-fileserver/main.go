// go-fileserver: net/http's FileServer of DIR on ADDR (args: ADDR DIR), plus /quit (answers,
// then exits 0) and /crash (answers, then panics: exit status 2). For `nabla run --publish`.
package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: go-fileserver ADDR DIR")
		os.Exit(2)
	}
	ln, err := net.Listen("tcp", os.Args[1])
	if err != nil {
		fmt.Println("listen:", err)
		os.Exit(1)
	}
	end := make(chan string)
	mux := http.NewServeMux()
	mux.Handle("/", http.FileServer(http.Dir(os.Args[2])))
	for _, p := range []string{"quit", "crash"} {
		mux.HandleFunc("/"+p, func(w http.ResponseWriter, r *http.Request) {
			// A length, so the flush sends the whole answer (chunked, the last chunk
			// would wait for the handler's end, which the exit may not let come).
			w.Header().Set("Content-Length", "3")
			fmt.Fprint(w, "bye")
			w.(http.Flusher).Flush()
			end <- p
		})
	}
	fmt.Println("listening")
	go http.Serve(ln, mux)
	if <-end == "crash" {
		var m map[string]int
		m["crash"] = 1 // nil map write: a runtime panic, exit status 2
	}
	fmt.Println("served")
}
