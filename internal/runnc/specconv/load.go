// Loading and checking a bundle's config.json.
package specconv

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Bundle is a loaded bundle: absolute paths and the parsed spec.
type Bundle struct {
	Dir    string
	Rootfs string
	Spec   *specs.Spec
}

// LoadBundle reads <dir>/config.json and checks what runnc needs from it.
func LoadBundle(dir string) (*Bundle, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("bundle %q: %v", dir, err)
	}
	b, err := os.ReadFile(filepath.Join(abs, "config.json"))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("JSON specification file config.json not found in bundle %s", abs)
	}
	if err != nil {
		return nil, fmt.Errorf("read config.json: %v", err)
	}
	var s specs.Spec
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("config.json: invalid JSON: %v", err)
	}
	if s.Root == nil || s.Root.Path == "" {
		return nil, errors.New("config.json: root.path is not set")
	}
	if s.Process == nil || len(s.Process.Args) == 0 || s.Process.Args[0] == "" {
		return nil, errors.New("config.json: process.args must name the unikernel image")
	}
	if s.Process.Cwd != "" && !filepath.IsAbs(s.Process.Cwd) {
		return nil, fmt.Errorf("config.json: process.cwd %q is not absolute", s.Process.Cwd)
	}
	root := s.Root.Path
	if !filepath.IsAbs(root) {
		root = filepath.Join(abs, root)
	}
	st, err := os.Stat(root)
	if err != nil {
		return nil, fmt.Errorf("rootfs (%s) does not exist", root)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("rootfs (%s) is not a directory", root)
	}
	return &Bundle{Dir: abs, Rootfs: root, Spec: &s}, nil
}

// NetNS says which network namespace the container wants: ("", false) the host's,
// ("", true) a new one, (path, true) an existing one.
func (b *Bundle) NetNS() (path string, ok bool) {
	if b.Spec.Linux == nil {
		return "", false
	}
	for _, ns := range b.Spec.Linux.Namespaces {
		if ns.Type == specs.NetworkNamespace {
			return ns.Path, true
		}
	}
	return "", false
}
