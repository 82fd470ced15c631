// go-time: the clocks seen through the vDSO: monotonic, in step with sleeps and the wall clock.
package main

import (
	"fmt"
	"syscall"
	"time"
)

func main() {
	// Monotonic: never goes back over many reads (across calibration updates).
	prev := time.Now()
	back := 0
	for i := 0; i < 200000; i++ {
		now := time.Now()
		if now.Before(prev) {
			back++
		}
		prev = now
	}
	fmt.Println("went back:", back)

	// A sleep measured by the monotonic clock is about as long as asked.
	start := time.Now()
	time.Sleep(50 * time.Millisecond)
	el := time.Since(start)
	fmt.Println("sleep 50ms measured in [50ms, 2s):", el >= 50*time.Millisecond && el < 2*time.Second)

	// The wall clock agrees with the host's (gettimeofday through the syscall path too).
	var tv syscall.Timeval
	syscall.Gettimeofday(&tv)
	d := time.Since(time.Unix(tv.Sec, tv.Usec*1000))
	fmt.Println("wall clocks agree within 1s:", d > -time.Second && d < time.Second)
	fmt.Println("year is plausible:", time.Now().Year() >= 2024)
}
