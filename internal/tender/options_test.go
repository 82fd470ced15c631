// Table tests for the command-line parser: every flag, good and bad.
package tender

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseGood(t *testing.T) {
	mac := [6]byte{0x02, 0, 0, 0, 0, 0x0a}
	cases := []struct {
		name string
		args []string
		want Options
	}{
		{"kernel only", []string{"k"}, Options{Kernel: "k", Args: []string{}}},
		{"kernel args", []string{"k", "a", "--mem=3", "-x"}, Options{Kernel: "k", Args: []string{"a", "--mem=3", "-x"}}},
		{"mem", []string{"--mem=2", "k"}, Options{MemMiB: 2, Kernel: "k", Args: []string{}}},
		{"mem last wins", []string{"--mem=2", "--mem=7", "k"}, Options{MemMiB: 7, Kernel: "k", Args: []string{}}},
		{"double dash", []string{"--mem=4", "--", "-k", "x"}, Options{MemMiB: 4, Kernel: "-k", Args: []string{"x"}}},
		{"block", []string{"--block:storage=/tmp/d", "k"},
			Options{Blocks: []BlockOpt{{Name: "storage", Path: "/tmp/d"}}, Kernel: "k", Args: []string{}}},
		{"block path with =", []string{"--block:s0=/a=b", "k"},
			Options{Blocks: []BlockOpt{{Name: "s0", Path: "/a=b"}}, Kernel: "k", Args: []string{}}},
		{"sector before block", []string{"--block-sector-size:s=4096", "--block:s=/d", "k"},
			Options{Blocks: []BlockOpt{{Name: "s", Path: "/d", SectorSize: 4096}}, Kernel: "k", Args: []string{}}},
		{"sector after block", []string{"--block:s=/d", "--block-sector-size:s=512", "k"},
			Options{Blocks: []BlockOpt{{Name: "s", Path: "/d", SectorSize: 512}}, Kernel: "k", Args: []string{}}},
		{"net", []string{"--net:service=tap100", "k"},
			Options{Nets: []NetOpt{{Name: "service", Spec: "tap100"}}, Kernel: "k", Args: []string{}}},
		{"net fd", []string{"--net:service=@3", "k"},
			Options{Nets: []NetOpt{{Name: "service", Spec: "@3"}}, Kernel: "k", Args: []string{}}},
		{"block fd", []string{"--block:rootfs=@4", "k"},
			Options{Blocks: []BlockOpt{{Name: "rootfs", Path: "@4"}}, Kernel: "k", Args: []string{}}},
		{"net mac", []string{"--net-mac:n=02:00:00:00:00:0A", "--net:n=tap0", "k"},
			Options{Nets: []NetOpt{{Name: "n", Spec: "tap0", MAC: mac, MACSet: true}}, Kernel: "k", Args: []string{}}},
		{"help", []string{"--help", "--bogus"}, Options{Help: true}},
		{"version", []string{"--mem=2", "--version"}, Options{MemMiB: 2, Version: true}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Parse(append([]string{"prog"}, c.args...))
			if err != nil {
				t.Fatalf("Parse(%q): %v", c.args, err)
			}
			if !reflect.DeepEqual(*got, c.want) {
				t.Fatalf("Parse(%q) =\n%+v\nwant\n%+v", c.args, *got, c.want)
			}
		})
	}
}

func TestParseBad(t *testing.T) {
	long := strings.Repeat("a", 68)
	cases := []struct {
		args []string
		want string // part of the error
	}{
		{nil, "missing KERNEL"},
		{[]string{"--mem=2"}, "missing KERNEL"},
		{[]string{"--"}, "missing KERNEL"},
		{[]string{"--", ""}, "empty"},
		{[]string{"--bogus", "k"}, "invalid option: '--bogus'"},
		{[]string{"-m", "k"}, "invalid option: '-m'"},
		{[]string{"--mem", "k"}, "invalid option: '--mem'"},
		{[]string{"--mem=", "k"}, "positive number"},
		{[]string{"--mem=0", "k"}, "positive number"},
		{[]string{"--mem=-1", "k"}, "positive number"},
		{[]string{"--mem=1x", "k"}, "positive number"},
		{[]string{"--mem=99999999999999999999999", "k"}, "positive number"},
		{[]string{"--block:s", "k"}, "NAME=VALUE"},
		{[]string{"--block:=/d", "k"}, "empty device name"},
		{[]string{"--block:s=", "k"}, "empty value"},
		{[]string{"--block:s-1=/d", "k"}, "character other than"},
		{[]string{"--block:" + long + "=/d", "k"}, "maximum is 67"},
		{[]string{"--block:s=/a", "--block:s=/b", "k"}, "already attached"},
		{[]string{"--block:s=/a", "--net:s=tap0", "k"}, "already attached"},
		{[]string{"--block-sector-size:s=4096", "k"}, "without --block:s"},
		{[]string{"--block:s=/d", "--block-sector-size:s=256", "k"}, "power of 2"},
		{[]string{"--block:s=/d", "--block-sector-size:s=521", "k"}, "power of 2"},
		{[]string{"--block:s=/d", "--block-sector-size:s=65536", "k"}, "power of 2"},
		{[]string{"--block:s=/d", "--block-sector-size:s=x", "k"}, "not a number"},
		{[]string{"--net:n=", "k"}, "empty value"},
		{[]string{"--net:n=averyveryverylongname", "k"}, "longer than 15"},
		{[]string{"--net:n=a/b", "k"}, "not a valid interface"},
		{[]string{"--net:n=@", "k"}, "@FD"},
		{[]string{"--net:n=@x", "k"}, "@FD"},
		{[]string{"--block:b=@", "k"}, "@FD"},
		{[]string{"--block:b=@3x", "k"}, "@FD"},
		{[]string{"--net:n=@-1", "k"}, "@FD"},
		{[]string{"--net:n=tap0", "--net:n=tap1", "k"}, "already attached"},
		{[]string{"--net-mac:n=02:00:00:00:00:01", "k"}, "without --net:n"},
		{[]string{"--net:n=tap0", "--net-mac:n=zz:00:00:00:00:01", "k"}, "non-hex"},
		{[]string{"--net:n=tap0", "--net-mac:n=01:00:00:00:00:01", "k"}, "multicast"},
	}
	for _, c := range cases {
		_, err := Parse(append([]string{"prog"}, c.args...))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Parse(%q) = %v, want an error containing %q", c.args, err, c.want)
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("Parse(%q): error is not one line: %q", c.args, err)
		}
	}
}

func TestVersionText(t *testing.T) {
	v := VersionText("nabla-spt")
	if !strings.HasPrefix(v, "nabla-spt tender, version ") || !strings.Contains(v, "\nABI version 2\n") {
		t.Fatalf("VersionText = %q", v)
	}
	if u := Usage("nabla-spt", ""); !strings.Contains(u, "--block-sector-size:NAME") || !strings.HasPrefix(u, "usage: nabla-spt ") {
		t.Fatalf("Usage = %q", u)
	}
}
