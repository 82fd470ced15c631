// KVM_{GET,SET}_ONE_REG pass the address of the value inside their argument.

//go:build arm64

package kvm

import "unsafe"

func setOneReg(fd int, id, v uint64) error {
	r := oneReg{ID: id, Addr: uint64(uintptr(unsafe.Pointer(&v)))}
	return ioctlPtr(fd, kvmSetOneReg, &r)
}

func getOneReg(fd int, id uint64) (uint64, error) {
	var v uint64
	r := oneReg{ID: id, Addr: uint64(uintptr(unsafe.Pointer(&v)))}
	err := ioctlPtr(fd, kvmGetOneReg, &r)
	return v, err
}
