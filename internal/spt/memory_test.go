// Tests for the libOS memory bound: the writable bytes of guest memory and the child's RLIMIT_DATA.
package spt

import (
	"testing"

	"golang.org/x/sys/unix"
)

func TestWritableIn(t *testing.T) {
	maps := "10000-100000 rw-p 00000000 00:00 0 \n" +
		"100000-102000 r-xp 00000000 00:00 0 \n" +
		"102000-104000 rw-p 00000000 00:00 0 \n" +
		"104000-200000 ---p 00000000 00:00 0 \n" +
		"200000-201000 rw-s 00000000 00:05 7 /dev/zero\n" +
		"4000000000-4000100000 rw-p 00000000 08:01 9 /bin/nabla-spt"
	n, err := writableIn([]byte(maps), 0x10000, 0x300000)
	if err != nil || n != 0xf0000+0x2000 {
		t.Fatalf("got %#x, %v", n, err)
	}
	for _, bad := range []string{"x\n", "10000 rw-p\n", "20000-10000 rw-p 0 0 0\n", "10000-20000\n"} {
		if _, err := writableIn([]byte(bad), 0, ^uint64(0)); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

// childDataLimit is the writable guest bytes plus budget; a lower limit of the user's stays.
func TestChildDataLimit(t *testing.T) {
	var old unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_DATA, &old); err != nil {
		t.Fatal(err)
	}
	const budget = 64 << 20
	// No mappings of this process lie in [64 KiB, 1 MiB): the limit is the budget.
	got, err := childDataLimit(budget, 0x10000, 0x100000)
	if err != nil {
		t.Fatal(err)
	}
	if want := min(old.Cur, uint64(budget)); got.Cur != want || got.Max != old.Max {
		t.Errorf("limit %#x/%#x, want %#x/%#x", got.Cur, got.Max, want, old.Max)
	}
	low := unix.Rlimit{Cur: min(old.Cur, 32<<20), Max: old.Max}
	if err := unix.Setrlimit(unix.RLIMIT_DATA, &low); err != nil {
		t.Fatal(err)
	}
	defer unix.Setrlimit(unix.RLIMIT_DATA, &old)
	if got, err = childDataLimit(budget, 0x10000, 0x100000); err != nil || got.Cur != low.Cur {
		t.Errorf("user limit %#x: got %#x, %v", low.Cur, got.Cur, err)
	}
}
