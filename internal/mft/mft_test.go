// Tests of manifest parsing, JSON input, C generation and the guest copy.
package mft

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/nabla-containers/nabla/abi"
)

func sample() *Manifest {
	return &Manifest{Entries: []Entry{
		{Name: "", Type: abi.MFTReservedFirst},
		{Name: "storage", Type: abi.MFTBlockBasic},
		{Name: "service", Type: abi.MFTNetBasic},
	}}
}

func TestParseRoundTrip(t *testing.T) {
	m := sample()
	b := m.Encode(nil)
	if len(b) != 8+3*104 {
		t.Fatalf("size %d", len(b))
	}
	got, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got.Entries) != fmt.Sprint(m.Entries) {
		t.Errorf("got %v, want %v", got.Entries, m.Entries)
	}
	if i, ok := got.Index("service"); !ok || i != 2 {
		t.Errorf("Index(service) = %d, %v", i, ok)
	}
	if _, ok := got.Index(""); ok {
		t.Errorf("the reserved entry was found by name")
	}
	if _, ok := got.Index("nope"); ok {
		t.Errorf("unknown name found")
	}
}

func TestEncodeAttached(t *testing.T) {
	m := sample()
	b := m.Encode(map[int]Attachment{
		1: {HostFD: 4, Capacity: 1 << 20, BlockSize: 512},
		2: {HostFD: 5, MAC: [6]byte{2, 1, 2, 3, 4, 5}, MTU: 1500},
		7: {HostFD: 9}, // out of range: ignored
	})
	le := binary.LittleEndian
	e := func(i int) []byte { return b[abi.MFTHeaderSize+i*abi.MFTEntrySize:][:abi.MFTEntrySize] }
	if string(e(1)[:7]) != "storage" || le.Uint32(e(1)[68:]) != abi.MFTBlockBasic {
		t.Errorf("entry 1 name/type wrong")
	}
	if le.Uint64(e(1)[72:]) != 1<<20 || le.Uint16(e(1)[80:]) != 512 || le.Uint32(e(1)[88:]) != 4 || e(1)[96] != 1 {
		t.Errorf("block entry: % x", e(1)[68:])
	}
	if !bytes.Equal(e(2)[72:78], []byte{2, 1, 2, 3, 4, 5}) || le.Uint16(e(2)[78:]) != 1500 || le.Uint32(e(2)[88:]) != 5 || e(2)[96] != 1 {
		t.Errorf("net entry: % x", e(2)[68:])
	}
	if e(0)[96] != 0 {
		t.Errorf("reserved entry marked attached")
	}
	// The tender's copy must not pass the image checks (attached is set).
	if _, err := Parse(b); err == nil || !strings.Contains(err.Error(), "attached") {
		t.Errorf("Parse of the attached copy: %v", err)
	}
}

func TestParseBad(t *testing.T) {
	le := binary.LittleEndian
	valid := sample().Encode(nil)
	with := func(f func(b []byte)) []byte { c := bytes.Clone(valid); f(c); return c }
	entry := func(b []byte, i int) []byte { return b[8+i*104:][:104] }
	max := &Manifest{Entries: []Entry{{Type: abi.MFTReservedFirst}}}
	for i := 1; i < 65; i++ {
		max.Entries = append(max.Entries, Entry{Name: fmt.Sprintf("d%d", i), Type: abi.MFTBlockBasic})
	}
	cases := []struct {
		name string
		b    []byte
		want string
	}{
		{"empty", nil, "shorter than"},
		{"short", valid[:7], "shorter than"},
		{"truncated", valid[:len(valid)-1], "does not match 3 entries"},
		{"extra", append(bytes.Clone(valid), 0), "does not match"},
		{"version", with(func(b []byte) { le.PutUint32(b, 2) }), "unsupported version 2"},
		{"zero entries", with(func(b []byte) { le.PutUint32(b[4:], 0) }), "no entries"},
		{"65 entries", max.Encode(nil), "65 entries, maximum 64"},
		{"huge entries", with(func(b []byte) { le.PutUint32(b[4:], 0xffffffff) }), "maximum 64"},
		{"entries disagree", with(func(b []byte) { le.PutUint32(b[4:], 2) }), "does not match 2 entries"},
		{"no reserved", with(func(b []byte) { le.PutUint32(entry(b, 0)[68:], abi.MFTBlockBasic) }), "not the reserved entry"},
		{"reserved named", with(func(b []byte) { entry(b, 0)[0] = 'x' }), "not the reserved entry"},
		{"unterminated", with(func(b []byte) { copy(entry(b, 1), bytes.Repeat([]byte{'a'}, 68)) }), "not NUL-terminated"},
		{"attached", with(func(b []byte) { entry(b, 1)[96] = 1 }), "marked attached"},
		{"unknown type", with(func(b []byte) { le.PutUint32(entry(b, 1)[68:], 3) }), "unknown type"},
		{"second reserved", with(func(b []byte) { le.PutUint32(entry(b, 1)[68:], abi.MFTReservedFirst) }), "unknown type"},
		{"duplicate", with(func(b []byte) { copy(entry(b, 2), "storage\x00") }), "duplicate name \"storage\""},
		{"empty name", with(func(b []byte) { entry(b, 2)[0] = 0 }), "empty name"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := Parse(c.b)
			if err == nil {
				t.Fatalf("accepted: %+v", m)
			}
			if !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q, want one line containing %q", err, c.want)
			}
		})
	}
	// 64 entries (63 devices) is the maximum and fine.
	max.Entries = max.Entries[:64]
	if _, err := Parse(max.Encode(nil)); err != nil {
		t.Errorf("64 entries: %v", err)
	}
}

