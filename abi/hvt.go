// The hvt boot information and hypercall interface.
package abi

import "structs"

// HVTBootInfo mirrors struct hvt_boot_info (guest/include/hvt_abi.h), 56 bytes at
// HVTBootInfoBase. Pointers are guest physical addresses.
type HVTBootInfo struct {
	_             structs.HostLayout
	MemSize       uint64 // IN: guest memory size (a net ring, if any, excluded)
	KernelEnd     uint64 // IN: aligned end of the highest loaded segment
	CPUCycleFreq  uint64 // IN: TSC (x86_64) or CNTFRQ_EL0 (aarch64) frequency in Hz
	Cmdline       uint64 // IN: gpa of the NUL-terminated command line
	MFT           uint64 // IN: gpa of the tender's manifest copy
	HostFeatures  uint32 // IN: HVTFeatureRingIO if the net ring is offered
	GuestFeatures uint32 // never written by the guest
	NetRing       uint64 // IN: gpa of the net ring, 0 if absent
}

// HVTFeatureRingIO is host_features bit 0: ring I/O for net devices.
const HVTFeatureRingIO = 1 << 0

// Hypercall numbers (enum hvt_hypercall). 0 is reserved and always an error.
const (
	HypercallWalltime   = 1
	HypercallPuts       = 2
	HypercallPoll       = 3
	HypercallBlockWrite = 4
	HypercallBlockRead  = 5
	HypercallNetWrite   = 6
	HypercallNetRead    = 7
	HypercallHalt       = 8
	HypercallMax        = 9 // one past the last number
)

// Hypercall transport. The guest passes the 32-bit gpa of the argument struct:
// x86_64 with `outl` to port HypercallPIOBase+nr, aarch64 with a 32-bit store to
// HypercallMMIOBase + nr<<3. The ring kick uses its own port/address.
const (
	HypercallPIOBase  = 0x500       // amd64
	HypercallMMIOBase = 0x100000000 // arm64
	HypercallMMIOStep = 3           // shift of nr in the MMIO address
	RingKickPIO       = 0x600
	RingKickMMIO      = HypercallMMIOBase + 0x100
)

// HypercallWalltimeArgs mirrors struct hvt_hc_walltime (guest/include/hvt_abi.h).
type HypercallWalltimeArgs struct {
	_     structs.HostLayout
	Nsecs uint64 // OUT: CLOCK_REALTIME in ns
}

// HypercallPutsArgs mirrors struct hvt_hc_puts (guest/include/hvt_abi.h).
type HypercallPutsArgs struct {
	_    structs.HostLayout
	Data uint64 // IN: gpa of the bytes to write
	Len  uint64 // IN
}

// HypercallPollArgs mirrors struct hvt_hc_poll (guest/include/hvt_abi.h).
type HypercallPollArgs struct {
	_            structs.HostLayout
	TimeoutNsecs uint64 // IN: relative timeout
	ReadySet     uint64 // OUT: bitmask of ready net handles
	Ret          int32  // OUT: number of ready handles
	_            [4]byte
}

// HypercallBlockWriteArgs mirrors struct hvt_hc_block_write (guest/include/hvt_abi.h).
type HypercallBlockWriteArgs struct {
	_      structs.HostLayout
	Handle uint64 // IN
	Offset uint64 // IN: byte offset on the device
	Data   uint64 // IN: gpa
	Len    uint64 // IN
	Ret    int32  // OUT: a Result* code
	_      [4]byte
}

// HypercallBlockReadArgs mirrors struct hvt_hc_block_read (guest/include/hvt_abi.h).
type HypercallBlockReadArgs struct {
	_      structs.HostLayout
	Handle uint64 // IN
	Offset uint64 // IN: byte offset on the device
	Data   uint64 // IN: gpa
	Len    uint64 // IN/OUT
	Ret    int32  // OUT: a Result* code
	_      [4]byte
}

// HypercallNetWriteArgs mirrors struct hvt_hc_net_write (guest/include/hvt_abi.h).
type HypercallNetWriteArgs struct {
	_      structs.HostLayout
	Handle uint64 // IN
	Data   uint64 // IN: gpa
	Len    uint64 // IN
	Ret    int32  // OUT: a Result* code
	_      [4]byte
}

// HypercallNetReadArgs mirrors struct hvt_hc_net_read (guest/include/hvt_abi.h).
type HypercallNetReadArgs struct {
	_      structs.HostLayout
	Handle uint64 // IN
	Data   uint64 // IN: gpa
	Len    uint64 // IN/OUT: buffer size in, bytes read out
	Ret    int32  // OUT: a Result* code
	_      [4]byte
}

// HypercallHaltArgs mirrors struct hvt_hc_halt (guest/include/hvt_abi.h).
type HypercallHaltArgs struct {
	_          structs.HostLayout
	Cookie     uint64 // IN: gpa of up to HaltCookieMax bytes, or 0
	ExitStatus int32  // IN
	_          [4]byte
}
