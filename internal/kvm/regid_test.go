// Register ids against values computed by hand from the kernel's uapi headers.
package kvm

import "testing"

func TestARM64RegIDs(t *testing.T) {
	for _, c := range []struct {
		name     string
		id, want uint64
	}{
		{"x0", RegX0, 0x6030000000100000},
		{"pc", RegPC, 0x6030000000100040},
		{"pstate", RegPSTATE, 0x6030000000100042},
		{"sp_el1", RegSPEL1, 0x6030000000100044},
		{"sctlr_el1", RegSCTLREL1, 0x603000000013c080},
		{"cpacr_el1", RegCPACREL1, 0x603000000013c082},
		{"ttbr0_el1", RegTTBR0EL1, 0x603000000013c100},
		{"tcr_el1", RegTCREL1, 0x603000000013c102},
		{"mair_el1", RegMAIREL1, 0x603000000013c510},
	} {
		if c.id != c.want {
			t.Errorf("%s: %#x, want %#x", c.name, c.id, c.want)
		}
	}
}
