/* cpu.h: picks the CPU helpers of the architecture being built. */
#ifndef CPU_H_INCLUDED
#define CPU_H_INCLUDED

#if defined(__x86_64__)
#include "cpu_x86_64.h"
#elif defined(__aarch64__)
#include "cpu_aarch64.h"
#else
#error "unsupported architecture"
#endif

#endif
