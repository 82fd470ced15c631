/* random.c: getrandom and AT_RANDOM from ChaCha20 keyed by the host's seed and the CPU's generator. */
#include "libos.h"

static uint32_t key[8], counter, nonce[3];
static uint8_t pool[64];
static unsigned pool_left;

static inline uint32_t rotl(uint32_t v, int n)
{
    return (v << n) | (v >> (32 - n));
}

#define QR(a, b, c, d) \
    a += b; d ^= a; d = rotl(d, 16); c += d; b ^= c; b = rotl(b, 12); \
    a += b; d ^= a; d = rotl(d, 8); c += d; b ^= c; b = rotl(b, 7)

static void chacha_block(uint8_t out[64])
{
    static const uint32_t sigma[4] = { 0x61707865, 0x3320646e, 0x79622d32, 0x6b206574 };
    uint32_t in[16], x[16];
    memcpy(in, sigma, 16);
    memcpy(in + 4, key, 32);
    in[12] = counter++;
    memcpy(in + 13, nonce, 12);
    memcpy(x, in, sizeof x);
    for (int i = 0; i < 10; i++) {
        QR(x[0], x[4], x[8], x[12]); QR(x[1], x[5], x[9], x[13]);
        QR(x[2], x[6], x[10], x[14]); QR(x[3], x[7], x[11], x[15]);
        QR(x[0], x[5], x[10], x[15]); QR(x[1], x[6], x[11], x[12]);
        QR(x[2], x[7], x[8], x[13]); QR(x[3], x[4], x[9], x[14]);
    }
    for (int i = 0; i < 16; i++)
        x[i] += in[i];
    memcpy(out, x, 64);
}

/* The tender writes 32 bytes from the host kernel's getrandom here (the LOS1 note names the
 * address; .data, so it is inside a loaded writable segment): the only entropy on CPUs
 * without a generator (ARMv8.0, such as the Raspberry Pi 3's Cortex-A53, has no RNDR). */
uint8_t libos_seed[32] __attribute__((section(".data")));

void rnd_init(void)
{
    int ok = 0, any = 0;
    uint8_t host = 0;
    for (int i = 0; i < 32; i++)
        host |= libos_seed[i];
    for (int i = 0; i < 4; i++) {
        uint64_t v = arch_random64(&ok), s;
        any |= ok;
        memcpy(&s, libos_seed + 8 * i, 8);
        /* Mixed with the clocks too, so even a run with neither source varies. */
        v ^= s ^ solo5_clock_wall() * 0x9e3779b97f4a7c15ULL ^ (solo5_clock_monotonic() << 17);
        memcpy(&key[2 * i], &v, 8);
    }
    memset(libos_seed, 0, sizeof libos_seed); /* the key is all that is needed from now on */
    if (!any && !host)
        log_printf(LOG_WARN, "libos: no host seed and no CPU random generator; getrandom is seeded from clocks\n");
    uint64_t t = solo5_clock_monotonic();
    memcpy(nonce, &t, 8);
    pool_left = 0;
}

void rnd_fill(void *buf, size_t n)
{
    uint8_t *b = buf;
    while (n) {
        if (!pool_left) {
            chacha_block(pool);
            pool_left = 64;
            if (counter == 0) { /* rekey before the counter wraps */
                uint8_t k[64];
                chacha_block(k);
                memcpy(key, k, sizeof key);
            }
        }
        size_t k = n < pool_left ? n : pool_left;
        memcpy(b, pool + 64 - pool_left, k);
        memset(pool + 64 - pool_left, 0, k); /* forward secrecy for what was handed out */
        pool_left -= (unsigned)k;
        b += k;
        n -= k;
    }
}
