/* fastcall.S (x86_64): the entry of patched system call sites (sys/patch_x86_64.c), which
 * reach the libOS by a jump instead of a SIGSYS: no host signal, no rt_sigreturn.
 *
 * A site's stub jumps here with rax = the call number, rcx = the pc to resume at, every
 * other register as the app left it (rcx and r11 are the registers the syscall instruction
 * clobbers, so the app keeps nothing in them). The app's state goes into fast_uc, laid out
 * as the kernel lays out a signal frame's ucontext (abi.h), its FP state into fast_fp in
 * the kernel's xsave format; libos_fastcall dispatches with that frame exactly as the
 * SIGSYS handler does with the kernel's, and may rewrite it (the result, a signal handler's
 * entry, another thread, a new program). The whole frame is then loaded back and the app
 * resumes at its rip. The host thread is the only one, so one frame serves every call. */

#define G(n) (40 + 8 * (n)) /* the ucontext offset of greg n (abi.h's enum) */
#define R8 0
#define R9 1
#define R10 2
#define R11 3
#define R12 4
#define R13 5
#define R14 6
#define R15 7
#define RDI 8
#define RSI 9
#define RBP 10
#define RBX 11
#define RDX 12
#define RAX 13
#define RCX 14
#define RSP 15
#define RIP 16
#define EFLAGS 17

    .bss
    .balign 64
    .globl fast_uc
fast_uc:
    .skip 512
    .globl fast_fp
    .balign 64
fast_fp:
    .skip 4096 + 64
    .balign 16
fast_stack:
    .skip 256 * 1024
fast_stack_top:
fast_resume:
    .skip 8

    .text
    .globl libos_fastcall_entry
    .type libos_fastcall_entry, @function
libos_fastcall_entry:
    mov %rsp, fast_uc+G(RSP)(%rip)
    lea fast_stack_top(%rip), %rsp
    pushfq
    mov %r8, fast_uc+G(R8)(%rip)
    mov %r9, fast_uc+G(R9)(%rip)
    mov %r10, fast_uc+G(R10)(%rip)
    mov %r12, fast_uc+G(R12)(%rip)
    mov %r13, fast_uc+G(R13)(%rip)
    mov %r14, fast_uc+G(R14)(%rip)
    mov %r15, fast_uc+G(R15)(%rip)
    mov %rdi, fast_uc+G(RDI)(%rip)
    mov %rsi, fast_uc+G(RSI)(%rip)
    mov %rbp, fast_uc+G(RBP)(%rip)
    mov %rbx, fast_uc+G(RBX)(%rip)
    mov %rdx, fast_uc+G(RDX)(%rip)
    mov %rax, fast_uc+G(RAX)(%rip)
    mov %rcx, fast_uc+G(RCX)(%rip) /* as the kernel leaves them: rcx the pc, r11 the flags */
    mov %rcx, fast_uc+G(RIP)(%rip)
    pop %r11
    mov %r11, fast_uc+G(R11)(%rip)
    mov %r11, fast_uc+G(EFLAGS)(%rip)
    cld /* the C code's ABI */
    /* The FP state, as the kernel saves it for a signal: the same feature mask (taken from
     * the first SIGSYS frame), or the 512-byte fxsave image without xsave. */
    mov fast_xmask(%rip), %eax
    mov fast_xmask+4(%rip), %edx
    test %eax, %eax
    jz 1f
    xsave64 fast_fp(%rip)
    jmp 2f
1:  fxsave64 fast_fp(%rip)
2:  call libos_fastcall
    mov fast_xmask(%rip), %eax
    mov fast_xmask+4(%rip), %edx
    test %eax, %eax
    jz 3f
    xrstor64 fast_fp(%rip)
    jmp 4f
3:  fxrstor64 fast_fp(%rip)
4:  mov fast_uc+G(RIP)(%rip), %rax
    mov %rax, fast_resume(%rip)
    pushq fast_uc+G(EFLAGS)(%rip)
    popfq /* nothing below changes the flags */
    mov fast_uc+G(R8)(%rip), %r8
    mov fast_uc+G(R9)(%rip), %r9
    mov fast_uc+G(R10)(%rip), %r10
    mov fast_uc+G(R11)(%rip), %r11
    mov fast_uc+G(R12)(%rip), %r12
    mov fast_uc+G(R13)(%rip), %r13
    mov fast_uc+G(R14)(%rip), %r14
    mov fast_uc+G(R15)(%rip), %r15
    mov fast_uc+G(RDI)(%rip), %rdi
    mov fast_uc+G(RSI)(%rip), %rsi
    mov fast_uc+G(RBP)(%rip), %rbp
    mov fast_uc+G(RBX)(%rip), %rbx
    mov fast_uc+G(RDX)(%rip), %rdx
    mov fast_uc+G(RCX)(%rip), %rcx
    mov fast_uc+G(RAX)(%rip), %rax
    mov fast_uc+G(RSP)(%rip), %rsp
    jmp *fast_resume(%rip)
    .size libos_fastcall_entry, . - libos_fastcall_entry

    .section .note.GNU-stack, "", @progbits
