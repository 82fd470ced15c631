// go-rofs: writes a file in each directory named in argv and prints what os.WriteFile said (docker run --read-only).
package main

import (
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	for _, dir := range os.Args[1:] {
		p := filepath.Join(dir, "rofs-probe")
		err := os.WriteFile(p, []byte("x"), 0o644)
		if err == nil {
			b, rerr := os.ReadFile(p)
			fmt.Printf("%s: written, read back %q %v\n", p, b, rerr)
			continue
		}
		fmt.Printf("%s: %v\n", p, err)
	}
	fmt.Printf("mkdir: %v\n", os.Mkdir("/rofs-dir", 0o755))
}
