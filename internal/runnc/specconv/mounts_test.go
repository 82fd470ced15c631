// Tests of the OCI mounts -> libOS mounts conversion, including the refusal of writable binds.
package specconv

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func TestGuestMounts(t *testing.T) {
	d := t.TempDir()
	data := filepath.Join(d, "data")
	os.Mkdir(data, 0o755)
	resolv := filepath.Join(d, "resolv.conf")
	os.WriteFile(resolv, []byte("nameserver 1.1.1.1\n"), 0o644)
	// What Docker puts in config.json (the synthetic ones first), plus user mounts.
	ms := []specs.Mount{
		{Destination: "/proc", Type: "proc", Source: "proc"},
		{Destination: "/dev", Type: "tmpfs", Source: "tmpfs", Options: []string{"nosuid", "strictatime", "mode=755", "size=65536k"}},
		{Destination: "/dev/pts", Type: "devpts", Source: "devpts"},
		{Destination: "/sys", Type: "sysfs", Source: "sysfs", Options: []string{"ro"}},
		{Destination: "/sys/fs/cgroup", Type: "cgroup", Source: "cgroup"},
		{Destination: "/dev/mqueue", Type: "mqueue", Source: "mqueue"},
		{Destination: "/dev/shm", Type: "tmpfs", Source: "shm", Options: []string{"size=67108864"}},
		{Destination: "/data/deep", Type: "bind", Source: data, Options: []string{"rbind", "ro"}},
		{Destination: "/etc/resolv.conf", Type: "bind", Source: resolv, Options: []string{"rbind", "rprivate"}},
		{Destination: "/run", Type: "tmpfs", Source: "tmpfs", Options: []string{"size=2m"}},
		{Destination: "/data", Source: data, Options: []string{"bind", "ro"}},
		// What containerd's CRI adds for the kubelet: writable binds of the sandbox's
		// shm and of the termination log (left out), next to the /etc files.
		{Destination: "/dev/shm", Type: "bind", Source: d, Options: []string{"rbind", "rprivate", "rw"}},
		{Destination: "/dev/termination-log", Type: "bind", Source: resolv, Options: []string{"rbind", "rprivate", "rw"}},
	}
	got, err := GuestMounts(ms)
	if err != nil {
		t.Fatal(err)
	}
	want := []GuestMount{
		{Mount: Mount{Path: "/run", FS: "tmpfs", Size: 2 << 20}},
		{Mount: Mount{Dev: "vol3", Path: "/data", RO: true}, Source: data},
		{Mount: Mount{Dev: "vol1", Path: "/data/deep", RO: true}, Source: data},
		{Mount: Mount{Dev: "vol2", Path: "/etc/resolv.conf", File: "resolv.conf"}, Source: resolv},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("%d: %+v, want %+v", i, got[i], want[i])
		}
	}
	for _, c := range []struct {
		m    specs.Mount
		want string
	}{
		{specs.Mount{Destination: "/data", Type: "bind", Source: data, Options: []string{"rbind"}},
			"mount /data: a writable bind mount of " + data + " cannot be shared with a unikernel (its writes would never reach the host); mount it read-only (ro)"},
		{specs.Mount{Destination: "/x", Type: "bind", Source: filepath.Join(d, "nope"), Options: []string{"ro"}}, "no such file"},
		{specs.Mount{Destination: "/x", Type: "overlay", Source: "overlay"}, `type "overlay" is not supported`},
		{specs.Mount{Destination: "rel", Type: "tmpfs"}, "absolute"},
		{specs.Mount{Destination: "/t", Type: "tmpfs", Options: []string{"size=lots"}}, "size=lots"},
	} {
		_, err := GuestMounts([]specs.Mount{c.m})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: err %v, want %q", c.m, err, c.want)
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("error is not one line: %q", err)
		}
	}
}
