// Matching an image's machine with the architecture a tender runs on.
package elf

import (
	"debug/elf"
	"fmt"
)

// machineOf maps GOARCH to the ELF machine of the images that architecture runs.
var machineOf = map[string]elf.Machine{"amd64": elf.EM_X86_64, "arm64": elf.EM_AARCH64}

// CheckMachine refuses an image for another architecture than goarch ("amd64", "arm64").
func (img *Image) CheckMachine(goarch string) error {
	m, ok := machineOf[goarch]
	if !ok {
		return fmt.Errorf("architecture %s runs no Solo5 images", goarch)
	}
	if uint16(m) != img.Machine {
		return fmt.Errorf("executable is for %s, this host is %s", MachineName(img.Machine), MachineName(uint16(m)))
	}
	return nil
}
