// Network faults: 30% random loss (nftables) on the container's network path, and a
// 10 MB transfer through the unikernel's UDP echo still arrives intact.
package runnc

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

const (
	lossPercent  = 30
	transferSize = 10 << 20
	chunkData    = 1400 // payload bytes per datagram after the 8-byte sequence number
	echoPort     = 7
	window       = 64                    // datagrams in flight
	rto          = 25 * time.Millisecond // retransmit timeout (the RTT is well under 1 ms)
)

// lossRules drops lossPercent% of the UDP datagrams to and from the guest, each way,
// in the peer namespace (the far end of the container's veth), counting what it sees
// and what it drops.
func lossRules(guest string) string {
	return fmt.Sprintf(`table ip netloss {
	chain out {
		type filter hook output priority 0; policy accept;
		ip daddr %[1]s udp dport %[2]d counter
		ip daddr %[1]s udp dport %[2]d numgen random mod 100 < %[3]d counter drop
	}
	chain in {
		type filter hook input priority 0; policy accept;
		ip saddr %[1]s udp sport %[2]d counter
		ip saddr %[1]s udp sport %[2]d numgen random mod 100 < %[3]d counter drop
	}
}
`, guest, echoPort, lossPercent)
}

func TestNetworkLossTransfer(t *testing.T) {
	requireRoot(t)
	if _, err := exec.LookPath("nft"); err != nil {
		t.Fatalf("the loss test needs nft (Debian package nftables; tests/vm/fetch.sh puts it in the VM): %v", err)
	}
	// spt only: on this machine's PVM, hvt's network path managed fewer than 100
	// round trips a second under this load, too slow for 10 MB in a bounded test.
	lossTransfer(t, "spt")
}

