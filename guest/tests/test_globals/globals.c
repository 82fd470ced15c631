/* globals.c: .data starts initialised, .bss starts zeroed, both are writable. */
#include "test.h"

static volatile int data_int = 0x12345678;
static volatile char data_str[] = "initialised data";
static volatile long bss_longs[512];
static volatile int bss_int;
static const char rodata_str[] = "read-only data";

int solo5_app_main(const struct solo5_start_info *si)
{
    (void)si;
    if (data_int != 0x12345678)
        test_fail(".data not initialised");
    if (strcmp((const char *)data_str, "initialised data") != 0)
        test_fail(".data string not initialised");
    if (strcmp(rodata_str, "read-only data") != 0)
        test_fail(".rodata wrong");
    if (bss_int != 0)
        test_fail(".bss not zero");
    for (int i = 0; i < 512; i++) {
        if (bss_longs[i] != 0)
            test_fail(".bss array not zero");
    }
    data_int = 7;
    data_str[0] = 'I';
    bss_int = 9;
    for (int i = 0; i < 512; i++)
        bss_longs[i] = i * 3L;
    if (data_int != 7 || data_str[0] != 'I' || bss_int != 9)
        test_fail("globals not writable");
    for (int i = 0; i < 512; i++) {
        if (bss_longs[i] != i * 3L)
            test_fail(".bss array not writable");
    }
    test_puts("SUCCESS\n");
    return SOLO5_EXIT_SUCCESS;
}
