// Tests for MAC parsing and random MACs.
package tender

import "testing"

func TestParseMAC(t *testing.T) {
	good := map[string][6]byte{
		"02:00:00:00:00:01": {2, 0, 0, 0, 0, 1},
		"2:a:B:c:D:ef":      {2, 0xa, 0xb, 0xc, 0xd, 0xef},
		"fe:ff:ff:ff:ff:ff": {0xfe, 0xff, 0xff, 0xff, 0xff, 0xff},
	}
	for s, want := range good {
		got, err := ParseMAC(s)
		if err != nil || got != want {
			t.Errorf("ParseMAC(%q) = %x, %v; want %x", s, got, err, want)
		}
		if back, _ := ParseMAC(FormatMAC(got)); back != got {
			t.Errorf("FormatMAC round trip of %q failed", s)
		}
	}
	for _, s := range []string{"", "02:00:00:00:00", "02:00:00:00:00:01:02", "02:00:00:00:00:001",
		"02::00:00:00:01", "0g:00:00:00:00:01", "ff:ff:ff:ff:ff:ff", "01:00:5e:00:00:01", "02-00-00-00-00-01", " 2:0:0:0:0:1"} {
		if _, err := ParseMAC(s); err == nil {
			t.Errorf("ParseMAC(%q) accepted a bad MAC", s)
		}
	}
}

func TestRandomMAC(t *testing.T) {
	seen := map[[6]byte]bool{}
	for i := 0; i < 64; i++ {
		m, err := RandomMAC()
		if err != nil {
			t.Fatal(err)
		}
		if m[0]&1 != 0 || m[0]&2 == 0 {
			t.Fatalf("RandomMAC %x is not locally administered unicast", m)
		}
		seen[m] = true
	}
	if len(seen) < 60 {
		t.Fatalf("RandomMAC repeats itself: %d distinct of 64", len(seen))
	}
}
