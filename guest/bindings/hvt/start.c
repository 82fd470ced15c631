/* start.c: hvt entry point and the image's ABI notes. */
#include "hvt.h"
#include "crt.h"
#include "elf_abi.h"

ABI1_NOTE_DECLARE(ABI1_TARGET_HVT, HVT_ABI_VERSION);
OPENBSD_NOTE_DECLARE;
SOLO5_INTERP_DECLARE;

void _start(const struct hvt_boot_info *bi) __attribute__((noreturn, used,
        no_stack_protector));

/* The tender enters here with the boot info address as the first argument and the
 * stack at the top of guest memory; nothing else of the CPU is ours yet. */
void _start(const struct hvt_boot_info *bi)
{
    crt_init_ssp();
    cpu_init();
    time_init(bi->cpu_cycle_freq);
    mft_init((const struct mft *)(uintptr_t)bi->mft);
    start_app((const char *)(uintptr_t)bi->cmdline, bi->mem_size, "hvt");
}
