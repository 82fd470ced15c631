// The PT_NOTE reader: the Solo5 ABI1 and MFT1 notes, and any other note.
package elf

import (
	"bytes"
	"io"
	"math/bits"

	"github.com/nabla-containers/nabla/abi"
)

const noteHdr = 12 // n_namesz, n_descsz, n_type

// addNotes reads PT_NOTE segment i. Like upstream, a Solo5 note is only recognised
// when it is the first note of its segment; every other note is collected in Notes.
func (img *Image) addNotes(r io.ReaderAt, size int64, i int, p []byte, abiSeen *bool) error {
	off := le.Uint64(p[8:])
	filesz := le.Uint64(p[32:])
	if filesz < noteHdr {
		return errorf("note segment %d is %d bytes, too short for a note", i, filesz)
	}
	// The whole segment must be in the file, even the parts never read.
	if end, carry := bits.Add64(off, filesz, 0); carry != 0 || end > uint64(size) {
		return errorf("note segment %d (offset %#x, %d bytes) is outside the file", i, off, filesz)
	}
	h, err := readAt(r, size, off, min(filesz, abi.NoteHeaderSize), "note header")
	if err != nil {
		return err
	}
	skip := uint64(0) // bytes of a leading Solo5 note, not collected again
	if typ, descsz, ok := solo5Header(h); ok && (typ == abi.NoteTypeABI1 || typ == abi.NoteTypeMFT1) {
		if err := img.solo5Note(r, size, i, off, filesz, typ, descsz, abiSeen); err != nil {
			return err
		}
		skip = abi.NoteHeaderSize + align4(descsz)
	}
	// Collect the other notes while the budget lasts: many program headers may point
	// at the same large segment.
	n := min(filesz, maxNoteSegment, img.noteBudget)
	if n <= skip {
		return nil
	}
	img.noteBudget -= n
	b, err := readAt(r, size, off, n, "note segment")
	if err != nil {
		return err
	}
	b = b[skip:]
	for len(b) >= noteHdr {
		namesz := uint64(le.Uint32(b[0:]))
		descsz := uint64(le.Uint32(b[4:]))
		nameEnd := noteHdr + align4(namesz)
		descEnd := nameEnd + align4(descsz)
		if descEnd > uint64(len(b)) {
			// Malformed, or cut by the read limit: the loader never reads it.
			break
		}
		k := NoteKey{Name: string(bytes.TrimRight(b[noteHdr:noteHdr+namesz], "\x00")), Type: le.Uint32(b[8:])}
		if _, dup := img.Notes[k]; !dup {
			img.Notes[k] = bytes.Clone(b[nameEnd : nameEnd+descsz])
		}
		b = b[descEnd:]
	}
	return nil
}

// solo5Header reports whether h (the first bytes of a note segment) starts a note named
// "Solo5", and returns its type and descriptor size.
func solo5Header(h []byte) (typ uint32, descsz uint64, ok bool) {
	if len(h) < abi.NoteHeaderSize || le.Uint32(h[0:]) != abi.NoteNameSize ||
		string(h[noteHdr:noteHdr+abi.NoteNameSize]) != abi.NoteName+"\x00" {
		return 0, 0, false
	}
	return le.Uint32(h[8:]), uint64(le.Uint32(h[4:])), true
}

// solo5Note reads the ABI1 or MFT1 note that starts the PT_NOTE segment i at off.
func (img *Image) solo5Note(r io.ReaderAt, size int64, i int, off, filesz uint64, typ uint32, descsz uint64, abiSeen *bool) error {
	// The segment is inside the file, so off+NoteHeaderSize+descsz (descsz checked
	// against filesz below) cannot overflow.
	switch typ {
	case abi.NoteTypeABI1:
		if *abiSeen {
			return errorf("more than one ABI1 note")
		}
		if descsz != abi.ABI1DescSize {
			return errorf("note does not fall within valid size: ABI1 note size %d, want %d", descsz, abi.ABI1DescSize)
		}
		if filesz < abi.NoteHeaderSize+descsz {
			return errorf("ABI1 note does not fit in note segment %d", i)
		}
		d, err := readAt(r, size, off+abi.NoteHeaderSize, descsz, "ABI1 note")
		if err != nil {
			return err
		}
		img.ABITarget = le.Uint32(d[0:])
		img.ABIVersion = le.Uint32(d[4:])
		*abiSeen = true
	case abi.NoteTypeMFT1:
		if img.Manifest != nil {
			return errorf("more than one MFT1 note")
		}
		if descsz <= abi.MFT1DescPad || descsz > abi.MFT1NoteMaxSize {
			return errorf("note does not fall within valid size: MFT1 note size %d is outside (%d, %d]", descsz, abi.MFT1DescPad, abi.MFT1NoteMaxSize)
		}
		if filesz < abi.NoteHeaderSize+descsz {
			return errorf("MFT1 note does not fit in note segment %d", i)
		}
		d, err := readAt(r, size, off+abi.NoteHeaderSize+abi.MFT1DescPad, descsz-abi.MFT1DescPad, "MFT1 note")
		if err != nil {
			return err
		}
		img.Manifest = d
	}
	return nil
}

// align4 rounds a note field size up to 4 bytes; sizes come from u32 fields, so this
// cannot overflow a u64.
func align4(n uint64) uint64 { return (n + 3) &^ 3 }
