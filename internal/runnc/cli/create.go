// `runnc create`: prepare the container and leave its init waiting on the exec fifo.
package cli

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"time"

	"github.com/urfave/cli/v2"
	"golang.org/x/sys/unix"

	"github.com/nabla-containers/nabla/abi"
	"github.com/nabla-containers/nabla/internal/runnc/console"
	"github.com/nabla-containers/nabla/internal/runnc/container"
	"github.com/nabla-containers/nabla/internal/runnc/initproc"
)

func createFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "bundle", Aliases: []string{"b"}, Usage: "path to the root of the bundle directory, defaults to the current directory"},
		&cli.StringFlag{Name: "console-socket", Usage: "path to an AF_UNIX socket which will receive a file descriptor referencing the master end of the console's pseudoterminal"},
		&cli.StringFlag{Name: "pid-file", Usage: "specify the file to write the process id to"},
		&cli.BoolFlag{Name: "no-pivot", Usage: "do not use pivot root to jail process inside rootfs (no effect: the unikernel sees only its disk)"},
		&cli.BoolFlag{Name: "no-new-keyring", Usage: "do not create a new session keyring for the container (no effect)"},
		&cli.IntFlag{Name: "preserve-fds", Usage: "pass N additional file descriptors to the container (only 0 is supported)"},
	}
}

func createCommand() *cli.Command {
	return &cli.Command{
		Name:      "create",
		Usage:     "create a container",
		ArgsUsage: "<container-id>",
		Flags:     createFlags(),
		Action: func(c *cli.Context) error {
			id, err := oneID(c)
			if err != nil {
				return err
			}
			cr, err := create(c, id, true)
			if err != nil {
				return err
			}
			cr.release()
			return nil
		},
	}
}

// oneID returns the single container id argument.
func oneID(c *cli.Context) (string, error) {
	if c.NArg() != 1 {
		return "", fmt.Errorf("%s: requires exactly 1 argument (container id), got %d", c.Command.Name, c.NArg())
	}
	id := c.Args().First()
	return id, container.CheckID(id)
}

// initArgv0 is the init's argv[0]; start watches it change to see the exec happen.
const initArgv0 = container.InitArgv0

// created is a container whose init waits on the fifo; run keeps the process handle.
type created struct {
	st   *container.State
	lock *container.Lock
	cmd  *exec.Cmd
	pty  *console.Pty // run in the foreground with a terminal: our copy of the master
}

func (cr *created) release() {
	cr.lock.Release()
	if cr.cmd != nil && cr.cmd.Process != nil {
		cr.cmd.Process.Release()
	}
}

// create makes a container. detach says whether runnc returns while the container
// lives on (create, run -d), which is when a terminal needs --console-socket.
func create(c *cli.Context, id string, detach bool) (*created, error) {
	bundle := c.String("bundle")
	if bundle == "" {
		bundle = "."
	}
	if n := c.Int("preserve-fds"); n != 0 {
		return nil, fmt.Errorf("--preserve-fds=%d: a unikernel cannot use extra file descriptors", n)
	}
	logf("debug", "create %s: start", id)
	p, err := makePlan(bundle)
	if err != nil {
		return nil, err
	}
	logf("debug", "create %s: bundle checked", id)
	terminal := p.bundle.Spec.Process.Terminal
	sock := c.String("console-socket")
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
	rootDir, err := filepath.Abs(root(c))
	if err != nil {
		return nil, err
	}
	lock, err := container.CreateDir(rootDir, id)
	if err != nil {
		return nil, err
	}
	st := &container.State{
		ID: id, Bundle: p.bundle.Dir, Rootfs: p.bundle.Rootfs, Status: container.Creating,
		Created: time.Now().UTC(), Owner: owner(), Annotations: p.bundle.Spec.Annotations,
		Hooks: p.bundle.Spec.Hooks, MemMB: p.memMB,
	}
	testStop("create:dir")
	cr := &created{st: st, lock: lock}
	if err := cr.build(c, rootDir, p, terminal, sock, detach); err != nil {
		// Undo everything: the process (if any) and the state directory.
		_ = st.KillAndWait()
		if cr.cmd != nil && cr.cmd.Process != nil {
			cr.cmd.Wait()
		}
		if cr.pty != nil {
			cr.pty.Close()
		}
		_ = container.RemoveDir(rootDir, id)
		lock.Release()
		return nil, err
	}
	return cr, nil
}

