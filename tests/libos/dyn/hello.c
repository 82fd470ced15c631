/* hello.c: a dynamically linked C program (glibc or musl): stdio, malloc, threads, a
 * dlopen of libm under glibc, stderr and an exit status, compared with its native run. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *work(void *arg)
{
    long n = (long)arg, s = 0;
    for (long i = 0; i < n; i++)
        s += i;
    return (void *)s;
}

int main(int argc, char **argv)
{
    printf("hello from %s with %d args:", argv[0], argc);
    for (int i = 1; i < argc; i++)
        printf(" [%s]", argv[i]);
    printf("\nHOME=%s\n", getenv("HOME"));
    size_t n = 8 << 20; /* above glibc's mmap threshold: a mapping of its own */
    char *big = malloc(n);
    memset(big, 'x', n);
    big = realloc(big, 2 * n); /* glibc: mremap */
    printf("big[%zu]=%c\n", n - 1, big[n - 1]);
    free(big);
    pthread_t t[3];
    for (long i = 0; i < 3; i++)
        pthread_create(&t[i], NULL, work, (void *)(1000 * (i + 1)));
    for (int i = 0; i < 3; i++) {
        void *r;
        pthread_join(t[i], &r);
        printf("thread %d: %ld\n", i, (long)r);
    }
#ifdef __GLIBC__
    void *m = dlopen("libm.so.6", RTLD_NOW);
    if (!m) {
        printf("dlopen: %s\n", dlerror());
        return 1;
    }
    double (*cbrt_fn)(double) = (double (*)(double))dlsym(m, "cbrt");
    printf("dlopen libm: cbrt(27) = %.1f\n", cbrt_fn(27.0));
    dlclose(m);
#endif
    fflush(stdout);
    fprintf(stderr, "bye on stderr\n");
    return argc > 2 ? 7 : 0;
}
