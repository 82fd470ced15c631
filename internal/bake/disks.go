// Block and network devices in a libOS image's manifest: a new Solo5 MFT1 note for an already baked image.
package bake

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"fmt"

	"github.com/nabla-containers/nabla/abi"
	nelf "github.com/nabla-containers/nabla/internal/elf"
	"github.com/nabla-containers/nabla/internal/mft"
)

// maxDisks keeps the manifest (with its reserved entry) within the Solo5 limit.
const maxDisks = abi.MFTMaxEntries - 1

// maxNets: the libOS drives one NIC.
const maxNets = 1

// checkNets refuses names the manifest cannot hold, more NICs than the libOS drives, and
// names a disk has too.
func checkNets(nets, disks []string) error {
	if len(nets) > maxNets {
		return fmt.Errorf("%d network devices, the libOS drives %d", len(nets), maxNets)
	}
	if len(nets)+len(disks) > maxDisks {
		return fmt.Errorf("%d devices, at most %d", len(nets)+len(disks), maxDisks)
	}
	for _, n := range nets {
		if err := mft.CheckName(n); err != nil {
			return fmt.Errorf("network device %v", err)
		}
		for _, d := range disks {
			if d == n {
				return fmt.Errorf("%q names both a disk and a network device", n)
			}
		}
	}
	return nil
}

// checkDisks refuses names the manifest cannot hold, and duplicates.
func checkDisks(disks []string) error {
	if len(disks) > maxDisks {
		return fmt.Errorf("%d disks, at most %d", len(disks), maxDisks)
	}
	seen := map[string]bool{}
	for _, d := range disks {
		if err := mft.CheckName(d); err != nil {
			return fmt.Errorf("disk %v", err)
		}
		if seen[d] {
			return fmt.Errorf("disk %q given twice", d)
		}
		seen[d] = true
	}
	return nil
}

// mftNote is a whole Solo5 MFT1 note declaring disks as BLOCK_BASIC devices and nets as
// NET_BASIC devices.
func mftNote(disks, nets []string) []byte {
	m := &mft.Manifest{Entries: []mft.Entry{{Type: abi.MFTReservedFirst}}}
	for _, d := range disks {
		m.Entries = append(m.Entries, mft.Entry{Name: d, Type: abi.MFTBlockBasic})
	}
	for _, n := range nets {
		m.Entries = append(m.Entries, mft.Entry{Name: n, Type: abi.MFTNetBasic})
	}
	desc := append(make([]byte, abi.MFT1DescPad), m.Encode(nil)...)
	le := binary.LittleEndian
	n := make([]byte, abi.NoteHeaderSize, abi.NoteHeaderSize+len(desc))
	le.PutUint32(n[0:], abi.NoteNameSize)
	le.PutUint32(n[4:], uint32(len(desc)))
	le.PutUint32(n[8:], abi.NoteTypeMFT1)
	copy(n[12:], abi.NoteName)
	return append(n, desc...)
}

// WithDisks returns a copy of img, a baked libOS image, whose manifest declares exactly
// disks as block devices, in that order, and the network devices img already declares.
func WithDisks(img []byte, disks []string) ([]byte, error) {
	im, err := nelf.Parse(bytes.NewReader(img), int64(len(img)))
	if err != nil {
		return nil, err
	}
	var nets []string
	if m, err := mft.Parse(im.Manifest); err == nil {
		for _, e := range m.Entries {
			if e.Type == abi.MFTNetBasic {
				nets = append(nets, e.Name)
			}
		}
	}
	return WithDevices(img, disks, nets)
}

// WithDevices returns a copy of img, a baked libOS image (it carries the Nabla/LOS1 note),
// whose manifest declares exactly disks as block devices and nets as network devices, in
// that order. The tender reads the manifest from the file only (the guest gets the
// tender's copy), so the new note is appended to the file and the PT_NOTE of the old one
// points at it; a note appended by an earlier call is replaced, not stacked.
func WithDevices(img []byte, disks, nets []string) ([]byte, error) {
	if err := checkDisks(disks); err != nil {
		return nil, err
	}
	if err := checkNets(nets, disks); err != nil {
		return nil, err
	}
	im, err := nelf.Parse(bytes.NewReader(img), int64(len(img)))
	if err != nil {
		return nil, err
	}
	if _, ok := im.Notes[nelf.NoteKey{Name: NoteName, Type: NoteTypeLOS1}]; !ok {
		return nil, fmt.Errorf("not a libOS image (no %s/LOS1 note): its manifest is its own", NoteName)
	}
	le := binary.LittleEndian
	phoff := le.Uint64(img[32:])
	phnum := int(le.Uint16(img[56:]))
	at := -1 // the program header of the MFT1 note
	for i := 0; i < phnum; i++ {
		p := img[phoff+uint64(i)*phdrSize:][:phdrSize]
		if elf.ProgType(le.Uint32(p)) != elf.PT_NOTE {
			continue
		}
		off, size := le.Uint64(p[8:]), le.Uint64(p[32:])
		// Parse checked every note segment against the file.
		h := img[off : off+min(size, abi.NoteHeaderSize)]
		if len(h) == abi.NoteHeaderSize && le.Uint32(h[0:]) == abi.NoteNameSize && le.Uint32(h[8:]) == abi.NoteTypeMFT1 &&
			string(h[12:12+abi.NoteNameSize]) == abi.NoteName+"\x00" {
			at = i
			break
		}
	}
	if at < 0 {
		return nil, fmt.Errorf("libOS image has no Solo5 manifest note to replace")
	}
	p0 := phoff + uint64(at)*phdrSize
	out := bytes.Clone(img)
	// A note an earlier WithDisks appended ends the file after the program headers.
	if off, size := le.Uint64(out[p0+8:]), le.Uint64(out[p0+32:]); off+size == uint64(len(out)) && off > phoff && le.Uint64(out[p0+16:]) == 0 {
		out = out[:off]
	}
	out = append(out, make([]byte, pad(len(out), 8))...)
	off := uint64(len(out))
	note := mftNote(disks, nets)
	out = append(out, note...)
	p := out[p0:][:phdrSize]
	le.PutUint64(p[8:], off)
	le.PutUint64(p[16:], 0) // vaddr, paddr: the note is not loaded
	le.PutUint64(p[24:], 0)
	le.PutUint64(p[32:], uint64(len(note)))
	le.PutUint64(p[40:], uint64(len(note)))
	le.PutUint64(p[48:], 8)
	// The result must be what the tender accepts, with exactly these devices.
	check, err := nelf.Parse(bytes.NewReader(out), int64(len(out)))
	if err != nil {
		return nil, fmt.Errorf("re-manifested image rejected: %v", err)
	}
	m, err := mft.Parse(check.Manifest)
	if err != nil || len(m.Entries) != len(disks)+len(nets)+1 {
		return nil, fmt.Errorf("re-manifested image: manifest unreadable: %v", err)
	}
	return out, nil
}
