/* fpu.c: SIMD floating point works in the guest (SSE mulps / NEON fmul). */
#include "test.h"
#include "fpu.h"

static float a[4] __attribute__((aligned(16))) = { 1.5f, 2.0f, -3.0f, 4.25f };
static float b[4] __attribute__((aligned(16))) = { 2.0f, 0.5f, 3.0f, -4.0f };
static float r[4] __attribute__((aligned(16)));
static const float want[4] = { 3.0f, 1.0f, -9.0f, -17.0f };

int solo5_app_main(const struct solo5_start_info *si)
{
    (void)si;
    fpu_mul4(a, b, r);
    for (int i = 0; i < 4; i++) {
        if (r[i] != want[i])
            test_fail("wrong SIMD product");
    }
    test_puts("SUCCESS\n");
    return SOLO5_EXIT_SUCCESS;
}
