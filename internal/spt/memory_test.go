// Tests for the libOS memory bound: VmData parsing and the RLIMIT_DATA bracket around the clone.
package spt

import (
	"testing"

	"golang.org/x/sys/unix"
)

func TestParseVmData(t *testing.T) {
	good := "Name:\tnabla-spt\nVmPeak:\t  10000 kB\nVmData:\t   6940 kB\nVmStk:\t 132 kB\n"
	if n, err := parseVmData([]byte(good)); err != nil || n != 6940<<10 {
		t.Fatalf("got %d, %v", n, err)
	}
	for _, bad := range []string{"", "VmData:\n", "VmData:\t12 MB\n", "VmData:\t-1 kB\n", "VmData:\t99999999999999999999 kB\n", "VmDat: 5 kB\n"} {
		if _, err := parseVmData([]byte(bad)); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

// limitData lowers the soft limit to VmData+budget and restore puts the old limit back;
// a lower limit already in place stays.
func TestLimitData(t *testing.T) {
	var old unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_DATA, &old); err != nil {
		t.Fatal(err)
	}
	used, err := vmData()
	if err != nil || used == 0 {
		t.Fatalf("VmData %d, %v", used, err)
	}
	const budget = 64 << 20
	restore, err := limitData(budget)
	if err != nil {
		t.Fatal(err)
	}
	var got unix.Rlimit
	unix.Getrlimit(unix.RLIMIT_DATA, &got)
	restore()
	want := min(old.Cur, used+budget)
	if got.Cur < want-(16<<20) || got.Cur > want+(16<<20) || got.Max != old.Max {
		t.Errorf("limit %#x/%#x, want about %#x/%#x", got.Cur, got.Max, want, old.Max)
	}
	var after unix.Rlimit
	unix.Getrlimit(unix.RLIMIT_DATA, &after)
	if after != old {
		t.Errorf("not restored: %+v, want %+v", after, old)
	}
	// A lower limit set by the user is kept.
	low := unix.Rlimit{Cur: min(old.Cur, used+(32<<20)), Max: old.Max}
	if err := unix.Setrlimit(unix.RLIMIT_DATA, &low); err != nil {
		t.Fatal(err)
	}
	defer unix.Setrlimit(unix.RLIMIT_DATA, &old)
	restore, err = limitData(budget)
	if err != nil {
		t.Fatal(err)
	}
	unix.Getrlimit(unix.RLIMIT_DATA, &got)
	restore()
	if got.Cur != low.Cur {
		t.Errorf("user limit %#x replaced by %#x", low.Cur, got.Cur)
	}
}
