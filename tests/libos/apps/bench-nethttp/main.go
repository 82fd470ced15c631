// bench-nethttp: 20,000 small keep-alive HTTP requests from 16 clients to a net/http server
// in the same process over 127.0.0.1 (the loopback path of the TCP stack).
package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
)

func main() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	go http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "hello, world\n")
	}))
	url := "http://" + ln.Addr().String() + "/"
	tr := &http.Transport{MaxIdleConnsPerHost: 16}
	var wg sync.WaitGroup
	var mu sync.Mutex
	bad := 0
	for c := 0; c < 16; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cl := &http.Client{Transport: tr}
			for i := 0; i < 20000/16; i++ {
				resp, err := cl.Get(url)
				if err == nil {
					b, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					if string(b) == "hello, world\n" {
						continue
					}
				}
				mu.Lock()
				bad++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	fmt.Println("failed requests:", bad)
}
