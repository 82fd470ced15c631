/* entry_x86_64.S: the jump into the application and the signal return trampoline (libOS text). */
    .text

/* void arch_start_app(uint64_t entry, uint64_t sp): the ELF entry state: rsp at argc, rdx 0
 * (no exit handler for the app to register), every other register zero. */
    .globl arch_start_app
    .type arch_start_app, @function
arch_start_app:
    mov %rsi, %rsp
    mov %rdi, %rax
    xor %ebx, %ebx
    xor %ecx, %ecx
    xor %edx, %edx
    xor %esi, %esi
    xor %edi, %edi
    xor %ebp, %ebp
    xor %r8d, %r8d
    xor %r9d, %r9d
    xor %r10d, %r10d
    xor %r11d, %r11d
    xor %r12d, %r12d
    xor %r13d, %r13d
    xor %r14d, %r14d
    xor %r15d, %r15d
    jmp *%rax
    .size arch_start_app, . - arch_start_app

/* Every libOS handler returns here (SA_RESTORER): rt_sigreturn from inside libOS text, the
 * one place the policy allows it. */
    .globl libos_restorer
    .type libos_restorer, @function
libos_restorer:
    mov $15, %eax
    syscall
    ud2
    .size libos_restorer, . - libos_restorer

    .section .note.GNU-stack, "", @progbits
