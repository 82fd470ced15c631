// Fuzzing of the manifest parsers: no input may panic, accepted input round-trips.
package mft

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/nabla-containers/nabla/abi"
)

func FuzzParse(f *testing.F) {
	f.Add(sample().Encode(nil))
	f.Add((&Manifest{Entries: []Entry{{Type: abi.MFTReservedFirst}}}).Encode(nil))
	f.Add(sample().Encode(map[int]Attachment{1: {HostFD: 3, Capacity: 512, BlockSize: 512}}))
	f.Add([]byte{1, 0, 0, 0, 0x40, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := Parse(b)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("multi-line error %q", err)
			}
			return
		}
		if len(m.Entries) < 1 || len(m.Entries) > abi.MFTMaxEntries || m.Size() != len(b) {
			t.Fatalf("accepted %d entries from %d bytes", len(m.Entries), len(b))
		}
		m2, err := Parse(m.Encode(nil))
		if err != nil {
			t.Fatalf("re-encoded manifest rejected: %v", err)
		}
		if fmt.Sprint(m2.Entries) != fmt.Sprint(m.Entries) {
			t.Fatalf("round trip changed entries")
		}
		_ = m.GenerateC()
	})
}

func FuzzParseJSON(f *testing.F) {
	f.Add([]byte(`{"type":"solo5.manifest","version":1,"devices":[{"name":"storage","type":"BLOCK_BASIC"},{"name":"service","type":"NET_BASIC"}]}`))
	f.Add([]byte(`{"type":"solo5.manifest","version":1,"devices":[]}`))
	f.Add([]byte(`{"type":"solo5.manifest","version":1,"devices":[{"name":"a","type":"NET_BASIC"},{"name":"a","type":"NET_BASIC"}]}`))
	f.Add(devicesJSON(64, func(i int) string { return fmt.Sprint("x", i) }))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := ParseJSON(b)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("multi-line error %q", err)
			}
			return
		}
		if len(m.Entries) > abi.MFTMaxEntries {
			t.Fatalf("%d entries accepted", len(m.Entries))
		}
		// What ParseJSON accepts must survive the binary form and the JSON form.
		if _, err := Parse(m.Encode(nil)); err != nil {
			t.Fatalf("encoded manifest rejected: %v", err)
		}
		j, _ := json.Marshal(m.Doc())
		m2, err := ParseJSON(j)
		if err != nil || fmt.Sprint(m2.Entries) != fmt.Sprint(m.Entries) {
			t.Fatalf("JSON round trip: %v", err)
		}
		if c := m.GenerateC(); !bytes.HasSuffix(c, []byte("MFT1_NOTE_DECLARE_END\n")) {
			t.Fatalf("bad C output")
		}
	})
}
