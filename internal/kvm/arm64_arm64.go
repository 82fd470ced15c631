// aarch64 vCPU state: target initialisation and registers through KVM_{GET,SET}_ONE_REG.
package kvm

import "fmt"

const (
	kvmSetOneReg          = 0x4010aeac // _IOW(0xae, 0xac, 16)
	kvmGetOneReg          = 0x4010aeab // _IOW(0xae, 0xab, 16)
	kvmArmVCPUInit        = 0x4020aeae // _IOW(0xae, 0xae, 32)
	kvmArmPreferredTarget = 0x8020aeaf // _IOR(0xae, 0xaf, 32)
)

// vcpuInit mirrors struct kvm_vcpu_init.
type vcpuInit struct {
	Target   uint32
	Features [7]uint32
}

// InitPreferred initialises the vCPU as the host's preferred target, no features.
func (c *VCPU) InitPreferred(vm *VM) error {
	var init vcpuInit
	if err := ioctlPtr(vm.fd, kvmArmPreferredTarget, &init); err != nil {
		return fmt.Errorf("KVM: KVM_ARM_PREFERRED_TARGET: %w", err)
	}
	init.Features = [7]uint32{}
	if err := ioctlPtr(c.fd, kvmArmVCPUInit, &init); err != nil {
		return fmt.Errorf("KVM: KVM_ARM_VCPU_INIT: %w", err)
	}
	return nil
}

// oneReg mirrors struct kvm_one_reg.
type oneReg struct {
	ID   uint64
	Addr uint64
}

// SetOneReg writes a 64-bit register.
func (c *VCPU) SetOneReg(id, v uint64) error {
	if err := setOneReg(c.fd, id, v); err != nil {
		return fmt.Errorf("KVM: KVM_SET_ONE_REG %#x: %w", id, err)
	}
	return nil
}

// GetOneReg reads a 64-bit register.
func (c *VCPU) GetOneReg(id uint64) (uint64, error) {
	v, err := getOneReg(c.fd, id)
	if err != nil {
		return 0, fmt.Errorf("KVM: KVM_GET_ONE_REG %#x: %w", id, err)
	}
	return v, nil
}
