// The libOS note: its name and type, shared with the spt tender's policy choice.
package bake

// NoteName and NoteTypeLOS1 identify the note the libOS image carries (guest/libos/core/note.c):
// its descriptor is the libOS text range [lo, hi) as two little-endian u64, then (the 32-byte
// form the libOS builds now) its memory layout: va_extra and top_rw (spt.LibOSInfo). Bake
// copies the note as it is; the tender checks it.
const (
	NoteName     = "Nabla"
	NoteTypeLOS1 = 0x31534f4c // "LOS1"
)
