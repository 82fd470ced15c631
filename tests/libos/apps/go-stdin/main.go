// go-stdin: says ready, then echoes each line it reads on stdin ("got: ..."), and at end of
// file the number of bytes read; what `docker run -i` (a pipe) and -it (typed on the
// terminal) give a program.
package main

import (
	"bufio"
	"fmt"
	"os"
)

func main() {
	fmt.Println("ready")
	r := bufio.NewReader(os.Stdin)
	n := 0
	for {
		line, err := r.ReadString('\n')
		n += len(line)
		if line != "" {
			fmt.Printf("got: %q\n", line)
		}
		if err != nil {
			fmt.Printf("end after %d bytes: %v\n", n, err)
			return
		}
	}
}
