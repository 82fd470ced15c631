// The x86 ioctl structs must have the kernel's sizes, or the ioctl numbers lie.
package kvm

import (
	"reflect"
	"testing"
)

func TestX86Layout(t *testing.T) {
	for _, c := range []struct {
		v    any
		size uintptr
	}{{Regs{}, 144}, {Sregs{}, 312}, {Segment{}, 24}, {DTable{}, 16}, {cpuidEntry{}, 40}, {userMemoryRegion{}, 32}} {
		if s := reflect.TypeOf(c.v).Size(); s != c.size {
			t.Errorf("%T: %d bytes, want %d", c.v, s, c.size)
		}
	}
	if off, _ := reflect.TypeOf(Sregs{}).FieldByName("CR0"); off.Offset != 224 {
		t.Errorf("Sregs.CR0 at %d, want 224", off.Offset)
	}
}
