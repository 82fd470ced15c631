// bench-sha256: SHA-256 over 200 MB (a 1 MiB buffer hashed 200 times); CPU-bound.
package main

import (
	"crypto/sha256"
	"fmt"
)

func main() {
	buf := make([]byte, 1<<20)
	for i := range buf {
		buf[i] = byte(i * 7)
	}
	h := sha256.New()
	for i := 0; i < 200; i++ {
		h.Write(buf)
	}
	fmt.Printf("%x\n", h.Sum(nil))
}
