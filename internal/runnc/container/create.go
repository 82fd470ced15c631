// Create: prepare the container and leave its init waiting on the exec fifo.
package container

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"golang.org/x/sys/unix"

	"github.com/nabla-containers/nabla/abi"
	"github.com/nabla-containers/nabla/internal/runnc/console"
	"github.com/nabla-containers/nabla/internal/runnc/initproc"
)

// CreateOpts are create's inputs from the command line.
type CreateOpts struct {
	Root          string // --root, absolute or not
	ID            string
	Bundle        string // "" is the current directory
	ConsoleSocket string
	PidFile       string
	// Detach says whether runnc returns while the container lives on (create, run -d),
	// which is when a terminal needs a console socket.
	Detach bool
}

// Handle is a container whose init waits on the fifo, still locked; `run` keeps the
// process (to wait for it) and, in the foreground with a terminal, the pty's master.
type Handle struct {
	State *State
	Cmd   *exec.Cmd
	Pty   *console.Pty
	lock  *Lock
}

// Unlock lets other commands (start) at the container; the process stays ours.
func (cr *Handle) Unlock() { cr.lock.Release() }

// Release unlocks and lets the process go (create, run -d).
func (cr *Handle) Release() {
	cr.lock.Release()
	if cr.Cmd != nil && cr.Cmd.Process != nil {
		cr.Cmd.Process.Release()
	}
}

// Create makes a container and leaves its init waiting on the exec fifo: the bundle
// checked, the entrypoint resolved (and baked), the disks built, init in its
// namespaces with the hooks run.
func Create(o CreateOpts) (*Handle, error) {
	id, bundle, detach := o.ID, o.Bundle, o.Detach
	if bundle == "" {
		bundle = "."
	}
	logf("debug", "create %s: start", id)
	p, err := makePlan(bundle)
	if err != nil {
		return nil, err
	}
	logf("debug", "create %s: bundle checked", id)
	terminal := p.bundle.Spec.Process.Terminal
	sock := o.ConsoleSocket
	switch {
	case terminal && detach && sock == "":
		return nil, errors.New("cannot allocate tty if runnc will detach without setting console socket")
	case !terminal && sock != "":
		return nil, errors.New("cannot use console socket if runnc will not detach or allocate tty")
	}
	// Check the tender's command line (network device, length) before making anything;
	// the disk's path does not change the guest's configuration.
	placeholder := ""
	if p.libos || p.image.Device("rootfs", abi.MFTBlockBasic) {
		placeholder = "rootfs.tar"
	}
	if _, err := p.launch(placeholder); err != nil {
		return nil, err
	}
	if p.newNet || p.netns != "" {
		if os.Geteuid() != 0 {
			return nil, errors.New("a network namespace needs root (run runnc as root or drop the network namespace from config.json)")
		}
	}
	rootDir, err := filepath.Abs(o.Root)
	if err != nil {
		return nil, err
	}
	lock, err := CreateDir(rootDir, id)
	if err != nil {
		return nil, err
	}
	st := &State{
		ID: id, Bundle: p.bundle.Dir, Rootfs: p.bundle.Rootfs, Status: Creating,
		Created: time.Now().UTC(), Owner: owner(), Annotations: p.bundle.Spec.Annotations,
		Hooks: p.bundle.Spec.Hooks, MemMB: p.memMB,
	}
	testStop("create:dir")
	cr := &Handle{State: st, lock: lock}
	if err := cr.build(o, rootDir, p, terminal, sock, detach); err != nil {
		// Undo everything: the process (if any) and the state directory.
		_ = st.KillAndWait()
		if cr.Cmd != nil && cr.Cmd.Process != nil {
			cr.Cmd.Wait()
		}
		if cr.Pty != nil {
			cr.Pty.Close()
		}
		_ = RemoveDir(rootDir, id)
		lock.Release()
		return nil, err
	}
	return cr, nil
}

