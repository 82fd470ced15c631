// The host side of the devices: block files, taps, the console and poll via epoll+timerfd.
package hvt

import (
	"fmt"
	"math"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// timerTag marks the timerfd in the epoll set (the other entries carry a manifest index).
const timerTag = -2

type hostBlock struct {
	fd       int
	capacity uint64
}

func (b *hostBlock) Capacity() uint64 { return b.capacity }

func (b *hostBlock) ReadAt(p []byte, off int64) (int, error) {
	for {
		n, err := unix.Pread(b.fd, p, off)
		if err != unix.EINTR {
			return n, err
		}
	}
}

func (b *hostBlock) WriteAt(p []byte, off int64) (int, error) {
	for {
		n, err := unix.Pwrite(b.fd, p, off)
		if err != unix.EINTR {
			return n, err
		}
	}
}

type hostNet struct{ fd int }

func (n *hostNet) Read(p []byte) (int, error) {
	for {
		c, err := unix.Read(n.fd, p)
		if err != unix.EINTR {
			return c, err
		}
	}
}

func (n *hostNet) Write(p []byte) (int, error) {
	for {
		c, err := unix.Write(n.fd, p)
		if err != unix.EINTR {
			return c, err
		}
	}
}

// hostDevices implements Devices with raw file descriptors (no Go netpoller: the tender's
// seccomp filter pins read/write to known fds).
type hostDevices struct {
	blocks  map[uint64]*hostBlock
	nets    map[uint64]*hostNet
	epfd    int
	timerfd int
	stopped *atomic.Int32 // a signal asked the tender to stop
}

func newHostDevices(stopped *atomic.Int32) (*hostDevices, error) {
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("epoll_create1: %w", err)
	}
	tfd, err := unix.TimerfdCreate(unix.CLOCK_MONOTONIC, unix.TFD_NONBLOCK|unix.TFD_CLOEXEC)
	if err != nil {
		unix.Close(epfd)
		return nil, fmt.Errorf("timerfd_create: %w", err)
	}
	h := &hostDevices{blocks: map[uint64]*hostBlock{}, nets: map[uint64]*hostNet{}, epfd: epfd, timerfd: tfd, stopped: stopped}
	if err := unix.EpollCtl(epfd, unix.EPOLL_CTL_ADD, tfd, &unix.EpollEvent{Events: unix.EPOLLIN, Fd: timerTag}); err != nil {
		return nil, fmt.Errorf("epoll_ctl(timerfd): %w", err)
	}
	return h, nil
}

func (h *hostDevices) addBlock(handle uint64, fd int, capacity uint64) {
	h.blocks[handle] = &hostBlock{fd: fd, capacity: capacity}
}

func (h *hostDevices) addNet(handle uint64, fd int) error {
	h.nets[handle] = &hostNet{fd: fd}
	if err := unix.EpollCtl(h.epfd, unix.EPOLL_CTL_ADD, fd, &unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(handle)}); err != nil {
		return fmt.Errorf("epoll_ctl(net %d): %w", handle, err)
	}
	return nil
}

func (h *hostDevices) Walltime() uint64 {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_REALTIME, &ts); err != nil {
		return 0
	}
	return uint64(ts.Nano())
}

func (h *hostDevices) Console(p []byte) error {
	for len(p) > 0 {
		n, err := unix.Write(1, p)
		if err == unix.EINTR {
			continue
		}
		if err == unix.EAGAIN {
			// stdout was inherited non-blocking and is full: wait for the reader
			// with a raw sleep (no netpoller, see the seccomp policy).
			ts := unix.Timespec{Nsec: 1_000_000}
			unix.Nanosleep(&ts, nil)
			continue
		}
		if err != nil {
			return err
		}
		p = p[n:]
	}
	return nil
}

func (h *hostDevices) Block(handle uint64) BlockDevice {
	if b, ok := h.blocks[handle]; ok {
		return b
	}
	return nil
}

func (h *hostDevices) Net(handle uint64) NetDevice {
	if n, ok := h.nets[handle]; ok {
		return n
	}
	return nil
}

// Poll arms the timer with the relative timeout and waits for it or a readable tap.
func (h *hostDevices) Poll(timeoutNs uint64) (uint64, int, error) {
	t := int64(min(timeoutNs, math.MaxInt64/2))
	spec := unix.ItimerSpec{Value: unix.NsecToTimespec(t)}
	spec.Value.Nsec |= 1 // never 0, which would disarm the timer
	if err := unix.TimerfdSettime(h.timerfd, 0, &spec, nil); err != nil {
		return 0, 0, fmt.Errorf("timerfd_settime: %w", err)
	}
	var evs [64]unix.EpollEvent
	for {
		n, err := unix.EpollWait(h.epfd, evs[:], -1)
		if err == unix.EINTR {
			if h.stopped.Load() != 0 {
				return 0, 0, nil // the vCPU loop notices the signal on its next KVM_RUN
			}
			continue
		}
		if err != nil {
			return 0, 0, fmt.Errorf("epoll_wait: %w", err)
		}
		var ready uint64
		count := 0
		for _, ev := range evs[:n] {
			if ev.Fd == timerTag {
				var buf [8]byte
				unix.Read(h.timerfd, buf[:]) // drain the expiry count; EAGAIN is fine
				continue
			}
			if ev.Fd >= 0 && ev.Fd < 64 {
				ready |= 1 << uint(ev.Fd)
				count++
			}
		}
		return ready, count, nil
	}
}
