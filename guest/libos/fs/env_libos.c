/* env_libos.c: the file system's needs (fsenv.h) met by the libOS: kalloc, the wall clock, the process's identity. */
#include "libos.h"
#include "fs/fsenv.h"

static uint32_t cur_umask = 022;

void *fs_alloc(size_t n) { return kalloc(n); }
void fs_free(void *p, size_t n) { (void)n; kfree(p); }

void fs_now(int64_t *sec, int64_t *nsec)
{
    uint64_t t = solo5_clock_wall();
    *sec = (int64_t)(t / 1000000000ULL);
    *nsec = (int64_t)(t % 1000000000ULL);
}

/* The app runs as root until process.user lands in the configuration (getuid says 0). */
uint32_t fs_uid(void) { return 0; }
uint32_t fs_gid(void) { return 0; }
int fs_in_group(uint32_t gid) { return gid == 0; }
uint32_t fs_umask(void) { return cur_umask; }
uint32_t fs_set_umask(uint32_t m)
{
    uint32_t old = cur_umask;
    cur_umask = m & 0777;
    return old;
}
