// The libOS's application descriptor (struct libos_app in guest/libos/libos.h) as bake writes it.
package bake

import "encoding/binary"

// Offsets of struct libos_app; guest/libos/core/app.c pins the same values with static asserts.
const (
	appMagic     = "NABLA-LIBOS-APP1"
	appVersion   = 1
	offVersion   = 16
	offFlags     = 20
	offEntry     = 24
	offPhdr      = 32
	offBias      = 40
	offLo        = 48
	offHi        = 56
	offPhnum     = 64
	offPhent     = 68
	offName      = 72
	nameSize     = 64
	offPhdrs     = 136
	maxPhdrs     = 32
	phdrSize     = 56
	appInfoSize  = offPhdrs + maxPhdrs*phdrSize
	flagPhdrCopy = 1
	flagInterp   = 2 // APP_FLAG_INTERP: the libOS loads the app's PT_INTERP from the VFS
)

// appInfo is what the libOS needs to start the app.
type appInfo struct {
	entry, phdr, bias, lo, hi uint64
	phnum                     uint32
	phdrCopy, interp          bool
	name                      string
	phdrs                     []byte
}

// encode writes the descriptor over b (appInfoSize bytes starting with the magic).
func (a appInfo) encode(b []byte) {
	le := binary.LittleEndian
	le.PutUint32(b[offVersion:], appVersion)
	var flags uint32
	if a.phdrCopy {
		flags |= flagPhdrCopy
	}
	if a.interp {
		flags |= flagInterp
	}
	le.PutUint32(b[offFlags:], flags)
	le.PutUint64(b[offEntry:], a.entry)
	le.PutUint64(b[offPhdr:], a.phdr)
	le.PutUint64(b[offBias:], a.bias)
	le.PutUint64(b[offLo:], a.lo)
	le.PutUint64(b[offHi:], a.hi)
	le.PutUint32(b[offPhnum:], a.phnum)
	le.PutUint32(b[offPhent:], phdrSize)
	name := b[offName : offName+nameSize]
	clear(name)
	copy(name[:nameSize-1], a.name)
	phdrs := b[offPhdrs : offPhdrs+maxPhdrs*phdrSize]
	clear(phdrs)
	copy(phdrs, a.phdrs)
}
