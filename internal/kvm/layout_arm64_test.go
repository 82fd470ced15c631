// The arm64 ioctl structs must have the kernel's sizes, or the ioctl numbers lie.
package kvm

import (
	"reflect"
	"testing"
)

func TestARM64Layout(t *testing.T) {
	for _, c := range []struct {
		v    any
		size uintptr
	}{{vcpuInit{}, 32}, {oneReg{}, 16}, {userMemoryRegion{}, 32}} {
		if s := reflect.TypeOf(c.v).Size(); s != c.size {
			t.Errorf("%T: %d bytes, want %d", c.v, s, c.size)
		}
	}
}
