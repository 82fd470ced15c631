// Guest memory from linux.resources.memory.limit.
package specconv

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Memory sizes in MiB. The default matches the tender's; the floor keeps a tiny cgroup
// limit (Docker users write -m 4m) from producing a guest that cannot boot.
const (
	DefaultMemMB = 512
	MinMemMB     = 32
)

// MemoryMB is the guest memory for the spec: the limit rounded down to MiB, at least
// MinMemMB, refused when larger than the host's memory.
func (b *Bundle) MemoryMB() (uint64, error) {
	l := b.Spec.Linux
	if l == nil || l.Resources == nil || l.Resources.Memory == nil || l.Resources.Memory.Limit == nil || *l.Resources.Memory.Limit <= 0 {
		return DefaultMemMB, nil
	}
	mb := uint64(*l.Resources.Memory.Limit) >> 20
	host, err := hostMemMB()
	if err != nil {
		return 0, err
	}
	if mb > host {
		return 0, fmt.Errorf("linux.resources.memory.limit is %d MiB, more than the host's %d MiB", mb, host)
	}
	return max(mb, MinMemMB), nil
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
