/* fpu_aarch64.c: four single-precision products with NEON fmul. */
#include "fpu.h"

void fpu_mul4(const float *a, const float *b, float *r)
{
    __asm__ __volatile__(
            "ld1 {v0.4s}, [%0]\n\t"
            "ld1 {v1.4s}, [%1]\n\t"
            "fmul v0.4s, v0.4s, v1.4s\n\t"
            "st1 {v0.4s}, [%2]\n\t"
            : : "r"(a), "r"(b), "r"(r) : "v0", "v1", "memory");
}
