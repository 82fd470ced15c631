// x86_64 vCPU setup: long mode, flat segments, identity page tables, CPUID and TSC.
package hvt

import (
	"debug/elf"
	"fmt"

	"github.com/nabla-containers/nabla/abi"
	"github.com/nabla-containers/nabla/internal/kvm"
)

const hostMachine = elf.EM_X86_64

// setupVCPU prepares low memory and the vCPU so that it starts at entry in long mode,
// and returns the guest's cycle counter frequency (the TSC) in Hz.
func setupVCPU(sys *kvm.System, _ *kvm.VM, cpu *kvm.VCPU, mem []byte, memSize, entry uint64) (uint64, error) {
	if err := buildX86(mem, memSize); err != nil {
		return 0, err
	}
	if err := cpu.PassthroughCPUID(sys); err != nil {
		return 0, err
	}
	s, err := cpu.GetSregs()
	if err != nil {
		return 0, err
	}
	code := kvm.Segment{Base: 0, Limit: 0xffffffff, Selector: 0x08, Type: 9, Present: 1, S: 1, L: 1, G: 1}
	data := kvm.Segment{Base: 0, Limit: 0xffffffff, Selector: 0x10, Type: 3, Present: 1, DB: 1, S: 1, G: 1}
	s.CS = code
	s.DS, s.ES, s.FS, s.GS, s.SS = data, data, data, data, data
	s.TR = kvm.Segment{Type: 11, Present: 1} // busy 64-bit TSS; the guest loads its own
	s.LDT = kvm.Segment{Unusable: 1}
	s.GDT = kvm.DTable{Base: x86GDTBase, Limit: x86GDTLimit}
	s.IDT = kvm.DTable{}
	s.CR0, s.CR3, s.CR4, s.EFER = x86CR0, x86PML4, x86CR4, x86EFER
	if err := cpu.SetSregs(s); err != nil {
		return 0, err
	}
	r := kvm.Regs{
		RIP:    entry,
		RSP:    memSize - 8, // as if the entry had been called
		RDI:    abi.HVTBootInfoBase,
		RFLAGS: 0x2,
	}
	if err := cpu.SetRegs(&r); err != nil {
		return 0, err
	}
	khz, err := cpu.TSCKHz(sys)
	if err != nil {
		return 0, err
	}
	return khz * 1000, nil
}

// vcpuState describes where the vCPU stopped, for fault reports.
func vcpuState(cpu *kvm.VCPU) string {
	r, err := cpu.GetRegs()
	if err != nil {
		return ""
	}
	s, err := cpu.GetSregs()
	if err != nil {
		return ""
	}
	return fmt.Sprintf("rip=%#x rsp=%#x rflags=%#x cr2=%#x", r.RIP, r.RSP, r.RFLAGS, s.CR2)
}
