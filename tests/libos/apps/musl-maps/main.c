/* musl-maps: reads /proc/self/maps and checks what programs look for in it: lines in
 * address order that do not overlap, the main stack named [stack] holding a local
 * variable, the program's code in an executable line, a 1 MiB malloc (an mmap) and a
 * fresh brk in writable lines, and a munmap'd block gone. Prints one verdict per check. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

struct line { uintptr_t lo, hi; char perm[5]; char name[256]; };
static struct line lines[4096];
static int n;

static int load(void)
{
    FILE *f = fopen("/proc/self/maps", "r");
    if (!f)
        return -1;
    char buf[512];
    n = 0;
    while (n < 4096 && fgets(buf, sizeof buf, f)) {
        struct line *l = &lines[n];
        unsigned long lo, hi, off, ino;
        unsigned maj, min;
        l->name[0] = 0;
        if (sscanf(buf, "%lx-%lx %4s %lx %x:%x %lu %255s", &lo, &hi, l->perm, &off, &maj, &min, &ino, l->name) < 7)
            return -2;
        l->lo = lo, l->hi = hi;
        n++;
    }
    fclose(f);
    return n;
}

static const struct line *find(const void *p)
{
    for (int i = 0; i < n; i++)
        if ((uintptr_t)p >= lines[i].lo && (uintptr_t)p < lines[i].hi)
            return &lines[i];
    return NULL;
}

static void say(const char *what, int ok) { printf("%s: %s\n", what, ok ? "yes" : "no"); }

int main(void)
{
    int local = 1;
    void *big = malloc(1 << 20);
    /* the brk system call itself: musl's sbrk only answers sbrk(0) */
    uintptr_t brk0 = (uintptr_t)syscall(SYS_brk, 0);
    uintptr_t brk1 = (uintptr_t)syscall(SYS_brk, brk0 + (64 << 10));
    void *gone = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(gone, 1 << 20);
    if (load() <= 0) {
        printf("cannot read /proc/self/maps\n");
        return 1;
    }
    int sorted = 1;
    for (int i = 1; i < n; i++)
        sorted &= lines[i - 1].hi <= lines[i].lo && lines[i - 1].lo < lines[i - 1].hi;
    say("lines in order, not overlapping", sorted);
    const struct line *l = find(&local);
    say("a local variable in [stack]", l && !strcmp(l->name, "[stack]") && l->perm[1] == 'w');
    l = find((void *)(uintptr_t)main);
    say("main's code executable", l && l->perm[2] == 'x');
    l = find(big);
    say("a 1 MiB malloc writable", l && l->perm[0] == 'r' && l->perm[1] == 'w');
    l = brk1 > brk0 ? find((void *)(brk1 - 1)) : NULL;
    say("the grown brk writable", l && l->perm[1] == 'w');
    say("a munmap'd block gone", find(gone) == NULL);
    free(big);
    return 0;
}
