/* sys_unix.c: sendmsg/recvmsg on AF_UNIX sockets: the iovec through a bounce buffer (one
 * message, or one piece of a stream), SCM_RIGHTS descriptors in and out of msg_control. */
#include "libos.h"
#include "fd/file.h"
#include "fs/fsenv.h"
#include "mm/kalloc.h"
#include "mm/uaccess.h"
#include "net/unix.h"
#include "sys/unixmsg.h"

#define IOV_MAX 1024
#define CMSG_HDR 16u                        /* struct cmsghdr on LP64 */
#define CMSG_ALIGN(n) (((n) + 7u) & ~7u)
#define CTL_MAX 4096u                       /* control bytes read from a sendmsg */

struct k_cmsghdr {
    uint64_t len;
    int32_t level, type;
};

static struct k_iovec iov[IOV_MAX]; /* one trap at a time */
static struct file *cfds[UNIX_FDS_MAX];
static uint8_t ctl[CTL_MAX];

/* The descriptors of a sendmsg's SCM_RIGHTS messages, as references in cfds: the count or -errno. */
static int ctl_in(uint64_t uctl, uint64_t len)
{
    int n = 0;
    if (!uctl || !len)
        return 0;
    if (len > CTL_MAX)
        return -ENOBUFS;
    if (copy_from_user(ctl, uctl, (size_t)len))
        return -EFAULT;
    int e = 0;
    for (uint64_t off = 0; off + CMSG_HDR <= len && !e;) {
        struct k_cmsghdr h;
        memcpy(&h, ctl + off, sizeof h);
        if (h.len < CMSG_HDR || h.len > len - off) {
            e = -EINVAL;
            break;
        }
        if (h.level == SOL_SOCKET && h.type == SCM_RIGHTS) {
            uint64_t k = (h.len - CMSG_HDR) / 4;
            if (k > (uint64_t)(UNIX_FDS_MAX - n)) {
                e = -EINVAL;
                break;
            }
            for (uint64_t i = 0; i < k; i++) {
                int32_t fd;
                memcpy(&fd, ctl + off + CMSG_HDR + 4 * i, 4);
                struct file *fp = fd_get(fd);
                if (!fp) {
                    e = -EBADF;
                    break;
                }
                cfds[n++] = file_get(fp);
            }
        } else if (!(h.level == SOL_SOCKET && h.type == SCM_CREDENTIALS)) {
            e = -EINVAL; /* credentials are the sender's anyway: accepted as given */
        }
        off += CMSG_ALIGN(h.len);
    }
    if (e) {
        while (n)
            file_put(cfds[--n]);
        return e;
    }
    return n;
}

/* SO_PASSCRED: the sender's credentials first (Linux's order), in the room there is. */
static uint64_t ctl_cred(uint64_t uctl, uint64_t cap, int *mflags)
{
    struct k_cmsghdr h = { CMSG_HDR + 12, SOL_SOCKET, SCM_CREDENTIALS };
    int32_t cred[3] = { 1, (int32_t)fs_uid(), (int32_t)fs_gid() }; /* every sender is pid 1 */
    if (cap < h.len) {
        *mflags |= MSG_CTRUNC;
        return 0;
    }
    if (copy_to_user(uctl, &h, sizeof h) || copy_to_user(uctl + CMSG_HDR, cred, sizeof cred))
        return 0;
    uint64_t used = CMSG_ALIGN(h.len);
    return used < cap ? used : cap;
}

/* Installs received descriptors and writes their SCM_RIGHTS message: the control bytes used. */
static uint64_t ctl_out(uint64_t uctl, uint64_t cap, int nfds, int cloexec, int *mflags)
{
    int32_t fds[UNIX_FDS_MAX];
    int got = 0;
    for (int i = 0; i < nfds; i++) {
        int fd = fd_install(cfds[i], 0, cloexec); /* takes the reference, even on failure */
        if (fd < 0) {
            *mflags |= MSG_CTRUNC;
            continue;
        }
        fds[got++] = fd;
    }
    if (!got)
        return 0;
    struct k_cmsghdr h = { CMSG_HDR + 4u * (uint64_t)got, SOL_SOCKET, SCM_RIGHTS };
    if (copy_to_user(uctl, &h, sizeof h) || copy_to_user(uctl + CMSG_HDR, fds, 4u * (size_t)got))
        return 0;
    uint64_t used = CMSG_ALIGN(h.len);
    return used < cap ? used : cap;
}

