// Tests of the --publish value parser.
package publish

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	good := []struct {
		in, host string
		guest    uint16
	}{
		{"8080:80", ":8080", 80},
		{"8080:80/tcp", ":8080", 80},
		{"127.0.0.1:8080:80", "127.0.0.1:8080", 80},
		{"0.0.0.0:1:65535", "0.0.0.0:1", 65535},
		{"[::1]:8080:80", "[::1]:8080", 80},
	}
	for _, c := range good {
		p, err := Parse(c.in)
		if err != nil || p.HostAddr() != c.host || p.GuestPort != c.guest {
			t.Errorf("Parse(%q) = %v %v, want %s -> %d", c.in, p, err, c.host, c.guest)
		}
	}
	bad := map[string]string{
		"80": "HOSTPORT missing", "": "HOSTPORT missing", "a:b": "not a port", "0:80": "not a port",
		"65536:80": "not a port", "80:80/udp": "only TCP", "80:80/xx": "unknown protocol",
		"1.2.3:80:80": "bad IPv4", "[::1:80:80": "unterminated", "[1.2.3.4]:80:80": "bad IPv6",
		"[::1]:1.2.3.4:80:80": "too many", "1:2:3:4": "too many", "8000-8001:80": "ranges",
		"::1:80:80": "too many", "-1:80": "ranges",
	}
	for in, want := range bad {
		if p, err := Parse(in); err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("Parse(%q) = %v, %v; want an error with %q", in, p, err, want)
		}
	}
	if _, err := ParseAll([]string{"8080:80", "127.0.0.1:8081:80", "8080:81"}); err == nil || !strings.Contains(err.Error(), "published twice") {
		t.Errorf("a host port twice: %v", err)
	}
}

// FuzzParse: any value gives a port or an error, and a port prints back to one that
// parses the same.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"8080:80", "127.0.0.1:8080:80/tcp", "[::1]:1:2", "[::", "1:2:3:4/udp", "::::"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := Parse(s)
		if err != nil {
			return
		}
		if p.HostPort == 0 || p.GuestPort == 0 {
			t.Fatalf("%q: port 0 accepted: %v", s, p)
		}
		back := p.HostAddr()
		if p.HostIP == nil {
			back = back[1:] // ":PORT"
		}
		q, err := Parse(back + ":" + p.String()[strings.LastIndex(p.String(), ">")+1:strings.LastIndex(p.String(), "/")])
		if err != nil || q.HostAddr() != p.HostAddr() || q.GuestPort != p.GuestPort {
			t.Fatalf("%q -> %v -> %v %v", s, p, q, err)
		}
	})
}
