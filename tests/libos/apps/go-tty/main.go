// go-tty: what a program asks its terminal: isatty of 0-2, the window size, termios, a raw
// mode set and restored (the calls of golang.org/x/term), the foreground process group.
// "go-tty winch" instead says ready and, at the SIGWINCH to 40x120, prints the size.
package main

import (
	"fmt"
	"os"
	"os/signal"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// winch waits for a SIGWINCH that brings the size 40x120 (a runtime may resize the
// terminal once more at start: those are skipped).
func winch() {
	c := make(chan os.Signal, 4)
	signal.Notify(c, unix.SIGWINCH)
	fmt.Println("ready")
	timeout := time.After(30 * time.Second)
	for {
		select {
		case <-c:
			ws, err := unix.IoctlGetWinsize(1, unix.TIOCGWINSZ)
			if err != nil || ws.Row == 40 && ws.Col == 120 {
				fmt.Printf("SIGWINCH: %dx%d %v\n", ws.Row, ws.Col, err)
				return
			}
		case <-timeout:
			fmt.Println("no SIGWINCH to 40x120")
			return
		}
	}
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "winch" {
		winch()
		return
	}
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
