/* uaccess.c: copy-in and copy-out of app memory, checked against the address space map. */
#include "libos.h"
#include "mm/uaccess.h"
#include "mm/kalloc.h"

/* The app's own segments that are not writable (text, read-only data), from its program
 * headers: copy_to_user must not write there (the host page is read-only: a write would
 * fault inside the libOS). */
#define MAX_RO 16
static struct { uint64_t lo, hi; } ro[MAX_RO];
static int nro;

void uaccess_init_app(void)
{
    const uint8_t *ph = (libos_app.flags & APP_FLAG_PHDR_COPY) ?
            (const uint8_t *)libos_app.phdrs : (const uint8_t *)(uintptr_t)libos_app.phdr;
    for (uint32_t i = 0; i < libos_app.phnum && nro < MAX_RO; i++) {
        const uint8_t *p = ph + (size_t)i * 56;
        uint32_t type, flags;
        uint64_t vaddr, memsz;
        memcpy(&type, p, 4);
        memcpy(&flags, p + 4, 4);
        memcpy(&vaddr, p + 16, 8);
        memcpy(&memsz, p + 40, 8);
        if (type != 1 /* PT_LOAD */ || (flags & 2 /* PF_W */))
            continue;
        vaddr += libos_app.bias;
        ro[nro].lo = vaddr & ~4095ULL;
        ro[nro].hi = (vaddr + memsz + 4095) & ~4095ULL;
        nro++;
    }
}

int user_writable(uint64_t p, uint64_t len)
{
    if (!user_ok(p, len) || !user_rw(p, len))
        return 0;
    for (int i = 0; i < nro; i++)
        if (p < ro[i].hi && p + len > ro[i].lo)
            return 0;
    return 1;
}

int copy_from_user(void *dst, uint64_t src, size_t n)
{
    if (n == 0)
        return 0;
    if (!user_ok(src, n))
        return -EFAULT;
    memcpy(dst, (const void *)(uintptr_t)src, n);
    return 0;
}

int copy_to_user(uint64_t dst, const void *src, size_t n)
{
    if (n == 0)
        return 0;
    if (!user_writable(dst, n))
        return -EFAULT;
    memcpy((void *)(uintptr_t)dst, src, n);
    return 0;
}

long strncpy_from_user(char *dst, uint64_t src, size_t size)
{
    /* Page by page: the string may end just before memory the app does not have. */
    size_t got = 0;
    while (got < size) {
        uint64_t a = src + got;
        size_t chunk = (size_t)(4096 - (a & 4095));
        if (chunk > size - got)
            chunk = size - got;
        if (!user_ok(a, chunk))
            return -EFAULT;
        const char *s = (const char *)(uintptr_t)a;
        for (size_t i = 0; i < chunk; i++) {
            dst[got + i] = s[i];
            if (s[i] == 0)
                return (long)(got + i);
        }
        got += chunk;
    }
    return -ENAMETOOLONG;
}
