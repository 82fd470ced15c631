// Guest memory layout constants shared by the tenders and the guest bindings.
package abi

const (
	// GuestMinBase is the lowest address an image segment may be loaded at
	// (HVT_/SPT_GUEST_MIN_BASE); images are linked at this address.
	GuestMinBase = 0x100000
	// PageSize is the loader's page size (EM_PAGE_SIZE) on both architectures.
	PageSize = 0x1000
	// CmdlineSize is the size of the guest command line buffer, NUL included.
	CmdlineSize = 8192
	// HaltCookieMax is the largest HALT cookie the hvt tender reads.
	HaltCookieMax = 512

	// SPTHostMemBase is the lowest guest address spt maps; below it nothing is mapped.
	SPTHostMemBase = 0x10000
	// SPTBootInfoBase is where spt puts struct spt_boot_info; the manifest copy and
	// then the command line follow it.
	SPTBootInfoBase = SPTHostMemBase + 0x1000
	// DefaultMemMiB is the default --mem of both tenders.
	DefaultMemMiB = 512
	// SPTInternalTimerFD is the epoll data value spt uses for its timerfd.
	SPTInternalTimerFD = 0xfffffffe

	// HVTBootInfoBase is the guest physical address of struct hvt_boot_info; the
	// manifest copy and then the command line follow it.
	HVTBootInfoBase = 0x10000
	// HVTMemAlign is the granularity hvt rounds --mem down to.
	HVTMemAlign = 2 << 20
	// HVTMaxMem is the largest hvt guest memory on both architectures.
	HVTMaxMem = 4 << 30
)
