// fs-bigread: reads FILE end to end in 1 MiB reads and prints its size and SHA-256.
package main

import (
	"crypto/sha256"
	"fmt"
	"io"
	"os"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: fs-bigread FILE")
		os.Exit(2)
	}
	f, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	h := sha256.New()
	n, err := io.CopyBuffer(h, struct{ io.Reader }{f}, make([]byte, 1<<20))
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	fmt.Printf("%x  %d bytes\n", h.Sum(nil), n)
}
