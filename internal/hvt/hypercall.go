// Hypercall handlers: pure functions over guest memory and a device table.
package hvt

import (
	"encoding/binary"
	"errors"
	"fmt"
	"syscall"

	"github.com/nabla-containers/nabla/abi"
	"github.com/nabla-containers/nabla/internal/guestmem"
)

// Argument struct sizes and field offsets (hvt_abi.h); hypercall_test.go pins them
// against the abi package's Go mirrors.
const (
	walltimeSize = 8
	putsSize     = 16
	pollSize     = 24
	blockSize    = 40 // block_write and block_read share one layout
	netSize      = 32 // net_write and net_read share one layout
	haltSize     = 16

	pollReadySet = 8
	pollRet      = 16

	blockHandle = 0
	blockOffset = 8
	blockData   = 16
	blockLen    = 24
	blockRet    = 32

	netHandle = 0
	netData   = 8
	netLen    = 16
	netRet    = 24

	haltCookie = 0
	haltStatus = 8
)

// Stop tells the vCPU loop to end the tender: with Err set it is a tender error
// (printed, exit 1); otherwise the guest halted with Status.
type Stop struct {
	Status int
	Err    error
	fault  bool // the guest CPU faulted: worth reporting where
}

// errShort stands for a transfer that moved another number of bytes than asked.
var errShort = errors.New("short transfer")

func fatal(err error) *Stop { return &Stop{Status: abi.ExitTenderError, Err: err} }

// argStruct is one hypercall's argument struct in guest memory.
type argStruct struct{ b []byte }

func (a argStruct) u64(off int) uint64 { return binary.LittleEndian.Uint64(a.b[off:]) }

func (a argStruct) i32(off int) int32 { return int32(binary.LittleEndian.Uint32(a.b[off:])) }

func (a argStruct) putU64(off int, v uint64) { binary.LittleEndian.PutUint64(a.b[off:], v) }

func (a argStruct) putI32(off int, v int32) { binary.LittleEndian.PutUint32(a.b[off:], uint32(v)) }

// Hypercall runs hypercall nr with its argument struct at arg. It returns nil when the
// guest should continue.
func Hypercall(m *guestmem.Mem, d Devices, nr uint32, arg guestmem.GPA) *Stop {
	switch nr {
	case abi.HypercallWalltime:
		return walltime(m, d, arg)
	case abi.HypercallPuts:
		return puts(m, d, arg)
	case abi.HypercallPoll:
		return poll(m, d, arg)
	case abi.HypercallBlockWrite:
		return blockIO(m, d, arg, true)
	case abi.HypercallBlockRead:
		return blockIO(m, d, arg, false)
	case abi.HypercallNetWrite:
		return netWrite(m, d, arg)
	case abi.HypercallNetRead:
		return netRead(m, d, arg)
	case abi.HypercallHalt:
		return halt(m, arg)
	}
	return fatal(fmt.Errorf("Invalid guest hypercall: num=%d", nr))
}

// args maps an argument struct the tender will write to (out) or only read.
func args(m *guestmem.Mem, arg guestmem.GPA, size uint64, out bool) (argStruct, *Stop) {
	var b []byte
	var err error
	if out {
		b, err = m.WritableSlice(arg, size)
	} else {
		b, err = m.Slice(arg, size)
	}
	if err != nil {
		return argStruct{}, fatal(err)
	}
	return argStruct{b}, nil
}

func walltime(m *guestmem.Mem, d Devices, arg guestmem.GPA) *Stop {
	a, stop := args(m, arg, walltimeSize, true)
	if stop != nil {
		return stop
	}
	a.putU64(0, d.Walltime())
	return nil
}

func puts(m *guestmem.Mem, d Devices, arg guestmem.GPA) *Stop {
	a, stop := args(m, arg, putsSize, false)
	if stop != nil {
		return stop
	}
	data, err := m.Slice(guestmem.GPA(a.u64(0)), a.u64(8))
	if err != nil {
		return fatal(err)
	}
	if err := d.Console(data); err != nil {
		return fatal(fmt.Errorf("console write: %w", err))
	}
	return nil
}

func poll(m *guestmem.Mem, d Devices, arg guestmem.GPA) *Stop {
	a, stop := args(m, arg, pollSize, true)
	if stop != nil {
		return stop
	}
	ready, n, err := d.Poll(a.u64(0))
	if err != nil {
		return fatal(fmt.Errorf("poll: %w", err))
	}
	a.putU64(pollReadySet, ready)
	a.putI32(pollRet, int32(n))
	return nil
}

