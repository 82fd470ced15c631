/* musl-itimer: interval timers as redis and other servers use them: setitimer's disarm and
 * old value, a periodic ITIMER_REAL's SIGALRMs (a blocked sleep interrupted, a spinning loop
 * interrupted), alarm's remaining seconds, bad arguments, and SIGALRM's default action. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t alarms;

static void on_alarm(int sig) { (void)sig; alarms++; }

int main(void)
{
    struct itimerval zero, old, v;
    memset(&zero, 0, sizeof zero);
    /* Disarming a disarmed timer (redis at start-up): old value all zero. */
    memset(&old, 0xff, sizeof old);
    int r = setitimer(ITIMER_REAL, &zero, &old);
    printf("disarm: %d, old %ld.%06ld/%ld.%06ld\n", r, (long)old.it_value.tv_sec, (long)old.it_value.tv_usec,
           (long)old.it_interval.tv_sec, (long)old.it_interval.tv_usec);
    /* A periodic 20 ms timer: getitimer sees it running, sleeps end early by the signal. */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
    v.it_value.tv_sec = 0, v.it_value.tv_usec = 20000;
    v.it_interval = v.it_value;
    printf("arm: %d\n", setitimer(ITIMER_REAL, &v, NULL));
    getitimer(ITIMER_REAL, &old);
    printf("running: value in (0, 20ms]: %d, interval %ld us\n",
           old.it_value.tv_sec == 0 && old.it_value.tv_usec > 0 && old.it_value.tv_usec <= 20000, (long)old.it_interval.tv_usec);
    struct timespec long_sleep = { 5, 0 };
    r = nanosleep(&long_sleep, NULL);
    printf("nanosleep interrupted: %d errno %s, alarms >= 1: %d\n", r, errno == EINTR ? "EINTR" : "?", alarms >= 1);
    /* A loop that makes no calls is interrupted too (the preemption tick). */
    int before = alarms;
    for (volatile unsigned long i = 0; alarms < before + 3; i++)
        ;
    printf("spinning loop saw 3 more alarms\n");
    setitimer(ITIMER_REAL, &zero, &old);
    printf("disarmed: old interval %ld us\n", (long)old.it_interval.tv_usec);
    /* alarm: the previous one's seconds left, rounded. */
    printf("alarm(10): %u\n", alarm(10));
    printf("alarm(3): %u\n", alarm(3));
    printf("alarm(0): %u\n", alarm(0));
    /* Bad arguments. */
    v.it_value.tv_usec = 1000000;
    r = setitimer(ITIMER_REAL, &v, NULL);
    printf("usec 1000000: %d %s\n", r, strerror(errno));
    r = setitimer(7, &zero, NULL);
    printf("which 7: %d %s\n", r, strerror(errno));
    r = getitimer(-1, &old);
    printf("getitimer which -1: %d %s\n", r, strerror(errno));
    /* SIGALRM's default action ends the process (status 128 + 14 from the shell's view). */
    fflush(stdout);
    signal(SIGALRM, SIG_DFL);
    alarm(1);
    pause();
    printf("not reached\n");
    return 0;
}
