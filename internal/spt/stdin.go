// --stdin: the tender's fd 0 becomes non-blocking and joins the guest's epoll set.
package spt

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// stdinData is the epoll data word of stdin: handle 0 is the manifest's reserved first
// entry, never a device, so the guest's solo5_yield reports it as bit 0 of its ready set.
const stdinData = 0

// watchStdin reopens fd 0 non-blocking and registers it edge-triggered in epfd, so a
// guest that finds nothing to read waits in solo5_yield without spinning on unread input.
// A new open file description keeps O_NONBLOCK off whatever else shares the old one (a
// shell's terminal under `runnc run`); only where the kernel cannot reopen (a socket) is
// the shared description made non-blocking. stdin that epoll cannot watch (/dev/null, a
// regular file) is always readable and never blocks: it is left out. A closed fd 0
// becomes /dev/null.
func watchStdin(epfd int) error {
	fd, err := unix.Open("/proc/self/fd/0", unix.O_RDONLY|unix.O_NONBLOCK|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	switch {
	case err == nil:
		err = unix.Dup3(fd, 0, 0)
		unix.Close(fd)
		if err != nil {
			return fmt.Errorf("--stdin: dup3: %v", err)
		}
	case err == unix.ENOENT:
		// No fd 0 at all: /dev/null there, so the guest reads end of file as a process
		// whose runtime gave it no stdin does.
		fd, err = unix.Open("/dev/null", unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err == nil {
			err = unix.Dup3(fd, 0, 0)
			unix.Close(fd)
		}
		if err != nil {
			return fmt.Errorf("--stdin: no fd 0, and /dev/null: %v", err)
		}
		return nil
	default:
		fl, ferr := unix.FcntlInt(0, unix.F_GETFL, 0)
		if ferr != nil {
			return fmt.Errorf("--stdin: %v", ferr)
		}
		if _, ferr := unix.FcntlInt(0, unix.F_SETFL, fl|unix.O_NONBLOCK); ferr != nil {
			return fmt.Errorf("--stdin: %v (reopen: %v)", ferr, err)
		}
	}
	ev := &unix.EpollEvent{Events: unix.EPOLLIN | unix.EPOLLET, Fd: stdinData}
	if err := unix.EpollCtl(epfd, unix.EPOLL_CTL_ADD, 0, ev); err != nil && err != unix.EPERM {
		return fmt.Errorf("--stdin: epoll_ctl: %v", err)
	}
	return nil
}