func blockIO(m *guestmem.Mem, d Devices, arg guestmem.GPA, write bool) *Stop {
	a, stop := args(m, arg, blockSize, true)
	if stop != nil {
		return stop
	}
	dev := d.Block(a.u64(blockHandle))
	off, n := a.u64(blockOffset), a.u64(blockLen)
	// Capacity checks written so that no sum can wrap: off < capacity, then n fits in
	// what remains. Offsets are bounded by the capacity, so int64(off) is safe too.
	if dev == nil || off >= dev.Capacity() || n > dev.Capacity()-off {
		a.putI32(blockRet, abi.ResultEInval)
		return nil
	}
	var buf []byte
	var err error
	if write {
		buf, err = m.Slice(guestmem.GPA(a.u64(blockData)), n)
	} else {
		buf, err = m.WritableSlice(guestmem.GPA(a.u64(blockData)), n)
	}
	if err != nil {
		return fatal(err)
	}
	var done int
	if write {
		done, err = dev.WriteAt(buf, int64(off))
		// A device handed over read-only (--block:NAME=@FD): the guest's write fails, it lives on.
		if errors.Is(err, syscall.EBADF) {
			a.putI32(blockRet, abi.ResultEUnspec)
			return nil
		}
	} else {
		done, err = dev.ReadAt(buf, int64(off))
	}
	// A failing or short transfer means the backing file changed under us; upstream
	// treats it as fatal rather than reporting a partial result the ABI cannot express.
	if err == nil && uint64(done) != n {
		err = errShort
	}
	if err != nil {
		op := "read"
		if write {
			op = "write"
		}
		return fatal(fmt.Errorf("block %s of %d bytes at %d: %d done: %w", op, n, off, done, err))
	}
	a.putI32(blockRet, abi.ResultOK)
	return nil
}

func netWrite(m *guestmem.Mem, d Devices, arg guestmem.GPA) *Stop {
	a, stop := args(m, arg, netSize, true)
	if stop != nil {
		return stop
	}
	dev := d.Net(a.u64(netHandle))
	if dev == nil {
		a.putI32(netRet, abi.ResultEInval)
		return nil
	}
	n := a.u64(netLen)
	buf, err := m.Slice(guestmem.GPA(a.u64(netData)), n)
	if err != nil {
		return fatal(err)
	}
	done, err := dev.Write(buf)
	if err == nil && uint64(done) != n {
		err = errShort
	}
	if err != nil {
		return fatal(fmt.Errorf("net write of %d bytes: %d done: %w", n, done, err))
	}
	a.putI32(netRet, abi.ResultOK)
	return nil
}

func netRead(m *guestmem.Mem, d Devices, arg guestmem.GPA) *Stop {
	a, stop := args(m, arg, netSize, true)
	if stop != nil {
		return stop
	}
	dev := d.Net(a.u64(netHandle))
	if dev == nil {
		a.putI32(netRet, abi.ResultEInval)
		return nil
	}
	buf, err := m.WritableSlice(guestmem.GPA(a.u64(netData)), a.u64(netLen))
	if err != nil {
		return fatal(err)
	}
	n, err := dev.Read(buf)
	if (err == nil && n == 0) || errors.Is(err, syscall.EAGAIN) {
		a.putI32(netRet, abi.ResultAgain) // len left as it was, as upstream does
		return nil
	}
	if err == nil && (n < 0 || n > len(buf)) {
		err = errShort
	}
	if err != nil {
		return fatal(fmt.Errorf("net read: %d: %w", n, err))
	}
	a.putU64(netLen, uint64(n))
	a.putI32(netRet, abi.ResultOK)
	return nil
}

func halt(m *guestmem.Mem, arg guestmem.GPA) *Stop {
	a, stop := args(m, arg, haltSize, false)
	if stop != nil {
		return stop
	}
	if c := a.u64(haltCookie); c != 0 {
		// The cookie (an x86 trap frame, for dumpcore) is not used, but a guest must
		// not be able to name memory it does not have.
		if _, err := m.Slice(guestmem.GPA(c), abi.HaltCookieMax); err != nil {
			return fatal(err)
		}
	}
	return &Stop{Status: int(a.i32(haltStatus)) & 0xff}
}

// Hypercall transport constants, typed for the decoders.
const (
	hypercallPIOBase  uint16 = abi.HypercallPIOBase
	hypercallMax             = abi.HypercallMax
	hypercallMMIOBase uint64 = abi.HypercallMMIOBase
	hypercallMMIOStep        = abi.HypercallMMIOStep
)
