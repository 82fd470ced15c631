/* printf.c: a small integer-only snprintf for log lines (no floating point, for PVM). */
#include "bindings.h"

struct out {
    char *buf;
    size_t size; /* capacity including the NUL */
    size_t len;  /* characters produced so far (may exceed size) */
};

static void put(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void put_padded(struct out *o, const char *s, size_t n, int width,
        int left, char pad)
{
    int fill = width > (int)n ? width - (int)n : 0;
    if (!left) {
        while (fill-- > 0)
            put(o, pad);
    }
    for (size_t i = 0; i < n; i++)
        put(o, s[i]);
    if (left) {
        while (fill-- > 0)
            put(o, ' ');
    }
}

static void put_number(struct out *o, unsigned long long v, unsigned base,
        int upper, int negative, int width, int left, char pad)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    size_t n = 0;
    do {
        tmp[sizeof tmp - 1 - n++] = digits[v % base];
        v /= base;
    } while (v);
    if (negative) {
        if (pad == '0') {
            put(o, '-');
            if (width > 0)
                width--;
        } else {
            tmp[sizeof tmp - 1 - n++] = '-';
        }
    }
    put_padded(o, tmp + sizeof tmp - n, n, width, left, pad);
}

int lib_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = { buf, size, 0 };

    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            put(&o, *fmt);
            continue;
        }
        fmt++;
        int left = 0, width = 0, lng = 0;
        char pad = ' ';
        for (;; fmt++) {
            if (*fmt == '-')
                left = 1;
            else if (*fmt == '0')
                pad = '0';
            else
                break;
        }
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        int prec = -1; /* %.Ns: at most N bytes of the string */
        if (*fmt == '.') {
            prec = 0;
            for (fmt++; *fmt >= '0' && *fmt <= '9'; fmt++)
                prec = prec * 10 + (*fmt - '0');
        }
        for (;; fmt++) {
            if (*fmt == 'l')
                lng++;
            else if (*fmt == 'z')
                lng = 2;
            else
                break;
        }
        switch (*fmt) {
        case 'c': {
            char c = (char)va_arg(ap, int);
            put_padded(&o, &c, 1, width, left, ' ');
            break;
        }
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (s == NULL)
                s = "(null)";
            size_t n = strlen(s);
            if (prec >= 0 && (size_t)prec < n)
                n = (size_t)prec;
            put_padded(&o, s, n, width, left, ' ');
            break;
        }
        case 'd':
        case 'i': {
            long long v = lng ? va_arg(ap, long long) : va_arg(ap, int);
            unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v
                                         : (unsigned long long)v;
            put_number(&o, u, 10, 0, v < 0, width, left, pad);
            break;
        }
        case 'u':
        case 'o':
        case 'x':
        case 'X': {
            unsigned long long v = lng ? va_arg(ap, unsigned long long)
                                       : va_arg(ap, unsigned int);
            put_number(&o, v, *fmt == 'u' ? 10 : *fmt == 'o' ? 8 : 16, *fmt == 'X', 0, width,
                    left, pad);
            break;
        }
        case 'p':
            put(&o, '0');
            put(&o, 'x');
            put_number(&o, (uintptr_t)va_arg(ap, void *), 16, 0, 0, width,
                    left, pad);
            break;
        case '%':
            put(&o, '%');
            break;
        case '\0':
            fmt--; /* a lone '%' at the end: stop cleanly */
            break;
        default:
            put(&o, '%');
            put(&o, *fmt);
            break;
        }
    }
    if (size > 0)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return (int)o.len;
}

int lib_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = lib_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
