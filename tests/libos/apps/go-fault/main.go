// go-fault: writes through a wild pointer outside any mapping; must end non-zero, reported.
package main

import (
	"fmt"
	"unsafe"
)

func main() {
	fmt.Println("about to fault")
	p := (*int)(unsafe.Add(unsafe.Pointer(nil), 0x7ff0deadb000))
	*p = 1
	fmt.Println("not reached")
}
