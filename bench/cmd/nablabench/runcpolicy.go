// runc's side of the allowed-syscall rows: no filter in `runc spec`, and Docker's default profile.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
)

// sysnumLine is one `SYS_NAME = N` constant of golang.org/x/sys/unix's zsysnum files.
var sysnumLine = regexp.MustCompile(`(?m)^\s*SYS_[A-Z0-9_]+\s*=\s*(\d+)`)

// goModDir is the module cache directory of module (a dependency of the repository).
func goModDir(repo, module string) (string, error) {
	c := exec.Command(goTool(), "list", "-m", "-f", "{{.Dir}}", module)
	c.Dir = repo
	b, err := c.Output()
	if err != nil {
		return "", fmt.Errorf("go list -m %s: %v", module, err)
	}
	dir := strings.TrimSpace(string(b))
	if dir == "" {
		return "", fmt.Errorf("go list -m %s: not in the module cache", module)
	}
	return dir, nil
}

// kernelSyscalls counts the distinct system call numbers of this architecture, from the
// table golang.org/x/sys (a dependency of the repository) generates from the kernel's.
func kernelSyscalls(repo string) (float64, error) {
	dir, err := goModDir(repo, "golang.org/x/sys")
	if err != nil {
		return 0, err
	}
	p := filepath.Join(dir, "unix", "zsysnum_linux_"+runtime.GOARCH+".go")
	b, err := os.ReadFile(p)
	if err != nil {
		return 0, err
	}
	return countSysnums(b, p)
}

func countSysnums(src []byte, name string) (float64, error) {
	nrs := map[string]bool{}
	for _, m := range sysnumLine.FindAllSubmatch(src, -1) {
		nrs[string(m[1])] = true
	}
	if len(nrs) == 0 {
		return 0, fmt.Errorf("%s: no SYS_ constants", name)
	}
	return float64(len(nrs)), nil
}

// dockerProfileGlobs are where moby's default seccomp profile sits in the module cache
// when some module of the machine depends on it.
var dockerProfileGlobs = []string{
	"github.com/moby/profiles/seccomp@*/default.json",
	"github.com/docker/docker@*/profiles/seccomp/default.json",
}

// dockerProfile finds moby's default profile in the module cache ("" when absent).
func dockerProfile() string {
	b, err := exec.Command(goTool(), "env", "GOMODCACHE").Output()
	if err != nil {
		return ""
	}
	cache := strings.TrimSpace(string(b))
	for _, g := range dockerProfileGlobs {
		ms, _ := filepath.Glob(filepath.Join(cache, g))
		if len(ms) > 0 {
			sort.Strings(ms)
			return ms[len(ms)-1]
		}
	}
	return ""
}

// countProfileAllowed counts the distinct call names a seccomp profile (Docker's JSON
// format) allows on some condition: syscalls entries with action SCMP_ACT_ALLOW. The
// conditions (architecture, capabilities, argument values) are ignored: an upper bound.
func countProfileAllowed(b []byte, name string) (float64, error) {
	var prof struct {
		DefaultAction string `json:"defaultAction"`
		Syscalls      []struct {
			Names  []string `json:"names"`
			Name   string   `json:"name"`
			Action string   `json:"action"`
		} `json:"syscalls"`
	}
	if err := json.Unmarshal(b, &prof); err != nil {
		return 0, fmt.Errorf("%s: %v", name, err)
	}
	if prof.DefaultAction == "SCMP_ACT_ALLOW" {
		return 0, fmt.Errorf("%s: default action is allow, not an allow list", name)
	}
	names := map[string]bool{}
	for _, s := range prof.Syscalls {
		if s.Action != "SCMP_ACT_ALLOW" {
			continue
		}
		for _, n := range append(s.Names, s.Name) {
			if n != "" {
				names[n] = true
			}
		}
	}
	if len(names) == 0 {
		return 0, fmt.Errorf("%s: no allowed system calls", name)
	}
	return float64(len(names)), nil
}

// runcAllowed is the runc side of the allowed-syscall measurement.
func (e *env) runcAllowed() []*Result {
	const section, measure = "host interface", "syscalls allowed by the seccomp policy (hello: no devices)"
	v, err := kernelSyscalls(e.repo)
	rs := []*Result{{Section: section, Measure: measure, Unit: "calls", Samples: []float64{v},
		Contender: "runc run (runc spec: no seccomp filter)",
		Note:      "every syscall the kernel has: golang.org/x/sys/unix table for " + runtime.GOARCH}}
	if err != nil {
		rs[0].Samples, rs[0].Error = []float64{}, err.Error()
	}
	d := &Result{Section: section, Measure: measure, Unit: "calls", Samples: []float64{},
		Contender: "Docker default seccomp profile (moby)", Note: "names allowed on some condition"}
	if p := dockerProfile(); p == "" {
		d.Text = "not measured: not in the Go module cache (no module here needs docker/docker or moby/profiles; none added for this)"
	} else if b, err := os.ReadFile(p); err != nil {
		d.Error = err.Error()
	} else if v, err := countProfileAllowed(b, p); err != nil {
		d.Error = err.Error()
	} else {
		d.Samples = []float64{v}
	}
	return append(rs, d)
}
