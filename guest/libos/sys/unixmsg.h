/* unixmsg.h: sendmsg/recvmsg on AF_UNIX sockets (sys_unix.c), for sys_net.c's msg_one. */
#ifndef SYS_UNIXMSG_H
#define SYS_UNIXMSG_H
#include <stdint.h>
struct file;
/* One sendmsg (wr) or recvmsg at the app's msghdr mh: bytes, or -errno (-EAGAIN: would block). */
long unix_msg_one(struct file *f, uint64_t mh, int flags, int wr);
#endif
