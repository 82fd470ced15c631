// The container's init: enter namespaces, wait for start on the exec fifo, exec the tender.
package initproc

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
	"runtime"

	"golang.org/x/sys/unix"

	"github.com/nabla-containers/nabla/internal/runnc/hooks"
	"github.com/nabla-containers/nabla/internal/runnc/netns"
)

// Main runs init and never returns: it either execs the tender or exits non-zero.
func Main() {
	runtime.GOMAXPROCS(1)
	// setns and execve act on this thread only; keep the goroutine on it.
	runtime.LockOSThread()
	sync := os.NewFile(SyncFD, "sync")
	if err := run(&sync); err != nil {
		if sync != nil {
			fmt.Fprintf(sync, "%c%v", Error, err) // create reports it
		} else {
			fmt.Fprintln(os.Stderr, "runnc init:", err)
		}
		os.Exit(1)
	}
}

func run(syncp **os.File) error {
	sync := *syncp
	if sync == nil {
		return fmt.Errorf("no sync descriptor; init is started by runnc create only")
	}
	r := bufio.NewReader(sync)
	line, err := r.ReadBytes('\n')
	if err != nil {
		return fmt.Errorf("read config: %v", err)
	}
	var c Config
	if err := json.Unmarshal(line, &c); err != nil {
		return fmt.Errorf("config: %v", err)
	}
	if c.NetNS != "" {
		if err := joinNetNS(c.NetNS); err != nil {
			return err
		}
	}
	if _, err := sync.Write([]byte{Ready}); err != nil {
		return err
	}
	b, err := r.ReadByte()
	if err != nil || b != Go {
		// create gave up (a hook failed) and reports the reason itself.
		os.Exit(1)
	}
	if c.Launch == nil {
		return fmt.Errorf("config: no launch")
	}
	tapFD := -1
	var netCfg *netns.Config
	if c.Launch.NetDevice != "" {
		res, err := netns.Setup()
		if err != nil {
			return fmt.Errorf("network: %v", err)
		}
		// The tender inherits the tap; it is destroyed when the tender exits.
		if _, err := unix.FcntlInt(uintptr(res.TapFD), unix.F_SETFD, 0); err != nil {
			return fmt.Errorf("network: %v", err)
		}
		tapFD, netCfg = res.TapFD, res.Config
	}
	diskFD := -1
	if c.Launch.Disk != "" {
		// Read-only and inherited by the tender: every container shares the cached
		// image, and the guest's writes fail instead of reaching it.
		if diskFD, err = unix.Open(c.Launch.Disk, unix.O_RDONLY, 0); err != nil {
			return fmt.Errorf("rootfs disk: %v", err)
		}
	}
	var volFDs []int
	for _, v := range c.Launch.Volumes {
		fd, err := unix.Open(v.Path, unix.O_RDONLY, 0)
		if err != nil {
			return fmt.Errorf("disk %s: %v", v.Name, err)
		}
		volFDs = append(volFDs, fd)
	}
	var argv []string
	if !c.Launch.Pause {
		if argv, err = c.Launch.Argv(diskFD, tapFD, netCfg, volFDs...); err != nil {
			return err
		}
	}
	if c.Hooks != nil {
		if err := hooks.Run("createContainer", c.Hooks.CreateContainer, c.State); err != nil {
			return err
		}
	}
	if _, err := sync.Write([]byte{Created}); err != nil {
		return err
	}
	sync.Close()
	*syncp = nil // errors from here on go to stderr only
	// Opening for writing blocks until `runnc start` opens the fifo for reading.
	fifo, err := os.OpenFile(c.Fifo, os.O_WRONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("open exec fifo: %v", err)
	}
	if _, err := fifo.Write([]byte{0}); err != nil {
		return fmt.Errorf("exec fifo: %v", err)
	}
	fifo.Close()
	// Released: `state` must see this process as running even if the fifo stays
	// (a `start` killed before removing it).
	_ = os.WriteFile("/proc/self/comm", []byte(StartedComm), 0)
	if c.Hooks != nil {
		st := c.State
		st.Status = "running"
		if err := hooks.Run("startContainer", c.Hooks.StartContainer, st); err != nil {
			fmt.Fprintln(os.Stderr, "runnc init:", err)
			os.Exit(1)
		}
	}
	if c.Launch.Pause {
		pause()
	}
	err = unix.Exec(c.Launch.Tender, argv, []string{})
	fmt.Fprintf(os.Stderr, "runnc init: exec %s: %v\n", c.Launch.Tender, err)
	os.Exit(127)
	return nil
}

func joinNetNS(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("network namespace: %v", err)
	}
	defer f.Close()
	if err := unix.Setns(int(f.Fd()), unix.CLONE_NEWNET); err != nil {
		return fmt.Errorf("join network namespace %s: %v", path, err)
	}
	return nil
}

// pause is the sandbox's process: it exits 0 on SIGINT or SIGTERM, like Kubernetes'
// pause, and otherwise only waits.
func pause() {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, unix.SIGINT, unix.SIGTERM)
	<-sigs
	os.Exit(0)
}
