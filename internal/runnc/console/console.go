// Pseudo-terminals for process.terminal: allocate one and hand its master to
// --console-socket with SCM_RIGHTS, as runc does.
package console

import (
	"fmt"
	"net"
	"os"

	"golang.org/x/sys/unix"
)

// Pty is an allocated pseudo-terminal pair.
type Pty struct {
	Master *os.File
	Slave  *os.File
}

// Open allocates a pty through /dev/ptmx.
func Open() (*Pty, error) {
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("open pty: %v", err)
	}
	fd := int(m.Fd())
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		m.Close()
		return nil, fmt.Errorf("unlock pty: %v", err)
	}
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err != nil {
		m.Close()
		return nil, fmt.Errorf("pty number: %v", err)
	}
	name := fmt.Sprintf("/dev/pts/%d", n)
	s, err := os.OpenFile(name, os.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		m.Close()
		return nil, fmt.Errorf("open %s: %v", name, err)
	}
	return &Pty{Master: m, Slave: s}, nil
}

// Resize sets the terminal's size (rows x cols), as process.consoleSize asks.
func (p *Pty) Resize(rows, cols uint) error {
	ws := &unix.Winsize{Row: uint16(min(rows, 0xffff)), Col: uint16(min(cols, 0xffff))}
	if err := unix.IoctlSetWinsize(int(p.Master.Fd()), unix.TIOCSWINSZ, ws); err != nil {
		return fmt.Errorf("process.consoleSize: %v", err)
	}
	return nil
}

// Close closes both ends that are still open here.
func (p *Pty) Close() {
	if p.Master != nil {
		p.Master.Close()
	}
	if p.Slave != nil {
		p.Slave.Close()
	}
}

// Send passes the master to the listener at socketPath: the pty's name as data and
// the descriptor as SCM_RIGHTS, the message containerd's shim and runc's recvtty read.
func Send(socketPath string, master *os.File, name string) error {
	c, err := net.Dial("unix", socketPath)
	if err != nil {
		return fmt.Errorf("console socket: %v", err)
	}
	defer c.Close()
	uc, ok := c.(*net.UnixConn)
	if !ok {
		return fmt.Errorf("console socket %s is not a unix socket", socketPath)
	}
	if _, _, err := uc.WriteMsgUnix([]byte(name), unix.UnixRights(int(master.Fd())), nil); err != nil {
		return fmt.Errorf("console socket: send pty: %v", err)
	}
	return nil
}
