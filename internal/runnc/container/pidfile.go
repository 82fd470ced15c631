// --pid-file written as runc writes it, and the owner recorded in the state.
package container

import (
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
)

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
