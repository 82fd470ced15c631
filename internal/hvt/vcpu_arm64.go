// aarch64 vCPU setup: EL1 with the MMU on over identity tables; timer frequency from the host.
package hvt

import (
	"debug/elf"
	"fmt"

	"github.com/nabla-containers/nabla/abi"
	"github.com/nabla-containers/nabla/internal/kvm"
)

const hostMachine = elf.EM_AARCH64

// cntfrq reads CNTFRQ_EL0 on the host (cntfrq_arm64.s); KVM gives the guest the same
// counter, so its frequency is the guest's cycle frequency.
func cntfrq() uint64

// setupVCPU prepares low memory and the vCPU so that it starts at entry at EL1h, and
// returns the guest's counter frequency in Hz.
func setupVCPU(_ *kvm.System, vm *kvm.VM, cpu *kvm.VCPU, mem []byte, memSize, entry uint64) (uint64, error) {
	if err := buildARM64(mem, memSize); err != nil {
		return 0, err
	}
	if err := cpu.InitPreferred(vm); err != nil {
		return 0, err
	}
	for _, r := range []struct{ id, v uint64 }{
		{kvm.RegCPACREL1, armCPACR},
		{kvm.RegMAIREL1, armMAIR},
		{kvm.RegTCREL1, armTCR},
		{kvm.RegTTBR0EL1, armPGD},
		{kvm.RegSCTLREL1, armSCTLR},
		{kvm.RegPSTATE, armPSTATE},
		{kvm.RegPC, entry},
		{kvm.RegSPEL1, memSize - 16},
		{kvm.RegX0, abi.HVTBootInfoBase},
	} {
		if err := cpu.SetOneReg(r.id, r.v); err != nil {
			return 0, err
		}
	}
	return cntfrq(), nil
}

// vcpuState describes where the vCPU stopped, for fault reports.
func vcpuState(cpu *kvm.VCPU) string {
	pc, err := cpu.GetOneReg(kvm.RegPC)
	if err != nil {
		return ""
	}
	sp, _ := cpu.GetOneReg(kvm.RegSPEL1)
	return fmt.Sprintf("pc=%#x sp_el1=%#x", pc, sp)
}
