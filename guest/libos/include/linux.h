/* linux.h: every Linux ABI value family the libOS uses (one family a file under linux/). */
#ifndef LINUX_H_INCLUDED
#define LINUX_H_INCLUDED
#include "linux/errno.h"
#include "linux/fcntl.h"
#include "linux/stat.h"
#include "linux/mman.h"
#include "linux/sched.h"
#include "linux/time.h"
#include "linux/epoll.h"
#include "linux/signal.h"
#include "linux/misc.h"
#include "linux/socket.h"
#endif
