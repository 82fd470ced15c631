// The device table the hypercall handlers work against, kept abstract so they run without KVM.
package hvt

// Devices is what the hypercall handlers need from the host. Handles are manifest
// indices, as the guest sees them.
type Devices interface {
	// Walltime is CLOCK_REALTIME in nanoseconds.
	Walltime() uint64
	// Console writes guest console output (stdout).
	Console(p []byte) error
	// Poll waits up to timeoutNs nanoseconds for a net device to become readable and
	// returns the set of ready handles (bit = handle) and how many there are.
	Poll(timeoutNs uint64) (ready uint64, n int, err error)
	// Block returns the block device with this handle, or nil.
	Block(handle uint64) BlockDevice
	// Net returns the net device with this handle, or nil.
	Net(handle uint64) NetDevice
}

// BlockDevice is an attached BLOCK_BASIC device.
type BlockDevice interface {
	Capacity() uint64
	ReadAt(p []byte, off int64) (int, error)
	WriteAt(p []byte, off int64) (int, error)
}

// NetDevice is an attached NET_BASIC device (a non-blocking tap). Read returns
// (0, EAGAIN) or (0, nil) when nothing is pending.
type NetDevice interface {
	Read(p []byte) (int, error)
	Write(p []byte) (int, error)
}
