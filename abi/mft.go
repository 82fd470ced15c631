// The application manifest: constants, struct mft_entry and the header of struct mft.
package abi

import "structs"

// Manifest constants (mft_abi.h).
const (
	MFTVersion    = 1
	MFTMaxEntries = 64 // a solo5_handle_set_t is a u64 bitmask of handles
	MFTNameSize   = 68 // name[67] is always NUL, so names have at most 67 characters
	MFTNameMax    = MFTNameSize - 1
	MFTEntrySize  = 104
	MFTHeaderSize = 8 // version, entries; the entries follow

	// Device types (enum mft_type). The reserved type marks entry 0.
	MFTBlockBasic    = 1
	MFTNetBasic      = 2
	MFTReservedFirst = 1 << 30
)

// Byte offsets inside struct mft_entry, for encoding without unsafe.
const (
	MFTEntryOffName      = 0
	MFTEntryOffType      = 68
	MFTEntryOffCapacity  = 72 // u.block_basic.capacity
	MFTEntryOffBlockSize = 80 // u.block_basic.block_size
	MFTEntryOffMAC       = 72 // u.net_basic.mac
	MFTEntryOffMTU       = 78 // u.net_basic.mtu
	MFTEntryOffHostFD    = 88 // b.hostfd (int; b is a union with a pointer)
	MFTEntryOffAttached  = 96
)

// MFTHeader mirrors the fixed part of struct mft (guest/include/mft_abi.h); the
// entries (e[], a flexible array) follow it.
type MFTHeader struct {
	_       structs.HostLayout
	Version uint32 // IN: MFTVersion
	Entries uint32 // IN: number of entries including the reserved entry 0
}

// MFTBlockBasicInfo mirrors struct mft_block_basic (guest/include/mft_abi.h), u.block_basic of an entry.
type MFTBlockBasicInfo struct {
	_         structs.HostLayout
	Capacity  uint64 // OUT (filled by the tender): size in bytes
	BlockSize uint16 // OUT (filled by the tender): sector size in bytes
	_         [6]byte
}

// MFTNetBasicInfo mirrors struct mft_net_basic (guest/include/mft_abi.h), u.net_basic of an entry.
type MFTNetBasicInfo struct {
	_   structs.HostLayout
	MAC [6]byte // OUT (filled by the tender)
	MTU uint16  // OUT (filled by the tender): excluding the Ethernet header
}

// MFTEntry mirrors struct mft_entry (guest/include/mft_abi.h). The image carries U, B and
// Attached zeroed; the tender fills them in the copy it hands the guest.
type MFTEntry struct {
	_    structs.HostLayout
	Name [MFTNameSize]byte // IN: NUL-terminated device name
	Type uint32            // IN: MFTBlockBasic, MFTNetBasic or MFTReservedFirst
	// U is the union u: an MFTBlockBasicInfo or an MFTNetBasicInfo, by Type.
	U MFTBlockBasicInfo // OUT
	// B is the union b: the host fd (int, low 4 bytes) on spt, a pointer elsewhere.
	B        uint64 // OUT
	Attached bool   // OUT: true once the tender attached the device
	_        [7]byte
}
