// Tests of the guest hostname: the spec's, else a pod member's /etc/hostname.
package specconv

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func TestHostname(t *testing.T) {
	d := t.TempDir()
	file := func(s string) string {
		f, err := os.CreateTemp(d, "hostname-")
		if err != nil {
			t.Fatal(err)
		}
		f.WriteString(s)
		f.Close()
		return f.Name()
	}
	pod := func(src string) *Bundle {
		return &Bundle{Spec: &specs.Spec{
			Linux:  &specs.Linux{Namespaces: []specs.LinuxNamespace{{Type: specs.UTSNamespace, Path: "/proc/1/ns/uts"}}},
			Mounts: []specs.Mount{{Destination: "/etc/hostname", Type: "bind", Source: src, Options: []string{"rbind", "rw"}}},
		}}
	}
	for _, c := range []struct {
		b    *Bundle
		want string
	}{
		{&Bundle{Spec: &specs.Spec{Hostname: "given"}}, "given"},
		{pod(file("web\n")), "web"},
		{pod(file("web")), "web"},
		{pod(file(strings.Repeat("a", 65) + "\n")), ""},
		{pod(file("bad name\n")), ""},
		{pod(file("\n")), ""},
		{pod(filepath.Join(d, "missing")), ""},
		// Not a pod member (its own UTS namespace or none): no hostname unless given.
		{&Bundle{Spec: &specs.Spec{Linux: &specs.Linux{Namespaces: []specs.LinuxNamespace{{Type: specs.UTSNamespace}}},
			Mounts: pod(file("web\n")).Spec.Mounts}}, ""},
	} {
		if got := c.b.Hostname(); got != c.want {
			t.Errorf("%+v: hostname %q, want %q", c.b.Spec, got, c.want)
		}
	}
}
