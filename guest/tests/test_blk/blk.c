/* blk.c: block write/read/verify across the device (last block included) and EINVAL cases. */
#include "test.h"

#define MAX_BLOCK 32768 /* block_size is a u16 power of two */
static uint8_t wbuf[MAX_BLOCK];
static uint8_t rbuf[MAX_BLOCK];

static void fill(uint8_t *buf, size_t n, uint64_t block)
{
    for (size_t i = 0; i < n; i++)
        buf[i] = (uint8_t)(block * 131 + i * 7 + (i >> 8));
}

static void expect_einval(solo5_result_t r, const char *what)
{
    if (r != SOLO5_R_EINVAL) {
        test_printf("%s: got %d, expected EINVAL\n", what, (int)r);
        test_fail("invalid block request accepted");
    }
}

int solo5_app_main(const struct solo5_start_info *si)
{
    (void)si;
    solo5_handle_t h;
    struct solo5_block_info info;

    if (solo5_block_acquire("nosuchdevice", &h, &info) != SOLO5_R_EINVAL)
        test_fail("acquired a device not in the manifest");
    if (solo5_block_acquire("storage", &h, &info) != SOLO5_R_OK)
        test_fail("solo5_block_acquire(storage) failed");
    uint64_t bs = info.block_size, cap = info.capacity;
    if (bs < 512 || bs > MAX_BLOCK || (bs & (bs - 1)) != 0 || cap < 2 * bs
            || cap % bs != 0)
        test_fail("implausible block device geometry");
    uint64_t nblocks = cap / bs;
    uint64_t step = nblocks / 16 ? nblocks / 16 : 1;

    /* Write every step-th block and the last one, then read them all back. */
    for (uint64_t pass = 0; pass < 2; pass++) {
        for (uint64_t blk = 0;; blk += step) {
            if (blk >= nblocks)
                blk = nblocks - 1;
            fill(wbuf, bs, blk);
            if (pass == 0) {
                if (solo5_block_write(h, blk * bs, wbuf, bs) != SOLO5_R_OK)
                    test_fail("block write failed");
            } else {
                memset(rbuf, 0, bs);
                if (solo5_block_read(h, blk * bs, rbuf, bs) != SOLO5_R_OK)
                    test_fail("block read failed");
                if (memcmp(rbuf, wbuf, bs) != 0)
                    test_fail("data read back differs from data written");
            }
            if (blk == nblocks - 1)
                break;
        }
    }

    expect_einval(solo5_block_read(h, cap, rbuf, bs), "read at capacity");
    expect_einval(solo5_block_write(h, cap, wbuf, bs), "write at capacity");
    expect_einval(solo5_block_read(h, cap - bs + 1, rbuf, bs), "read past the end");
    expect_einval(solo5_block_read(h, ~0ULL - bs + 1, rbuf, bs), "read at 2^64 - bs");
    expect_einval(solo5_block_read(h, 1, rbuf, bs), "misaligned read");
    expect_einval(solo5_block_write(h, bs / 2, wbuf, bs), "misaligned write");
    expect_einval(solo5_block_read(h, 0, rbuf, bs - 1), "short read");
    expect_einval(solo5_block_write(h, 0, wbuf, bs + 1), "long write");
    expect_einval(solo5_block_read(h, 0, rbuf, 0), "empty read");
    expect_einval(solo5_block_read(h, 0, rbuf, 2 * bs), "two-block read");
    expect_einval(solo5_block_read(0, 0, rbuf, bs), "handle 0");
    expect_einval(solo5_block_read(h + 1, 0, rbuf, bs), "unknown handle");
    expect_einval(solo5_block_write(64, 0, wbuf, bs), "handle 64");

    /* The valid last block is still readable after the rejected requests. */
    if (solo5_block_read(h, cap - bs, rbuf, bs) != SOLO5_R_OK)
        test_fail("last block read failed");

    test_puts("SUCCESS\n");
    return SOLO5_EXIT_SUCCESS;
}
