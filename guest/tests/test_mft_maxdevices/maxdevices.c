/* maxdevices.c: a manifest with the maximum 63 devices; the first and the last work. */
#include "test.h"

static uint8_t buf[32768];

static void check(const char *name, solo5_handle_t want)
{
    solo5_handle_t h;
    struct solo5_block_info info;
    if (solo5_block_acquire(name, &h, &info) != SOLO5_R_OK)
        test_fail("could not acquire a declared block device");
    if (h != want)
        test_fail("device handle is not its manifest index");
    if (info.block_size == 0 || info.block_size > sizeof buf
            || info.capacity < info.block_size)
        test_fail("implausible block device geometry");
    memset(buf, (int)want, info.block_size);
    if (solo5_block_write(h, 0, buf, info.block_size) != SOLO5_R_OK)
        test_fail("block write failed");
    memset(buf, 0, info.block_size);
    if (solo5_block_read(h, 0, buf, info.block_size) != SOLO5_R_OK)
        test_fail("block read failed");
    for (size_t i = 0; i < info.block_size; i++) {
        if (buf[i] != (uint8_t)want)
            test_fail("data read back differs");
    }
}

int solo5_app_main(const struct solo5_start_info *si)
{
    (void)si;
    solo5_handle_t h;
    struct solo5_block_info info;

    check("storage0", 1);
    check("storage62", 63);
    if (solo5_block_acquire("storage63", &h, &info) != SOLO5_R_EINVAL)
        test_fail("acquired a device not in the manifest");
    test_puts("SUCCESS\n");
    return SOLO5_EXIT_SUCCESS;
}
