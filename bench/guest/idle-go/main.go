// idle-go: a static Go program that says it is up and then blocks forever, the idle baked Go service of the density bench.
package main

import (
	"fmt"
	"time"
)

func main() {
	fmt.Println("IDLE")
	for {
		time.Sleep(time.Hour) // select{} alone would be Go's deadlock error
	}
}
