// go-args: prints os.Args (after argv[0]) and one environment variable.
package main

import (
	"fmt"
	"os"
	"strings"
)

func main() {
	fmt.Println("args:", strings.Join(os.Args[1:], ","))
	fmt.Println("NABLA_TEST:", os.Getenv("NABLA_TEST"))
}
