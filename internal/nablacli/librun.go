// `nabla run` of a static Linux ELF: --rootfs, --volume, --env, --workdir turned into disks and the libOS's JSON configuration.
package nablacli

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/nabla-containers/nabla/internal/runnc/specconv"
)

// defaultPath is the PATH an APP without a slash is looked up in when --env sets none
// (Docker's default for a container).
const defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// maxLinks bounds the symlinks followed in one lookup inside a rootfs (Linux's 40).
const maxLinks = 40

// libRunOptions are the libOS run's flags and arguments.
type libRunOptions struct {
	App     string
	Args    []string
	Env     []string
	Rootfs  string   // host directory: the guest's /
	Volumes []string // HOSTPATH:GUESTPATH[:ro]
	Workdir string
}

// volume is one parsed --volume.
type volume struct {
	Host, Guest string
	RO          bool
}

// disk is one block device to attach: its manifest name and what goes in it.
type disk struct {
	Name string
	Host string // directory (a tree) or regular file
	File string // for a file: its name in the disk
}

// libRunPlan is what the run needs: the host file of the app, the disks and the guest's
// configuration (argv, env, cwd, mounts).
type libRunPlan struct {
	AppHost string
	Disks   []disk
	Config  *specconv.Config
}

// parseVolume reads HOSTPATH:GUESTPATH[:ro]. HOSTPATH may not hold ':' (as with docker -v).
func parseVolume(v string) (volume, error) {
	parts := strings.Split(v, ":")
	var vol volume
	switch {
	case len(parts) == 3 && parts[2] == "ro":
		vol.RO = true
	case len(parts) == 3 && parts[2] == "rw":
	case len(parts) != 2:
		return vol, fmt.Errorf("--volume %q: want HOSTPATH:GUESTPATH[:ro]", v)
	}
	vol.Host, vol.Guest = parts[0], parts[1]
	if vol.Host == "" || !path.IsAbs(vol.Guest) {
		return vol, fmt.Errorf("--volume %q: HOSTPATH must be given and GUESTPATH absolute", v)
	}
	vol.Guest = path.Clean(vol.Guest)
	if vol.Guest == "/" {
		return vol, fmt.Errorf("--volume %q: cannot mount over / (use --rootfs)", v)
	}
	return vol, nil
}

// envPath is the PATH of the guest: the last --env PATH=..., else defaultPath.
func envPath(env []string) string {
	p := defaultPath
	for _, e := range env {
		if v, ok := strings.CutPrefix(e, "PATH="); ok {
			p = v
		}
	}
	return p
}

// resolveIn resolves the guest path p inside root as the guest would see it: every
// symlink is followed with root as /, and ".." never climbs above it. It returns the
// resolved guest path.
func resolveIn(root, p string) (string, error) {
	parts := strings.Split(p, "/")
	cur, links := "/", 0
	for len(parts) > 0 {
		c := parts[0]
		parts = parts[1:]
		switch c {
		case "", ".":
			continue
		case "..":
			cur = path.Dir(cur)
			continue
		}
		next := path.Join(cur, c)
		host := filepath.Join(root, filepath.FromSlash(next))
		fi, err := os.Lstat(host)
		if err != nil {
			return "", err
		}
		if fi.Mode()&os.ModeSymlink == 0 {
			if len(parts) > 0 && !fi.IsDir() {
				return "", fmt.Errorf("%s: not a directory", next)
			}
			cur = next
			continue
		}
		if links++; links > maxLinks {
			return "", fmt.Errorf("%s: too many levels of symbolic links", p)
		}
		t, err := os.Readlink(host)
		if err != nil {
			return "", err
		}
		if path.IsAbs(t) {
			cur = "/"
		}
		parts = append(strings.Split(t, "/"), parts...)
	}
	return cur, nil
}

