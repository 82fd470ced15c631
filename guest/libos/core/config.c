/* config.c: nabla's guest configuration: the JSON object runnc and `nabla run` pass
 * (rumprun's keys plus argv, uid/gid/groups, mounts, readonly, rlimits, terminal) and the
 * plain command line. */
#include "libos.h"

struct libos_config libos_cfg;

/* The JSON is decoded in place: a decoded string is never longer than its source. */
struct parser {
    char *p;
    const char *err;
};

static void ws(struct parser *ps)
{
    while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r')
        ps->p++;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Reads the four hex digits of a \u escape at ps->p; -1 if they are not. */
static long hex4(struct parser *ps)
{
    long v = 0;
    for (int i = 0; i < 4; i++) {
        int h = hexval(ps->p[i]); /* stops at the NUL: hexval('\0') < 0 */
        if (h < 0) {
            ps->err = "bad \\u escape";
            return -1;
        }
        v = v * 16 + h;
    }
    ps->p += 4;
    return v;
}

/* Writes code point v (at most 0x10ffff, not a surrogate) as UTF-8. */
static char *put_utf8(char *w, unsigned long v)
{
    if (v < 0x80) {
        *w++ = (char)v;
    } else if (v < 0x800) {
        *w++ = (char)(0xc0 | (v >> 6));
        *w++ = (char)(0x80 | (v & 0x3f));
    } else if (v < 0x10000) {
        *w++ = (char)(0xe0 | (v >> 12));
        *w++ = (char)(0x80 | ((v >> 6) & 0x3f));
        *w++ = (char)(0x80 | (v & 0x3f));
    } else {
        *w++ = (char)(0xf0 | (v >> 18));
        *w++ = (char)(0x80 | ((v >> 12) & 0x3f));
        *w++ = (char)(0x80 | ((v >> 6) & 0x3f));
        *w++ = (char)(0x80 | (v & 0x3f));
    }
    return w;
}

/* Parses a string at ps->p (after ws), returns it NUL-terminated in place. Bytes other
 * than escapes are kept as they are (the encoder passes non-UTF-8 bytes raw); a \u escape
 * (6 bytes, 12 for a surrogate pair) becomes at most 3 (4) bytes of UTF-8. */
static char *string(struct parser *ps)
{
    if (*ps->p != '"') {
        ps->err = "expected a string";
        return NULL;
    }
    char *out = ++ps->p, *w = out;
    for (;;) {
        char c = *ps->p++;
        if (c == '\0') {
            ps->err = "unterminated string";
            return NULL;
        }
        if (c == '"')
            break;
        if ((unsigned char)c < 0x20) {
            ps->err = "control character in a string";
            return NULL;
        }
        if (c != '\\') {
            *w++ = c;
            continue;
        }
        c = *ps->p++;
        switch (c) {
        case '"': case '\\': case '/': *w++ = c; break;
        case 'b': *w++ = '\b'; break;
        case 'f': *w++ = '\f'; break;
        case 'n': *w++ = '\n'; break;
        case 'r': *w++ = '\r'; break;
        case 't': *w++ = '\t'; break;
        case 'u': {
            long v = hex4(ps);
            if (v < 0)
                return NULL;
            if (v == 0) {
                ps->err = "\\u0000 in a string (C strings end at NUL)";
                return NULL;
            }
            if (v >= 0xdc00 && v <= 0xdfff) {
                ps->err = "lone low surrogate in a \\u escape";
                return NULL;
            }
            if (v >= 0xd800 && v <= 0xdbff) {
                if (ps->p[0] != '\\' || ps->p[1] != 'u') {
                    ps->err = "lone high surrogate in a \\u escape";
                    return NULL;
                }
                ps->p += 2;
                long lo = hex4(ps);
                if (lo < 0)
                    return NULL;
                if (lo < 0xdc00 || lo > 0xdfff) {
                    ps->err = "lone high surrogate in a \\u escape";
                    return NULL;
                }
                v = 0x10000 + ((v - 0xd800) << 10) + (lo - 0xdc00);
            }
            w = put_utf8(w, (unsigned long)v);
            break;
        }
        default:
            ps->err = "bad escape";
            return NULL;
        }
    }
    /* The closing quote was consumed; w <= ps->p - 1, so the NUL never overwrites input
     * still to be read. */
    *w = '\0';
    return out;
}

/* A non-negative integer of at most max. */
static int number(struct parser *ps, uint64_t max, uint64_t *out)
{
    ws(ps);
    if (*ps->p < '0' || *ps->p > '9') {
        ps->err = "expected a non-negative integer";
        return -1;
    }
    uint64_t v = 0;
    while (*ps->p >= '0' && *ps->p <= '9') {
        uint64_t d = (uint64_t)(*ps->p++ - '0');
        if (v > (max - d) / 10) {
            ps->err = "number out of range";
            return -1;
        }
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

static int boolean(struct parser *ps, int *out)
{
    ws(ps);
    if (strncmp(ps->p, "true", 4) == 0) {
        ps->p += 4;
        *out = 1;
        return 0;
    }
    if (strncmp(ps->p, "false", 5) == 0) {
        ps->p += 5;
        *out = 0;
        return 0;
    }
    ps->err = "expected true or false";
    return -1;
}

/* Iterates an array: *n counts the elements seen (0 at the '['). 1: an element follows
 * (ps at it), 0: the array ended, -1: a syntax error. */
static int element(struct parser *ps, int *n)
{
    ws(ps);
    if (*n == 0) {
        if (*ps->p != '[') {
            ps->err = "expected an array";
            return -1;
        }
        ps->p++;
        ws(ps);
        if (*ps->p == ']') {
            ps->p++;
            return 0;
        }
    } else if (*ps->p == ',') {
        ps->p++;
    } else if (*ps->p == ']') {
        ps->p++;
        return 0;
    } else {
        ps->err = "expected ',' or ']'";
        return -1;
    }
    (*n)++;
    ws(ps);
    return 1;
}

/* Iterates an object the same way; 1 comes with *key and ps after the ':'. */
static int member(struct parser *ps, int *n, char **key)
{
    ws(ps);
    if (*n == 0) {
        if (*ps->p != '{') {
            ps->err = "expected an object";
            return -1;
        }
        ps->p++;
        ws(ps);
        if (*ps->p == '}') {
            ps->p++;
            return 0;
        }
    } else if (*ps->p == ',') {
        ps->p++;
        ws(ps);
    } else if (*ps->p == '}') {
        ps->p++;
        return 0;
    } else {
        ps->err = "expected ',' or '}'";
        return -1;
    }
    (*n)++;
    if (!(*key = string(ps)))
        return -1;
    ws(ps);
    if (*ps->p != ':') {
        ps->err = "expected ':'";
        return -1;
    }
    ps->p++;
    ws(ps);
    return 1;
}

static int skip_value(struct parser *ps, int depth)
{
    if (depth > 16) {
        ps->err = "nested too deeply";
        return -1;
    }
    ws(ps);
    char c = *ps->p;
    int n = 0, r;
    char *key;
    if (c == '"')
        return string(ps) ? 0 : -1;
    if (c == '{') {
        while ((r = member(ps, &n, &key)) == 1)
            if (skip_value(ps, depth + 1) != 0)
                return -1;
        return r;
    }
    if (c == '[') {
        while ((r = element(ps, &n)) == 1)
            if (skip_value(ps, depth + 1) != 0)
                return -1;
        return r;
    }
    if ((c >= '0' && c <= '9') || c == '-' || c == 't' || c == 'f' || c == 'n') {
        while (*ps->p && *ps->p != ',' && *ps->p != '}' && *ps->p != ']' && *ps->p != ' ')
            ps->p++;
        return 0;
    }
    ps->err = "unexpected character";
    return -1;
}

static int streq(const char *a, const char *b)
{
    return strcmp(a, b) == 0;
}

/* One object of "mounts": {"dev","path","fs","file","ro","size"}; unknown keys are
 * refused, so a misspelt "ro" cannot leave a disk writable. */
static int mount_object(struct parser *ps, struct libos_config *cfg)
{
    if (cfg->nmounts == MAX_MOUNTS) {
        ps->err = "too many mounts (at most 16)";
        return -1;
    }
    struct libos_mount m = { 0 };
    int n = 0, r, ro;
    char *key;
    uint64_t size;
    while ((r = member(ps, &n, &key)) == 1) {
        if (streq(key, "dev") || streq(key, "path") || streq(key, "fs") || streq(key, "file")) {
            char *v = string(ps);
            if (!v)
                return -1;
            if (streq(key, "dev"))
                m.dev = v;
            else if (streq(key, "path"))
                m.path = v;
            else if (streq(key, "fs"))
                m.fs = v;
            else
                m.file = v;
        } else if (streq(key, "ro")) {
            if (boolean(ps, &ro) != 0)
                return -1;
            m.ro = ro;
        } else if (streq(key, "size")) {
            if (number(ps, UINT64_MAX, &size) != 0)
                return -1;
            m.size = size;
        } else {
            ps->err = "unknown key in a mount (dev, path, fs, file, ro, size)";
            return -1;
        }
    }
    if (r < 0)
        return -1;
    if (!m.fs && m.dev)
        m.fs = "ustar";
    if (!m.path || m.path[0] != '/')
        ps->err = "a mount needs an absolute \"path\"";
    else if (!m.fs)
        ps->err = "a mount needs \"dev\" or \"fs\"";
    else if (streq(m.fs, "ustar") && (!m.dev || !m.dev[0]))
        ps->err = "a ustar mount needs \"dev\"";
    else if (streq(m.fs, "tmpfs") && (m.dev || m.file))
        ps->err = "a tmpfs mount takes no \"dev\" or \"file\"";
    else if (!streq(m.fs, "ustar") && !streq(m.fs, "tmpfs"))
        ps->err = "mount \"fs\" must be ustar or tmpfs";
    else if (m.file && !m.file[0])
        ps->err = "a mount's \"file\" is empty";
    if (ps->err)
        return -1;
    cfg->mounts[cfg->nmounts++] = m;
    return 0;
}

/* OCI's names of the resources, indexed by Linux's number. */
static const char *const rlimit_names[RLIM_NLIMITS] = {
    "RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_DATA", "RLIMIT_STACK", "RLIMIT_CORE", "RLIMIT_RSS",
    "RLIMIT_NPROC", "RLIMIT_NOFILE", "RLIMIT_MEMLOCK", "RLIMIT_AS", "RLIMIT_LOCKS",
    "RLIMIT_SIGPENDING", "RLIMIT_MSGQUEUE", "RLIMIT_NICE", "RLIMIT_RTPRIO", "RLIMIT_RTTIME",
};

/* One object of "rlimits": {"type","soft","hard"}, all three, as process.rlimits has them;
 * an unknown key or type, a type given twice or soft above hard is refused (runc fails
 * such a container too). */
static int rlimit_object(struct parser *ps, struct libos_config *cfg)
{
    int n = 0, r, res = -1, have_soft = 0, have_hard = 0;
    char *key;
    uint64_t soft = 0, hard = 0;
    while ((r = member(ps, &n, &key)) == 1) {
        if (streq(key, "type")) {
            char *v = string(ps);
            if (!v)
                return -1;
            for (int i = 0; i < RLIM_NLIMITS; i++)
                if (streq(v, rlimit_names[i]))
                    res = i;
            if (res < 0) {
                ps->err = "unknown rlimit type";
                return -1;
            }
        } else if (streq(key, "soft")) {
            if (number(ps, UINT64_MAX, &soft) != 0)
                return -1;
            have_soft = 1;
        } else if (streq(key, "hard")) {
            if (number(ps, UINT64_MAX, &hard) != 0)
                return -1;
            have_hard = 1;
        } else {
            ps->err = "unknown key in an rlimit (type, soft, hard)";
            return -1;
        }
    }
    if (r < 0)
        return -1;
    if (res < 0 || !have_soft || !have_hard)
        ps->err = "an rlimit needs \"type\", \"soft\" and \"hard\"";
    else if (cfg->rlimits[res].set)
        ps->err = "an rlimit type given twice";
    else if (soft > hard)
        ps->err = "an rlimit's soft limit is above its hard limit";
    if (ps->err)
        return -1;
    cfg->rlimits[res].cur = soft;
    cfg->rlimits[res].max = hard;
    cfg->rlimits[res].set = 1;
    return 0;
}

/* "terminal": {"rows","cols"} (both optional, at most 65535). */
static int terminal_object(struct parser *ps, struct libos_config *cfg)
{
    int n = 0, r;
    char *key;
    uint64_t v;
    cfg->terminal = 1;
    while ((r = member(ps, &n, &key)) == 1) {
        if (!streq(key, "rows") && !streq(key, "cols")) {
            ps->err = "unknown key in \"terminal\" (rows, cols)";
            return -1;
        }
        if (number(ps, UINT16_MAX, &v) != 0)
            return -1;
        if (streq(key, "rows"))
            cfg->rows = (uint16_t)v;
        else
            cfg->cols = (uint16_t)v;
    }
    return r;
}

/* The value of one top-level key. */
/* "net": {"addr":..., "mask":..., "gw":...}; the other members (if, cloner, type, method,
 * rumprun's) are skipped. */
static int net_object(struct parser *ps, struct libos_config *cfg)
{
    int n = 0, r;
    char *key;
    while ((r = member(ps, &n, &key)) == 1) {
        char **dst = streq(key, "addr") ? &cfg->net_addr : streq(key, "mask") ? &cfg->net_mask
                   : streq(key, "gw") ? &cfg->net_gw : NULL;
        if (!dst) {
            if (skip_value(ps, 0) != 0)
                return -1;
            continue;
        }
        if (!(*dst = string(ps)))
            return -1;
    }
    return r;
}

static int config_key(struct parser *ps, struct libos_config *cfg, const char *key)
{
    int n = 0, r;
    uint64_t v;
    if (streq(key, "env") || streq(key, "cmdline") || streq(key, "cwd") || streq(key, "hostname")) {
        char *s = string(ps);
        if (!s)
            return -1;
        if (streq(key, "env")) {
            if (cfg->envc == MAX_ENVS) {
                ps->err = "too many env entries";
                return -1;
            }
            cfg->envp[cfg->envc++] = s;
        } else if (streq(key, "cmdline")) {
            cfg->cmdline = s;
        } else if (streq(key, "cwd")) {
            cfg->cwd = s;
        } else {
            cfg->hostname = s;
        }
        return 0;
    }
    if (streq(key, "argv")) {
        cfg->has_argv = 1;
        cfg->argc = 0;
        while ((r = element(ps, &n)) == 1) {
            if (cfg->argc == MAX_ARGS) {
                ps->err = "too many arguments";
                return -1;
            }
            if (!(cfg->argv[cfg->argc++] = string(ps)))
                return -1;
        }
        return r;
    }
    if (streq(key, "uid") || streq(key, "gid")) {
        if (number(ps, UINT32_MAX, &v) != 0)
            return -1;
        if (streq(key, "uid"))
            cfg->uid = (uint32_t)v;
        else
            cfg->gid = (uint32_t)v;
        return 0;
    }
    if (streq(key, "groups")) {
        cfg->ngroups = 0;
        while ((r = element(ps, &n)) == 1) {
            if (cfg->ngroups == MAX_GROUPS) {
                ps->err = "too many groups (at most 64)";
                return -1;
            }
            if (number(ps, UINT32_MAX, &v) != 0)
                return -1;
            cfg->groups[cfg->ngroups++] = (uint32_t)v;
        }
        return r;
    }
    if (streq(key, "mounts")) {
        cfg->nmounts = 0;
        while ((r = element(ps, &n)) == 1)
            if (mount_object(ps, cfg) != 0)
                return -1;
        return r;
    }
    if (streq(key, "readonly"))
        return boolean(ps, &cfg->readonly);
    if (streq(key, "stdin"))
        return boolean(ps, &cfg->stdin_host);
    if (streq(key, "rlimits")) {
        while ((r = element(ps, &n)) == 1)
            if (rlimit_object(ps, cfg) != 0)
                return -1;
        return r;
    }
    if (streq(key, "terminal"))
        return terminal_object(ps, cfg);
    if (streq(key, "net"))
        return net_object(ps, cfg);
    return skip_value(ps, 0); /* blk: for the block layer */
}

int config_json(char *s, struct libos_config *cfg)
{
    struct parser ps = { s, NULL };
    ws(&ps);
    if (*ps.p != '{')
        return -1;
    int n = 0, r;
    char *key;
    while ((r = member(&ps, &n, &key)) == 1)
        if (config_key(&ps, cfg, key) != 0) {
            r = -1;
            break;
        }
    if (r == 0) {
        ws(&ps);
        if (*ps.p == '\0') {
            /* "argv" is exact; rumprun's "cmdline" is split with its quoting. */
            if (!cfg->has_argv && cfg->cmdline && config_split(cfg->cmdline, cfg) != 0)
                return -2;
            return 0;
        }
        ps.err = "text after the configuration";
    }
    LOG("libos: bad JSON configuration at offset %d: %s\n", (int)(ps.p - s),
            ps.err ? ps.err : "syntax error");
    return -2;
}

static int blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n';
}

/* Splits s in place into words appended to cfg->argv: blanks separate words; a
 * double-quoted part of a word keeps blanks, and inside it \" and \\ stand for " and \
 * (another backslash stays as it is); "" is an empty word. specconv.JoinArgs writes this. */
int config_split(char *s, struct libos_config *cfg)
{
    char *p = s;
    for (;;) {
        while (blank(*p))
            p++;
        if (!*p)
            return 0;
        if (cfg->argc == MAX_ARGS) {
            LOG("libos: more than %d arguments\n", MAX_ARGS);
            return -1;
        }
        char *w = p;
        cfg->argv[cfg->argc++] = w;
        while (*p && !blank(*p)) {
            if (*p != '"') {
                *w++ = *p++;
                continue;
            }
            p++;
            for (;;) {
                char c = *p++;
                if (c == '\0') {
                    LOG("libos: unterminated quote in the command line\n");
                    return -1;
                }
                if (c == '"')
                    break;
                if (c == '\\' && (*p == '"' || *p == '\\'))
                    c = *p++;
                *w++ = c;
            }
        }
        /* w <= p: the NUL lands on text already read (the blank ending the word at most). */
        int more = *p != '\0';
        *w = '\0';
        if (!more)
            return 0;
        p++;
    }
}
