// fs-fill: writes 1 MiB blocks to FILE until a write fails, prints the errno and how much
// went in, then removes the file and shows the space came back. Usage: fs-fill FILE LIMIT_MIB
// (it stops at LIMIT_MIB without an error: a native run on a big disk ends there).
package main

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"syscall"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: fs-fill FILE LIMIT_MIB")
		os.Exit(2)
	}
	limit, err := strconv.Atoi(os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, "fs-fill: bad LIMIT_MIB")
		os.Exit(2)
	}
	buf := make([]byte, 1<<20)
	for i := range buf {
		buf[i] = byte(i)
	}
	mib, werr := fill(os.Args[1], buf, limit)
	fmt.Printf("first fill: %s after %d MiB\n", name(werr), mib)
	fmt.Printf("remove: %s\n", name(os.Remove(os.Args[1])))
	// The second fill stops 4 MiB short of the first: the first took every free page, and a
	// Go heap that grows by one 4 MiB arena meanwhile (GC pacing follows the host's load)
	// would die of it instead of the write getting ENOSPC.
	again, werr2 := fill(os.Args[1], buf, mib-4)
	fmt.Printf("second fill: %s after %d MiB (as much as the first: %v)\n", name(werr2), again, again >= mib-4)
	fmt.Printf("remove: %s\n", name(os.Remove(os.Args[1])))
	if werr == nil {
		os.Exit(1) // never ran out
	}
}

// fill writes until an error or limit MiB; a short write is reported as the error it is.
func fill(path string, buf []byte, limit int) (int, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	for mib := 0; mib < limit; mib++ {
		if _, err := f.Write(buf); err != nil {
			return mib, err
		}
	}
	return limit, nil
}

func name(err error) string {
	var e syscall.Errno
	switch {
	case err == nil:
		return "ok"
	case errors.As(err, &e) && e == syscall.ENOSPC:
		return "ENOSPC"
	case errors.As(err, &e) && e == syscall.ENOMEM:
		return "ENOMEM"
	case errors.As(err, &e) && e == syscall.EFBIG:
		return "EFBIG"
	}
	return err.Error()
}
