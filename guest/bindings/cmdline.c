/* cmdline.c: strips and applies the leading --solo5:<level> options of the command line. */
#include "bindings.h"

#define OPT_PREFIX "--solo5:"

struct level_name {
    const char *name;
    enum log_level level;
};

static const struct level_name levels[] = {
    { "quiet", LOG_ERROR }, /* quiet still lets fatal errors through */
    { "error", LOG_ERROR },
    { "warn", LOG_WARN },
    { "info", LOG_INFO },
    { "debug", LOG_DEBUG },
};

/* Length of the token at s (up to a space or the end). */
static size_t token_len(const char *s)
{
    size_t n = 0;
    while (s[n] && s[n] != ' ')
        n++;
    return n;
}

const char *cmdline_parse(const char *cmdline)
{
    const char *p = cmdline;
    size_t plen = sizeof(OPT_PREFIX) - 1;

    if (p == NULL)
        return "";
    for (;;) {
        while (*p == ' ')
            p++;
        if (strncmp(p, OPT_PREFIX, plen) != 0)
            break;
        size_t n = token_len(p);
        const char *opt = p + plen;
        size_t olen = n - plen;
        int known = 0;
        for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++) {
            if (strlen(levels[i].name) == olen
                    && strncmp(levels[i].name, opt, olen) == 0) {
                log_set_level(levels[i].level);
                known = 1;
                break;
            }
        }
        if (!known) {
            char name[64];
            size_t m = n < sizeof name - 1 ? n : sizeof name - 1;
            memcpy(name, p, m);
            name[m] = '\0';
            log_printf(LOG_WARN, "Solo5: unknown option ignored: %s\n", name);
        }
        p += n;
    }
    return p;
}
