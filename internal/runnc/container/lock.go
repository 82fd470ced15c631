// Per-container locking: flock on the container's state directory.
package container

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// Lock is an exclusive lock on one container's directory. Commands on different
// containers never contend; commands on the same container are serialised.
type Lock struct{ f *os.File }

// Acquire locks an existing container directory. It returns ErrNotExist when the
// directory is missing or was removed while we waited for the lock.
func Acquire(root, id string) (*Lock, error) {
	if err := CheckID(id); err != nil {
		return nil, err
	}
	dir := Dir(root, id)
	f, err := os.Open(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, ErrNotExist
	}
	if err != nil {
		return nil, fmt.Errorf("lock %s: %v", id, err)
	}
	if err := flock(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %v", id, err)
	}
	// A concurrent delete may have removed the directory while we waited.
	var st unix.Stat_t
	if err := unix.Fstat(int(f.Fd()), &st); err != nil || st.Nlink == 0 {
		f.Close()
		return nil, ErrNotExist
	}
	return &Lock{f: f}, nil
}

// CreateDir makes the directory of a new container and locks it. An existing
// directory means a duplicate id.
func CreateDir(root, id string) (*Lock, error) {
	if err := CheckID(id); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(root, 0o711); err != nil {
		return nil, fmt.Errorf("create root %s: %v", root, err)
	}
	if err := os.Mkdir(Dir(root, id), 0o711); err != nil {
		if errors.Is(err, os.ErrExist) {
			return nil, fmt.Errorf("container with id exists: %s", id)
		}
		return nil, fmt.Errorf("create container directory: %v", err)
	}
	return Acquire(root, id)
}

func flock(f *os.File) error {
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_EX)
		if err != unix.EINTR {
			return err
		}
	}
}

// Release drops the lock.
func (l *Lock) Release() {
	if l != nil && l.f != nil {
		l.f.Close()
		l.f = nil
	}
}
