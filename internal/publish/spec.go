// Parsing `--publish` values: [HOSTIP:]HOSTPORT:GUESTPORT[/tcp], as `docker run -p` spells them.
package publish

import (
	"fmt"
	"net"
	"strconv"
	"strings"
)

// Port is one published TCP port: connections to HostIP:HostPort on the host reach
// GuestPort of the unikernel.
type Port struct {
	HostIP    net.IP // nil: every address, IPv4 and IPv6 (docker's default)
	HostPort  uint16
	GuestPort uint16
}

// HostAddr is the address the host side listens on.
func (p Port) HostAddr() string {
	ip := ""
	if p.HostIP != nil {
		ip = p.HostIP.String()
	}
	return net.JoinHostPort(ip, strconv.Itoa(int(p.HostPort)))
}

func (p Port) String() string {
	return fmt.Sprintf("%s->%d/tcp", p.HostAddr(), p.GuestPort)
}

// Parse reads one --publish value. HOSTIP is an IPv4 address or a bracketed IPv6 one;
// "/tcp" may follow (UDP is not published: the proxy carries TCP only). Port ranges and a
// missing HOSTPORT (docker's "pick one") are refused rather than half supported.
func Parse(v string) (Port, error) {
	var p Port
	bad := func(why string) (Port, error) {
		return p, fmt.Errorf("--publish %q: %s (want [HOSTIP:]HOSTPORT:GUESTPORT[/tcp])", v, why)
	}
	s := v
	if i := strings.LastIndexByte(s, '/'); i >= 0 {
		switch s[i+1:] {
		case "tcp":
		case "udp", "sctp":
			return bad("only TCP ports can be published")
		default:
			return bad("unknown protocol " + strconv.Quote(s[i+1:]))
		}
		s = s[:i]
	}
	var host string
	if strings.HasPrefix(s, "[") {
		end := strings.Index(s, "]:")
		if end < 0 {
			return bad("unterminated [IPv6] address")
		}
		host, s = s[1:end], s[end+2:]
		ip := net.ParseIP(host)
		if ip == nil || ip.To4() != nil {
			return bad("bad IPv6 address " + strconv.Quote(host))
		}
		p.HostIP = ip
	}
	parts := strings.Split(s, ":")
	switch {
	case len(parts) == 3 && p.HostIP == nil:
		ip := net.ParseIP(parts[0]).To4()
		if ip == nil {
			return bad("bad IPv4 address " + strconv.Quote(parts[0]))
		}
		p.HostIP = ip
		parts = parts[1:]
	case len(parts) == 2:
	case len(parts) == 1:
		return bad("HOSTPORT missing")
	default:
		return bad("too many fields")
	}
	var err error
	if p.HostPort, err = port(parts[0]); err != nil {
		return bad("HOSTPORT: " + err.Error())
	}
	if p.GuestPort, err = port(parts[1]); err != nil {
		return bad("GUESTPORT: " + err.Error())
	}
	return p, nil
}

func port(s string) (uint16, error) {
	if strings.Contains(s, "-") {
		return 0, fmt.Errorf("port ranges are not supported")
	}
	n, err := strconv.ParseUint(s, 10, 16)
	if err != nil || n == 0 {
		return 0, fmt.Errorf("%q is not a port (1-65535)", s)
	}
	return uint16(n), nil
}

// ParseAll parses every value and refuses a host address and port published twice.
func ParseAll(vs []string) ([]Port, error) {
	var ps []Port
	seen := map[string]bool{}
	for _, v := range vs {
		p, err := Parse(v)
		if err != nil {
			return nil, err
		}
		if seen[p.HostAddr()] {
			return nil, fmt.Errorf("--publish %q: %s is published twice", v, p.HostAddr())
		}
		seen[p.HostAddr()] = true
		ps = append(ps, p)
	}
	return ps, nil
}
