/* musl-time: clock_gettime through musl's vDSO lookup: monotonic, in step with nanosleep. */
#include <stdio.h>
#include <time.h>
#include <sys/time.h>

static long long ns(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(void)
{
    long long prev = ns(CLOCK_MONOTONIC);
    int back = 0;
    for (int i = 0; i < 200000; i++) {
        long long now = ns(CLOCK_MONOTONIC);
        back += now < prev;
        prev = now;
    }
    printf("went back: %d\n", back);
    long long t0 = ns(CLOCK_MONOTONIC);
    struct timespec req = { 0, 30 * 1000000L };
    nanosleep(&req, NULL);
    long long el = ns(CLOCK_MONOTONIC) - t0;
    printf("sleep 30ms measured in [30ms, 2s): %d\n", el >= 30000000LL && el < 2000000000LL);
    struct timeval tv;
    gettimeofday(&tv, NULL);
    long long d = ns(CLOCK_REALTIME) - (tv.tv_sec * 1000000000LL + tv.tv_usec * 1000LL);
    printf("realtime and gettimeofday agree: %d\n", d > -1000000000LL && d < 1000000000LL);
    printf("year is plausible: %d\n", time(NULL) > 1700000000);
    return 0;
}
