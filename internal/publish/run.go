// Package publish runs a libOS unikernel on a private network and publishes its TCP ports
// on the host (`nabla run --publish`), leaving nothing behind however the run ends.
package publish

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"runtime/debug"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/nabla-containers/nabla/internal/netthread"
)

// Network is a prepared private network: the namespace, the tap for the tender, and the
// bound host ports. Start it with Run, or give it up with Close.
type Network struct {
	ns    *netthread.NS
	tapFD int
	fwds  []*forward
}

// NetDevice is the manifest name the image's NIC must have.
const NetDevice = "service"

// Prepare makes the namespace and the tap and binds the host side of every port. It needs
// root (CAP_NET_ADMIN and CAP_SYS_ADMIN for the namespace, /dev/net/tun).
func Prepare(ports []Port) (*Network, error) {
	if err := CheckRoot(); err != nil {
		return nil, err
	}
	ns, err := netthread.New()
	if err != nil {
		return nil, fmt.Errorf("--publish: %v", err)
	}
	n := &Network{ns: ns, tapFD: -1}
	if err := ns.Do(func() (err error) { n.tapFD, err = setupTap(); return }); err != nil {
		n.Close()
		return nil, fmt.Errorf("--publish: %v", err)
	}
	for _, p := range ports {
		f, err := listen(p, ns)
		if err != nil {
			n.Close()
			return nil, fmt.Errorf("--publish %s: %v", p, err)
		}
		n.fwds = append(n.fwds, f)
	}
	return n, nil
}

// CheckRoot refuses a run that cannot make the network, before anything else is done.
func CheckRoot() error {
	if os.Geteuid() != 0 {
		return errors.New("--publish needs root (a network namespace and a tap)")
	}
	return nil
}

// TenderArgs are the tender options attaching the tap as the image's NIC.
func (n *Network) TenderArgs() []string {
	return []string{"--net:" + NetDevice + "=@" + strconv.Itoa(n.tapFD)}
}

// Close gives everything up (before Run, or after a failed one).
func (n *Network) Close() {
	for _, f := range n.fwds {
		f.close()
	}
	if n.tapFD >= 0 {
		unix.Close(n.tapFD)
		n.tapFD = -1
	}
	if n.ns != nil {
		n.ns.Close()
		n.ns = nil
	}
}

// forwardedSignals go on to the tender, which passes them to the guest (as it does when
// nabla execs it): docker-stop style SIGTERM, ^C, and the app's own signals. Signals this
// process was started with ignored (nohup) stay ignored, as the tender would keep them.
func forwardedSignals() []os.Signal {
	var sigs []os.Signal
	for _, s := range []syscall.Signal{unix.SIGTERM, unix.SIGINT, unix.SIGHUP, unix.SIGQUIT, unix.SIGUSR1, unix.SIGUSR2} {
		if s == unix.SIGTERM || s == unix.SIGINT || !signal.Ignored(s) {
			sigs = append(sigs, s)
		}
	}
	return sigs
}

// Run starts the tender (argv) in the namespace, proxies the ports until it ends, and
// then ends this process the way the tender ended (same exit status, or the same signal):
// `nabla run` without --publish execs the tender, and the caller sees no difference.
// It returns only when the tender cannot be started.
func (n *Network) Run(argv []string) error {
	// `nabla run` turns the GC off (it only execs); this process now lives as long as the
	// unikernel and allocates for every connection.
	debug.SetGCPercent(100)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = os.Environ()
	// SIGKILL of nabla must not leave the tender running: the kernel kills it when the
	// thread that started it (the namespace thread, which lives as long as the process)
	// dies, and the tender's own PR_SET_PDEATHSIG then ends the guest.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, forwardedSignals()...)
	if err := n.ns.Do(cmd.Start); err != nil {
		signal.Stop(sigs)
		n.Close()
		return fmt.Errorf("start %s: %v", argv[0], err)
	}
	// The tender has its copy of the tap; the tap goes when the tender does.
	unix.Close(n.tapFD)
	n.tapFD = -1
	for _, f := range n.fwds {
		go f.serve()
	}
	waited := make(chan struct{})
	go func() {
		for {
			select {
			case s := <-sigs:
				cmd.Process.Signal(s)
			case <-waited:
				return
			}
		}
	}()
	cmd.Wait()
	close(waited)
	signal.Stop(sigs)
	n.Close()
	exitLike(cmd.ProcessState)
	return nil
}

// exitLike ends this process with the tender's exit status, or by the signal that
// killed it when Go's runtime dies by that signal cleanly (TERM, INT, HUP, KILL), so a
// shell sees 128+N either way. For the others (SEGV, SYS, ABRT, QUIT...) the runtime
// would print a crash dump instead, so the status is 128+N as an exit code.
func exitLike(ps *os.ProcessState) {
	ws, ok := ps.Sys().(syscall.WaitStatus)
	if !ok || !ws.Signaled() {
		os.Exit(ps.ExitCode())
	}
	sig := ws.Signal()
	switch sig {
	case unix.SIGTERM, unix.SIGINT, unix.SIGHUP, unix.SIGKILL:
		unix.Setrlimit(unix.RLIMIT_CORE, &unix.Rlimit{})
		signal.Reset(sig)
		// To this thread, so the signal arrives before the exit below.
		runtime.LockOSThread()
		unix.Tgkill(unix.Getpid(), unix.Gettid(), sig)
	}
	os.Exit(128 + int(sig))
}
