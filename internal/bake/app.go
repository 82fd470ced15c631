// Checks of the application ELF: 64-bit, the right arch, loadable segments that fit, its interpreter.
package bake

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"fmt"
	"math/bits"
	"strings"
)

const pageSize = 0x1000

// segment is one PT_LOAD of the app.
type segment struct {
	flags                        uint32
	offset, vaddr, filesz, memsz uint64
}

// app is a checked application image.
type app struct {
	machine  elf.Machine
	typ      elf.Type
	entry    uint64
	phoff    uint64
	phnum    int
	phdrs    []byte // the raw program header table
	segs     []segment
	phdrAddr uint64 // link-time address of the program headers in memory, 0 if not loaded
	lo, hi   uint64 // page-aligned span of the PT_LOADs, before bias
	// needsReloc is set for a position-independent app that names an interpreter but needs
	// no library (Go's -buildmode=pie): bake applies its relative relocations itself.
	needsReloc bool
	// interp is the PT_INTERP of a dynamically linked app (libraries, or ET_EXEC with an
	// interpreter): the libOS loads that loader from the VFS at start and runs it first.
	interp          string
	dynOff, dynSize uint64 // PT_DYNAMIC in the file
}

// ArchName gives the bake --arch name of an ELF machine.
func ArchName(m elf.Machine) string {
	switch m {
	case elf.EM_X86_64:
		return "x86_64"
	case elf.EM_AARCH64:
		return "aarch64"
	}
	return m.String()
}

// parseApp checks app (the whole file) and returns its layout. Nothing in the file is
// trusted: sizes and offsets are checked against the file and for overflow.
func parseApp(b []byte) (a *app, err error) {
	if len(b) < 64 || string(b[:4]) != elf.ELFMAG {
		return nil, fmt.Errorf("not an ELF file")
	}
	if elf.Class(b[elf.EI_CLASS]) != elf.ELFCLASS64 || elf.Data(b[elf.EI_DATA]) != elf.ELFDATA2LSB {
		return nil, fmt.Errorf("not a 64-bit little-endian ELF file")
	}
	le := binary.LittleEndian
	a = &app{
		typ:     elf.Type(le.Uint16(b[16:])),
		machine: elf.Machine(le.Uint16(b[18:])),
		entry:   le.Uint64(b[24:]),
		phoff:   le.Uint64(b[32:]),
		phnum:   int(le.Uint16(b[56:])),
	}
	if a.machine != elf.EM_X86_64 && a.machine != elf.EM_AARCH64 {
		return nil, fmt.Errorf("unsupported architecture %v (want x86_64 or aarch64)", a.machine)
	}
	if a.typ != elf.ET_EXEC && a.typ != elf.ET_DYN {
		return nil, fmt.Errorf("not an executable (ELF type %v)", a.typ)
	}
	if le.Uint16(b[54:]) != phdrSize {
		return nil, fmt.Errorf("program header size %d, want %d", le.Uint16(b[54:]), phdrSize)
	}
	if a.phnum == 0 || a.phnum > maxPhdrs {
		return nil, fmt.Errorf("%d program headers (the libOS takes 1 to %d)", a.phnum, maxPhdrs)
	}
	end, carry := bits.Add64(a.phoff, uint64(a.phnum)*phdrSize, 0)
	if carry != 0 || end > uint64(len(b)) {
		return nil, fmt.Errorf("program header table is outside the file")
	}
	a.phdrs = b[a.phoff:end]
	interp, libs, err := dynamicInfo(b)
	if err != nil {
		return nil, err
	}
	switch {
	case interp != "" && len(libs) == 0 && a.typ == elf.ET_DYN:
		a.needsReloc = true // Go's -buildmode=pie: no loader needed, bake relocates
	case interp != "":
		a.interp = interp
	case len(libs) > 0:
		return nil, fmt.Errorf("needs %s but names no interpreter (PT_INTERP)", strings.Join(libs, ", "))
	}
	var phdrSeg uint64
	hasPhdr := false
	a.lo = ^uint64(0)
	for i := 0; i < a.phnum; i++ {
		p := a.phdrs[i*phdrSize:][:phdrSize]
		typ := elf.ProgType(le.Uint32(p))
		if typ == elf.PT_PHDR {
			phdrSeg, hasPhdr = le.Uint64(p[16:]), true
		}
		if typ == elf.PT_DYNAMIC {
			off, size := le.Uint64(p[8:]), le.Uint64(p[32:])
			if off > uint64(len(b)) || size > uint64(len(b))-off || size > 1<<20 {
				return nil, fmt.Errorf("dynamic section is outside the file")
			}
			a.dynOff, a.dynSize = off, size
		}
		if typ != elf.PT_LOAD {
			continue
		}
		s := segment{flags: le.Uint32(p[4:]), offset: le.Uint64(p[8:]), vaddr: le.Uint64(p[16:]),
			filesz: le.Uint64(p[32:]), memsz: le.Uint64(p[40:])}
		if err := checkSegment(i, s, uint64(len(b))); err != nil {
			return nil, err
		}
		start := s.vaddr &^ (pageSize - 1)
		if len(a.segs) > 0 && start < a.hi {
			return nil, fmt.Errorf("segment %d at %#x overlaps the previous one (ends %#x) at page granularity", i, s.vaddr, a.hi)
		}
		a.segs = append(a.segs, s)
		a.lo = min(a.lo, start)
		a.hi = (s.vaddr + s.memsz + pageSize - 1) &^ (pageSize - 1)
		// The program headers are in memory when a segment maps them from the file.
		if !hasPhdr && s.offset <= a.phoff && end <= s.offset+s.filesz {
			a.phdrAddr = s.vaddr + (a.phoff - s.offset)
		}
	}
	if len(a.segs) == 0 {
		return nil, fmt.Errorf("no loadable segment")
	}
	if hasPhdr {
		a.phdrAddr = phdrSeg
	}
	if a.entry < a.lo || a.entry >= a.hi {
		return nil, fmt.Errorf("entry point %#x is outside the loaded image [%#x, %#x)", a.entry, a.lo, a.hi)
	}
	// Without libraries bake relocates a PIE itself when it can (only relative
	// relocations); otherwise (musl's libc is its loader, so a musl program may name no
	// library) the interpreter does, as on Linux.
	if a.needsReloc && a.relocate(b, make([]byte, len(b)), 0, 0) != nil {
		a.needsReloc, a.interp = false, interp
	}
	if a.interp != "" && (a.interp[0] != '/' || len(a.interp) > 255) {
		return nil, fmt.Errorf("interpreter %q: want an absolute path of at most 255 bytes", a.interp)
	}
	return a, nil
}

