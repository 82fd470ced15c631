// The frame fuzzer: hostile Ethernet frames through the libOS's NIC code into lwIP (built on the host with libFuzzer), over a committed seed corpus.
package libos

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

const fuzzDir = "../../guest/libos/net/fuzz"

// The fuzz harness's guest (frames_fuzz.c): 10.0.0.2/24, MAC 02:00:00:00:00:02, a TCP echo
// server on :80 and a UDP echo on :53. The seeds come from its peer, 10.0.0.1.
var (
	guestMAC = []byte{2, 0, 0, 0, 0, 2}
	peerMAC  = []byte{2, 0, 0, 0, 0, 1}
	guestIP  = []byte{10, 0, 0, 2}
	peerIP   = []byte{10, 0, 0, 1}
	// fe80::ff:fe00:2, the link-local address lwIP makes from the guest's MAC.
	guestIP6 = []byte{0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xfe, 0, 0, 2}
	peerIP6  = []byte{0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xfe, 0, 0, 1}
)

func csum(parts ...[]byte) uint16 {
	var s uint32
	for _, p := range parts {
		for i := 0; i+1 < len(p); i += 2 {
			s += uint32(p[i])<<8 | uint32(p[i+1])
		}
		if len(p)%2 == 1 {
			s += uint32(p[len(p)-1]) << 8
		}
	}
	for s>>16 != 0 {
		s = s&0xffff + s>>16
	}
	return ^uint16(s)
}

func be16(v int) []byte { return binary.BigEndian.AppendUint16(nil, uint16(v)) }

func ether(typ int, payload []byte) []byte {
	f := append(append(append([]byte{}, guestMAC...), peerMAC...), be16(typ)...)
	return append(f, payload...)
}

// ipv4 builds a header with the given options, fragment field and protocol.
func ipv4(proto byte, opts []byte, frag int, payload []byte) []byte {
	h := make([]byte, 20+len(opts))
	h[0] = 0x40 | byte(len(h)/4)
	binary.BigEndian.PutUint16(h[2:], uint16(len(h)+len(payload)))
	binary.BigEndian.PutUint16(h[4:], 0x1234)
	binary.BigEndian.PutUint16(h[6:], uint16(frag))
	h[8], h[9] = 64, proto
	copy(h[12:], peerIP)
	copy(h[16:], guestIP)
	copy(h[20:], opts)
	binary.BigEndian.PutUint16(h[10:], csum(h))
	return ether(0x0800, append(h, payload...))
}

const (
	finF = 0x01
	synF = 0x02
	rstF = 0x04
	pshF = 0x08
	ackF = 0x10
)

// tcpSeg builds a TCP segment (with an MSS option on SYNs) and its pseudo-header checksum.
func tcpSeg(src, dst []byte, sport, dport int, seq, ack uint32, flags byte, data []byte) []byte {
	var opts []byte
	if flags&synF != 0 {
		opts = []byte{2, 4, 0x05, 0xb4, 1, 3, 3, 7} // MSS 1460, NOP, window scale 7
	}
	h := make([]byte, 20+len(opts))
	binary.BigEndian.PutUint16(h[0:], uint16(sport))
	binary.BigEndian.PutUint16(h[2:], uint16(dport))
	binary.BigEndian.PutUint32(h[4:], seq)
	binary.BigEndian.PutUint32(h[8:], ack)
	h[12] = byte(len(h)/4) << 4
	h[13] = flags
	binary.BigEndian.PutUint16(h[14:], 65535)
	copy(h[20:], opts)
	seg := append(h, data...)
	var pseudo []byte
	if len(src) == 4 {
		pseudo = append(append(append([]byte{}, src...), dst...), 0, 6)
		pseudo = append(pseudo, be16(len(seg))...)
	} else {
		pseudo = append(append(append([]byte{}, src...), dst...), 0, 0)
		pseudo = append(pseudo, be16(len(seg))...)
		pseudo = append(pseudo, 0, 0, 0, 6)
	}
	binary.BigEndian.PutUint16(seg[16:], csum(pseudo, seg))
	return seg
}

func udpDgram(sport, dport int, data []byte) []byte {
	u := append(append(append(be16(sport), be16(dport)...), be16(8+len(data))...), 0, 0)
	u = append(u, data...)
	pseudo := append(append(append([]byte{}, peerIP...), guestIP...), 0, 17)
	pseudo = append(pseudo, be16(len(u))...)
	binary.BigEndian.PutUint16(u[6:], csum(pseudo, u))
	return u
}

