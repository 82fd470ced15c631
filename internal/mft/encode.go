// The manifest copy the tender hands the guest, with the attached devices filled in.
package mft

import (
	"encoding/binary"

	"github.com/nabla-containers/nabla/abi"
)

// Attachment is what the tender knows about an attached device. Block devices use
// Capacity and BlockSize, net devices MAC and MTU.
type Attachment struct {
	HostFD    int32
	Capacity  uint64
	BlockSize uint16
	MAC       [6]byte
	MTU       uint16
}

// Size returns the byte size of the encoded manifest.
func (m *Manifest) Size() int {
	return abi.MFTHeaderSize + len(m.Entries)*abi.MFTEntrySize
}

// Encode returns the struct mft bytes for the guest: every entry with its name and type,
// and for each index in att the device fields, the host fd and attached = 1. Indexes in
// att that are out of range or the reserved entry are ignored.
func (m *Manifest) Encode(att map[int]Attachment) []byte {
	le := binary.LittleEndian
	b := make([]byte, m.Size())
	le.PutUint32(b[0:], abi.MFTVersion)
	le.PutUint32(b[4:], uint32(len(m.Entries)))
	for i, e := range m.Entries {
		p := b[abi.MFTHeaderSize+i*abi.MFTEntrySize:][:abi.MFTEntrySize]
		// Names longer than 67 bytes cannot come out of Parse or ParseJSON; cut them
		// anyway so name[67] stays NUL.
		name := e.Name
		if len(name) > abi.MFTNameMax {
			name = name[:abi.MFTNameMax]
		}
		copy(p[abi.MFTEntryOffName:], name)
		le.PutUint32(p[abi.MFTEntryOffType:], e.Type)
		a, ok := att[i]
		if !ok || i == 0 {
			continue
		}
		switch e.Type {
		case abi.MFTBlockBasic:
			le.PutUint64(p[abi.MFTEntryOffCapacity:], a.Capacity)
			le.PutUint16(p[abi.MFTEntryOffBlockSize:], a.BlockSize)
		case abi.MFTNetBasic:
			copy(p[abi.MFTEntryOffMAC:], a.MAC[:])
			le.PutUint16(p[abi.MFTEntryOffMTU:], a.MTU)
		}
		le.PutUint32(p[abi.MFTEntryOffHostFD:], uint32(a.HostFD))
		p[abi.MFTEntryOffAttached] = 1
	}
	return b
}
