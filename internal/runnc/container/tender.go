// Finding the tender binary: next to runnc first, then on PATH.
package container

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// findTender returns the absolute path of nabla-<target>.
func findTender(target string) (string, error) {
	name := "nabla-" + target
	if self, err := os.Executable(); err == nil {
		p := filepath.Join(filepath.Dir(self), name)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	p, err := exec.LookPath(name)
	if err != nil {
		if target == "hvt" {
			return "", fmt.Errorf("hvt images need the %s tender, which is not installed (next to runnc or on PATH)", name)
		}
		return "", fmt.Errorf("tender %s not found next to runnc or on PATH", name)
	}
	return filepath.Abs(p)
}
