// Where the tender's own mappings sit, read once from /proc/self/maps, so guest memory never lands on them.
package spt

import (
	"bytes"
	"fmt"
	"os"
	"strconv"

	"golang.org/x/sys/unix"

	"github.com/nabla-containers/nabla/abi"
	"github.com/nabla-containers/nabla/internal/tender"
)

// addrSpace is what limits guest memory in this process.
type addrSpace struct {
	// lowest is the start of the lowest mapping of any kind.
	lowest uint64
	// hardMax is the start of the lowest mapping that is not anonymous (the
	// tender binary, the stack, the vdso), rounded down to a MiB. Anonymous
	// mappings below it are the Go heap, whose base Go 1.26 randomises: a
	// fresh exec puts it elsewhere.
	hardMax uint64
	// top is the end of the highest mapping (the stack or the vdso; the x86
	// [vsyscall] page is not a mapping of the process): the child unmaps
	// everything of the tender below it. Later mappings land lower.
	top uint64
	// dynamic is set when a shared object is mapped (a tender built as a dynamically
	// linked PIE, which `go test` does): its loader registered rseq for the main
	// thread in memory the child cannot unmap without the kernel faulting it, so
	// such a child keeps the tender mapped (see CONTRACTS.md).
	dynamic bool
}

// readAddrSpace parses /proc/self/maps (a few dozen lines for this process).
func readAddrSpace() (addrSpace, error) {
	var buf [16 << 10]byte
	b, err := readProcFile("/proc/self/maps", buf[:])
	if err != nil {
		return addrSpace{}, err
	}
	return parseAddrSpace(b)
}

// readProcFile reads a small /proc file into buf (truncated at len(buf)) with raw
// calls: os.ReadFile would allocate and start Go's netpoller (an epoll descriptor).
func readProcFile(path string, buf []byte) ([]byte, error) {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	defer unix.Close(fd)
	n := 0
	for n < len(buf) {
		m, err := unix.Read(fd, buf[n:])
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %v", path, err)
		}
		if m == 0 {
			break
		}
		n += m
	}
	return buf[:n], nil
}

// parseAddrSpace reads the start address and the path column of each line.
// A truncated last line is fine: only the lowest file mapping matters, and
// the tender binary comes early.
func parseAddrSpace(b []byte) (addrSpace, error) {
	as := addrSpace{lowest: ^uint64(0), hardMax: ^uint64(0)}
	for len(b) > 0 {
		line := b
		if i := indexByte(b, '\n'); i >= 0 {
			line, b = b[:i], b[i+1:]
		} else {
			b = nil
		}
		dash := indexByte(line, '-')
		if dash <= 0 {
			continue
		}
		start, err := strconv.ParseUint(string(line[:dash]), 16, 64)
		if err != nil {
			return as, fmt.Errorf("/proc/self/maps: bad line %q", line)
		}
		as.lowest = min(as.lowest, start)
		if _, end, _, ok := mapsRange(line); ok && end <= userTop && !bytes.HasSuffix(line, []byte("[vsyscall]")) {
			as.top = max(as.top, end)
		}
		if bytes.Contains(line, []byte(".so")) {
			as.dynamic = true
		}
		if fieldCount(line) >= 6 && start < as.hardMax {
			as.hardMax = start
		}
	}
	if as.lowest == ^uint64(0) {
		return as, fmt.Errorf("/proc/self/maps: no mappings found")
	}
	if as.hardMax <= 2*abi.GuestMinBase {
		return as, fmt.Errorf("the tender is mapped at %#x, where the guest must go (build it with -buildmode=pie)", as.hardMax)
	}
	as.hardMax &^= tender.MiB - 1
	return as, nil
}

func indexByte(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
	}
	return -1
}

// fieldCount counts space-separated fields; a sixth one is the mapping's path.
func fieldCount(line []byte) int {
	n, in := 0, false
	for _, c := range line {
		if c == ' ' || c == '\t' {
			in = false
		} else if !in {
			in = true
			n++
		}
	}
	return n
}

// userTop bounds user addresses on both arches (48-bit; 52-bit only on request).
const userTop = 1 << 48

// reexecEnv counts re-executions made to move the Go heap out of the way.
const reexecEnv = "NABLA_SPT_REEXEC"

// avoidHeap handles guest memory that would overlap the Go heap (below
// hardMax, so it is the randomised heap base): the tender re-executes itself,
// which draws a new heap base, a few times at most.
func avoidHeap(as addrSpace, memSize uint64, args []string) error {
	if memSize <= as.lowest {
		return nil
	}
	tries, _ := strconv.Atoi(os.Getenv(reexecEnv))
	if tries >= 3 {
		return fmt.Errorf("guest memory [%#x, %#x) overlaps the tender's heap at %#x; try a smaller --mem", abi.SPTHostMemBase, memSize, as.lowest)
	}
	env := append(os.Environ(), reexecEnv+"="+strconv.Itoa(tries+1))
	err := unix.Exec("/proc/self/exe", args, env)
	return fmt.Errorf("re-executing /proc/self/exe: %v", err)
}
