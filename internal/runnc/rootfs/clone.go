// A container's private copy of a cached image: the tender opens disks read-write, so
// a guest that writes must not reach the image other containers share.
package rootfs

import (
	"fmt"
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// Clone copies src to dst: a reflink (copy-on-write, O(1)) where the filesystem has
// them, else an in-kernel copy (copy_file_range).
func Clone(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("rootfs disk: %v", err)
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("rootfs disk: %v", err)
	}
	err = unix.IoctlFileClone(int(out.Fd()), int(in.Fd()))
	if err != nil {
		_, err = io.Copy(out, in)
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(dst)
		return fmt.Errorf("rootfs disk: %v", err)
	}
	return nil
}
