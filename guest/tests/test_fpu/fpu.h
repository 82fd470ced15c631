/* fpu.h: the vector multiply each architecture implements in assembly. */
#ifndef FPU_TEST_H_INCLUDED
#define FPU_TEST_H_INCLUDED

/* r[i] = a[i] * b[i] for i in 0..3, with one SIMD multiply; all 16-byte aligned. */
void fpu_mul4(const float *a, const float *b, float *r);

#endif
