// go-random: crypto/rand (getrandom) gives bytes that differ per read and per run.
package main

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
)

func main() {
	a, b := make([]byte, 32), make([]byte, 32)
	if _, err := rand.Read(a); err != nil {
		fmt.Println("crypto/rand:", err)
		os.Exit(1)
	}
	rand.Read(b)
	fmt.Println("crypto/rand: two reads differ:", !bytes.Equal(a, b), "nonzero:", !bytes.Equal(a, make([]byte, 32)))
	// Differs from run to run (the test compares two runs): the seed is not a constant.
	fmt.Println("sample:", hex.EncodeToString(a))
}
