// Tests of `nabla run`'s libOS options: PATH lookup inside --rootfs, volumes, workdir, env.
package nablacli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nabla-containers/nabla/internal/runnc/specconv"
)

func exe(t *testing.T, p string) {
	t.Helper()
	os.MkdirAll(filepath.Dir(p), 0o755)
	if err := os.WriteFile(p, []byte("\x7fELF"), 0o755); err != nil {
		t.Fatal(err)
	}
}

func TestFindApp(t *testing.T) {
	root := t.TempDir()
	exe(t, filepath.Join(root, "usr/bin/tool"))
	exe(t, filepath.Join(root, "opt/x/tool"))
	os.WriteFile(filepath.Join(root, "usr/bin/noexec"), []byte("x"), 0o644)
	os.MkdirAll(filepath.Join(root, "bin"), 0o755)
	os.Symlink("/usr/bin/tool", filepath.Join(root, "bin/abs"))           // absolute: inside root
	os.Symlink("../../../../usr/bin/tool", filepath.Join(root, "bin/up")) // climbs past /: clamped
	os.Symlink("/etc/passwd", filepath.Join(root, "bin/escape"))          // the host's would be outside
	os.Symlink("loop", filepath.Join(root, "bin/loop"))
	os.Symlink("usr/bin", filepath.Join(root, "ub"))
	cases := []struct {
		app, path, argv0, host, err string
	}{
		{app: "tool", argv0: "/usr/bin/tool", host: "usr/bin/tool"},
		{app: "tool", path: "PATH=/opt/x:/usr/bin", argv0: "/opt/x/tool", host: "opt/x/tool"},
		{app: "tool", path: "PATH=relative:/usr/bin", argv0: "/usr/bin/tool", host: "usr/bin/tool"},
		{app: "abs", argv0: "/bin/abs", host: "usr/bin/tool"},
		{app: "up", argv0: "/bin/up", host: "usr/bin/tool"},
		{app: "/ub/tool", argv0: "/ub/tool", host: "usr/bin/tool"},
		{app: "./tool", argv0: "./tool", host: "usr/bin/tool"}, // relative to the workdir /usr/bin
		{app: "escape", err: "not found"},
		{app: "loop", err: "too many levels"},
		{app: "noexec", err: "not executable"},
		{app: "nothere", err: "PATH=" + defaultPath},
		{app: "tool", path: "PATH=/nope", err: "not found"},
	}
	for _, c := range cases {
		env := []string{"A=1"}
		if c.path != "" {
			env = append(env, c.path)
		}
		wd := "/"
		if strings.HasPrefix(c.app, "./") {
			wd = "/usr/bin"
		}
		argv0, host, err := findApp(root, c.app, wd, env)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s: err %v, want %q", c.app, err, c.err)
			}
			continue
		}
		if err != nil || argv0 != c.argv0 || host != filepath.Join(root, c.host) {
			t.Errorf("%s (%s): got %q %q %v, want %q %q", c.app, c.path, argv0, host, err, c.argv0, c.host)
		}
	}
}

func TestPlanLibRun(t *testing.T) {
	root, vol := t.TempDir(), t.TempDir()
	exe(t, filepath.Join(root, "bin/app"))
	file := filepath.Join(vol, "resolv.conf")
	os.WriteFile(file, []byte("x"), 0o644)
	p, err := planLibRun(libRunOptions{App: "app", Args: []string{"a b", ""}, Env: []string{"K=v,w", "E="},
		Rootfs: root, Volumes: []string{vol + ":/data/sub:ro", file + ":/etc/resolv.conf", vol + ":/data"}, Workdir: "/data/"})
	if err != nil {
		t.Fatal(err)
	}
	c := p.Config
	if strings.Join(c.Args, "|") != "/bin/app|a b|" || c.Cwd != "/data" || strings.Join(c.Env, "|") != "K=v,w|E=" || !c.LibOS {
		t.Errorf("config %+v", c)
	}
	// Parents first (by depth), else in the order given.
	want := []specconv.Mount{{Dev: "rootfs", Path: "/"}, {Dev: "vol3", Path: "/data"},
		{Dev: "vol1", Path: "/data/sub", RO: true}, {Dev: "vol2", Path: "/etc/resolv.conf", File: "resolv.conf"}}
	if len(c.Mounts) != len(want) {
		t.Fatalf("mounts %+v", c.Mounts)
	}
	for i := range want {
		if c.Mounts[i] != want[i] {
			t.Errorf("mount %d: %+v, want %+v", i, c.Mounts[i], want[i])
		}
	}
	if len(p.Disks) != 4 || p.Disks[0].Name != "rootfs" || p.Disks[2].File != "resolv.conf" || p.Disks[3].Host != vol {
		t.Errorf("disks %+v", p.Disks)
	}
	// Without --rootfs: APP is the host file and named as given; no disks.
	p, err = planLibRun(libRunOptions{App: "./rel/app", Args: []string{"x"}})
	if err != nil || p.AppHost != "./rel/app" || p.Config.Args[0] != "./rel/app" || len(p.Disks) != 0 || len(p.Config.Mounts) != 0 || p.Config.Cwd != "/" {
		t.Errorf("plain: %+v %v", p, err)
	}
	for _, bad := range []struct {
		o    libRunOptions
		want string
	}{
		{libRunOptions{App: "a", Workdir: "rel"}, "--workdir"},
		{libRunOptions{App: "a", Env: []string{"novalue"}}, "NAME=VALUE"},
		{libRunOptions{App: "a", Env: []string{"=x"}}, "NAME=VALUE"},
		{libRunOptions{App: "a", Volumes: []string{vol}}, "HOSTPATH:GUESTPATH"},
		{libRunOptions{App: "a", Volumes: []string{vol + ":rel"}}, "absolute"},
		{libRunOptions{App: "a", Volumes: []string{vol + ":/d:rx"}}, "HOSTPATH:GUESTPATH"},
		{libRunOptions{App: "a", Volumes: []string{vol + ":/"}}, "--rootfs"},
		{libRunOptions{App: "a", Volumes: []string{vol + ":/d", vol + ":/d/"}}, "twice"},
		{libRunOptions{App: "a", Volumes: []string{"/nonexistent:/d"}}, "no such file"},
		{libRunOptions{App: "a", Rootfs: file}, "not a directory"},
		{libRunOptions{App: "a", Args: []string{"x\x00"}}, "NUL"},
		{libRunOptions{App: "a", Args: []string{strings.Repeat("x", 9000)}}, "limit"},
	} {
		if _, err := planLibRun(bad.o); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%+v: err %v, want %q", bad.o, err, bad.want)
		}
	}
}
