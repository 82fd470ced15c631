/* log.c: console output of the bindings, filtered by the --solo5: log level. */
#include "bindings.h"

static enum log_level current_level = LOG_INFO;

void log_set_level(enum log_level level)
{
    current_level = level;
}

void log_printf(enum log_level level, const char *fmt, ...)
{
    char buf[512];
    va_list ap;

    if (level > current_level)
        return;
    va_start(ap, fmt);
    int n = lib_vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    size_t len = (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1;
    platform_puts(buf, len);
}

void solo5_console_write(const char *buf, size_t size)
{
    platform_puts(buf, size);
}
