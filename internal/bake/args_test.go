// Tests of the bake command line: flags on either side of APP, and every refusal.
package bake

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParseArgs(t *testing.T) {
	good := []struct {
		args []string
		want Args
	}{
		{[]string{"app", "-o", "img"}, Args{App: "app", Output: "img", Target: "spt"}},
		{[]string{"-o", "img", "app"}, Args{App: "app", Output: "img", Target: "spt"}},
		{[]string{"app", "-o", "img", "--arch", "aarch64", "--target=spt"}, Args{App: "app", Output: "img", Target: "spt", Arch: "aarch64"}},
		{[]string{"--libos", "l.spt", "./my app", "-o=img"}, Args{App: "./my app", Output: "img", Target: "spt", LibOS: "l.spt"}},
		{[]string{"app", "--disk=rootfs", "-o", "img", "--disk", "vol1"}, Args{App: "app", Output: "img", Target: "spt", Disks: []string{"rootfs", "vol1"}}},
		{[]string{"app", "--net", "service", "-o", "img"}, Args{App: "app", Output: "img", Target: "spt", Nets: []string{"service"}}},
	}
	for _, c := range good {
		got, err := ParseArgs(c.args)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%q: got %+v, %v; want %+v", c.args, got, err, c.want)
		}
	}
	bad := []struct {
		args []string
		want string
	}{
		{nil, "want one APP"},
		{[]string{"a", "b", "-o", "x"}, "want one APP"},
		{[]string{"app"}, "-o IMAGE is required"},
		{[]string{"app", "-o", "x", "--target", "hvt"}, "only spt"},
		{[]string{"app", "-o", "x", "--arch", "riscv64"}, "--arch must be"},
		{[]string{"app", "-o"}, "flag needs an argument"},
		{[]string{"app", "--bogus"}, "not defined"},
		{[]string{"app", "-o", "x", "--disk=vol-1"}, "--disk: disk name"},
		{[]string{"app", "-o", "x", "--disk=a", "--disk=a"}, "given twice"},
		{[]string{"app", "-o", "x", "--net=a", "--net=b"}, "--net: 2 network devices"},
		{[]string{"app", "-o", "x", "--disk=a", "--net=a"}, "names both"},
	}
	for _, c := range bad {
		if _, err := ParseArgs(c.args); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: got %v, want an error containing %q", c.args, err, c.want)
		}
	}
	if _, err := ParseArgs([]string{"--help"}); !errors.Is(err, ErrHelp) {
		t.Errorf("--help: got %v", err)
	}
}
