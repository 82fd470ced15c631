/* A minimal spt guest for the tender's own tests: the first byte of the command line picks a behaviour. */
#define MFT_ENTRY_SIZE 104

	.section .note.solo5.abi, "a", @note
	.p2align 2
	.long 6, 16, 0x31494241		/* namesz, descsz, "ABI1" */
	.asciz "Solo5"
	.p2align 2
	.long 2, 2, 0, 0		/* target spt, ABI version 2 */

	.section .note.solo5.manifest, "a", @note
	.p2align 3
	.long 6, 4 + 8 + 2 * MFT_ENTRY_SIZE, 0x3154464d	/* "MFT1" */
	.asciz "Solo5"
	.p2align 2
	.long 0				/* pad so struct mft is 8-aligned */
	.long 1, 2			/* version, entries */
	.fill 68, 1, 0			/* e[0]: reserved */
	.long 1 << 30
	.fill 32, 1, 0
	.ascii "disk"			/* e[1]: block device "disk" */
	.fill 64, 1, 0
	.long 1
	.fill 32, 1, 0

	.text
	.globl _start
_start:
	mov %rdi, %r12			/* boot info */
	mov 16(%r12), %rsi		/* cmdline */
	movzbl (%rsi), %eax
	cmp $'h', %al
	je hello
	cmp $'s', %al
	je segv
	cmp $'d', %al
	je forbidden
	cmp $'e', %al
	je exit7
	cmp $'l', %al
	je spin
	cmp $'i', %al
	je info
	cmp $'r', %al
	je blockread
	mov $2, %edi
	jmp exit

hello:	/* write(1, cmdline, strlen(cmdline)) then exit 0 */
	mov %rsi, %rdx
1:	cmpb $0, (%rdx)
	je 2f
	inc %rdx
	jmp 1b
2:	sub %rsi, %rdx
	mov $1, %edi
	mov $1, %eax
	syscall
	xor %edi, %edi
	jmp exit

info:	/* write the boot info and the manifest copy (40 + 8 + 2*104 bytes) raw to stdout */
	mov $1, %edi
	mov %r12, %rsi
	mov $256, %edx
	mov $1, %eax
	syscall
	xor %edi, %edi
	jmp exit

blockread:	/* pread64(disk fd, 0x200000 - 4096, 512, 512); write it out */
	mov 24(%r12), %rax		/* mft */
	mov 8 + 104 + 88(%rax), %edi	/* e[1].hostfd */
	mov $0x1f0000, %rsi
	mov $512, %edx
	mov $512, %r10
	mov $17, %eax
	syscall
	cmp $512, %rax
	jne 3f
	mov $1, %edi
	mov $0x1f0000, %rsi
	mov $512, %edx
	mov $1, %eax
	syscall
	xor %edi, %edi
	jmp exit
3:	mov $3, %edi
	jmp exit

segv:	movq $1, 8
	jmp segv

forbidden:	/* dup(1) is not in the filter */
	mov $1, %edi
	mov $32, %eax
	syscall
	mov $4, %edi
	jmp exit

exit7:	mov $7, %edi
	jmp exit

spin:	jmp spin

exit:	mov $231, %eax
	syscall
	hlt
