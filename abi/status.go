// Result codes of guest API calls and the exit status conventions.
package abi

// solo5_result_t.
const (
	ResultOK      = 0
	ResultAgain   = 1 // net read with nothing pending
	ResultEInval  = 2
	ResultEUnspec = 3
)

// Exit statuses (solo5.h and the tenders' conventions).
const (
	ExitSuccess = 0
	ExitFailure = 1
	ExitAbort   = 255 // abort, assert, stack smash, hvt guest trap
	// ExitTenderError is what a tender exits with on a bad image, option, device or
	// hypercall argument.
	ExitTenderError = 1
	// ExitSeccomp is what a shell sees when seccomp kills an spt guest (128+SIGSYS).
	ExitSeccomp = 159
	// ExitSIGSEGV is what a shell sees when an spt guest faults (128+SIGSEGV).
	ExitSIGSEGV = 139
)
