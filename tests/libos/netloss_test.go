// 30% random loss each way (nftables) between a client and the unikernel's TCP: transfers still arrive intact.
package libos

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"
)

const tcpLossPercent = 30

// tcpLossRules drops tcpLossPercent% of the TCP segments to and from guest port 8080, each
// way, counting what each direction sees and drops.
func tcpLossRules(guest string) string {
	return fmt.Sprintf(`table ip tcploss {
	chain out {
		type filter hook output priority 0; policy accept;
		ip daddr %[1]s tcp dport 8080 counter
		ip daddr %[1]s tcp dport 8080 numgen random mod 100 < %[2]d counter drop
	}
	chain in {
		type filter hook input priority 0; policy accept;
		ip saddr %[1]s tcp sport 8080 counter
		ip saddr %[1]s tcp sport 8080 numgen random mod 100 < %[2]d counter drop
	}
}
`, guest, tcpLossPercent)
}

func TestTCPUnderLoss(t *testing.T) {
	requireNetAdmin(t)
	nft, err := exec.LookPath("nft")
	if err != nil {
		t.Fatalf("the loss test needs nft (Debian package nftables; tests/vm/fetch.sh puts it in the VM): %v", err)
	}
	srv := startTapServer(t)
	defer srv.stop()
	n, addr, out := srv.n, srv.addr, srv.out
	guest, _, _ := net.SplitHostPort(addr)

	rules := filepath.Join(work(t), "tcploss.nft")
	if err := os.WriteFile(rules, []byte(tcpLossRules(guest)), 0o644); err != nil {
		t.Fatal(err)
	}
	var nftOut []byte
	if err := n.Do(func() error {
		var err error
		nftOut, err = exec.Command(nft, "-f", rules).CombinedOutput()
		return err
	}); err != nil {
		t.Fatalf("nft -f: %v\n%s", err, nftOut)
	}

	// A segment and its ACK both get through half the time: runs of losses back the
	// retransmission timer off to tens of seconds now and then (natively too).
	getDeadline = 300 * time.Second
	defer func() { getDeadline = 90 * time.Second }()
	start := time.Now()
	err = n.Do(func() error {
		// At 30% each way TCP crawls (no SACK in lwIP; Linux to Linux through the same
		// rules moves about 4 KB/s here): small transfers, each a whole connection whose
		// SYN and FIN may be lost too.
		for i := 0; i < 5; i++ {
			st, b, err := getLossy(addr, "/hello")
			if err != nil || st != 200 || string(b) != "hello from "+addr {
				return fmt.Errorf("/hello #%d under loss: status %d %q, err %v", i, st, b, err)
			}
		}
		// A download.
		want := make([]byte, 16<<10)
		for i := range want {
			want[i] = byte(i*7 + i/251)
		}
		st, b, err := getLossy(addr, "/stream?n=16384")
		if err != nil || st != 200 || !bytes.Equal(b, want) {
			return fmt.Errorf("/stream?n=16384 under loss: status %d, %d bytes, err %v", st, len(b), err)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("%v; output:\n%s", err, out.String())
	}
	t.Logf("5 requests and 16 KiB down intact under %d%% loss each way in %v", tcpLossPercent, time.Since(start).Round(time.Millisecond))

	// The loss was real: each direction dropped about tcpLossPercent% of what it saw.
	var list []byte
	n.Do(func() error {
		list, err = exec.Command(nft, "list", "table", "ip", "tcploss").CombinedOutput()
		return err
	})
	if err != nil {
		t.Fatalf("nft list: %v\n%s", err, list)
	}
	counts := regexp.MustCompile(`counter packets (\d+)`).FindAllStringSubmatch(string(list), -1)
	if len(counts) != 4 {
		t.Fatalf("nft counters: %s", list)
	}
	c := make([]float64, 4)
	for i, m := range counts {
		c[i], _ = strconv.ParseFloat(m[1], 64)
	}
	for i, dir := range []string{"to the guest", "from the guest"} {
		seen, dropped := c[2*i], c[2*i+1]
		if seen < 40 {
			t.Errorf("%s: nft saw only %v segments", dir, seen)
			continue
		}
		rate := 100 * dropped / seen
		t.Logf("%s: %v segments, %v dropped (%.1f%%)", dir, seen, dropped, rate)
		// A few hundred segments: allow four standard deviations of a binomial draw.
		tol := 400 * math.Sqrt(tcpLossPercent/100.0*(1-tcpLossPercent/100.0)/seen)
		if rate < tcpLossPercent-tol || rate > tcpLossPercent+tol {
			t.Errorf("%s: loss %.1f%%, want about %d%%", dir, rate, tcpLossPercent)
		}
	}
	n.Do(func() error { return exec.Command(nft, "delete", "table", "ip", "tcploss").Run() })
	srv.quit(t)
}

// getLossy is get, dialled again when the connection was never made: a SYN or SYN-ACK
// lost three times outlasts get's 5 s dial timeout about one time in eight at 30%.
func getLossy(addr, path string) (int, []byte, error) {
	for try := 0; ; try++ {
		st, b, err := get(addr, "GET", path, nil)
		var op *net.OpError
		if err != nil && errors.As(err, &op) && op.Op == "dial" && try < 5 {
			continue
		}
		return st, b, err
	}
}
