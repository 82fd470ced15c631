// Guest memory from linux.resources.memory.limit.
package specconv

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// DefaultMemMB is the guest memory without a limit (the tender's default).
const DefaultMemMB = 512

// MemoryMB is the guest memory for the spec (--mem): the limit rounded down to MiB (the
// guest can never use more than the cgroup would allow), refused when below 1 MiB or
// larger than the host's memory. Whether the image boots in it is create's check (the
// libOS's least memory depends on the baked image).
func (b *Bundle) MemoryMB() (uint64, error) {
	l := b.Spec.Linux
	if l == nil || l.Resources == nil || l.Resources.Memory == nil || l.Resources.Memory.Limit == nil || *l.Resources.Memory.Limit <= 0 {
		return DefaultMemMB, nil
	}
	mb := uint64(*l.Resources.Memory.Limit) >> 20
	if mb == 0 {
		return 0, fmt.Errorf("linux.resources.memory.limit is %d bytes, less than 1 MiB", *l.Resources.Memory.Limit)
	}
	host, err := hostMemMB()
	if err != nil {
		return 0, err
	}
	if mb > host {
		return 0, fmt.Errorf("linux.resources.memory.limit is %d MiB, more than the host's %d MiB", mb, host)
	}
	return mb, nil
}

func hostMemMB() (uint64, error) {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) >= 2 && fs[0] == "MemTotal:" {
			kb, err := strconv.ParseUint(fs[1], 10, 64)
			if err != nil {
				break
			}
			return kb >> 10, nil
		}
	}
	return 0, fmt.Errorf("cannot read MemTotal from /proc/meminfo")
}
