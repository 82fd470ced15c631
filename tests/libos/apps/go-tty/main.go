// go-tty: what a program asks its terminal: isatty of 0-2, the window size, termios, a raw
// mode set and restored (the calls of golang.org/x/term), the foreground process group.
package main

import (
	"fmt"
	"os"
	"strings"

	"golang.org/x/sys/unix"
)

func main() {
	var out strings.Builder
	for fd := 0; fd < 3; fd++ {
		_, err := unix.IoctlGetTermios(fd, unix.TCGETS)
		fmt.Fprintf(&out, "fd %d isatty %v (%v)\n", fd, err == nil, err)
	}
	ws, err := unix.IoctlGetWinsize(1, unix.TIOCGWINSZ)
	if err == nil {
		fmt.Fprintf(&out, "winsize %dx%d\n", ws.Row, ws.Col)
	} else {
		fmt.Fprintf(&out, "winsize: %v\n", err)
	}
	t, err := unix.IoctlGetTermios(0, unix.TCGETS)
	if err == nil {
		fmt.Fprintf(&out, "termios iflag %#x oflag %#x cflag %#x lflag %#x cc %v\n", t.Iflag, t.Oflag, t.Cflag, t.Lflag, t.Cc[:17])
		// term.MakeRaw's flags, then term.Restore.
		raw := *t
		raw.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON
		raw.Oflag &^= unix.OPOST
		raw.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
		raw.Cflag &^= unix.CSIZE | unix.PARENB
		raw.Cflag |= unix.CS8
		raw.Cc[unix.VMIN], raw.Cc[unix.VTIME] = 1, 0
		err = unix.IoctlSetTermios(0, unix.TCSETS, &raw)
		back, _ := unix.IoctlGetTermios(0, unix.TCGETS)
		fmt.Fprintf(&out, "raw: %v, lflag now %#x oflag %#x\n", err, back.Lflag, back.Oflag)
		err = unix.IoctlSetTermios(0, unix.TCSETS, t)
		back, _ = unix.IoctlGetTermios(0, unix.TCGETS)
		fmt.Fprintf(&out, "restored: %v, lflag %#x oflag %#x\n", err, back.Lflag, back.Oflag)
	}
	pg, err := unix.IoctlGetInt(0, unix.TIOCGPGRP)
	fmt.Fprintf(&out, "pgrp is mine: %v (%v)\n", err == nil && pg == unix.Getpgrp(), err)
	os.Stdout.WriteString(out.String())
}
