// 10,000 HTTP requests at concurrency 64 (keep-alive connections) to the unikernel's Go server through the tap, with no error.
package libos

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"sync"
	"testing"
	"time"
)

func TestTapConcurrentRequests(t *testing.T) {
	requireNetAdmin(t)
	s := startTapServer(t)
	defer s.stop()
	const conns = 64
	total := 10000
	if runtime.GOARCH == "arm64" {
		total = 2000 // ARMv8.0 emulation on a shared two-core host
	}
	// Dialled from the namespace's thread; the requests then run on any thread.
	cs := make([]net.Conn, conns)
	if err := s.n.Do(func() error {
		for i := range cs {
			c, err := net.DialTimeout("tcp", s.addr, 5*time.Second)
			if err != nil {
				return fmt.Errorf("connection %d: %v", i, err)
			}
			cs[i] = c
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	want := "hello from " + s.addr
	var wg sync.WaitGroup
	errs := make(chan error, conns)
	var mu sync.Mutex
	next, done := 0, 0
	start := time.Now()
	for _, c := range cs {
		wg.Add(1)
		go func(c net.Conn) {
			defer wg.Done()
			defer c.Close()
			c.SetDeadline(time.Now().Add(10 * time.Minute))
			br := bufio.NewReader(c)
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= total {
					return
				}
				req, _ := http.NewRequest("GET", "http://"+s.addr+"/hello", nil)
				if err := req.Write(c); err != nil {
					errs <- fmt.Errorf("request %d: %v", i, err)
					return
				}
				resp, err := http.ReadResponse(br, req)
				if err != nil {
					errs <- fmt.Errorf("request %d: %v", i, err)
					return
				}
				b, err := io.ReadAll(resp.Body)
				if err != nil || resp.StatusCode != 200 || string(b) != want {
					errs <- fmt.Errorf("request %d: status %d %q, err %v", i, resp.StatusCode, b, err)
					return
				}
				mu.Lock()
				done++
				mu.Unlock()
			}
		}(c)
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		t.Fatalf("%v (%d of %d answered); output:\n%s", err, done, total, s.out.String())
	}
	if done != total {
		t.Fatalf("%d of %d requests answered", done, total)
	}
	t.Logf("%d requests on %d keep-alive connections in %v, no error", total, conns, time.Since(start).Round(time.Millisecond))
	s.quit(t)
}
