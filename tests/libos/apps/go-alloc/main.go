// go-alloc: allocates and drops 1 GiB in total in 8 MiB pieces; the GC must reuse memory.
package main

import (
	"fmt"
	"runtime"
)

var sink []byte

func main() {
	sum := 0
	for i := 0; i < 128; i++ {
		b := make([]byte, 8<<20)
		for j := 0; j < len(b); j += 4096 {
			b[j] = byte(i)
		}
		sum += int(b[4096])
		sink = b
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Println("allocated 1 GiB, checksum", sum, "gc ran:", ms.NumGC > 0)
}
