/* musl-signal: a handler runs on pthread_kill and interrupts a sleeping thread (EINTR). */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static volatile sig_atomic_t hits;
static volatile int started;

static void on_usr1(int sig)
{
    (void)sig;
    hits++;
}

static void *sleeper(void *arg)
{
    (void)arg;
    struct timespec req = { 10, 0 };
    started = 1;
    int r = nanosleep(&req, NULL);
    printf("sleeper: nanosleep returned %d (%s)\n", r, r ? strerror(errno) : "ok");
    return NULL;
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1; /* no SA_RESTART */
    sigaction(SIGUSR1, &sa, NULL);

    raise(SIGUSR1);
    printf("handler ran for raise: %d\n", hits == 1);

    pthread_t t;
    pthread_create(&t, NULL, sleeper, NULL);
    while (!started)
        sched_yield();
    struct timespec small = { 0, 20 * 1000000L };
    nanosleep(&small, NULL); /* let it block */
    pthread_kill(t, SIGUSR1);
    pthread_join(t, NULL);
    printf("handler ran for pthread_kill: %d\n", hits == 2);
    return 0;
}
