/* tls.c: two TLS blocks, switching the base between them; .tdata is initialised, .tbss zero. */
#include "test.h"

static __thread volatile unsigned tdata_var = 0xC0FFEE;
static __thread volatile unsigned long tbss_var;

#define BLOCK_MAX 256
static unsigned char block_a[BLOCK_MAX] __attribute__((aligned(16)));
static unsigned char block_b[BLOCK_MAX] __attribute__((aligned(16)));

/* Out of line, so each access reads the thread pointer after the last base switch. */
static __attribute__((noinline)) unsigned get_tdata(void) { return tdata_var; }
static __attribute__((noinline)) unsigned long get_tbss(void) { return tbss_var; }
static __attribute__((noinline)) void set_vars(unsigned d, unsigned long b)
{
    tdata_var = d;
    tbss_var = b;
}

static void use_block(unsigned char *block)
{
    if (solo5_set_tls_base(solo5_tls_tp_offset((uintptr_t)block)) != SOLO5_R_OK)
        test_fail("solo5_set_tls_base failed");
    __asm__ __volatile__("" : : : "memory");
}

static void expect(unsigned d, unsigned long b)
{
    if (get_tdata() != d || get_tbss() != b) {
        test_printf("tdata %x tbss %lu, expected %x %lu\n", get_tdata(), get_tbss(), d, b);
        test_fail("TLS variables have wrong values");
    }
}

int solo5_app_main(const struct solo5_start_info *si)
{
    (void)si;
    if (solo5_tls_size() > BLOCK_MAX)
        test_fail("TLS block larger than expected");
    if (solo5_tls_init(0) != SOLO5_R_EINVAL)
        test_fail("solo5_tls_init(0) accepted");
    memset(block_a, 0xaa, sizeof block_a);
    memset(block_b, 0x55, sizeof block_b);
    if (solo5_tls_init((uintptr_t)block_a) != SOLO5_R_OK
            || solo5_tls_init((uintptr_t)block_b) != SOLO5_R_OK)
        test_fail("solo5_tls_init failed");

    use_block(block_a);
    expect(0xC0FFEE, 0);
    set_vars(1, 2);
    expect(1, 2);

    use_block(block_b);
    expect(0xC0FFEE, 0);
    set_vars(3, 4);
    expect(3, 4);

    use_block(block_a);
    expect(1, 2);
    use_block(block_b);
    expect(3, 4);

    test_puts("SUCCESS\n");
    return SOLO5_EXIT_SUCCESS;
}
