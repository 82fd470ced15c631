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
// when it is the first note of its segment; later notes are only collected in Notes.
func (img *Image) addNotes(r io.ReaderAt, size int64, i int, p []byte, abiSeen *bool) error {
	off := le.Uint64(p[8:])
	filesz := le.Uint64(p[32:])
	if filesz < noteHdr {
		return errorf("note segment %d is %d bytes, too short for a note", i, filesz)
	}
	n := min(filesz, maxNoteSegment)
	// The whole segment must be in the file, even the part we do not read.
	if end, carry := bits.Add64(off, filesz, 0); carry != 0 || end > uint64(size) {
		return errorf("note segment %d (offset %#x, %d bytes) is outside the file", i, off, filesz)
	}
	b, err := readAt(r, size, off, n, "note segment")
	if err != nil {
		return err
	}
	first := true
	for len(b) >= noteHdr {
		namesz := uint64(le.Uint32(b[0:]))
		descsz := uint64(le.Uint32(b[4:]))
		typ := le.Uint32(b[8:])
		nameEnd := noteHdr + align4(namesz)
		descEnd := nameEnd + align4(descsz)
		if first && namesz == abi.NoteNameSize && len(b) >= noteHdr+abi.NoteNameSize &&
			string(b[noteHdr:noteHdr+abi.NoteNameSize]) == abi.NoteName+"\x00" {
			if err := img.solo5Note(i, typ, descsz, b, filesz, abiSeen); err != nil {
				return err
			}
			if typ == abi.NoteTypeABI1 || typ == abi.NoteTypeMFT1 {
				first = false
				if descEnd > uint64(len(b)) {
					break
				}
				b = b[descEnd:]
				continue
			}
		}
		first = false
		if descEnd > uint64(len(b)) {
			// A malformed or truncated trailing note: the loader never reads it.
			break
		}
		name := b[noteHdr : noteHdr+namesz]
		name = bytes.TrimRight(name, "\x00")
		k := NoteKey{Name: string(name), Type: typ}
		if _, dup := img.Notes[k]; !dup {
			img.Notes[k] = bytes.Clone(b[nameEnd : nameEnd+descsz])
		}
		b = b[descEnd:]
	}
	return nil
}

// solo5Note handles a Solo5 note at the start of a PT_NOTE segment of filesz bytes;
// b holds the segment's first bytes.
func (img *Image) solo5Note(i int, typ uint32, descsz uint64, b []byte, filesz uint64, abiSeen *bool) error {
	switch typ {
	case abi.NoteTypeABI1:
		if *abiSeen {
			return errorf("more than one ABI1 note")
		}
		if descsz != abi.ABI1DescSize {
			return errorf("ABI1 note size %d, want %d", descsz, abi.ABI1DescSize)
		}
		if filesz < abi.NoteHeaderSize+descsz || uint64(len(b)) < abi.NoteHeaderSize+descsz {
			return errorf("ABI1 note does not fit in note segment %d", i)
		}
		d := b[abi.NoteHeaderSize:]
		img.ABITarget = le.Uint32(d[0:])
		img.ABIVersion = le.Uint32(d[4:])
		*abiSeen = true
	case abi.NoteTypeMFT1:
		if img.Manifest != nil {
			return errorf("more than one MFT1 note")
		}
		if descsz <= abi.MFT1DescPad || descsz > abi.MFT1NoteMaxSize {
			return errorf("MFT1 note size %d is outside (%d, %d]", descsz, abi.MFT1DescPad, abi.MFT1NoteMaxSize)
		}
		if filesz < abi.NoteHeaderSize+descsz || uint64(len(b)) < abi.NoteHeaderSize+descsz {
			return errorf("MFT1 note does not fit in note segment %d", i)
		}
		img.Manifest = bytes.Clone(b[abi.NoteHeaderSize+abi.MFT1DescPad : abi.NoteHeaderSize+descsz])
	}
	return nil
}

// align4 rounds a note field size up to 4 bytes; sizes come from u32 fields, so this
// cannot overflow a u64.
func align4(n uint64) uint64 { return (n + 3) &^ 3 }
