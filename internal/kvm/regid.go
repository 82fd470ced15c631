// aarch64 register ids for KVM_{GET,SET}_ONE_REG, as data so they are testable anywhere.
package kvm

// Register id fields (arch/arm64/include/uapi/asm/kvm.h).
const (
	regARM64   = 0x6000000000000000
	regSizeU64 = 0x0030000000000000
	regARMCore = 0x0010 << 16
	regARMSys  = 0x0013 << 16
)

// ARM64CoreReg is the id of the u64 at byte offset off of struct kvm_regs.
func ARM64CoreReg(off uint64) uint64 { return regARM64 | regSizeU64 | regARMCore | off/4 }

// ARM64SysReg is the id of system register (op0, op1, CRn, CRm, op2).
func ARM64SysReg(op0, op1, crn, crm, op2 uint64) uint64 {
	return regARM64 | regSizeU64 | regARMSys | op0<<14 | op1<<11 | crn<<7 | crm<<3 | op2
}

// struct kvm_regs offsets: user_pt_regs { regs[31], sp, pc, pstate } then sp_el1.
var (
	RegX0     = ARM64CoreReg(0)
	RegSP     = ARM64CoreReg(31 * 8) // SP_EL0
	RegPC     = ARM64CoreReg(32 * 8)
	RegPSTATE = ARM64CoreReg(33 * 8)
	RegSPEL1  = ARM64CoreReg(34 * 8)

	RegSCTLREL1 = ARM64SysReg(3, 0, 1, 0, 0)
	RegCPACREL1 = ARM64SysReg(3, 0, 1, 0, 2)
	RegTTBR0EL1 = ARM64SysReg(3, 0, 2, 0, 0)
	RegTCREL1   = ARM64SysReg(3, 0, 2, 0, 2)
	RegMAIREL1  = ARM64SysReg(3, 0, 10, 2, 0)
)
