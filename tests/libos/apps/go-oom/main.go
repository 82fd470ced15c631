// go-oom: keeps every allocation until memory runs out; must end non-zero with Go's message.
// With an argument N it stops after N MiB (exit 0, "no limit hit"): a bound for runs where
// a missing limit would take the host's memory.
package main

import (
	"fmt"
	"os"
	"strconv"
)

var keep [][]byte

func main() {
	limit := -1
	if len(os.Args) > 1 {
		limit, _ = strconv.Atoi(os.Args[1])
	}
	for i := 0; ; i++ {
		if limit >= 0 && i*16 >= limit {
			fmt.Println("no limit hit at MiB:", i*16)
			return
		}
		b := make([]byte, 16<<20)
		for j := 0; j < len(b); j += 4096 {
			b[j] = 1
		}
		keep = append(keep, b)
		if i%64 == 0 {
			fmt.Println("held MiB:", (i+1)*16)
		}
	}
}
