/* epoll.h: epoll and eventfd values (struct epoll_event differs per arch: abi.h). */
#ifndef LINUX_EPOLL_H
#define LINUX_EPOLL_H
#include <stdint.h>
#define EFD_SEMAPHORE 1
#define EFD_CLOEXEC 02000000
#define EFD_NONBLOCK 04000
#define EPOLL_CTL_ADD 1
#define EPOLL_CTL_DEL 2
#define EPOLL_CTL_MOD 3
#define EPOLLIN 0x001
#define EPOLLOUT 0x004
#define EPOLLERR 0x008
#define EPOLLHUP 0x010
#define EPOLLRDHUP 0x2000
#define EPOLLET (1u << 31)
#define EPOLLONESHOT (1u << 30)

#define EPOLLPRI 0x002
#define EPOLLRDNORM 0x040
#define EPOLLRDBAND 0x080
#define EPOLLWRNORM 0x100
#define EPOLLWRBAND 0x200
#define EPOLLEXCLUSIVE (1u << 28)
#define EPOLL_CLOEXEC 02000000
#endif
