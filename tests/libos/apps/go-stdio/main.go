// go-stdio: writes lines to stdout and stderr alternately (a runtime must keep them apart).
package main

import (
	"fmt"
	"os"
)

func main() {
	for i := 0; i < 5; i++ {
		fmt.Fprintf(os.Stdout, "out %d\n", i)
		fmt.Fprintf(os.Stderr, "err %d\n", i)
	}
	os.Stderr.Write([]byte("no newline at the end"))
}