func TestParseJSON(t *testing.T) {
	m, err := ParseJSON([]byte(`{"type":"solo5.manifest","version":1,"devices":[{"name":"storage","type":"BLOCK_BASIC"},{"name":"service","type":"NET_BASIC"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(m.Entries) != fmt.Sprint(sample().Entries) {
		t.Errorf("got %v", m.Entries)
	}
	// Doc round-trips.
	j, err := json.Marshal(m.Doc())
	if err != nil {
		t.Fatal(err)
	}
	m2, err := ParseJSON(j)
	if err != nil {
		t.Fatalf("%s: %v", j, err)
	}
	if fmt.Sprint(m2.Entries) != fmt.Sprint(m.Entries) {
		t.Errorf("round trip: %v", m2.Entries)
	}
	// No devices at all is a valid manifest with just the reserved entry.
	m, err = ParseJSON([]byte(`{"type":"solo5.manifest","version":1,"devices":[]}`))
	if err != nil || len(m.Entries) != 1 {
		t.Errorf("empty devices: %v %v", m, err)
	}
}

func devicesJSON(n int, name func(i int) string) []byte {
	var d []string
	for i := 0; i < n; i++ {
		d = append(d, fmt.Sprintf(`{"name":%q,"type":"BLOCK_BASIC"}`, name(i)))
	}
	return []byte(`{"type":"solo5.manifest","version":1,"devices":[` + strings.Join(d, ",") + `]}`)
}

func TestParseJSONBad(t *testing.T) {
	seq := func(i int) string { return fmt.Sprintf("d%d", i) }
	cases := []struct {
		name, in, want string
	}{
		{"not json", `{`, "invalid manifest JSON"},
		{"trailing", `{"type":"solo5.manifest","version":1,"devices":[]} {}`, "trailing data"},
		{"wrong type", `{"type":"solo5.other","version":1,"devices":[]}`, `"type" must be`},
		{"no type", `{"version":1,"devices":[]}`, `"type" must be`},
		{"version 2", `{"type":"solo5.manifest","version":2,"devices":[]}`, `"version" must be 1`},
		{"no devices", `{"type":"solo5.manifest","version":1}`, `"devices" is missing`},
		{"unknown key", `{"type":"solo5.manifest","version":1,"devices":[],"x":1}`, "unknown field"},
		{"unknown dev type", `{"type":"solo5.manifest","version":1,"devices":[{"name":"a","type":"FOO"}]}`, "unknown type"},
		{"no name", `{"type":"solo5.manifest","version":1,"devices":[{"type":"NET_BASIC"}]}`, "needs"},
		{"empty name", `{"type":"solo5.manifest","version":1,"devices":[{"name":"","type":"NET_BASIC"}]}`, "1 to 67"},
		{"bad char", `{"type":"solo5.manifest","version":1,"devices":[{"name":"a-b","type":"NET_BASIC"}]}`, "alphanumeric"},
		{"nul", `{"type":"solo5.manifest","version":1,"devices":[{"name":"a\u0000","type":"NET_BASIC"}]}`, "alphanumeric"},
		{"68 chars", string(devicesJSON(1, func(int) string { return strings.Repeat("a", 68) })), "1 to 67"},
		{"duplicate", string(devicesJSON(2, func(int) string { return "same" })), `duplicate device name "same"`},
		{"64 devices", string(devicesJSON(64, seq)), "too many entries, maximum 63"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := ParseJSON([]byte(c.in))
			if err == nil {
				t.Fatalf("accepted: %+v", m)
			}
			if !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q, want one line containing %q", err, c.want)
			}
		})
	}
	m, err := ParseJSON(devicesJSON(63, seq))
	if err != nil || len(m.Entries) != 64 {
		t.Errorf("63 devices: %v", err)
	}
	if _, err := ParseJSON(devicesJSON(1, func(int) string { return strings.Repeat("Z9", 33) + "a" })); err != nil {
		t.Errorf("67-char name: %v", err)
	}
}

func TestGenerateC(t *testing.T) {
	m := sample()
	m.Entries = m.Entries[:2]
	want := `/* generated by nabla gen-manifest; do not edit */
#define MFT_ENTRIES 2
#include "mft_abi.h"
MFT1_NOTE_DECLARE_BEGIN
{
    .version = MFT_VERSION, .entries = 2,
    .e = {
        { .name = "", .type = MFT_RESERVED_FIRST },
        { .name = "storage", .type = MFT_DEV_BLOCK_BASIC },
    }
}
MFT1_NOTE_DECLARE_END
`
	if got := string(m.GenerateC()); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	// Names that did not come from ParseJSON are escaped, never emitted raw.
	m.Entries[1].Name = "a\"b\\\n"
	if got := string(m.GenerateC()); !strings.Contains(got, `.name = "a\042b\134\012"`) {
		t.Errorf("escaping: %s", got)
	}
}
