// Package bake joins the prebuilt library OS image and an unmodified static Linux ELF into one
// Solo5 spt unikernel: the app's PT_LOADs become extra PT_LOADs of the image.
package bake

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"fmt"
	"path/filepath"

	nelf "github.com/nabla-containers/nabla/internal/elf"
)

// Options of one bake.
type Options struct {
	// Arch is "x86_64" or "aarch64"; empty means the app's own.
	Arch string
	// Name is argv[0] of the app (at most 63 bytes are kept); empty means "app".
	Name string
	// Disks are the block devices the image's manifest declares (BLOCK_BASIC), in order:
	// "rootfs" for the root disk, "vol1", "vol2", ... for extra disks. The tender then
	// requires exactly these attached (--block:NAME=PATH).
	Disks []string
	// Nets are the network devices the manifest declares (NET_BASIC; the libOS drives
	// one, attached with --net:NAME=TAP): "service" by convention.
	Nets []string
}

// pieAlign is where a static-pie app is placed: the first 2 MiB boundary above the libOS.
const pieAlign = 2 << 20

// Bake returns the unikernel image for app (a whole static ELF file) on top of libos (the
// libOS image for the same arch, from guest/libos).
func Bake(libos, appFile []byte, o Options) ([]byte, error) {
	if err := checkDisks(o.Disks); err != nil {
		return nil, err
	}
	if err := checkNets(o.Nets, o.Disks); err != nil {
		return nil, err
	}
	a, err := parseApp(appFile)
	if err != nil {
		return nil, err
	}
	if o.Arch != "" && o.Arch != ArchName(a.machine) {
		return nil, fmt.Errorf("the app is built for %s, not %s", ArchName(a.machine), o.Arch)
	}
	li, err := nelf.Parse(bytes.NewReader(libos), int64(len(libos)))
	if err != nil {
		return nil, fmt.Errorf("libOS image: %v", err)
	}
	if elf.Machine(li.Machine) != a.machine {
		return nil, fmt.Errorf("libOS image is for %s, the app for %s", nelf.MachineName(li.Machine), ArchName(a.machine))
	}
	if _, ok := li.Notes[nelf.NoteKey{Name: NoteName, Type: NoteTypeLOS1}]; !ok {
		return nil, fmt.Errorf("libOS image has no %s/LOS1 note: not a libOS build", NoteName)
	}
	if bytes.Count(libos, []byte(appMagic)) != 1 {
		return nil, fmt.Errorf("libOS image: application descriptor not found exactly once")
	}
	libEnd := (li.MemEnd + pageSize - 1) &^ (pageSize - 1)

	var bias uint64
	if a.typ == elf.ET_DYN {
		bias = (libEnd+pieAlign-1)&^(pieAlign-1) - a.lo
	} else if a.lo < libEnd {
		return nil, fmt.Errorf("the app is linked at %#x, below the end of the libOS image (%#x); link it at 0x400000 or above, or position-independent (Go: -buildmode=pie, needed on arm64 where Go links at 0x10000)", a.lo, libEnd)
	}

	le := binary.LittleEndian
	out := bytes.Clone(libos)
	out = append(out, make([]byte, pad(len(out), pageSize))...)
	appOff := uint64(len(out))
	out = append(out, appFile...)
	out = append(out, make([]byte, pad(len(out), 8))...)

	// The new program header table: the libOS's own, then one PT_LOAD per app segment.
	lphoff := le.Uint64(libos[32:])
	lphnum := int(le.Uint16(libos[56:]))
	phoff := uint64(len(out))
	out = append(out, libos[lphoff:lphoff+uint64(lphnum)*phdrSize]...)
	for _, s := range a.segs {
		var p [phdrSize]byte
		le.PutUint32(p[0:], uint32(elf.PT_LOAD))
		le.PutUint32(p[4:], s.flags)
		le.PutUint64(p[8:], appOff+s.offset)
		le.PutUint64(p[16:], s.vaddr+bias)
		le.PutUint64(p[24:], s.vaddr+bias)
		le.PutUint64(p[32:], s.filesz)
		le.PutUint64(p[40:], s.memsz)
		le.PutUint64(p[48:], pageSize)
		out = append(out, p[:]...)
	}
	if a.needsReloc {
		if err := a.relocate(appFile, out, appOff, bias); err != nil {
			return nil, err
		}
	}
	total := lphnum + len(a.segs)
	if total > 0xffff {
		return nil, fmt.Errorf("too many program headers")
	}
	le.PutUint64(out[32:], phoff)
	le.PutUint16(out[56:], uint16(total))

	info := appInfo{
		entry: a.entry + bias, bias: bias, lo: a.lo + bias, hi: a.hi + bias,
		phnum: uint32(a.phnum), phdrs: a.phdrs, name: appName(o.Name), interp: a.interp != "",
	}
	if a.phdrAddr != 0 {
		info.phdr = a.phdrAddr + bias
	} else {
		info.phdrCopy = true
	}
	at := bytes.Index(out, []byte(appMagic))
	if at < 0 || at+appInfoSize > len(libos) {
		return nil, fmt.Errorf("libOS image: application descriptor is cut short")
	}
	info.encode(out[at : at+appInfoSize])

	// The result must be what the tender accepts.
	img, err := nelf.Parse(bytes.NewReader(out), int64(len(out)))
	if err != nil {
		return nil, fmt.Errorf("baked image rejected: %v", err)
	}
	if img.MemEnd < info.hi {
		return nil, fmt.Errorf("baked image: app segments missing")
	}
	if len(o.Disks) > 0 || len(o.Nets) > 0 {
		return WithDevices(out, o.Disks, o.Nets)
	}
	return out, nil
}

// appName keeps argv[0] printable and short.
func appName(n string) string {
	n = filepath.Base(n)
	if n == "" || n == "." || n == "/" {
		n = "app"
	}
	b := []byte(n)
	for i, c := range b {
		if c < 0x21 || c > 0x7e {
			b[i] = '_'
		}
	}
	if len(b) > nameSize-1 {
		b = b[:nameSize-1]
	}
	return string(b)
}

func pad(n, align int) int { return (align - n%align) % align }
