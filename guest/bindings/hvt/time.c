/* time.c: hvt clocks (cycle counter scaled to ns; WALLTIME) and yield (POLL). */
#include "hvt.h"
#include "cpu.h"

/* ns = cycles * mult >> 32; mult = 1e9 * 2^32 / freq fits 64 bits for freq >= 1 Hz and
 * keeps the relative error below 1e-9 for GHz counters. */
static uint64_t ns_mult;

void time_init(uint64_t freq)
{
    if (freq == 0)
        bindings_panic("cycle counter frequency is 0");
    ns_mult = (1000000000ULL << 32) / freq;
}

solo5_time_t solo5_clock_monotonic(void)
{
    return (solo5_time_t)(((unsigned __int128)cpu_cycle_count() * ns_mult) >> 32);
}

solo5_time_t solo5_clock_wall(void)
{
    struct hvt_hc_walltime w = { 0 };
    hvt_hypercall(HVT_HYPERCALL_WALLTIME, &w);
    return w.nsecs;
}

void solo5_yield(solo5_time_t deadline, solo5_handle_set_t *ready_set)
{
    solo5_time_t now = solo5_clock_monotonic();
    struct hvt_hc_poll p = { .timeout_nsecs = deadline > now ? deadline - now : 0 };
    hvt_hypercall(HVT_HYPERCALL_POLL, &p);
    if (ready_set)
        *ready_set = p.ready_set;
}
