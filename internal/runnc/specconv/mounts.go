// The OCI spec's mounts as the libOS's "mounts": bind mounts become read-only disks, tmpfs memory.
package specconv

import (
	"fmt"
	"os"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// GuestMount is one mount for the guest; Source is the host directory or file that becomes
// the disk Mount.Dev ("" for tmpfs).
type GuestMount struct {
	Mount  Mount
	Source string
}

// synthetic are the mounts the libOS provides itself (/dev, /proc, /sys...): skipped.
var synthetic = map[string]bool{"/dev": true, "/proc": true, "/sys": true, "/dev/pts": true,
	"/dev/shm": true, "/dev/mqueue": true, "/sys/fs/cgroup": true}

var syntheticTypes = map[string]bool{"proc": true, "sysfs": true, "devpts": true, "mqueue": true,
	"cgroup": true, "cgroup2": true}

// dockerEtc are the files Docker (and Kubernetes and podman) bind-mount read-write by
// default for the container to read, podman's /run/.containerenv too. They become disks
// holding a snapshot of the host file, writable in the guest's memory only: the container
// sees what the engine wrote, and its own writes never reach the host.
var dockerEtc = map[string]bool{"/etc/resolv.conf": true, "/etc/hostname": true, "/etc/hosts": true, "/run/.containerenv": true}

// kubeletFiles are writable binds the kubelet adds to every container whose contents
// only flow out of the container: /dev/termination-log (the termination message, read
// by the kubelet after exit). The guest's /dev is the libOS's own, and its writes could
// not reach the host, so the mount is left out: pods under runnc get their termination
// message from the log (terminationMessagePolicy: FallbackToLogsOnError), docs/kubernetes.md.
var kubeletFiles = map[string]bool{"/dev/termination-log": true}

// GuestMounts converts the spec's mounts: bind mounts -> disks vol1, vol2, ... (in spec
// order), tmpfs -> memory. A writable bind mount is refused (its writes could not reach
// the host), except Docker's /etc files (dockerEtc). The result is in mount order,
// parents before children.
func GuestMounts(ms []specs.Mount) ([]GuestMount, error) {
	var out []GuestMount
	seen := map[string]bool{}
	for _, m := range ms {
		dst := path.Clean(m.Destination)
		if !path.IsAbs(m.Destination) {
			return nil, fmt.Errorf("mount %q: destination must be absolute", m.Destination)
		}
		if synthetic[dst] || kubeletFiles[dst] || syntheticTypes[m.Type] || strings.HasPrefix(dst, "/sys/") || strings.HasPrefix(dst, "/proc/") {
			continue
		}
		if dst == "/" {
			return nil, fmt.Errorf("mount %s: the unikernel's / is the bundle's rootfs", dst)
		}
		if seen[dst] {
			return nil, fmt.Errorf("mount %s: destination given twice", dst)
		}
		seen[dst] = true
		bind := m.Type == "bind" || slices.Contains(m.Options, "bind") || slices.Contains(m.Options, "rbind")
		switch {
		case m.Type == "tmpfs" && !bind:
			g := GuestMount{Mount: Mount{Path: dst, FS: "tmpfs"}}
			for _, o := range m.Options {
				if v, ok := strings.CutPrefix(o, "size="); ok {
					n, err := parseSize(v)
					if err != nil {
						return nil, fmt.Errorf("mount %s: tmpfs %s: %v", dst, o, err)
					}
					g.Mount.Size = n
				}
			}
			out = append(out, g)
		case bind:
			ro := slices.Contains(m.Options, "ro")
			if !ro && !dockerEtc[dst] {
				return nil, fmt.Errorf("mount %s: a writable bind mount of %s cannot be shared with a unikernel (its writes would never reach the host); mount it read-only (ro)", dst, m.Source)
			}
			st, err := os.Stat(m.Source)
			if err != nil {
				return nil, fmt.Errorf("mount %s: %v", dst, err)
			}
			g := GuestMount{Mount: Mount{Dev: "vol" + strconv.Itoa(len(out)+1), Path: dst, RO: ro}, Source: m.Source}
			switch {
			case st.Mode().IsRegular():
				g.Mount.File = path.Base(dst)
			case !st.IsDir():
				return nil, fmt.Errorf("mount %s: source %s is not a directory or regular file", dst, m.Source)
			}
			out = append(out, g)
		default:
			return nil, fmt.Errorf("mount %s: type %q is not supported by the unikernel (bind mounts and tmpfs are)", dst, m.Type)
		}
	}
	// Disk names follow the spec order; tmpfs entries take no name, so renumber them.
	n := 0
	for i := range out {
		if out[i].Source != "" {
			n++
			out[i].Mount.Dev = "vol" + strconv.Itoa(n)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		return strings.Count(out[i].Mount.Path, "/") < strings.Count(out[j].Mount.Path, "/")
	})
	return out, nil
}

// parseSize reads a tmpfs size= value: bytes with an optional k, m or g suffix.
func parseSize(v string) (uint64, error) {
	mul := uint64(1)
	switch {
	case strings.HasSuffix(v, "k"), strings.HasSuffix(v, "K"):
		mul = 1 << 10
	case strings.HasSuffix(v, "m"), strings.HasSuffix(v, "M"):
		mul = 1 << 20
	case strings.HasSuffix(v, "g"), strings.HasSuffix(v, "G"):
		mul = 1 << 30
	}
	if mul != 1 {
		v = v[:len(v)-1]
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil || n > (1<<63)/mul {
		return 0, fmt.Errorf("not a size")
	}
	return n * mul, nil
}
