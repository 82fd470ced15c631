/* config.c: nabla's rumprun-style JSON configuration ({"env":..., "cmdline":..., "cwd":...}). */
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

/* Parses a string at ps->p (after ws), returns it NUL-terminated in place. */
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
            int v = 0;
            for (int i = 0; i < 4; i++) {
                int h = hexval(ps->p[i]);
                if (h < 0) {
                    ps->err = "bad \\u escape";
                    return NULL;
                }
                v = v * 16 + h;
            }
            ps->p += 4;
            if (v == 0 || v > 0x7f) {
                ps->err = "only ASCII \\u escapes are supported";
                return NULL;
            }
            *w++ = (char)v;
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

static int skip_value(struct parser *ps, int depth);

static int skip_container(struct parser *ps, char close, int depth)
{
    ps->p++;
    ws(ps);
    if (*ps->p == close) {
        ps->p++;
        return 0;
    }
    for (;;) {
        ws(ps);
        if (close == '}') {
            if (!string(ps))
                return -1;
            ws(ps);
            if (*ps->p++ != ':') {
                ps->err = "expected ':'";
                return -1;
            }
        }
        if (skip_value(ps, depth + 1) != 0)
            return -1;
        ws(ps);
        if (*ps->p == ',') {
            ps->p++;
            continue;
        }
        if (*ps->p == close) {
            ps->p++;
            return 0;
        }
        ps->err = "expected ',' or the end of a container";
        return -1;
    }
}

static int skip_value(struct parser *ps, int depth)
{
    if (depth > 16) {
        ps->err = "nested too deeply";
        return -1;
    }
    ws(ps);
    char c = *ps->p;
    if (c == '"')
        return string(ps) ? 0 : -1;
    if (c == '{')
        return skip_container(ps, '}', depth);
    if (c == '[')
        return skip_container(ps, ']', depth);
    if ((c >= '0' && c <= '9') || c == '-' || c == 't' || c == 'f' || c == 'n') {
        while (*ps->p && *ps->p != ',' && *ps->p != '}' && *ps->p != ']' && *ps->p != ' ')
            ps->p++;
        return 0;
    }
    ps->err = "unexpected character";
    return -1;
}

int config_json(char *s, struct libos_config *cfg)
{
    struct parser ps = { s, NULL };
    ws(&ps);
    if (*ps.p != '{')
        return -1;
    ps.p++;
    ws(&ps);
    if (*ps.p == '}')
        return 0;
    for (;;) {
        ws(&ps);
        char *key = string(&ps);
        if (!key)
            break;
        ws(&ps);
        if (*ps.p++ != ':') {
            ps.err = "expected ':'";
            break;
        }
        ws(&ps);
        if (*ps.p == '"' && (strcmp(key, "env") == 0 || strcmp(key, "cmdline") == 0 ||
                strcmp(key, "cwd") == 0 || strcmp(key, "hostname") == 0)) {
            char *v = string(&ps);
            if (!v)
                break;
            if (strcmp(key, "env") == 0) {
                if (cfg->envc == MAX_ENVS) {
                    ps.err = "too many env entries";
                    break;
                }
                cfg->envp[cfg->envc++] = v;
            } else if (strcmp(key, "cmdline") == 0) {
                cfg->cmdline = v;
            } else if (strcmp(key, "cwd") == 0) {
                cfg->cwd = v;
            } else {
                cfg->hostname = v;
            }
        } else if (skip_value(&ps, 0) != 0) { /* net, blk: for the network and block layers */
            break;
        }
        ws(&ps);
        if (*ps.p == ',') {
            ps.p++;
            continue;
        }
        if (*ps.p == '}') {
            ps.p++;
            ws(&ps);
            if (*ps.p) {
                ps.err = "text after the configuration";
                break;
            }
            return 0;
        }
        ps.err = "expected ',' or '}'";
        break;
    }
    LOG("libos: bad JSON configuration at offset %d: %s\n", (int)(ps.p - s),
            ps.err ? ps.err : "syntax error");
    return -2;
}
