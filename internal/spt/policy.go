// The spt tender's seccomp policy: exactly the host calls a solo5 spt guest may make.
package spt

import (
	"fmt"

	"github.com/nabla-containers/nabla/internal/seccomp"
	"golang.org/x/sys/unix"
)

// Devices are the host fds the guest may use, known once modules are set up.
type Devices struct {
	Nets             []int
	Blocks           []Block
	EpollFD, TimerFD int
	// Stdin: a libOS guest reads the tender's fd 0 (--stdin); LibOSPolicy allows it.
	Stdin bool
}

// Block is one attached block device: reads and writes are whole blocks inside Capacity.
// On a ReadOnly one (a read-only fd) every write fails with EBADF instead of killing the
// guest, so solo5_block_write returns an error the guest can handle.
type Block struct {
	FD                  int
	BlockSize, Capacity uint64
	ReadOnly            bool
}

// archTable holds one arch's audit value and the numbers of the calls the guest makes.
// It is data, not derived from GOARCH, so both policies can be built and tested anywhere.
type archTable struct {
	auditArch                                    uint32
	read, write, pread64, pwrite64, clockGettime uint32
	epollPwait, timerfdSettime, exitGroup        uint32
	archPrctl                                    uint32
	hasArchPrctl                                 bool
}

var arches = map[string]archTable{
	"amd64": {
		auditArch: seccomp.AuditArchX86_64,
		read:      0, write: 1, pread64: 17, pwrite64: 18, clockGettime: 228,
		epollPwait: 281, timerfdSettime: 286, exitGroup: 231,
		archPrctl: 158, hasArchPrctl: true,
	},
	"arm64": {
		auditArch: seccomp.AuditArchAArch64,
		read:      63, write: 64, pread64: 67, pwrite64: 68, clockGettime: 113,
		epollPwait: 22, timerfdSettime: 86, exitGroup: 94,
	},
}

// Values of arguments the guest passes.
const (
	stdoutFD       = 1
	clockRealtime  = 0
	clockMonotonic = 1
	archSetFS      = 0x1002
)

// Validate reports device values that would give a meaningless policy (Policy leaves
// such a block without rules, so its I/O is denied).
func (d Devices) Validate() error {
	for i, b := range d.Blocks {
		if b.BlockSize == 0 || b.Capacity < b.BlockSize {
			return fmt.Errorf("spt: block %d (fd %d): block size %d and capacity %d do not fit", i, b.FD, b.BlockSize, b.Capacity)
		}
	}
	for _, fd := range append(append([]int{d.EpollFD, d.TimerFD}, d.Nets...), blockFDs(d.Blocks)...) {
		if fd < 0 {
			return fmt.Errorf("spt: negative fd %d", fd)
		}
	}
	return nil
}

func blockFDs(bs []Block) []int {
	fds := make([]int, len(bs))
	for i, b := range bs {
		fds[i] = b.FD
	}
	return fds
}

// Policy builds the filter for arch ("amd64" or "arm64"). An unknown arch gives a policy
// with AuditArch 0, which Compile rejects.
func Policy(arch string, d Devices) seccomp.Policy {
	t, ok := arches[arch]
	if !ok {
		return seccomp.Policy{Default: seccomp.RetKillProcess}
	}
	eq := func(i int, v uint64) seccomp.Arg { return seccomp.Arg{Index: i, Op: seccomp.OpEQ, Value: v} }
	fd := func(v int) uint64 { return uint64(int64(v)) } // sign-extended as the guest's int would be
	var rules []seccomp.Rule
	add := func(nr uint32, why string, args ...seccomp.Arg) {
		rules = append(rules, seccomp.Rule{Syscall: nr, Args: args, Why: why})
	}

	add(t.write, "console output: solo5_console_write writes to stdout", eq(0, stdoutFD))
	for _, n := range d.Nets {
		add(t.write, "solo5_net_write sends one frame on this tap", eq(0, fd(n)))
	}
	for _, n := range d.Nets {
		add(t.read, "solo5_net_read receives one frame from this tap", eq(0, fd(n)))
	}
	for _, b := range d.Blocks {
		if b.BlockSize == 0 || b.Capacity < b.BlockSize {
			continue // Validate reports it; no rule means no I/O on it
		}
		last := b.Capacity - b.BlockSize
		add(t.pread64, "solo5_block_read: one whole block inside the device",
			eq(0, fd(b.FD)), eq(2, b.BlockSize), seccomp.Arg{Index: 3, Op: seccomp.OpLE, Value: last})
		if b.ReadOnly {
			rules = append(rules, seccomp.Rule{Syscall: t.pwrite64, Args: []seccomp.Arg{eq(0, fd(b.FD))},
				Errno: uint16(unix.EBADF), Why: "solo5_block_write on a read-only device fails (EUNSPEC), never kills"})
			continue
		}
		add(t.pwrite64, "solo5_block_write: one whole block inside the device",
			eq(0, fd(b.FD)), eq(2, b.BlockSize), seccomp.Arg{Index: 3, Op: seccomp.OpLE, Value: last})
	}
	add(t.clockGettime, "solo5_clock_monotonic", eq(0, clockMonotonic))
	add(t.clockGettime, "solo5_clock_wall", eq(0, clockRealtime))
	add(t.epollPwait, "solo5_yield waits for net input or the timer", eq(0, fd(d.EpollFD)))
	add(t.timerfdSettime, "solo5_yield arms its deadline timer", eq(0, fd(d.TimerFD)))
	add(t.exitGroup, "solo5_exit and solo5_abort")
	if t.hasArchPrctl {
		add(t.archPrctl, "solo5_set_tls_base on x86_64 sets the FS base", eq(0, archSetFS))
	}
	return seccomp.Policy{AuditArch: t.auditArch, Default: seccomp.RetKillProcess, Rules: rules}
}
