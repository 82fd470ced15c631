/* musl-pthreads: 8 threads, a mutex, condition variables, nanosleep and join. */
#include <pthread.h>
#include <stdio.h>
#include <time.h>

#define N 8

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int turn, total;

static void *worker(void *arg)
{
    int id = (int)(long)arg;
    struct timespec ts = { 0, 1000000L * id };
    nanosleep(&ts, NULL);
    for (int round = 0; round < 10; round++) {
        pthread_mutex_lock(&mu);
        while (turn % N != id)
            pthread_cond_wait(&cv, &mu);
        total += id;
        turn++;
        pthread_cond_broadcast(&cv);
        pthread_mutex_unlock(&mu);
    }
    return (void *)(long)(id * 2);
}

int main(void)
{
    pthread_t t[N];
    for (long i = 0; i < N; i++)
        if (pthread_create(&t[i], NULL, worker, (void *)i) != 0) {
            printf("pthread_create failed\n");
            return 1;
        }
    long sum = 0;
    for (int i = 0; i < N; i++) {
        void *r;
        pthread_join(t[i], &r);
        sum += (long)r;
    }
    printf("turns %d total %d joined %ld\n", turn, total, sum);
    return 0;
}
