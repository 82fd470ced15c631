/* tls.h: the image's TLS template as the linker script describes it. */
#ifndef TLS_H_INCLUDED
#define TLS_H_INCLUDED

#include <stdint.h>

/* .tdata is [_stdata, _etdata); .tbss ends at _etbss (addresses in the TLS template). The
 * linker script pads both to 16 bytes, the largest TLS alignment supported. */
extern char _stdata[], _etdata[], _etbss[];

#define TLS_ALIGN 16UL

static inline uintptr_t tls_data_size(void)
{
    return (uintptr_t)_etdata - (uintptr_t)_stdata;
}

/* Size of the whole TLS block (.tdata then .tbss), a multiple of TLS_ALIGN. */
static inline uintptr_t tls_block_size(void)
{
    uintptr_t n = (uintptr_t)_etbss - (uintptr_t)_stdata;
    return (n + TLS_ALIGN - 1) & ~(TLS_ALIGN - 1);
}

#endif
