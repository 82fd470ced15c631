// go-spin: a goroutine spins in a tight loop while main sleeps, then main exits (needs preemption).
package main

import (
	"fmt"
	"sync/atomic"
	"time"
)

var counter atomic.Uint64

func main() {
	go func() {
		for {
			counter.Add(1)
		}
	}()
	time.Sleep(100 * time.Millisecond)
	fmt.Println("main woke up; spinner ran:", counter.Load() > 0)
}
