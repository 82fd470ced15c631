// Package mft reads, validates, generates and encodes the Solo5 application manifest.
package mft

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"github.com/nabla-containers/nabla/abi"
)

// Entry is one manifest entry: a device name and its abi.MFT* type.
type Entry struct {
	Name string
	Type uint32
}

// Manifest is a validated manifest. Entries[0] is the reserved entry; the handle of a
// device is its index in Entries.
type Manifest struct {
	Entries []Entry
}

// Parse validates the struct mft bytes of an image's MFT1 note the way the tender does
// (mft_validate), and additionally requires unique, non-empty device names and known
// device types.
func Parse(b []byte) (*Manifest, error) {
	if len(b) < abi.MFTHeaderSize {
		return nil, fmt.Errorf("invalid manifest: %d bytes, shorter than its %d-byte header", len(b), abi.MFTHeaderSize)
	}
	le := binary.LittleEndian
	version := le.Uint32(b[0:])
	n := le.Uint32(b[4:])
	if version != abi.MFTVersion {
		return nil, fmt.Errorf("invalid manifest: unsupported version %d (want %d)", version, abi.MFTVersion)
	}
	if n < 1 {
		return nil, fmt.Errorf("invalid manifest: no entries (the reserved entry is missing)")
	}
	if n > abi.MFTMaxEntries {
		return nil, fmt.Errorf("invalid manifest: %d entries, maximum %d", n, abi.MFTMaxEntries)
	}
	// n <= 64, so this cannot overflow.
	want := abi.MFTHeaderSize + int(n)*abi.MFTEntrySize
	if len(b) != want {
		return nil, fmt.Errorf("invalid manifest: size %d does not match %d entries (want %d)", len(b), n, want)
	}
	m := &Manifest{Entries: make([]Entry, 0, n)}
	seen := make(map[string]int, n)
	for i := 0; i < int(n); i++ {
		e := b[abi.MFTHeaderSize+i*abi.MFTEntrySize:][:abi.MFTEntrySize]
		raw := e[abi.MFTEntryOffName : abi.MFTEntryOffName+abi.MFTNameSize]
		if raw[abi.MFTNameSize-1] != 0 {
			return nil, fmt.Errorf("invalid manifest: entry %d: name is not NUL-terminated", i)
		}
		name := string(raw[:bytes.IndexByte(raw, 0)])
		typ := le.Uint32(e[abi.MFTEntryOffType:])
		if e[abi.MFTEntryOffAttached] != 0 {
			return nil, fmt.Errorf("invalid manifest: entry %d (%q) is marked attached in the image", i, name)
		}
		if i == 0 {
			if typ != abi.MFTReservedFirst || name != "" {
				return nil, fmt.Errorf("invalid manifest: entry 0 is not the reserved entry")
			}
			m.Entries = append(m.Entries, Entry{Name: name, Type: typ})
			continue
		}
		if typ != abi.MFTBlockBasic && typ != abi.MFTNetBasic {
			return nil, fmt.Errorf("invalid manifest: entry %d (%q) has unknown type %#x", i, name, typ)
		}
		if name == "" {
			return nil, fmt.Errorf("invalid manifest: entry %d has an empty name", i)
		}
		if j, dup := seen[name]; dup {
			return nil, fmt.Errorf("invalid manifest: duplicate name %q (entries %d and %d)", name, j, i)
		}
		seen[name] = i
		m.Entries = append(m.Entries, Entry{Name: name, Type: typ})
	}
	return m, nil
}

// Index returns the handle (index) of the device called name. The reserved entry 0
// is never found.
func (m *Manifest) Index(name string) (int, bool) {
	for i, e := range m.Entries {
		if i > 0 && e.Name == name {
			return i, true
		}
	}
	return 0, false
}

// TypeName returns the manifest JSON name of a device type, or "" if unknown.
func TypeName(t uint32) string {
	switch t {
	case abi.MFTBlockBasic:
		return "BLOCK_BASIC"
	case abi.MFTNetBasic:
		return "NET_BASIC"
	case abi.MFTReservedFirst:
		return "RESERVED_FIRST"
	}
	return ""
}