func ipv6(next byte, payload []byte) []byte {
	h := make([]byte, 40)
	h[0] = 0x60
	binary.BigEndian.PutUint16(h[4:], uint16(len(payload)))
	h[6], h[7] = next, 255
	copy(h[8:], peerIP6)
	copy(h[24:], guestIP6)
	return ether(0x86dd, append(h, payload...))
}

func icmp6(typ, code byte, body []byte) []byte {
	m := append([]byte{typ, code, 0, 0}, body...)
	pseudo := append(append(append([]byte{}, peerIP6...), guestIP6...), 0, 0)
	pseudo = append(pseudo, be16(len(m))...)
	pseudo = append(pseudo, 0, 0, 0, 58)
	binary.BigEndian.PutUint16(m[2:], csum(pseudo, m))
	return m
}

// record is one frame of a harness input: flags (bit 0: the TCP ack is relative to the
// guest's last initial sequence number; bits 1-7: milliseconds to advance first).
func record(relAck bool, ms int, frame []byte) []byte {
	flags := byte(ms << 1)
	if relAck {
		flags |= 1
	}
	return append(append([]byte{flags}, binary.LittleEndian.AppendUint16(nil, uint16(len(frame)))...), frame...)
}

func tcp4(sport, dport int, seq, ack uint32, flags byte, data []byte) []byte {
	return ipv4(6, nil, 0, tcpSeg(peerIP, guestIP, sport, dport, seq, ack, flags, data))
}

// fuzzSeeds are the corpus's starting points: each a conversation a real peer could have.
func fuzzSeeds() map[string][]byte {
	arp := append([]byte{0, 1, 8, 0, 6, 4, 0, 1}, peerMAC...)
	arp = append(append(append(arp, peerIP...), 0, 0, 0, 0, 0, 0), guestIP...)
	echo := append([]byte{8, 0, 0, 0, 0x42, 0, 0, 1}, []byte("ping payload")...)
	binary.BigEndian.PutUint16(echo[2:], csum(echo))
	req := []byte("GET / HTTP/1.0\r\nHost: x\r\n\r\n")
	udp := udpDgram(4000, 53, []byte("\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x01a\x00\x00\x01\x00\x01"))
	ns := append([]byte{0, 0, 0, 0}, guestIP6...)
	ns = append(append(ns, 1, 1), peerMAC...) // source link-layer address option

	s := map[string][]byte{}
	s["arp-request"] = record(false, 0, ether(0x0806, arp))
	s["icmp-echo"] = record(false, 0, ipv4(1, nil, 0, echo))
	s["tcp-conversation"] = bytes.Join([][]byte{
		record(false, 0, tcp4(40000, 80, 1000, 0, synF, nil)),
		record(true, 1, tcp4(40000, 80, 1001, 1, ackF, nil)),
		record(true, 1, tcp4(40000, 80, 1001, 1, ackF|pshF, req)),
		record(true, 5, tcp4(40000, 80, 1001+uint32(len(req)), 1+uint32(len(req)), finF|ackF, nil)),
	}, nil)
	s["tcp-out-of-order"] = bytes.Join([][]byte{
		record(false, 0, tcp4(40001, 80, 5000, 0, synF, nil)),
		record(true, 1, tcp4(40001, 80, 5001, 1, ackF, nil)),
		record(true, 1, tcp4(40001, 80, 5011, 1, ackF, []byte("0123456789"))),
		record(true, 1, tcp4(40001, 80, 5001, 1, ackF, []byte("abcdefghij"))),
		record(true, 300, tcp4(40001, 80, 5021, 1, rstF|ackF, nil)),
	}, nil)
	s["tcp-closed-port"] = record(false, 0, tcp4(40002, 81, 7, 0, synF, nil))
	var flood [][]byte
	for i := 0; i < 40; i++ {
		flood = append(flood, record(false, 0, tcp4(41000+i, 80, uint32(i)*1000, 0, synF, nil)))
	}
	s["tcp-syn-flood"] = bytes.Join(flood, nil)
	s["udp-echo"] = record(false, 0, ipv4(17, nil, 0, udp))
	s["ipv4-options"] = record(false, 0, ipv4(17, []byte{1, 1, 1, 0}, 0, udp))
	// One UDP datagram in two fragments (offsets in 8-byte units; more-fragments bit 0x2000).
	s["ipv4-fragments"] = bytes.Join([][]byte{
		record(false, 0, ipv4(17, nil, 0x2000, udp[:16])),
		record(false, 1, ipv4(17, nil, 2, udp[16:])),
	}, nil)
	trunc := ipv4(17, nil, 0, udp)
	s["ipv4-truncated"] = record(false, 0, trunc[:14+24])
	s["ipv6-neighbor-solicit"] = record(false, 0, ipv6(58, icmp6(135, 0, ns)))
	s["ipv6-echo"] = record(false, 0, ipv6(58, icmp6(128, 0, []byte{0, 1, 0, 1, 'h', 'i'})))
	s["ipv6-tcp-syn"] = record(false, 0, ipv6(6, tcpSeg(peerIP6, guestIP6, 40003, 80, 9, 0, synF, nil)))
	return s
}

