/* vectors_aarch64.S: the EL1 vector table; every entry reports and ends the guest. */

    .text
    .balign 2048
    .globl vectors
vectors:
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
    .balign 128
    mov x0, #\n
    mrs x1, esr_el1
    mrs x2, far_el1
    mrs x3, elr_el1
    b trap_handler
    .endr

    .section .note.GNU-stack,"",@progbits