func (cr *created) build(c *cli.Context, rootDir string, p *plan, terminal bool, sock string, detach bool) error {
	st := cr.st
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
	fifo := filepath.Join(container.Dir(rootDir, st.ID), container.FifoName)
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
	cmd := exec.Command(self, initproc.Arg, container.Dir(rootDir, st.ID))
	cmd.Args[0] = initArgv0
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
		cr.pty = pty
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
	if cr.pty != nil {
		cr.pty.Slave.Close()
		cr.pty.Slave = nil
	}
	if err != nil {
		return fmt.Errorf("start init: %v", err)
	}
	cr.cmd = cmd
	logf("debug", "create %s: init started", st.ID)
	st.Pid = cmd.Process.Pid
	if st.PidStart, err = container.StartTime(st.Pid); err != nil {
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
		if err := console.Send(sock, cr.pty.Master, cr.pty.Master.Name()); err != nil {
			return err
		}
	}
	if terminal && (detach || sock != "") {
		// The receiver of the console socket owns the terminal now.
		cr.pty.Close()
		cr.pty = nil
	}
	if err := cr.handshake(parent, p, launch, fifo); err != nil {
		return err
	}
	logf("debug", "create %s: init waits on the fifo", st.ID)
	testStop("create:handshake")
	return finishCreate(c, rootDir, cr)
}

// handshake drives init through its namespaces and the hooks to the created state.
func (cr *created) handshake(sync *os.File, p *plan, launch *initproc.Launch, fifo string) error {
	st := cr.st
	cfg := initproc.Config{Launch: launch, Fifo: fifo, NetNS: p.netns, Hooks: p.bundle.Spec.Hooks, State: st.OCIState(container.Creating)}
	b, err := json.Marshal(cfg)
	if err != nil {
		return err
	}
	if _, err := sync.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("init: %v", err)
	}
	r := bufio.NewReader(sync)
	if err := expect(r, initproc.Ready); err != nil {
		return err
	}
	logf("debug", "create %s: init ready", st.ID)
	testStop("create:ready")
	if h := p.bundle.Spec.Hooks; h != nil {
		ost := st.OCIState(container.Creating)
		if err := container.RunHooks("prestart", h.Prestart, ost); err != nil {
			return err
		}
		if err := container.RunHooks("createRuntime", h.CreateRuntime, ost); err != nil {
			return err
		}
	}
	if _, err := sync.Write([]byte{initproc.Go}); err != nil {
		return fmt.Errorf("init: %v", err)
	}
	return expect(r, initproc.Created)
}

// expect reads one sync byte; an error byte carries init's message.
func expect(r *bufio.Reader, want byte) error {
	b, err := r.ReadByte()
	if err != nil {
		return fmt.Errorf("init exited early: %v", err)
	}
	if b == initproc.Error {
		msg, _ := io.ReadAll(io.LimitReader(r, 4096))
		return fmt.Errorf("init: %s", msg)
	}
	if b != want {
		return fmt.Errorf("init: unexpected sync byte %q", b)
	}
	return nil
}

// finishCreate records the created state and writes --pid-file.
func finishCreate(c *cli.Context, rootDir string, cr *created) error {
	st := cr.st
	st.Status = container.Created
	if err := st.Save(rootDir); err != nil {
		return err
	}
	testStop("create:done")
	if pf := c.String("pid-file"); pf != "" {
		if err := writePidFile(pf, st.Pid); err != nil {
			return err
		}
	}
	return nil
}

// writePidFile writes the pid the way runc does: temporary file, then rename.
func writePidFile(path string, pid int) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	tmp := filepath.Join(filepath.Dir(abs), "."+filepath.Base(abs)+".tmp")
	if err := os.WriteFile(tmp, []byte(strconv.Itoa(pid)), 0o644); err != nil {
		return fmt.Errorf("pid file: %v", err)
	}
	if err := os.Rename(tmp, abs); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("pid file: %v", err)
	}
	return nil
}

func owner() string {
	u, err := user.LookupId(strconv.Itoa(os.Geteuid()))
	if err != nil {
		return "#" + strconv.Itoa(os.Geteuid())
	}
	return u.Username
}
