// Package kvm is a thin layer over the Linux KVM ioctls the hvt tender needs.
package kvm

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// ioctl request numbers (linux/kvm.h, _IO/_IOR/_IOW encodings are the same on amd64
// and arm64). Sizes are those of the argument structs below.
const (
	kvmGetAPIVersion       = 0xae00
	kvmCreateVM            = 0xae01
	kvmCheckExtension      = 0xae03
	kvmGetVCPUMmapSize     = 0xae04
	kvmCreateVCPU          = 0xae41
	kvmSetUserMemoryRegion = 0x4020ae46 // _IOW(0xae, 0x46, 32 bytes)
	kvmRun                 = 0xae80
)

// Capabilities the tender checks.
const (
	CapUserMemory    = 3
	CapGetTSCKHz     = 61
	CapImmediateExit = 136
)

// APIVersion is the only KVM API version there has ever been.
const APIVersion = 12

// System is an open /dev/kvm.
type System struct{ fd int }

// Open opens /dev/kvm and checks the API version.
func Open() (*System, error) {
	fd, err := unix.Open("/dev/kvm", unix.O_RDWR|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("KVM: cannot open /dev/kvm: %w", err)
	}
	s := &System{fd: fd}
	v, err := ioctl(fd, kvmGetAPIVersion, 0)
	if err != nil || v != APIVersion {
		s.Close()
		return nil, fmt.Errorf("KVM: unsupported API version %d (want %d): %v", v, APIVersion, err)
	}
	return s, nil
}

// FD is the /dev/kvm descriptor.
func (s *System) FD() int { return s.fd }

// Close closes /dev/kvm.
func (s *System) Close() error { return unix.Close(s.fd) }

// CheckExtension returns KVM_CHECK_EXTENSION's answer (0: absent).
func (s *System) CheckExtension(c int) int {
	v, err := ioctl(s.fd, kvmCheckExtension, uintptr(c))
	if err != nil {
		return 0
	}
	return v
}

// VM is a virtual machine.
type VM struct{ fd int }

// CreateVM makes a VM with the default machine type.
func (s *System) CreateVM() (*VM, error) {
	fd, err := ioctlRetry(s.fd, kvmCreateVM, 0)
	if err != nil {
		return nil, fmt.Errorf("KVM: KVM_CREATE_VM: %w", err)
	}
	return &VM{fd: fd}, nil
}

// FD is the VM descriptor.
func (vm *VM) FD() int { return vm.fd }

// Close closes the VM.
func (vm *VM) Close() error { return unix.Close(vm.fd) }

// SetMemory installs mem as memory slot 0 at guest physical address 0.
func (vm *VM) SetMemory(mem []byte) error {
	if len(mem) == 0 {
		return errors.New("KVM: empty guest memory")
	}
	if err := setUserMemoryRegion(vm.fd, 0, 0, mem); err != nil {
		return fmt.Errorf("KVM: KVM_SET_USER_MEMORY_REGION: %w", err)
	}
	return nil
}

// VCPU is a virtual CPU with its shared kvm_run page.
type VCPU struct {
	fd  int
	run []byte
}

// CreateVCPU makes vCPU id and maps its kvm_run area (size from the system fd).
func (vm *VM) CreateVCPU(s *System, id int) (*VCPU, error) {
	size, err := ioctl(s.fd, kvmGetVCPUMmapSize, 0)
	if err != nil || size <= 0 {
		return nil, fmt.Errorf("KVM: KVM_GET_VCPU_MMAP_SIZE: %d, %v", size, err)
	}
	fd, err := ioctlRetry(vm.fd, kvmCreateVCPU, uintptr(id))
	if err != nil {
		return nil, fmt.Errorf("KVM: KVM_CREATE_VCPU: %w", err)
	}
	run, err := unix.Mmap(fd, 0, size, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	if err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("KVM: mmap of kvm_run: %w", err)
	}
	return &VCPU{fd: fd, run: run}, nil
}

// FD is the vCPU descriptor.
func (c *VCPU) FD() int { return c.fd }

// RunData is the kvm_run area, shared with the kernel; decode it after Run returns.
func (c *VCPU) RunData() []byte { return c.run }

// runImmediateExit is the offset of kvm_run.immediate_exit.
const runImmediateExit = 1

// SetImmediateExit asks KVM_RUN to return EINTR at once (or clears the request); this is
// how another thread stops the vCPU without a race with entering the guest.
func (c *VCPU) SetImmediateExit(on bool) {
	var v byte
	if on {
		v = 1
	}
	storeRunByte(c.run, runImmediateExit, v)
}

// Run enters the guest once. It returns unix.EINTR when a signal interrupted it
// (Go's preemption signals do this often); the caller decides whether to retry.
func (c *VCPU) Run() error {
	_, err := ioctl(c.fd, kvmRun, 0)
	return err
}

// ioctlRetry retries an ioctl interrupted by a signal before it did anything.
func ioctlRetry(fd int, req, arg uintptr) (int, error) {
	for {
		v, err := ioctl(fd, req, arg)
		if err != unix.EINTR {
			return v, err
		}
	}
}

// ioctl is a plain integer-argument ioctl.
func ioctl(fd int, req, arg uintptr) (int, error) {
	r, _, e := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), req, arg)
	if e != 0 {
		return int(r), e
	}
	return int(r), nil
}
