// go-pod-server: a Kubernetes-style HTTP service on :8080 (GET / answers with the pod's
// hostname); it logs to stdout and stderr separately and shuts down cleanly on SIGTERM.
package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	ln, err := net.Listen("tcp", ":8080")
	if err != nil {
		fmt.Fprintln(os.Stderr, "listen:", err)
		os.Exit(1)
	}
	host, _ := os.Hostname()
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(os.Stderr, "request %s %s\n", r.Method, r.URL.Path)
		fmt.Fprintf(w, "hello from %s\n", host)
	})
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	fmt.Println("listening on :8080")
	fmt.Fprintln(os.Stderr, "stderr is separate")
	s := <-stop
	fmt.Printf("got %v\n", s)
	srv.Shutdown(context.Background())
	fmt.Println("bye")
}
