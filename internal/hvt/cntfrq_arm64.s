// Read of the host's CNTFRQ_EL0 (accessible at EL0 on Linux).
#include "textflag.h"

// func cntfrq() uint64
TEXT ·cntfrq(SB), NOSPLIT, $0-8
	WORD	$0xd53be000 // mrs x0, cntfrq_el0
	MOVD	R0, ret+0(FP)
	RET