// lossTransfer runs the transfer against test_net.<target>.
func lossTransfer(t *testing.T, target string) {
	img := "test_net." + target
	e := newEnv(t)
	peer := newPeerNS(t, e.tmp)
	setup := "ip addr add 10.0.0.2/24 dev eth0 && ip link set eth0 up"
	s := helloSpec()
	s.Process.Args = []string{"/" + img, "10.0.0.2"} // no limit: serves until killed
	s.Annotations = map[string]string{"org.nabla-containers.runnc.cmdline": "plain"}
	s.Linux = &specs.Linux{Namespaces: []specs.LinuxNamespace{{Type: specs.NetworkNamespace}}}
	s.Hooks = &specs.Hooks{Prestart: []specs.Hook{plugHook(peer, "vh0", "10.0.0.1/24", setup)}}
	b := e.bundle(s, img)
	out := filepath.Join(e.tmp, "out")
	if r := e.runOut(out, "run", "-d", "-b", b, "loss"); r.code != 0 {
		t.Fatalf("run: %s", r.stderr)
	}
	defer func() {
		e.ok("delete", "--force", "loss")
	}()
	waitFile(t, out, "Serving ping on 10.0.0.2")

	rules := filepath.Join(e.tmp, "netloss.nft")
	os.WriteFile(rules, []byte(lossRules("10.0.0.2")), 0o644)
	if o, err := peer.in("nft", "-f", rules); err != nil {
		t.Fatalf("nft -f: %v\n%s", err, o)
	}

	conn := dialIn(t, peer.path, "10.0.0.1:0", fmt.Sprintf("10.0.0.2:%d", echoPort))
	defer conn.Close()
	src := make([]byte, transferSize)
	rand.New(rand.NewSource(7)).Read(src)
	start := time.Now()
	got, sent, err := transfer(conn, src, 50*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	want, have := sha256.Sum256(src), sha256.Sum256(got)
	if want != have {
		t.Fatalf("transfer corrupted: sha256 %x sent, %x echoed", want, have)
	}
	n := (len(src) + chunkData - 1) / chunkData
	t.Logf("%d bytes in %d datagrams echoed intact in %v (%d sends, sha256 %x)", len(src), n, elapsed.Round(time.Millisecond), sent, have[:8])

	// The loss was real: each direction dropped about lossPercent% of what it saw.
	o, err := peer.in("nft", "list", "table", "ip", "netloss")
	if err != nil {
		t.Fatalf("nft list: %v\n%s", err, o)
	}
	counts := regexp.MustCompile(`counter packets (\d+)`).FindAllStringSubmatch(o, -1)
	if len(counts) != 4 {
		t.Fatalf("nft counters: %s", o)
	}
	c := make([]float64, 4)
	for i, m := range counts {
		c[i], _ = strconv.ParseFloat(m[1], 64)
	}
	for i, dir := range []string{"to the guest", "from the guest"} {
		seen, dropped := c[2*i], c[2*i+1]
		if seen < float64(n) {
			t.Errorf("%s: nft saw %v datagrams, fewer than the %d chunks", dir, seen, n)
			continue
		}
		rate := 100 * dropped / seen
		t.Logf("%s: %v datagrams, %v dropped (%.1f%%)", dir, seen, dropped, rate)
		if rate < lossPercent-5 || rate > lossPercent+5 {
			t.Errorf("%s: loss %.1f%%, want about %d%%", dir, rate, lossPercent)
		}
	}
	if strings.Contains(readFile(t, out), "FAILURE") {
		t.Errorf("guest failed: %s", readFile(t, out))
	}
}

func readFile(t *testing.T, p string) string {
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// dialIn makes a UDP socket in the network namespace at ns (a socket stays in the
// namespace it was made in, whichever thread uses it later).
func dialIn(t *testing.T, ns, laddr, raddr string) *net.UDPConn {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	self, err := os.Open("/proc/thread-self/ns/net")
	if err != nil {
		t.Fatal(err)
	}
	defer self.Close()
	target, err := os.Open(ns)
	if err != nil {
		t.Fatal(err)
	}
	defer target.Close()
	if err := unix.Setns(int(target.Fd()), unix.CLONE_NEWNET); err != nil {
		t.Fatalf("setns %s: %v", ns, err)
	}
	la, _ := net.ResolveUDPAddr("udp4", laddr)
	ra, _ := net.ResolveUDPAddr("udp4", raddr)
	conn, derr := net.DialUDP("udp4", la, ra)
	if err := unix.Setns(int(self.Fd()), unix.CLONE_NEWNET); err != nil {
		// This thread is in the wrong namespace: let it die with the lock held.
		runtime.Goexit()
	}
	if derr != nil {
		t.Fatalf("udp socket in %s: %v", ns, derr)
	}
	return conn
}

// transfer sends src in numbered chunks through the echo and rebuilds it from the
// echoes: selective repeat with a fixed window, every chunk retransmitted until its
// echo is back. The echoed bytes (not the sent ones) make the result. It returns the
// rebuilt data and the number of datagrams sent.
func transfer(conn *net.UDPConn, src []byte, limit time.Duration) ([]byte, int, error) {
	n := (len(src) + chunkData - 1) / chunkData
	chunk := func(seq int) []byte { return src[seq*chunkData : min((seq+1)*chunkData, len(src))] }
	got := make([]byte, len(src))
	done := make([]bool, n)
	type echo struct {
		seq  int
		data []byte
	}
	acks := make(chan echo, 4*window)
	readErr := make(chan error, 1)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		buf := make([]byte, 65536)
		for {
			m, err := conn.Read(buf)
			if err != nil {
				select {
				case <-stop:
				default:
					readErr <- err
				}
				return
			}
			if m < 8 {
				readErr <- fmt.Errorf("echo of %d bytes, shorter than a sequence number", m)
				return
			}
			seq := binary.BigEndian.Uint64(buf)
			if seq >= uint64(n) || m-8 != len(chunk(int(seq))) {
				readErr <- fmt.Errorf("echo with sequence %d and %d bytes does not match a chunk", seq, m-8)
				return
			}
			select {
			case acks <- echo{int(seq), append([]byte(nil), buf[8:m]...)}:
			case <-stop:
				return
			}
		}
	}()
	pkt := make([]byte, 8+chunkData)
	sends := 0
	send := func(seq int) error {
		binary.BigEndian.PutUint64(pkt, uint64(seq))
		c := chunk(seq)
		copy(pkt[8:], c)
		sends++
		_, err := conn.Write(pkt[:8+len(c)])
		if errors.Is(err, unix.EPERM) {
			return nil // dropped by the output chain: lost like any other
		}
		return err
	}
	inflight := map[int]time.Time{}
	next, left := 0, n
	deadline := time.Now().Add(limit)
	timer := time.NewTimer(rto)
	defer timer.Stop()
	for left > 0 {
		if time.Now().After(deadline) {
			return nil, sends, fmt.Errorf("transfer incomplete after %v: %d of %d chunks echoed", limit, n-left, n)
		}
		for len(inflight) < window && next < n {
			if err := send(next); err != nil {
				return nil, sends, fmt.Errorf("send: %v", err)
			}
			inflight[next] = time.Now()
			next++
		}
		select {
		case ec := <-acks:
			if seq := ec.seq; !done[seq] {
				copy(got[seq*chunkData:], ec.data)
				done[seq] = true
				left--
				delete(inflight, seq)
			}
		case err := <-readErr:
			return nil, sends, err
		case <-timer.C:
			now := time.Now()
			for seq, at := range inflight {
				if now.Sub(at) >= rto {
					if err := send(seq); err != nil {
						return nil, sends, fmt.Errorf("send: %v", err)
					}
					inflight[seq] = now
				}
			}
			timer.Reset(rto)
		}
	}
	return got, sends, nil
}
