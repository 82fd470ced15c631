// Fuzzing of the tender command line (Parse, JoinCmdline): untrusted input from whoever starts the tender.
package tender

import (
	"strings"
	"testing"
)

// FuzzParse splits its input at NUL bytes into argv[1:]. Parse must never panic; an
// error is one line when no argument holds a newline; a success is consistent with argv.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"--mem=2\x00k.spt\x00a\x00b",
		"--block:storage=/tmp/x\x00--block-sector-size:storage=4096\x00k",
		"--net:service=tap0\x00--net-mac:service=02:00:00:00:00:01\x00k\x00--solo5:quiet",
		"--net:a=@3\x00--block:a=@4\x00k",
		"--\x00-k\x00--mem=1",
		"--mem=18446744073709551616\x00k",
		"--block-sector-size:x=512\x00k",
		"--net:abc=..\x00k",
		"--help",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		args := append([]string{"nabla-spt"}, strings.Split(in, "\x00")...)
		if in == "" {
			args = args[:1]
		}
		o, err := Parse(args)
		if err != nil {
			if o != nil {
				t.Fatalf("Parse returned options and error %v", err)
			}
			msg := err.Error()
			if msg == "" {
				t.Fatal("empty error message")
			}
			if !strings.Contains(in, "\n") && strings.Contains(msg, "\n") {
				t.Fatalf("multi-line error for single-line input: %q", msg)
			}
			return
		}
		if o.Help || o.Version {
			return
		}
		if o.Kernel == "" {
			t.Fatal("success without a kernel")
		}
		// The guest's arguments are exactly argv's tail after KERNEL, never interpreted.
		k := len(args) - len(o.Args) - 1
		if k < 1 || args[k] != o.Kernel {
			t.Fatalf("kernel %q is not argv[%d]", o.Kernel, k)
		}
		for i, a := range o.Args {
			if args[k+1+i] != a {
				t.Fatalf("guest arg %d is %q, argv has %q", i, a, args[k+1+i])
			}
		}
		seen := map[string]bool{}
		for _, b := range o.Blocks {
			if CheckName(b.Name) != nil || seen[b.Name] || b.Path == "" {
				t.Fatalf("bad block accepted: %+v", b)
			}
			if b.SectorSize != 0 && (b.SectorSize < 512 || b.SectorSize&(b.SectorSize-1) != 0) {
				t.Fatalf("bad sector size accepted: %+v", b)
			}
			seen[b.Name] = true
		}
		for _, n := range o.Nets {
			if CheckName(n.Name) != nil || seen[n.Name] || n.Spec == "" {
				t.Fatalf("bad net accepted: %+v", n)
			}
			seen[n.Name] = true
		}
		// Joining the guest's arguments never exceeds the ABI's limit.
		if c, err := JoinCmdline(o.Args); err == nil {
			if len(c) > CmdlineMax {
				t.Fatalf("command line of %d bytes accepted", len(c))
			}
			if want := strings.Join(o.Args, " "); c != want {
				t.Fatalf("JoinCmdline = %q, want %q", c, want)
			}
		} else if len(strings.Join(o.Args, " ")) <= CmdlineMax {
			t.Fatalf("JoinCmdline refused a command line that fits: %v", err)
		}
	})
}
