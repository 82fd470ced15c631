/* entry_aarch64.S: the jump into the application and the signal return trampoline (libOS text). */
    .text

/* void arch_start_app(uint64_t entry, uint64_t sp): sp at argc, x0 0 (no exit handler for the
 * app to register), every other general register zero. */
    .globl arch_start_app
    .type arch_start_app, %function
arch_start_app:
    mov sp, x1
    mov x16, x0
    mov x0, xzr
    mov x1, xzr
    mov x2, xzr
    mov x3, xzr
    mov x4, xzr
    mov x5, xzr
    mov x6, xzr
    mov x7, xzr
    mov x8, xzr
    mov x9, xzr
    mov x10, xzr
    mov x11, xzr
    mov x12, xzr
    mov x13, xzr
    mov x14, xzr
    mov x15, xzr
    mov x17, xzr
    mov x18, xzr
    mov x19, xzr
    mov x20, xzr
    mov x21, xzr
    mov x22, xzr
    mov x23, xzr
    mov x24, xzr
    mov x25, xzr
    mov x26, xzr
    mov x27, xzr
    mov x28, xzr
    mov x29, xzr
    mov x30, xzr
    br x16
    .size arch_start_app, . - arch_start_app

/* Every libOS handler returns here (SA_RESTORER): rt_sigreturn from inside libOS text, the
 * one place the policy allows it. */
    .globl libos_restorer
    .type libos_restorer, %function
libos_restorer:
    mov x8, #139
    svc #0
    brk #0
    .size libos_restorer, . - libos_restorer

    .section .note.GNU-stack, "", %progbits
