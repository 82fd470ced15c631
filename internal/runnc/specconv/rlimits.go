// process.rlimits for the libOS's "rlimits" key, with runc's inheritance of the rest.
package specconv

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// rlimitNames are OCI's resource names (Linux's, the same on x86_64 and aarch64).
var rlimitNames = map[string]bool{
	"RLIMIT_CPU": true, "RLIMIT_FSIZE": true, "RLIMIT_DATA": true, "RLIMIT_STACK": true,
	"RLIMIT_CORE": true, "RLIMIT_RSS": true, "RLIMIT_NPROC": true, "RLIMIT_NOFILE": true,
	"RLIMIT_MEMLOCK": true, "RLIMIT_AS": true, "RLIMIT_LOCKS": true, "RLIMIT_SIGPENDING": true,
	"RLIMIT_MSGQUEUE": true, "RLIMIT_NICE": true, "RLIMIT_RTPRIO": true, "RLIMIT_RTTIME": true,
}

// inherited are the limits a runc container gets from runc when the spec does not set
// them (runc's init inherits its own): runnc passes its own for those the libOS uses.
var inherited = []struct {
	name string
	res  int
}{{"RLIMIT_NOFILE", unix.RLIMIT_NOFILE}, {"RLIMIT_STACK", unix.RLIMIT_STACK}, {"RLIMIT_NPROC", unix.RLIMIT_NPROC}}

// Rlimits checks process.rlimits (a known type, once, soft not above hard: runc's
// container would fail to start otherwise) and adds this process's own RLIMIT_NOFILE,
// STACK and NPROC where the spec has none.
func (b *Bundle) Rlimits() ([]Rlimit, error) {
	var out []Rlimit
	seen := map[string]bool{}
	for _, l := range b.Spec.Process.Rlimits {
		switch {
		case !rlimitNames[l.Type]:
			return nil, fmt.Errorf("process.rlimits: unknown type %q", printable(l.Type))
		case seen[l.Type]:
			return nil, fmt.Errorf("process.rlimits: %s given twice", l.Type)
		case l.Soft > l.Hard:
			return nil, fmt.Errorf("process.rlimits: %s soft limit %d is above its hard limit %d", l.Type, l.Soft, l.Hard)
		}
		seen[l.Type] = true
		out = append(out, Rlimit{Type: l.Type, Soft: l.Soft, Hard: l.Hard})
	}
	for _, r := range inherited {
		var own unix.Rlimit
		if seen[r.name] || unix.Getrlimit(r.res, &own) != nil {
			continue
		}
		out = append(out, Rlimit{Type: r.name, Soft: own.Cur, Hard: own.Max})
	}
	return out, nil
}
