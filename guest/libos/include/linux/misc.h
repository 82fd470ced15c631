/* misc.h: small shared structures: iovec, utsname, rlimit. */
#ifndef LINUX_MISC_H
#define LINUX_MISC_H
#include <stdint.h>
struct k_iovec {
    uint64_t base;
    uint64_t len;
};

struct k_utsname {
    char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65];
};

struct k_rlimit {
    uint64_t cur, max;
};

#endif
