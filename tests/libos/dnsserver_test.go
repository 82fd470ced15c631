// A small authoritative DNS server for the resolver tests: A records over UDP and TCP,
// answers longer than 512 bytes truncated over UDP with TC set (the client must retry on
// TCP), NXDOMAIN for unknown names.
package libos

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"time"
)

type dnsServer struct {
	records map[string][]net.IP // lower-case name without the final dot -> A records
	mu      sync.Mutex
	queries []string // "udp NAME TYPE" / "tcp NAME TYPE", in arrival order
	times   []time.Time
}

const (
	dnsTypeA    = 1
	dnsTypeAAAA = 28
	dnsMaxUDP   = 512 // RFC 1035; EDNS(0) buffer sizes in queries are not honoured
)

// question reads the query's header and single question: the ID, flags, the name
// (lower case), type and the question's bytes (for the answer to repeat).
func parseQuery(q []byte) (id, flags uint16, name string, qtype uint16, question []byte, err error) {
	if len(q) < 12 || binary.BigEndian.Uint16(q[4:]) != 1 {
		return 0, 0, "", 0, nil, errors.New("not a one-question query")
	}
	id, flags = binary.BigEndian.Uint16(q), binary.BigEndian.Uint16(q[2:])
	var labels []string
	i := 12
	for {
		if i >= len(q) {
			return 0, 0, "", 0, nil, errors.New("name runs past the message")
		}
		n := int(q[i])
		i++
		if n == 0 {
			break
		}
		if n > 63 || i+n > len(q) {
			return 0, 0, "", 0, nil, errors.New("bad label")
		}
		labels = append(labels, strings.ToLower(string(q[i:i+n])))
		i += n
	}
	if i+4 > len(q) {
		return 0, 0, "", 0, nil, errors.New("question cut short")
	}
	qtype = binary.BigEndian.Uint16(q[i:])
	return id, flags, strings.Join(labels, "."), qtype, q[12 : i+4], nil
}

// answer builds the response to q, cut to max bytes (whole records, TC set) when longer.
func (s *dnsServer) answer(q []byte, proto string, max int) []byte {
	id, flags, name, qtype, question, err := parseQuery(q)
	if err != nil {
		return nil
	}
	s.mu.Lock()
	s.queries = append(s.queries, proto+" "+name+" "+map[uint16]string{dnsTypeA: "A", dnsTypeAAAA: "AAAA"}[qtype])
	s.times = append(s.times, time.Now())
	s.mu.Unlock()
	ips, known := s.records[name]
	rcode := uint16(0)
	if !known {
		rcode = 3 // NXDOMAIN
	}
	if qtype != dnsTypeA {
		ips = nil // NOERROR with no data (AAAA and the rest)
	}
	m := make([]byte, 12, 512)
	hdr := func(an int, tc bool) {
		f := 0x8000 | 0x0400 | flags&0x0100 | 0x0080 | rcode // QR, AA, RD copied, RA
		if tc {
			f |= 0x0200
		}
		binary.BigEndian.PutUint16(m[0:], id)
		binary.BigEndian.PutUint16(m[2:], f)
		binary.BigEndian.PutUint16(m[4:], 1)
		binary.BigEndian.PutUint16(m[6:], uint16(an))
	}
	m = append(m, question...)
	an := 0
	for _, ip := range ips {
		rr := []byte{0xc0, 12, 0, dnsTypeA, 0, 1, 0, 0, 0, 60, 0, 4}
		rr = append(rr, ip.To4()...)
		if len(m)+len(rr) > max {
			hdr(an, true)
			return m
		}
		m = append(m, rr...)
		an++
	}
	hdr(an, false)
	return m
}

// serve answers on UDP and TCP port 53 of addr until the sockets are closed.
func (s *dnsServer) serve(udp net.PacketConn, tcp net.Listener) {
	go func() {
		buf := make([]byte, 4096)
		for {
			n, from, err := udp.ReadFrom(buf)
			if err != nil {
				return
			}
			if r := s.answer(buf[:n], "udp", dnsMaxUDP); r != nil {
				udp.WriteTo(r, from)
			}
		}
	}()
	go func() {
		for {
			c, err := tcp.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				for {
					var l [2]byte
					if _, err := io.ReadFull(c, l[:]); err != nil {
						return
					}
					q := make([]byte, binary.BigEndian.Uint16(l[:]))
					if _, err := io.ReadFull(c, q); err != nil {
						return
					}
					r := s.answer(q, "tcp", 65535)
					if r == nil {
						return
					}
					binary.BigEndian.PutUint16(l[:], uint16(len(r)))
					if _, err := c.Write(append(l[:], r...)); err != nil {
						return
					}
				}
			}()
		}
	}()
}

// saw reports whether a query entry was received.
func (s *dnsServer) saw(entry string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, q := range s.queries {
		if q == entry {
			return true
		}
	}
	return false
}

// repeated is the first query received twice ("" if none).
func (s *dnsServer) repeated() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	seen := map[string]bool{}
	for _, q := range s.queries {
		if seen[q] {
			return q
		}
		seen[q] = true
	}
	return ""
}

func (s *dnsServer) log() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var b strings.Builder
	for i, q := range s.queries {
		fmt.Fprintf(&b, "%s %s\n", s.times[i].Format("15:04:05.000"), q)
	}
	return b.String()
}
