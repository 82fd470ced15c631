// The guest's hostname: the spec's, or for a pod member, the pod's (its /etc/hostname).
package specconv

import (
	"io"
	"os"
	"path"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// maxHostname is Linux's HOST_NAME_MAX.
const maxHostname = 64

// Hostname is what the guest's uname reports. A container joining a pod's UTS namespace
// by path (containerd's CRI leaves spec.hostname empty then) sees the pod's hostname
// under runc; the libOS has no namespace to ask, so runnc takes it from the /etc/hostname
// the CRI bind-mounts, which holds the same name. Anything unusable there is ignored.
func (b *Bundle) Hostname() string {
	s := b.Spec
	if s.Hostname != "" || s.Linux == nil {
		return s.Hostname
	}
	joined := false
	for _, ns := range s.Linux.Namespaces {
		if ns.Type == specs.UTSNamespace && ns.Path != "" {
			joined = true
		}
	}
	if !joined {
		return ""
	}
	for _, m := range s.Mounts {
		if path.Clean(m.Destination) == "/etc/hostname" && m.Source != "" {
			return hostnameFile(m.Source)
		}
	}
	return ""
}

// hostnameFile reads the first line of an /etc/hostname file, "" when it is not a name.
func hostnameFile(p string) string {
	f, err := os.Open(p)
	if err != nil {
		return ""
	}
	defer f.Close()
	buf := make([]byte, maxHostname+2)
	n, _ := io.ReadFull(f, buf)
	line, _, _ := strings.Cut(string(buf[:n]), "\n")
	if line == "" || len(line) > maxHostname {
		return ""
	}
	for i := 0; i < len(line); i++ {
		if c := line[i]; c <= ' ' || c >= 0x7f {
			return ""
		}
	}
	return line
}