// maxSpan bounds an app's address span (and keeps every sum below from overflowing).
const maxSpan = 1 << 36

func checkSegment(i int, s segment, size uint64) error {
	switch {
	case s.filesz > s.memsz:
		return fmt.Errorf("segment %d: file size %#x exceeds memory size %#x", i, s.filesz, s.memsz)
	case s.vaddr >= maxSpan || s.memsz >= maxSpan:
		return fmt.Errorf("segment %d: [%#x, +%#x) is outside the supported %d GiB", i, s.vaddr, s.memsz, maxSpan>>30)
	case s.offset > size || s.filesz > size-s.offset:
		return fmt.Errorf("segment %d: contents (offset %#x, %#x bytes) are outside the file", i, s.offset, s.filesz)
	case s.vaddr%pageSize != s.offset%pageSize:
		return fmt.Errorf("segment %d: address %#x and file offset %#x disagree modulo the page size", i, s.vaddr, s.offset)
	case s.flags&uint32(elf.PF_W) != 0 && s.flags&uint32(elf.PF_X) != 0:
		return fmt.Errorf("segment %d is writable and executable (the tender refuses W+X)", i)
	}
	return nil
}

// dynamicInfo returns the PT_INTERP path of an app ("" if none) and the libraries it needs.
func dynamicInfo(b []byte) (interp string, libs []string, err error) {
	f, ferr := elf.NewFile(bytes.NewReader(b))
	if ferr != nil {
		return "", nil, fmt.Errorf("unreadable ELF: %v", ferr)
	}
	// debug/elf is not meant for hostile input: a panic in it is a malformed file.
	defer func() {
		if r := recover(); r != nil {
			interp, libs, err = "", nil, fmt.Errorf("malformed ELF file")
		}
	}()
	for _, p := range f.Progs {
		if p.Type != elf.PT_INTERP {
			continue
		}
		if p.Filesz == 0 || p.Filesz >= 4096 {
			return "", nil, fmt.Errorf("PT_INTERP of %d bytes", p.Filesz)
		}
		buf := make([]byte, p.Filesz)
		if _, err := p.ReadAt(buf, 0); err != nil {
			return "", nil, fmt.Errorf("PT_INTERP is outside the file")
		}
		interp = strings.TrimRight(string(buf), "\x00")
		if interp == "" || strings.ContainsRune(interp, 0) {
			return "", nil, fmt.Errorf("PT_INTERP is not a path")
		}
	}
	libs, _ = f.ImportedLibraries()
	return interp, libs, nil
}

// Interpreter returns the loader (PT_INTERP) a dynamically linked app needs at run time
// from its root file system, or "" for a program that needs none (static, static-pie, or
// a Go PIE that bake relocates).
func Interpreter(appFile []byte) (string, error) {
	a, err := parseApp(appFile)
	if err != nil {
		return "", err
	}
	return a.interp, nil
}

// Check runs the checks Bake makes of app alone (a 64-bit ELF program for arch,
// "x86_64" or "aarch64", with sane segments), without a libOS image: for refusing a
// program early with the reason.
func Check(appFile []byte, arch string) error {
	a, err := parseApp(appFile)
	if err != nil {
		return err
	}
	if arch != "" && arch != ArchName(a.machine) {
		return fmt.Errorf("the app is built for %s, not %s", ArchName(a.machine), arch)
	}
	return nil
}
