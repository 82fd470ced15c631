// Targets, ABI versions and the ELF note identifiers of a Solo5 image.
package abi

import "structs"

// ABI targets, the abi_target field of the ABI1 note (elf_abi.h).
const (
	TargetHVT    = 1
	TargetSPT    = 2
	TargetVirtio = 3
	TargetMuen   = 4
	TargetGenode = 5
	TargetXen    = 6
)

// ABIVersion is the ABI version of both the hvt and spt targets (HVT/SPT_ABI_VERSION).
const ABIVersion = 2

// Note identifiers. Both Solo5 notes are named "Solo5" (namesz 6 with the NUL, padded to 8).
const (
	NoteName     = "Solo5"
	NoteNameSize = 6          // n_namesz, including the NUL
	NoteTypeABI1 = 0x31494241 // "ABI1" read as a little-endian u32
	NoteTypeMFT1 = 0x3154464d // "MFT1" read as a little-endian u32

	// NoteHeaderSize is the 12-byte note header plus the name padded to 8 bytes;
	// the ABI1 descriptor starts right after it.
	NoteHeaderSize = 20

	ABI1DescSize    = 16 // struct abi1_info
	ABI1NoteMaxSize = 32 // largest accepted ABI1 descsz
	// MFT1DescPad is the padding inside the MFT1 descriptor that 8-aligns struct mft
	// (MFT1_NOTE_ALIGN 8, the descriptor starts at note offset 20).
	MFT1DescPad     = 4
	MFT1NoteMaxSize = MFT1DescPad + MFTHeaderSize + MFTMaxEntries*MFTEntrySize // 6668
)

// ABI1Info mirrors struct abi1_info (guest/include/elf_abi.h), the ABI1 note descriptor.
type ABI1Info struct {
	_          structs.HostLayout
	ABITarget  uint32 // one of Target*
	ABIVersion uint32 // ABIVersion
	Reserved0  uint32
	Reserved1  uint32
}

// TargetName returns the lower-case name of an ABI target ("spt"), or "" if unknown.
func TargetName(t uint32) string {
	switch t {
	case TargetHVT:
		return "hvt"
	case TargetSPT:
		return "spt"
	case TargetVirtio:
		return "virtio"
	case TargetMuen:
		return "muen"
	case TargetGenode:
		return "genode"
	case TargetXen:
		return "xen"
	}
	return ""
}
