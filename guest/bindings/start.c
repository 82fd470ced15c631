/* start.c: the target-independent part of start-up: options, banner, memory, app_main. */
#include "bindings.h"

static void banner(uint64_t mem_size, uintptr_t heap_start, const char *target)
{
    /* Integers, not pointer arithmetic on linker symbols (which -Warray-bounds dislikes). */
    uintptr_t stext = (uintptr_t)_stext, etext = (uintptr_t)_etext,
              erodata = (uintptr_t)_erodata, sdata = (uintptr_t)_sdata,
              ebss = (uintptr_t)_ebss;

    log_printf(LOG_INFO, "Solo5: Bindings version %s, target %s\n",
            BINDINGS_VERSION, target);
    log_printf(LOG_INFO, "Solo5: Memory map: %llu MB addressable:\n",
            (unsigned long long)(mem_size >> 20));
    log_printf(LOG_INFO, "Solo5:   reserved @ (0x0 - 0xfffff)\n");
    log_printf(LOG_INFO, "Solo5:       text @ (%p - %p)\n", (void *)stext,
            (void *)(etext - 1));
    log_printf(LOG_INFO, "Solo5:     rodata @ (%p - %p)\n", (void *)etext,
            (void *)(erodata - 1));
    log_printf(LOG_INFO, "Solo5:       data @ (%p - %p)\n", (void *)sdata,
            (void *)(ebss - 1));
    log_printf(LOG_INFO, "Solo5:       heap >= %p < stack < %p\n",
            (void *)heap_start, (void *)(uintptr_t)mem_size);
}

void start_app(const char *cmdline, uint64_t mem_size, const char *target)
{
    const char *args = cmdline_parse(cmdline);
    uintptr_t heap_start = ALIGN_UP((uintptr_t)_end, PAGE_SIZE);

    banner(mem_size, heap_start, target);
    if (mem_size < heap_start || mem_size - heap_start < MIN_FREE_MEMORY)
        bindings_panic("Not enough memory");

    struct solo5_start_info si = {
        .cmdline = args,
        .heap_start = heap_start,
        .heap_size = mem_size - heap_start,
    };
    solo5_exit(solo5_app_main(&si));
}