// TestNetFuzzSeedsCommitted: the committed seeds are what fuzzSeeds makes
// (NABLA_UPDATE_CORPUS=1 writes them). Corpus entries the fuzzer found may sit beside them.
func TestNetFuzzSeedsCommitted(t *testing.T) {
	hostOnlyLibOS(t, "the fuzz corpus (in the source tree)")
	dir := filepath.Join(fuzzDir, "corpus")
	for name, b := range fuzzSeeds() {
		p := filepath.Join(dir, "seed-"+name)
		if os.Getenv("NABLA_UPDATE_CORPUS") == "1" {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, b, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(p)
		if err != nil || !bytes.Equal(got, b) {
			t.Errorf("%s differs from fuzzSeeds (NABLA_UPDATE_CORPUS=1 go test -run %s rewrites it): %v", p, t.Name(), err)
		}
	}
}

// TestNetFrameFuzz builds the harness and runs it over the committed corpus, then for
// NABLA_FUZZ_SECONDS (default 20) of new inputs. A crash, a sanitizer report, a failed lwIP
// assertion or a malformed frame sent by the guest fails the test with the fuzzer's report.
func TestNetFrameFuzz(t *testing.T) {
	hostOnlyLibOS(t, "the frame fuzzer (built with the host's clang)")
	if _, err := exec.LookPath("clang"); err != nil {
		t.Fatalf("the frame fuzzer needs clang (make setup installs it): %v", err)
	}
	libosDir := filepath.Join("..", "..", "guest", "libos")
	if out, err := exec.Command("make", "-s", "-C", libosDir, "fuzz-net").CombinedOutput(); err != nil {
		t.Fatalf("make fuzz-net: %v\n%s", err, out)
	}
	bin, _ := filepath.Abs(filepath.Join(libosDir, "build", "fuzz", "frames_fuzz"))
	corpus, _ := filepath.Abs(filepath.Join(fuzzDir, "corpus"))
	ents, err := os.ReadDir(corpus)
	if err != nil || len(ents) < len(fuzzSeeds()) {
		t.Fatalf("corpus %s: %d entries, want at least the %d seeds: %v", corpus, len(ents), len(fuzzSeeds()), err)
	}
	secs := envOr("NABLA_FUZZ_SECONDS", "20")
	// New inputs go to a scratch directory (the first one named): the tree stays clean.
	scratch := t.TempDir()
	cmd := exec.Command(bin, "-max_total_time="+secs, "-max_len=8192", "-timeout=10",
		"-artifact_prefix="+scratch+"/", scratch, corpus)
	out, err := cmd.CombinedOutput()
	if err != nil {
		arts, _ := filepath.Glob(filepath.Join(scratch, "crash-*"))
		arts2, _ := filepath.Glob(filepath.Join(scratch, "timeout-*"))
		arts = append(arts, arts2...)
		sort.Strings(arts)
		t.Fatalf("frame fuzzer failed (%v); reproducers: %s\n%s", err, strings.Join(arts, " "), tail(string(out), 60))
	}
	t.Logf("frame fuzzer: %s", lastLine(string(out)))
}

func tail(s string, n int) string {
	l := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(l) > n {
		l = l[len(l)-n:]
	}
	return strings.Join(l, "\n")
}

func lastLine(s string) string {
	l := strings.Split(strings.TrimSpace(s), "\n")
	return l[len(l)-1]
}

func hostOnlyLibOS(t *testing.T, what string) {
	if os.Getenv("NABLA_VM") == "1" {
		t.Skip(fmt.Sprintf("%s runs on the host, not in the aarch64 VM", what))
	}
}
