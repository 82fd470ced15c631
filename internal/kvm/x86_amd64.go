// x86_64 vCPU state: registers, segment/system registers, CPUID and the TSC frequency.
package kvm

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

const (
	kvmGetRegs         = 0x8090ae81 // _IOR(0xae, 0x81, 144)
	kvmSetRegs         = 0x4090ae82 // _IOW(0xae, 0x82, 144)
	kvmGetSregs        = 0x8138ae83 // _IOR(0xae, 0x83, 312)
	kvmSetSregs        = 0x4138ae84 // _IOW(0xae, 0x84, 312)
	kvmGetSupportedCPU = 0xc008ae05 // _IOWR(0xae, 0x05, 8)
	kvmSetCPUID2       = 0x4008ae90 // _IOW(0xae, 0x90, 8)
	kvmGetTSCKHz       = 0xaea3
)

// Regs mirrors struct kvm_regs (x86).
type Regs struct {
	RAX, RBX, RCX, RDX, RSI, RDI, RSP, RBP uint64
	R8, R9, R10, R11, R12, R13, R14, R15   uint64
	RIP, RFLAGS                            uint64
}

// Segment mirrors struct kvm_segment.
type Segment struct {
	Base                         uint64
	Limit                        uint32
	Selector                     uint16
	Type, Present, DPL, DB, S, L uint8
	G, AVL, Unusable, Padding    uint8
}

// DTable mirrors struct kvm_dtable.
type DTable struct {
	Base    uint64
	Limit   uint16
	Padding [3]uint16
}

// Sregs mirrors struct kvm_sregs.
type Sregs struct {
	CS, DS, ES, FS, GS, SS, TR, LDT Segment
	GDT, IDT                        DTable
	CR0, CR2, CR3, CR4, CR8         uint64
	EFER, APICBase                  uint64
	InterruptBitmap                 [4]uint64
}

// GetRegs reads the general registers.
func (c *VCPU) GetRegs() (*Regs, error) {
	var r Regs
	if err := ioctlPtr(c.fd, kvmGetRegs, &r); err != nil {
		return nil, fmt.Errorf("KVM: KVM_GET_REGS: %w", err)
	}
	return &r, nil
}

// SetRegs writes the general registers.
func (c *VCPU) SetRegs(r *Regs) error {
	if err := ioctlPtr(c.fd, kvmSetRegs, r); err != nil {
		return fmt.Errorf("KVM: KVM_SET_REGS: %w", err)
	}
	return nil
}

// GetSregs reads the special registers.
func (c *VCPU) GetSregs() (*Sregs, error) {
	var s Sregs
	if err := ioctlPtr(c.fd, kvmGetSregs, &s); err != nil {
		return nil, fmt.Errorf("KVM: KVM_GET_SREGS: %w", err)
	}
	return &s, nil
}

// SetSregs writes the special registers.
func (c *VCPU) SetSregs(s *Sregs) error {
	if err := ioctlPtr(c.fd, kvmSetSregs, s); err != nil {
		return fmt.Errorf("KVM: KVM_SET_SREGS: %w", err)
	}
	return nil
}

// cpuidEntry mirrors struct kvm_cpuid_entry2 (40 bytes).
type cpuidEntry struct {
	Function, Index, Flags, EAX, EBX, ECX, EDX uint32
	Padding                                    [3]uint32
}

// PassthroughCPUID gives the vCPU every CPUID leaf KVM supports, unchanged. The buffer
// grows on E2BIG, since hosts differ in how many leaves they report.
func (c *VCPU) PassthroughCPUID(s *System) error {
	for n := 100; n <= 4096; n *= 2 {
		buf, err := getSupportedCPUID(s.fd, n)
		if errors.Is(err, unix.E2BIG) {
			continue
		}
		if err != nil {
			return fmt.Errorf("KVM: KVM_GET_SUPPORTED_CPUID: %w", err)
		}
		if err := setCPUID2(c.fd, buf); err != nil {
			return fmt.Errorf("KVM: KVM_SET_CPUID2: %w", err)
		}
		return nil
	}
	return errors.New("KVM: KVM_GET_SUPPORTED_CPUID: more than 4096 leaves")
}

// TSCKHz returns the guest TSC frequency in kHz.
func (c *VCPU) TSCKHz(s *System) (uint64, error) {
	if s.CheckExtension(CapGetTSCKHz) == 0 {
		return 0, errors.New("KVM: KVM_CAP_GET_TSC_KHZ is not available")
	}
	v, err := ioctlRetry(c.fd, kvmGetTSCKHz, 0)
	if errors.Is(err, unix.EIO) {
		return 0, errors.New("KVM: host TSC is unstable")
	}
	if err != nil || v <= 0 {
		return 0, fmt.Errorf("KVM: KVM_GET_TSC_KHZ: %d, %v", v, err)
	}
	return uint64(v), nil
}
