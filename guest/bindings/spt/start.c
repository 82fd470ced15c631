/* start.c: spt entry point and the image's ABI notes. */
#include "spt.h"
#include "crt.h"
#include "elf_abi.h"

ABI1_NOTE_DECLARE(ABI1_TARGET_SPT, SPT_ABI_VERSION);
OPENBSD_NOTE_DECLARE;
SOLO5_INTERP_DECLARE;

int spt_epollfd = -1;
int spt_timerfd = -1;

void _start(const struct spt_boot_info *bi) __attribute__((noreturn, used,
        no_stack_protector));

/* The tender jumps here with the boot info pointer as the first argument, the stack at
 * the top of guest memory and whatever thread pointer the host thread had. */
void _start(const struct spt_boot_info *bi)
{
    crt_init_ssp();
    /* TLS access before the application sets a base must fault, not use host TLS. */
    platform_set_tls_base(0);
    spt_epollfd = bi->epollfd;
    spt_timerfd = bi->timerfd;
    mft_init(bi->mft);
    start_app(bi->cmdline, bi->mem_size, "spt");
}
