// Tests for the guest memory size limits.
package tender

import (
	"strings"
	"testing"
)

func TestMemBytes(t *testing.T) {
	const end = 0x105000 // a small image
	cases := []struct {
		mib, end, max uint64
		want          uint64
		err           string
	}{
		{0, end, 1 << 40, DefaultMemMiB * MiB, ""},
		{2, end, 1 << 40, 2 * MiB, ""},
		{1, end, 1 << 40, 0, "too small: the guest needs at least 2 MiB"},
		{2, 0x190000, 1 << 40, 0, "too small"},
		{2, 0x180000, 1 << 40, 2 * MiB, ""}, // exactly image end + 512 KiB
		{1024, end, 512 * MiB, 0, "too large: the maximum is 512 MiB"},
		{512, end, 512*MiB + 5, 512 * MiB, ""},
		{1 << 60, end, 1 << 40, 0, "too large"}, // no overflow in memMiB*MiB
		{2, ^uint64(0) - 10, 1 << 40, 0, "too small"},
	}
	for _, c := range cases {
		got, err := MemBytes(c.mib, c.end, c.max)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("MemBytes(%d, %#x, %#x) = %d, %v; want error %q", c.mib, c.end, c.max, got, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("MemBytes(%d, %#x, %#x) = %d, %v; want %d", c.mib, c.end, c.max, got, err, c.want)
		}
	}
}
