// Decoding of a vCPU exit from the raw bytes of struct kvm_run, shared by both arches.
package hvt

import (
	"encoding/binary"
	"fmt"

	"github.com/nabla-containers/nabla/internal/guestmem"
)

// struct kvm_run offsets (linux/kvm.h; identical on amd64 and arm64).
const (
	runImmediateExit = 1
	runExitReason    = 8
	runUnion         = 32 // the exit-specific union

	// io: u8 direction, u8 size, u16 port, u32 count, u64 data_offset
	runIODirection  = runUnion + 0
	runIOSize       = runUnion + 1
	runIOPort       = runUnion + 2
	runIOCount      = runUnion + 4
	runIODataOffset = runUnion + 8

	// mmio: u64 phys_addr, u8 data[8], u32 len, u8 is_write
	runMMIOAddr    = runUnion + 0
	runMMIOData    = runUnion + 8
	runMMIOLen     = runUnion + 16
	runMMIOIsWrite = runUnion + 20

	// internal: u32 suberror; fail_entry: u64 reason; system_event: u32 type
	runInternalSuberror = runUnion + 0
	runFailEntryReason  = runUnion + 0
	runSystemEventType  = runUnion + 0

	runMinSize = runUnion + 256 // the union is padded to 256 bytes
)

// KVM exit reasons the tender distinguishes.
const (
	exitReasonUnknown     = 0
	exitReasonException   = 1
	exitReasonIO          = 2
	exitReasonDebug       = 4
	exitReasonHLT         = 5
	exitReasonMMIO        = 6
	exitReasonShutdown    = 8
	exitReasonFailEntry   = 9
	exitReasonIntr        = 10
	exitReasonInternal    = 17
	exitReasonSystemEvent = 24

	ioDirectionOut = 1
)

type exitKind int

const (
	exitHypercall exitKind = iota // nr and arg are set
	exitRetry                     // nothing to do, run the vCPU again
	exitFault                     // the guest cannot continue; msg says why (tender exits 1)
)

// vmExit is a decoded exit.
type vmExit struct {
	kind exitKind
	nr   uint32
	arg  guestmem.GPA
	msg  string
}

func faultf(format string, a ...any) vmExit {
	return vmExit{kind: exitFault, msg: fmt.Sprintf(format, a...)}
}

// decodeCommon handles the exits both arches treat alike; ok is false when the reason
// is arch specific (I/O or MMIO).
func decodeCommon(run []byte) (e vmExit, ok bool) {
	reason := binary.LittleEndian.Uint32(run[runExitReason:])
	switch reason {
	case exitReasonIO, exitReasonMMIO:
		return vmExit{}, false
	case exitReasonIntr:
		return vmExit{kind: exitRetry}, true
	case exitReasonHLT:
		return faultf("Guest fault: the CPU halted (KVM_EXIT_HLT)"), true
	case exitReasonShutdown:
		return faultf("Guest fault: triple fault (KVM_EXIT_SHUTDOWN)"), true
	case exitReasonInternal:
		// On PVM hosts this is what an instruction the emulator lacks (SSE) ends in.
		return faultf("Guest fault: KVM internal error, suberror=%#x (on PVM hosts: an instruction the emulator lacks, e.g. SSE)",
			binary.LittleEndian.Uint32(run[runInternalSuberror:])), true
	case exitReasonFailEntry:
		return faultf("Guest fault: KVM entry failed, hardware reason=%#x",
			binary.LittleEndian.Uint64(run[runFailEntryReason:])), true
	case exitReasonSystemEvent:
		return faultf("Guest fault: system event type=%d (PSCI shutdown or reset)",
			binary.LittleEndian.Uint32(run[runSystemEventType:])), true
	}
	return faultf("Guest fault: unhandled exit: exit_reason=%#x", reason), true
}

// decodePIO decodes an x86_64 exit: hypercalls are `outl` of a 32-bit GPA to
// HypercallPIOBase+nr.
func decodePIO(run []byte) vmExit {
	if len(run) < runMinSize {
		return faultf("kvm_run too short: %d bytes", len(run))
	}
	if e, ok := decodeCommon(run); ok {
		return e
	}
	if binary.LittleEndian.Uint32(run[runExitReason:]) == exitReasonMMIO {
		// No MMIO exists on x86_64 hvt. PVM reports a write to a page the host made
		// read-only (guest text) this way; real KVM fails KVM_RUN with EFAULT instead.
		return faultf("Guest fault: host/guest translation fault: %s access at gpa=%#x",
			rw(run[runMMIOIsWrite]), binary.LittleEndian.Uint64(run[runMMIOAddr:]))
	}
	port := binary.LittleEndian.Uint16(run[runIOPort:])
	size, dir := run[runIOSize], run[runIODirection]
	count := binary.LittleEndian.Uint32(run[runIOCount:])
	if dir != ioDirectionOut || size != 4 || count != 1 ||
		port < hypercallPIOBase || port >= hypercallPIOBase+hypercallMax {
		return faultf("Invalid guest port access: port=%#x", port)
	}
	off := binary.LittleEndian.Uint64(run[runIODataOffset:])
	if off > uint64(len(run)) || uint64(len(run))-off < 4 {
		return faultf("KVM gave an I/O data offset outside kvm_run: %#x", off)
	}
	return vmExit{kind: exitHypercall, nr: uint32(port - hypercallPIOBase),
		arg: guestmem.GPA(binary.LittleEndian.Uint32(run[off:]))}
}

// decodeMMIO decodes an aarch64 exit: hypercalls are 32-bit stores of a GPA to
// HypercallMMIOBase + nr<<3.
func decodeMMIO(run []byte) vmExit {
	if len(run) < runMinSize {
		return faultf("kvm_run too short: %d bytes", len(run))
	}
	if e, ok := decodeCommon(run); ok {
		return e
	}
	if binary.LittleEndian.Uint32(run[runExitReason:]) == exitReasonIO {
		return faultf("Guest fault: unexpected port I/O exit")
	}
	addr := binary.LittleEndian.Uint64(run[runMMIOAddr:])
	isWrite := run[runMMIOIsWrite]
	n := binary.LittleEndian.Uint32(run[runMMIOLen:])
	if addr < hypercallMMIOBase || addr >= hypercallMMIOBase+hypercallMax<<hypercallMMIOStep {
		return faultf("Guest fault: %s access outside guest memory at gpa=%#x", rw(isWrite), addr)
	}
	if isWrite == 0 || n != 4 || addr&(1<<hypercallMMIOStep-1) != 0 {
		return faultf("Invalid guest MMIO access: addr=%#x len=%d write=%d", addr, n, isWrite)
	}
	return vmExit{kind: exitHypercall, nr: uint32((addr - hypercallMMIOBase) >> hypercallMMIOStep),
		arg: guestmem.GPA(binary.LittleEndian.Uint32(run[runMMIOData:]))}
}

func rw(isWrite byte) string {
	if isWrite != 0 {
		return "write"
	}
	return "read"
}
