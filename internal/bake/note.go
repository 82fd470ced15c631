// The libOS note: its name and type, shared with the spt tender's policy choice.
package bake

// NoteName and NoteTypeLOS1 identify the note the libOS image carries (guest/libos/note.c):
// its descriptor is the libOS text range [lo, hi) as two little-endian u64.
const (
	NoteName     = "Nabla"
	NoteTypeLOS1 = 0x31534f4c // "LOS1"
)
