// The spt boot information handed to the guest at SPTBootInfoBase.
package abi

import "structs"

// SPTBootInfo mirrors struct spt_boot_info (guest/include/spt_abi.h), 40 bytes.
// The tender writes it; the guest only reads it (every field is IN for the guest).
type SPTBootInfo struct {
	_         structs.HostLayout
	MemSize   uint64 // IN: top of guest memory (exclusive)
	KernelEnd uint64 // IN: aligned end of the highest loaded segment
	Cmdline   uint64 // IN: const char *, NUL-terminated
	MFT       uint64 // IN: const struct mft *, the tender's filled-in copy
	EpollFD   int32  // IN: epoll set with every net fd and the timerfd
	TimerFD   int32  // IN: CLOCK_MONOTONIC timerfd for solo5_yield
}