// findApp finds APP in the rootfs: a path with a slash as it is (relative to the
// workdir), else the first executable regular file named APP in the guest's PATH. It
// returns the guest's argv[0] (the path found, before symlinks) and the host file.
func findApp(root, app, workdir string, env []string) (argv0, host string, err error) {
	var cands []string
	if strings.Contains(app, "/") {
		p := app
		if !path.IsAbs(p) {
			p = path.Join(workdir, p)
		}
		cands = []string{p}
	} else {
		for _, d := range strings.Split(envPath(env), ":") {
			if path.IsAbs(d) {
				cands = append(cands, path.Join(d, app))
			}
		}
	}
	var first error
	for _, c := range cands {
		r, err := resolveIn(root, c)
		if err == nil {
			h := filepath.Join(root, filepath.FromSlash(r))
			st, serr := os.Stat(h)
			switch {
			case serr != nil:
				err = serr
			case !st.Mode().IsRegular():
				err = fmt.Errorf("%s is not a regular file", c)
			case st.Mode()&0o111 == 0:
				err = fmt.Errorf("%s is not executable", c)
			default:
				if strings.Contains(app, "/") {
					return app, h, nil
				}
				return c, h, nil
			}
		}
		if first == nil && !errors.Is(err, os.ErrNotExist) {
			first = err
		}
	}
	if first != nil {
		return "", "", fmt.Errorf("%s in --rootfs %s: %v", app, root, first)
	}
	if strings.Contains(app, "/") {
		return "", "", fmt.Errorf("%s: not found in --rootfs %s", app, root)
	}
	return "", "", fmt.Errorf("%s: not found in --rootfs %s (PATH=%s)", app, root, envPath(env))
}

// planLibRun checks the options and builds the guest's configuration and the disks:
// "rootfs" for --rootfs, vol1, vol2, ... for the volumes in the order given.
func planLibRun(o libRunOptions) (*libRunPlan, error) {
	cwd := "/"
	if o.Workdir != "" {
		if !path.IsAbs(o.Workdir) {
			return nil, fmt.Errorf("--workdir %q: must be an absolute guest path", o.Workdir)
		}
		cwd = path.Clean(o.Workdir)
	}
	for _, e := range o.Env {
		if k, _, ok := strings.Cut(e, "="); !ok || k == "" {
			return nil, fmt.Errorf("--env %q: want NAME=VALUE", e)
		}
	}
	p := &libRunPlan{Config: &specconv.Config{LibOS: true, Env: o.Env, Cwd: cwd}}
	argv0 := o.App
	p.AppHost = o.App
	if o.Rootfs != "" {
		root, err := filepath.EvalSymlinks(o.Rootfs)
		if err == nil {
			root, err = filepath.Abs(root)
		}
		if err != nil {
			return nil, fmt.Errorf("--rootfs: %v", err)
		}
		if st, err := os.Stat(root); err != nil || !st.IsDir() {
			return nil, fmt.Errorf("--rootfs %s is not a directory", o.Rootfs)
		}
		if argv0, p.AppHost, err = findApp(root, o.App, cwd, o.Env); err != nil {
			return nil, err
		}
		p.Disks = append(p.Disks, disk{Name: "rootfs", Host: root})
		p.Config.Mounts = append(p.Config.Mounts, specconv.Mount{Dev: "rootfs", Path: "/"})
	}
	var mounts []specconv.Mount
	seen := map[string]bool{}
	for i, v := range o.Volumes {
		vol, err := parseVolume(v)
		if err != nil {
			return nil, err
		}
		if seen[vol.Guest] {
			return nil, fmt.Errorf("--volume %q: %s is mounted twice", v, vol.Guest)
		}
		seen[vol.Guest] = true
		host, err := filepath.EvalSymlinks(vol.Host)
		if err == nil {
			host, err = filepath.Abs(host)
		}
		if err != nil {
			return nil, fmt.Errorf("--volume %q: %v", v, err)
		}
		st, err := os.Stat(host)
		if err != nil {
			return nil, fmt.Errorf("--volume %q: %v", v, err)
		}
		d := disk{Name: "vol" + strconv.Itoa(i+1), Host: host}
		m := specconv.Mount{Dev: d.Name, Path: vol.Guest, RO: vol.RO}
		switch {
		case st.IsDir():
		case st.Mode().IsRegular():
			d.File = filepath.Base(host)
			m.File = d.File
		default:
			return nil, fmt.Errorf("--volume %q: %s is not a directory or regular file", v, vol.Host)
		}
		p.Disks = append(p.Disks, d)
		mounts = append(mounts, m)
	}
	// Parents before children, whatever order the volumes came in.
	sort.SliceStable(mounts, func(i, j int) bool {
		return strings.Count(mounts[i].Path, "/") < strings.Count(mounts[j].Path, "/")
	})
	p.Config.Mounts = append(p.Config.Mounts, mounts...)
	p.Config.Args = append([]string{argv0}, o.Args...)
	if _, err := p.Config.Cmdline(); err != nil {
		return nil, err
	}
	return p, nil
}
