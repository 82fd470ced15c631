// go-sleep: says "sleeping" and sleeps a minute with no signal handler of its own (a
// signal's default action ends it, as natively).
package main

import (
	"fmt"
	"time"
)

func main() {
	fmt.Println("sleeping")
	time.Sleep(time.Minute)
	fmt.Println("woke up")
}
