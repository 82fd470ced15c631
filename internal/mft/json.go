// The JSON manifest format read by gen-manifest and printed by inspect.
package mft

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/nabla-containers/nabla/abi"
)

// JSONType is the value of the "type" key of a manifest JSON document.
const JSONType = "solo5.manifest"

// Doc is the JSON form of a manifest; the reserved entry is implicit.
type Doc struct {
	Type    string      `json:"type"`
	Version int         `json:"version"`
	Devices []DocDevice `json:"devices"`
}

// DocDevice is one device of a Doc.
type DocDevice struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// ParseJSON reads gen-manifest input. Names must match [A-Za-z0-9]{1,67} and be unique;
// at most 63 devices (entry 0 is reserved).
func ParseJSON(b []byte) (*Manifest, error) {
	var raw struct {
		Type    *string `json:"type"`
		Version *int    `json:"version"`
		Devices *[]struct {
			Name *string `json:"name"`
			Type *string `json:"type"`
		} `json:"devices"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("invalid manifest JSON: %s", oneLine(err))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("invalid manifest JSON: trailing data after the document")
	}
	if raw.Type == nil || *raw.Type != JSONType {
		return nil, fmt.Errorf("invalid manifest JSON: \"type\" must be %q", JSONType)
	}
	if raw.Version == nil || *raw.Version != abi.MFTVersion {
		return nil, fmt.Errorf("invalid manifest JSON: \"version\" must be %d", abi.MFTVersion)
	}
	if raw.Devices == nil {
		return nil, fmt.Errorf("invalid manifest JSON: \"devices\" is missing")
	}
	devs := *raw.Devices
	if len(devs) > abi.MFTMaxEntries-1 {
		return nil, fmt.Errorf("too many entries, maximum %d", abi.MFTMaxEntries-1)
	}
	m := &Manifest{Entries: []Entry{{Name: "", Type: abi.MFTReservedFirst}}}
	seen := map[string]bool{}
	for i, d := range devs {
		if d.Name == nil || d.Type == nil {
			return nil, fmt.Errorf("invalid manifest JSON: device %d needs \"name\" and \"type\"", i)
		}
		if err := CheckName(*d.Name); err != nil {
			return nil, fmt.Errorf("invalid manifest JSON: device %d: %v", i, err)
		}
		if seen[*d.Name] {
			return nil, fmt.Errorf("invalid manifest JSON: duplicate device name %q", *d.Name)
		}
		seen[*d.Name] = true
		var t uint32
		switch *d.Type {
		case "BLOCK_BASIC":
			t = abi.MFTBlockBasic
		case "NET_BASIC":
			t = abi.MFTNetBasic
		default:
			return nil, fmt.Errorf("invalid manifest JSON: device %q: unknown type %q (want BLOCK_BASIC or NET_BASIC)", *d.Name, *d.Type)
		}
		m.Entries = append(m.Entries, Entry{Name: *d.Name, Type: t})
	}
	return m, nil
}

// CheckName reports whether name is a valid device name: [A-Za-z0-9]{1,67}.
func CheckName(name string) error {
	if len(name) == 0 || len(name) > abi.MFTNameMax {
		return fmt.Errorf("name %.80q must have 1 to %d characters", name, abi.MFTNameMax)
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return fmt.Errorf("name %q must be alphanumeric", name)
		}
	}
	return nil
}

// Doc returns the JSON form of m, without the reserved entry, so that it round-trips
// through ParseJSON.
func (m *Manifest) Doc() Doc {
	d := Doc{Type: JSONType, Version: abi.MFTVersion, Devices: []DocDevice{}}
	for i, e := range m.Entries {
		if i == 0 {
			continue
		}
		d.Devices = append(d.Devices, DocDevice{Name: e.Name, Type: TypeName(e.Type)})
	}
	return d
}

// oneLine flattens an error message so it stays on one line.
func oneLine(err error) string {
	return string(bytes.ReplaceAll([]byte(err.Error()), []byte("\n"), []byte(" ")))
}
