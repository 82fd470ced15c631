// Hostile frames flooded at a unikernel through its tap while clients use it: it must keep serving.
package libos

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math/rand"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// hostileFrames makes n frames a broken or hostile peer could send to guest (all to the
// broadcast MAC, so the guest's Ethernet layer takes every one): random bytes, runts,
// truncated and lying IPv4 headers, IP options, fragments that never complete, SYNs from
// addresses nobody answers ARP for, TCP and UDP with bad checksums, random IPv6.
func hostileFrames(n int, guest net.IP, seed int64) [][]byte {
	r := rand.New(rand.NewSource(seed))
	bcast := []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	src := []byte{0x02, 0x66, 0, 0, 0, 1}
	eth := func(typ uint16, p []byte) []byte {
		f := append(append(append([]byte{}, bcast...), src...), byte(typ>>8), byte(typ))
		return append(f, p...)
	}
	ip4 := func(proto byte, ihl int, frag uint16, totalLie int, payload []byte) []byte {
		h := make([]byte, ihl*4)
		h[0] = 0x40 | byte(ihl)
		binary.BigEndian.PutUint16(h[2:], uint16(len(h)+len(payload)+totalLie))
		binary.BigEndian.PutUint16(h[4:], uint16(r.Intn(65536)))
		binary.BigEndian.PutUint16(h[6:], frag)
		h[8], h[9] = byte(r.Intn(256)), proto
		g := guest.To4() // sources in the guest's /24 (beside the host's .1 and its own .2)
		s := []byte{g[0], g[1], g[2], byte(3 + r.Intn(250))}
		copy(h[12:], s)
		copy(h[16:], guest.To4())
		for i := 20; i < len(h); i++ {
			h[i] = byte(r.Intn(256))
		}
		binary.BigEndian.PutUint16(h[10:], csum(h))
		return eth(0x0800, append(h, payload...))
	}
	random := func(k int) []byte {
		b := make([]byte, k)
		r.Read(b)
		return b
	}
	var out [][]byte
	for len(out) < n {
		switch r.Intn(9) {
		case 0: // random bytes of any length up to the MTU, any EtherType
			out = append(out, eth(uint16(r.Intn(65536)), random(r.Intn(1500))))
		case 1: // runts
			out = append(out, eth(0x0800, random(r.Intn(20))))
		case 2: // a total length that lies (longer or shorter than the frame)
			out = append(out, ip4(byte(r.Intn(256)), 5, 0, r.Intn(2000)-1000, random(r.Intn(200))))
		case 3: // options, including malformed ones
			out = append(out, ip4(17, 6+r.Intn(10), 0, 0, random(8+r.Intn(100))))
		case 4: // fragments that never complete
			out = append(out, ip4(17, 5, uint16(r.Intn(8192))|0x2000, 0, random(8+r.Intn(1000)/8*8)))
		case 5: // a SYN to the server from an address that will not answer ARP
			tcp := make([]byte, 20)
			binary.BigEndian.PutUint16(tcp[0:], uint16(1024+r.Intn(60000)))
			binary.BigEndian.PutUint16(tcp[2:], 8080)
			binary.BigEndian.PutUint32(tcp[4:], r.Uint32())
			tcp[12], tcp[13] = 5<<4, 0x02
			binary.BigEndian.PutUint16(tcp[14:], 65535)
			out = append(out, ip4(6, 5, 0, 0, tcp)) // checksum left 0: wrong, as a flood's may be
		case 6: // TCP with random flags and bad checksum at the server's port
			tcp := random(20 + r.Intn(60))
			binary.BigEndian.PutUint16(tcp[2:], 8080)
			tcp[12] = byte(5+r.Intn(11)) << 4
			out = append(out, ip4(6, 5, 0, 0, tcp))
		case 7: // random IPv6
			h := random(40 + r.Intn(200))
			h[0] = 0x60
			out = append(out, eth(0x86dd, h))
		case 8: // ARP of every shape
			out = append(out, eth(0x0806, random(r.Intn(60))))
		}
	}
	return out
}

// packetSender opens an AF_PACKET socket on link name (in the calling thread's namespace).
func packetSender(name string) (int, *unix.SockaddrLinklayer, error) {
	ifi, err := net.InterfaceByName(name)
	if err != nil {
		return -1, nil, err
	}
	fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return -1, nil, fmt.Errorf("AF_PACKET socket: %v", err)
	}
	return fd, &unix.SockaddrLinklayer{Ifindex: ifi.Index, Halen: 6}, nil
}

func TestHostileFramesFlood(t *testing.T) {
	requireNetAdmin(t)
	srv := startTapServer(t)
	defer srv.stop()
	n, addr, out := srv.n, srv.addr, srv.out
	host, _, _ := net.SplitHostPort(addr)
	guest := net.ParseIP(host)
	const frames = 20000
	flood := hostileFrames(frames, guest, 1)
	// The socket is made in the namespace; it sends from any thread, so the flood runs
	// beside the clients (n.do runs one function at a time).
	var fd int
	var sa *unix.SockaddrLinklayer
	if err := n.Do(func() (err error) { fd, sa, err = packetSender(tapName); return }); err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	var wg sync.WaitGroup
	var floodErr error
	var sent int
	floodDone := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(floodDone)
		for i, f := range flood {
			if i%100 == 99 {
				time.Sleep(5 * time.Millisecond) // bursts: the tap's queue drops the excess
			}
			if err := unix.Sendto(fd, f, 0, sa); err == nil {
				sent++
			} else if err != unix.ENOBUFS && err != unix.EMSGSIZE && err != unix.EINVAL {
				floodErr = fmt.Errorf("sendto: %v", err)
				return
			}
		}
	}()
	// Clients meanwhile, until the flood ends: every request must be answered.
	var served int
	clientErr := n.Do(func() error {
		for {
			select {
			case <-floodDone:
				return nil
			default:
			}
			st, b, err := get(addr, "GET", "/hello", nil)
			if err != nil || st != 200 || !strings.HasPrefix(string(b), "hello") {
				return fmt.Errorf("request %d during the flood: status %d %q, err %v", served, st, b, err)
			}
			served++
		}
	})
	wg.Wait()
	if floodErr != nil {
		t.Fatal(floodErr)
	}
	if clientErr != nil {
		t.Fatalf("%v; output:\n%s", clientErr, out.String())
	}
	if served < 10 {
		t.Fatalf("only %d requests were made during the flood: it did not overlap them", served)
	}
	if sent < frames/2 {
		t.Fatalf("only %d of %d hostile frames were sent", sent, frames)
	}
	// After it: a whole 1 MiB intact, then a clean exit.
	err := n.Do(func() error {
		want := make([]byte, 1<<20)
		for i := range want {
			want[i] = byte(i*7 + i/251)
		}
		st, b, err := get(addr, "GET", "/big", nil)
		if err != nil || st != 200 || sha256.Sum256(b) != sha256.Sum256(want) {
			return fmt.Errorf("/big after the flood: status %d, %d bytes, err %v", st, len(b), err)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("%v; output:\n%s", err, out.String())
	}
	srv.quit(t)
	t.Logf("%d hostile frames sent while %d requests were served", sent, served)
}
