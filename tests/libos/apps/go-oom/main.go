// go-oom: keeps every allocation until memory runs out; must end non-zero with Go's message.
package main

import "fmt"

var keep [][]byte

func main() {
	for i := 0; ; i++ {
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