func (cr *Handle) build(o CreateOpts, rootDir string, p *plan, terminal bool, sock string, detach bool) error {
	st := cr.State
	if err := st.Save(rootDir); err != nil {
		return err
	}
	testStop("create:saved")
	cached, err := p.disk(filepath.Join(rootDir, ".cache"))
	if err != nil {
		return err
	}
	st.Image = cached
	// The guest gets the cached image itself, through a read-only descriptor init
	// opens (--block:rootfs=@FD): no per-container copy, and writes fail in the guest.
	launch, err := p.launch(cached)
	if err != nil {
		return err
	}
	st.Pause = launch.Pause
	logf("debug", "tender: %s %q, rootfs disk %q (read-only)", p.tender, launch.Head, launch.Disk)
	fifo := filepath.Join(Dir(rootDir, st.ID), FifoName)
	if err := unix.Mkfifo(fifo, 0o600); err != nil {
		return fmt.Errorf("create exec fifo: %v", err)
	}
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("socketpair: %v", err)
	}
	parent, child := os.NewFile(uintptr(fds[0]), "sync"), os.NewFile(uintptr(fds[1]), "sync-init")
	defer parent.Close()

	self, err := os.Executable()
	if err != nil {
		child.Close()
		return err
	}
	// The container's directory in argv shows in ps whose init this is.
	cmd := exec.Command(self, initproc.Arg, Dir(rootDir, st.ID))
	cmd.Args[0] = InitArgv0
	cmd.Env = []string{}
	cmd.Dir = p.bundle.Dir
	cmd.ExtraFiles = []*os.File{child} // fd 3 = initproc.SyncFD
	cmd.SysProcAttr = &unix.SysProcAttr{Setsid: true}
	if p.newNet {
		cmd.SysProcAttr.Cloneflags = unix.CLONE_NEWNET
	}
	if terminal {
		pty, err := console.Open()
		if err != nil {
			child.Close()
			return err
		}
		cr.Pty = pty
		if cs := p.bundle.Spec.Process.ConsoleSize; cs != nil {
			// process.consoleSize, as runc sizes the pty before the process starts.
			if err := pty.Resize(cs.Height, cs.Width); err != nil {
				child.Close()
				return err
			}
		}
		cmd.Stdin, cmd.Stdout, cmd.Stderr = pty.Slave, pty.Slave, pty.Slave
		cmd.SysProcAttr.Setctty = true
		cmd.SysProcAttr.Ctty = 0
	} else {
		cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	}
	err = cmd.Start()
	child.Close()
	if cr.Pty != nil {
		cr.Pty.Slave.Close()
		cr.Pty.Slave = nil
	}
	if err != nil {
		return fmt.Errorf("start init: %v", err)
	}
	cr.Cmd = cmd
	logf("debug", "create %s: init started", st.ID)
	st.Pid = cmd.Process.Pid
	if st.PidStart, err = StartTime(st.Pid); err != nil {
		return fmt.Errorf("init process: %v", err)
	}
	if err := st.Save(rootDir); err != nil {
		return err
	}
	testStop("create:init")
	if adj := p.bundle.Spec.Process.OOMScoreAdj; adj != nil {
		if err := os.WriteFile(fmt.Sprintf("/proc/%d/oom_score_adj", st.Pid), []byte(strconv.Itoa(*adj)), 0); err != nil {
			return fmt.Errorf("process.oomScoreAdj: %v", err)
		}
	}
	if terminal && sock != "" {
		if err := console.Send(sock, cr.Pty.Master, cr.Pty.Master.Name()); err != nil {
			return err
		}
	}
	if terminal && (detach || sock != "") {
		// The receiver of the console socket owns the terminal now.
		cr.Pty.Close()
		cr.Pty = nil
	}
	if err := cr.handshake(parent, p, launch, fifo); err != nil {
		return err
	}
	logf("debug", "create %s: init waits on the fifo", st.ID)
	testStop("create:handshake")
	return finishCreate(o, rootDir, cr)
}

// finishCreate records the created state and writes --pid-file.
func finishCreate(o CreateOpts, rootDir string, cr *Handle) error {
	st := cr.State
	st.Status = Created
	if err := st.Save(rootDir); err != nil {
		return err
	}
	testStop("create:done")
	if pf := o.PidFile; pf != "" {
		if err := writePidFile(pf, st.Pid); err != nil {
			return err
		}
	}
	return nil
}
