// Exit decoding from synthetic kvm_run contents, for both arches on any host.
package hvt

import (
	"encoding/binary"
	"strings"
	"testing"
)

func runIO(port uint16, size, dir byte, count uint32, val uint32) []byte {
	r := make([]byte, 4096)
	binary.LittleEndian.PutUint32(r[runExitReason:], exitReasonIO)
	r[runIODirection] = dir
	r[runIOSize] = size
	binary.LittleEndian.PutUint16(r[runIOPort:], port)
	binary.LittleEndian.PutUint32(r[runIOCount:], count)
	binary.LittleEndian.PutUint64(r[runIODataOffset:], 0x400)
	binary.LittleEndian.PutUint32(r[0x400:], val)
	return r
}

func runMMIO(addr uint64, n uint32, write byte, val uint32) []byte {
	r := make([]byte, 4096)
	binary.LittleEndian.PutUint32(r[runExitReason:], exitReasonMMIO)
	binary.LittleEndian.PutUint64(r[runMMIOAddr:], addr)
	binary.LittleEndian.PutUint32(r[runMMIOData:], val)
	binary.LittleEndian.PutUint32(r[runMMIOLen:], n)
	r[runMMIOIsWrite] = write
	return r
}

func runReason(reason uint32) []byte {
	r := make([]byte, 4096)
	binary.LittleEndian.PutUint32(r[runExitReason:], reason)
	return r
}

func TestDecodePIO(t *testing.T) {
	cases := []struct {
		name string
		run  []byte
		kind exitKind
		nr   uint32
		arg  uint64
		msg  string
	}{
		{"puts", runIO(0x502, 4, 1, 1, 0x1234), exitHypercall, 2, 0x1234, ""},
		{"reserved 0", runIO(0x500, 4, 1, 1, 8), exitHypercall, 0, 8, ""},
		{"halt", runIO(0x508, 4, 1, 1, 0xfffffff0), exitHypercall, 8, 0xfffffff0, ""},
		{"past range", runIO(0x509, 4, 1, 1, 0), exitFault, 0, 0, "Invalid guest port access: port=0x509"},
		{"below range", runIO(0x4ff, 4, 1, 1, 0), exitFault, 0, 0, "port=0x4ff"},
		{"ring kick", runIO(0x600, 4, 1, 1, 0), exitFault, 0, 0, "port=0x600"},
		{"in", runIO(0x501, 4, 0, 1, 0), exitFault, 0, 0, "port access"},
		{"outb", runIO(0x501, 1, 1, 1, 0), exitFault, 0, 0, "port access"},
		{"rep outs", runIO(0x501, 4, 1, 2, 0), exitFault, 0, 0, "port access"},
		{"mmio on ram", runMMIO(0x100000, 4, 1, 0), exitFault, 0, 0, "translation fault"},
		{"hlt", runReason(exitReasonHLT), exitFault, 0, 0, "halted"},
		{"shutdown", runReason(exitReasonShutdown), exitFault, 0, 0, "triple fault"},
		{"internal", runReason(exitReasonInternal), exitFault, 0, 0, "internal error"},
		{"intr", runReason(exitReasonIntr), exitRetry, 0, 0, ""},
		{"unknown", runReason(99), exitFault, 0, 0, "exit_reason=0x63"},
		{"short run", make([]byte, 16), exitFault, 0, 0, "too short"},
	}
	for _, c := range cases {
		check(t, c.name, decodePIO(c.run), c.kind, c.nr, c.arg, c.msg)
	}
	bad := runIO(0x501, 4, 1, 1, 0)
	binary.LittleEndian.PutUint64(bad[runIODataOffset:], 4094)
	check(t, "data offset past kvm_run", decodePIO(bad), exitFault, 0, 0, "data offset")
	binary.LittleEndian.PutUint64(bad[runIODataOffset:], ^uint64(0))
	check(t, "data offset wraps", decodePIO(bad), exitFault, 0, 0, "data offset")
}

func TestDecodeMMIO(t *testing.T) {
	const base = 0x100000000
	cases := []struct {
		name string
		run  []byte
		kind exitKind
		nr   uint32
		arg  uint64
		msg  string
	}{
		{"walltime", runMMIO(base+8, 4, 1, 0x2000), exitHypercall, 1, 0x2000, ""},
		{"halt", runMMIO(base+0x40, 4, 1, 0x3000), exitHypercall, 8, 0x3000, ""},
		{"past range", runMMIO(base+0x48, 4, 1, 0), exitFault, 0, 0, "outside guest memory"},
		{"below range", runMMIO(0xffffffff, 4, 1, 0), exitFault, 0, 0, "outside guest memory"},
		{"far away", runMMIO(^uint64(0), 4, 1, 0), exitFault, 0, 0, "outside guest memory"},
		{"read", runMMIO(base+8, 4, 0, 0), exitFault, 0, 0, "Invalid guest MMIO access"},
		{"8-byte store", runMMIO(base+8, 8, 1, 0), exitFault, 0, 0, "Invalid guest MMIO access"},
		{"misaligned", runMMIO(base+9, 4, 1, 0), exitFault, 0, 0, "Invalid guest MMIO access"},
		{"port io", runIO(0x501, 4, 1, 1, 0), exitFault, 0, 0, "port I/O"},
		{"internal", runReason(exitReasonInternal), exitFault, 0, 0, "internal error"},
		{"system event", runReason(exitReasonSystemEvent), exitFault, 0, 0, "system event"},
	}
	for _, c := range cases {
		check(t, c.name, decodeMMIO(c.run), c.kind, c.nr, c.arg, c.msg)
	}
}

func check(t *testing.T, name string, e vmExit, kind exitKind, nr uint32, arg uint64, msg string) {
	t.Helper()
	if e.kind != kind {
		t.Errorf("%s: kind %d, want %d (msg %q)", name, e.kind, kind, e.msg)
		return
	}
	if kind == exitHypercall && (e.nr != nr || uint64(e.arg) != arg) {
		t.Errorf("%s: nr=%d arg=%#x, want %d %#x", name, e.nr, e.arg, nr, arg)
	}
	if !strings.Contains(e.msg, msg) {
		t.Errorf("%s: msg %q does not contain %q", name, e.msg, msg)
	}
}
