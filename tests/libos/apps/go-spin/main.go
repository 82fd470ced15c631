// go-spin: a goroutine spins in a tight loop while main sleeps, then main exits (needs preemption).
package main

import (
	"fmt"
	"time"
)

var counter uint64

func main() {
	go func() {
		for {
			counter++
		}
	}()
	time.Sleep(100 * time.Millisecond)
	fmt.Println("main woke up; spinner ran:", counter > 0)
}
