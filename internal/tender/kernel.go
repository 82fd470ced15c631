// kernel.go: opens the unikernel image through a raw descriptor, outside Go's poller.
package tender

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// OpenKernel opens the image read-only with a raw descriptor: os.Open would register it
// with Go's netpoller, whose descriptors the tenders' seccomp policies do not know about.
// It returns the descriptor and the file size; the caller closes the descriptor.
func OpenKernel(path string) (fd int, size int64, err error) {
	fd, err = unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, 0, fmt.Errorf("%s: %v", path, err)
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		unix.Close(fd)
		return -1, 0, fmt.Errorf("%s: %v", path, err)
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG {
		unix.Close(fd)
		return -1, 0, fmt.Errorf("%s: not a regular file", path)
	}
	return fd, st.Size, nil
}

// FDReader reads a file through a raw descriptor with pread (io.ReaderAt), retrying
// EINTR; a file shorter than asked is an error, since the image's headers promised more.
type FDReader int

func (fd FDReader) ReadAt(p []byte, off int64) (int, error) {
	done := 0
	for done < len(p) {
		n, err := unix.Pread(int(fd), p[done:], off+int64(done))
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return done, err
		}
		if n == 0 {
			return done, fmt.Errorf("unexpected end of file at offset %d", off+int64(done))
		}
		done += n
	}
	return done, nil
}
