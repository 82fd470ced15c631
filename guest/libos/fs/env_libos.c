/* env_libos.c: the file system's needs (fsenv.h) met by the libOS: kalloc, the wall clock, the process's identity. */
#include "libos.h"
#include "fs/fsenv.h"

#define cur_umask (curproc->umask) /* each process's; pid 1's starts at 022 */

/* Whole pages (file data) come as page runs, without kalloc's header, so a 4 KiB page
 * costs 4 KiB; the size given back to fs_free tells which kind a block is. */
void *fs_alloc(size_t n)
{
    if (n && n % PAGE_SIZE == 0)
        return kalloc_pages(n / PAGE_SIZE);
    return kalloc(n);
}

void fs_free(void *p, size_t n)
{
    if (n && n % PAGE_SIZE == 0)
        kfree_pages(p, n / PAGE_SIZE);
    else
        kfree(p);
}

void fs_now(int64_t *sec, int64_t *nsec)
{
    uint64_t t = solo5_clock_wall();
    *sec = (int64_t)(t / 1000000000ULL);
    *nsec = (int64_t)(t % 1000000000ULL);
}

/* The process's identity is the spec's process.user (the configuration's uid, gid,
 * groups); while the file system is set up at boot it is root's (mount points are made
 * as a runtime makes them). */
int fs_booting;
uint32_t fs_uid(void) { return fs_booting ? 0 : libos_cfg.uid; }
uint32_t fs_gid(void) { return fs_booting ? 0 : libos_cfg.gid; }
int fs_in_group(uint32_t gid)
{
    if (fs_booting)
        return gid == 0;
    if (gid == libos_cfg.gid)
        return 1;
    for (int i = 0; i < libos_cfg.ngroups; i++)
        if (libos_cfg.groups[i] == gid)
            return 1;
    return 0;
}
uint32_t fs_umask(void) { return cur_umask; }
uint32_t fs_set_umask(uint32_t m)
{
    uint32_t old = cur_umask;
    cur_umask = m & 0777;
    return old;
}

struct node **fs_cwd_slot(void) { return &curproc->cwd; }
