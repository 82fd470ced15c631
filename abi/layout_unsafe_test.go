// Sizes and offsets of the Go ABI structs, measured with unsafe, for the layout test.
package abi

import "unsafe"

// goLayout returns "struct size" and "struct.field offset" of every Go mirror, keyed by
// the C names that tools/abigolden/layout.c prints.
func goLayout() map[string]uint64 {
	var (
		a   ABI1Info
		h   MFTHeader
		e   MFTEntry
		bb  MFTBlockBasicInfo
		nb  MFTNetBasicInfo
		s   SPTBootInfo
		v   HVTBootInfo
		wt  HypercallWalltimeArgs
		pu  HypercallPutsArgs
		po  HypercallPollArgs
		bw  HypercallBlockWriteArgs
		br  HypercallBlockReadArgs
		nw  HypercallNetWriteArgs
		nr  HypercallNetReadArgs
		hlt HypercallHaltArgs
	)
	u := uint64(unsafe.Offsetof(e.U))
	return map[string]uint64{
		"abi1_info":             uint64(unsafe.Sizeof(a)),
		"abi1_info.abi_target":  uint64(unsafe.Offsetof(a.ABITarget)),
		"abi1_info.abi_version": uint64(unsafe.Offsetof(a.ABIVersion)),
		"abi1_info.reserved0":   uint64(unsafe.Offsetof(a.Reserved0)),
		"abi1_info.reserved1":   uint64(unsafe.Offsetof(a.Reserved1)),

		"mft":         uint64(unsafe.Sizeof(h)),
		"mft.version": uint64(unsafe.Offsetof(h.Version)),
		"mft.entries": uint64(unsafe.Offsetof(h.Entries)),
		"mft.e":       uint64(unsafe.Sizeof(h)), // the entries follow the header

		"mft_entry":                          uint64(unsafe.Sizeof(e)),
		"mft_entry.name":                     uint64(unsafe.Offsetof(e.Name)),
		"mft_entry.type":                     uint64(unsafe.Offsetof(e.Type)),
		"mft_entry.u":                        u,
		"mft_entry.u.block_basic.capacity":   u + uint64(unsafe.Offsetof(bb.Capacity)),
		"mft_entry.u.block_basic.block_size": u + uint64(unsafe.Offsetof(bb.BlockSize)),
		"mft_entry.u.net_basic.mac":          u + uint64(unsafe.Offsetof(nb.MAC)),
		"mft_entry.u.net_basic.mtu":          u + uint64(unsafe.Offsetof(nb.MTU)),
		"mft_entry.b":                        uint64(unsafe.Offsetof(e.B)),
		"mft_entry.b.hostfd":                 uint64(unsafe.Offsetof(e.B)),
		"mft_entry.attached":                 uint64(unsafe.Offsetof(e.Attached)),
		"mft_block_basic":                    uint64(unsafe.Sizeof(bb)),
		"mft_net_basic":                      uint64(unsafe.Sizeof(nb)),
		"spt_boot_info":                      uint64(unsafe.Sizeof(s)),
		"spt_boot_info.mem_size":             uint64(unsafe.Offsetof(s.MemSize)),
		"spt_boot_info.kernel_end":           uint64(unsafe.Offsetof(s.KernelEnd)),
		"spt_boot_info.cmdline":              uint64(unsafe.Offsetof(s.Cmdline)),
		"spt_boot_info.mft":                  uint64(unsafe.Offsetof(s.MFT)),
		"spt_boot_info.epollfd":              uint64(unsafe.Offsetof(s.EpollFD)),
		"spt_boot_info.timerfd":              uint64(unsafe.Offsetof(s.TimerFD)),
		"hvt_boot_info":                      uint64(unsafe.Sizeof(v)),
		"hvt_boot_info.mem_size":             uint64(unsafe.Offsetof(v.MemSize)),
		"hvt_boot_info.kernel_end":           uint64(unsafe.Offsetof(v.KernelEnd)),
		"hvt_boot_info.cpu_cycle_freq":       uint64(unsafe.Offsetof(v.CPUCycleFreq)),
		"hvt_boot_info.cmdline":              uint64(unsafe.Offsetof(v.Cmdline)),
		"hvt_boot_info.mft":                  uint64(unsafe.Offsetof(v.MFT)),
		"hvt_boot_info.host_features":        uint64(unsafe.Offsetof(v.HostFeatures)),
		"hvt_boot_info.guest_features":       uint64(unsafe.Offsetof(v.GuestFeatures)),
		"hvt_boot_info.net_ring":             uint64(unsafe.Offsetof(v.NetRing)),
		"hvt_hc_walltime":                    uint64(unsafe.Sizeof(wt)),
		"hvt_hc_walltime.nsecs":              uint64(unsafe.Offsetof(wt.Nsecs)),
		"hvt_hc_puts":                        uint64(unsafe.Sizeof(pu)),
		"hvt_hc_puts.data":                   uint64(unsafe.Offsetof(pu.Data)),
		"hvt_hc_puts.len":                    uint64(unsafe.Offsetof(pu.Len)),
		"hvt_hc_poll":                        uint64(unsafe.Sizeof(po)),
		"hvt_hc_poll.timeout_nsecs":          uint64(unsafe.Offsetof(po.TimeoutNsecs)),
		"hvt_hc_poll.ready_set":              uint64(unsafe.Offsetof(po.ReadySet)),
		"hvt_hc_poll.ret":                    uint64(unsafe.Offsetof(po.Ret)),
		"hvt_hc_block_write":                 uint64(unsafe.Sizeof(bw)),
		"hvt_hc_block_write.handle":          uint64(unsafe.Offsetof(bw.Handle)),
		"hvt_hc_block_write.offset":          uint64(unsafe.Offsetof(bw.Offset)),
		"hvt_hc_block_write.data":            uint64(unsafe.Offsetof(bw.Data)),
		"hvt_hc_block_write.len":             uint64(unsafe.Offsetof(bw.Len)),
		"hvt_hc_block_write.ret":             uint64(unsafe.Offsetof(bw.Ret)),
		"hvt_hc_block_read":                  uint64(unsafe.Sizeof(br)),
		"hvt_hc_block_read.handle":           uint64(unsafe.Offsetof(br.Handle)),
		"hvt_hc_block_read.offset":           uint64(unsafe.Offsetof(br.Offset)),
		"hvt_hc_block_read.data":             uint64(unsafe.Offsetof(br.Data)),
		"hvt_hc_block_read.len":              uint64(unsafe.Offsetof(br.Len)),
		"hvt_hc_block_read.ret":              uint64(unsafe.Offsetof(br.Ret)),
		"hvt_hc_net_write":                   uint64(unsafe.Sizeof(nw)),
		"hvt_hc_net_write.handle":            uint64(unsafe.Offsetof(nw.Handle)),
		"hvt_hc_net_write.data":              uint64(unsafe.Offsetof(nw.Data)),
		"hvt_hc_net_write.len":               uint64(unsafe.Offsetof(nw.Len)),
		"hvt_hc_net_write.ret":               uint64(unsafe.Offsetof(nw.Ret)),
		"hvt_hc_net_read":                    uint64(unsafe.Sizeof(nr)),
		"hvt_hc_net_read.handle":             uint64(unsafe.Offsetof(nr.Handle)),
		"hvt_hc_net_read.data":               uint64(unsafe.Offsetof(nr.Data)),
		"hvt_hc_net_read.len":                uint64(unsafe.Offsetof(nr.Len)),
		"hvt_hc_net_read.ret":                uint64(unsafe.Offsetof(nr.Ret)),
		"hvt_hc_halt":                        uint64(unsafe.Sizeof(hlt)),
		"hvt_hc_halt.cookie":                 uint64(unsafe.Offsetof(hlt.Cookie)),
		"hvt_hc_halt.exit_status":            uint64(unsafe.Offsetof(hlt.ExitStatus)),
	}
}