long unix_msg_one(struct file *f, uint64_t mh, int flags, int wr)
{
    struct k_msghdr m;
    char sa[UNIX_ADDR_MAX];
    uint32_t salen = sizeof sa;
    if (copy_from_user(&m, mh, sizeof m))
        return -EFAULT;
    if (m.msg_iovlen > IOV_MAX)
        return -EMSGSIZE;
    if (m.msg_iovlen && copy_from_user(iov, m.msg_iov, m.msg_iovlen * sizeof iov[0]))
        return -EFAULT;
    uint64_t total = 0;
    for (uint64_t i = 0; i < m.msg_iovlen; i++) {
        if (iov[i].len > 0x7ffff000ULL - total)
            return -EINVAL;
        if (iov[i].len && (wr ? !user_ok(iov[i].base, iov[i].len)
                              : !user_writable(iov[i].base, iov[i].len)))
            return -EFAULT;
        total += iov[i].len;
    }
    uint64_t blen = total < UNIX_QMAX ? total : UNIX_QMAX;
    if (wr && total > blen && unix_is_msg(f))
        return -EMSGSIZE;
    if (wr && m.msg_name && m.msg_namelen) {
        if (m.msg_namelen > sizeof sa)
            return -EINVAL;
        if (copy_from_user(sa, m.msg_name, m.msg_namelen))
            return -EFAULT;
    }
    uint8_t *buf = blen ? kalloc((size_t)blen) : NULL;
    if (blen && !buf)
        return -ENOBUFS;
    long r;
    if (wr) {
        uint64_t off = 0;
        for (uint64_t i = 0; i < m.msg_iovlen && off < blen; i++) {
            uint64_t k = iov[i].len < blen - off ? iov[i].len : blen - off;
            if (k && copy_from_user(buf + off, iov[i].base, (size_t)k)) {
                kfree(buf);
                return -EFAULT;
            }
            off += k;
        }
        int n = ctl_in(m.msg_control, m.msg_controllen);
        if (n < 0) {
            kfree(buf);
            return n;
        }
        r = unix_send_fds(f, buf, (size_t)blen, flags, m.msg_name && m.msg_namelen ? sa : NULL,
                          m.msg_name ? m.msg_namelen : 0, cfds, n);
        kfree(buf);
        return r;
    }
    uint64_t cap = m.msg_control ? m.msg_controllen : 0;
    int passcred = ((struct usock *)f)->passcred;
    uint64_t credroom = passcred ? CMSG_ALIGN(CMSG_HDR + 12) : 0;
    uint64_t fdroom = cap > credroom ? cap - credroom : 0;
    int nfds = fdroom >= CMSG_HDR + 4 ? (int)((fdroom - CMSG_HDR) / 4) : 0, mflags = 0;
    if (nfds > UNIX_FDS_MAX)
        nfds = UNIX_FDS_MAX;
    r = unix_recv_fds(f, buf, (size_t)blen, flags & ~MSG_CMSG_CLOEXEC, sa, &salen, cfds, &nfds, &mflags);
    if (r < 0) {
        kfree(buf);
        return r;
    }
    uint64_t left = (uint64_t)r < blen ? (uint64_t)r : blen, off = 0;
    for (uint64_t i = 0; i < m.msg_iovlen && left; i++) {
        uint64_t k = iov[i].len < left ? iov[i].len : left;
        if (k && copy_to_user(iov[i].base, buf + off, (size_t)k)) {
            kfree(buf);
            while (nfds)
                file_put(cfds[--nfds]);
            return -EFAULT;
        }
        off += k;
        left -= k;
    }
    kfree(buf);
    uint64_t used = passcred ? ctl_cred(m.msg_control, cap, &mflags) : 0;
    used += ctl_out(m.msg_control + used, cap - used, nfds, (flags & MSG_CMSG_CLOEXEC) != 0, &mflags);
    uint32_t namelen = 0;
    if (m.msg_name && salen) {
        uint32_t n = salen < m.msg_namelen ? salen : m.msg_namelen;
        if (n && copy_to_user(m.msg_name, sa, n))
            return -EFAULT;
        namelen = salen;
    }
    int32_t mf = mflags | (flags & MSG_CMSG_CLOEXEC); /* Linux hands the flag back */
    if (copy_to_user(mh + offsetof(struct k_msghdr, msg_namelen), &namelen, sizeof namelen) ||
        copy_to_user(mh + offsetof(struct k_msghdr, msg_controllen), &used, sizeof used) ||
        copy_to_user(mh + offsetof(struct k_msghdr, msg_flags), &mf, sizeof mf))
        return -EFAULT;
    return r;
}
