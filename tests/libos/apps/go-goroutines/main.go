// go-goroutines: goroutines with channels, a mutex, a WaitGroup, time.Sleep and timers.
package main

import (
	"fmt"
	"sync"
	"time"
)

func main() {
	var mu sync.Mutex
	var wg sync.WaitGroup
	total := 0
	results := make(chan int, 8)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(n int) {
			defer wg.Done()
			time.Sleep(time.Duration(n) * time.Millisecond)
			s := 0
			for k := 0; k <= n*1000; k++ {
				s += k
			}
			mu.Lock()
			total += n
			mu.Unlock()
			results <- s
		}(i)
	}
	wg.Wait()
	close(results)
	sum := 0
	for r := range results {
		sum += r
	}
	fmt.Println("total", total, "sum", sum)

	// Unbuffered ping-pong.
	ping, pong := make(chan int), make(chan int)
	go func() {
		for v := range ping {
			pong <- v + 1
		}
		close(pong)
	}()
	v := 0
	for i := 0; i < 10000; i++ {
		ping <- v
		v = <-pong
	}
	close(ping)
	fmt.Println("pingpong", v)

	// Timers.
	start := time.Now()
	t := time.NewTimer(30 * time.Millisecond)
	tick := time.NewTicker(5 * time.Millisecond)
	ticks := 0
loop:
	for {
		select {
		case <-tick.C:
			ticks++
		case <-t.C:
			if ticks == 0 { // both were ready at once: still wait for a tick
				<-tick.C
				ticks++
			}
			break loop
		}
	}
	tick.Stop()
	el := time.Since(start)
	// The tick count depends on load (a slow emulator may see few): only that it ticked.
	fmt.Println("timer fired", el >= 30*time.Millisecond, "ticked", ticks > 0)
}
