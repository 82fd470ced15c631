/* fpu_x86_64.c: four single-precision products with SSE mulps. */
#include "fpu.h"

void fpu_mul4(const float *a, const float *b, float *r)
{
    __asm__ __volatile__(
            "movaps (%0), %%xmm0\n\t"
            "movaps (%1), %%xmm1\n\t"
            "mulps %%xmm1, %%xmm0\n\t"
            "movaps %%xmm0, (%2)\n\t"
            : : "r"(a), "r"(b), "r"(r) : "xmm0", "xmm1", "memory");
}
