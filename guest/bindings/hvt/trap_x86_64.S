/* trap_x86_64.S: one stub per exception vector, all ending in trap_handler. */

/* Vectors for which the CPU pushes an error code. */
#define HAS_EC(n) ((n) == 8 || ((n) >= 10 && (n) <= 14) || (n) == 17 || (n) == 21 || (n) == 29 || (n) == 30)

    .text
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    .balign 16
trap_stub_\n:
    .if !HAS_EC(\n)
    pushq $0
    .endif
    pushq $\n
    jmp trap_common
    .endr

trap_common:
    cld
    movq %rsp, %rdi         /* struct trap_frame * */
    andq $-16, %rsp         /* the C ABI's call alignment */
    call trap_handler
1:  hlt
    jmp 1b

    .section .rodata
    .balign 8
    .globl trap_stubs
trap_stubs:
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    .quad trap_stub_\n
    .endr

    .section .note.GNU-stack,"",@progbits
