// The "ping" driver: 1000 echo requests to the guest, all answered.
package e2e

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"time"
)

const pingCount = 1000

var pingSummary = regexp.MustCompile(`(\d+) packets transmitted, (\d+) (?:packets )?received`)

// pingArgs adapts to the ping in PATH. iputils (host) floods at 2 ms as root; busybox (VM)
// has no flood mode and its -W only covers the tail, so it uses -A: each request goes out
// as soon as the previous reply arrived, which keeps no backlog in the slow TCG guest.
// Both get an overall deadline with -w, and both stop early after pingCount replies.
func pingArgs(ip string) ([]string, error) {
	p, err := exec.LookPath("ping")
	if err != nil {
		return nil, err
	}
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		return nil, err
	}
	deadline := strconv.Itoa(int((60 * time.Second * timeoutScale()).Seconds()))
	n := strconv.Itoa(pingCount)
	if filepath.Base(real) == "busybox" {
		return []string{p, "-q", "-c", n, "-A", "-w", deadline, ip}, nil
	}
	return []string{p, "-q", "-c", n, "-i", "0.002", "-w", deadline, ip}, nil
}

// pingGuest runs ping (call it inside the namespace) and returns an error unless every
// one of the pingCount requests was answered.
func pingGuest(ip string) (string, error) {
	argv, err := pingArgs(ip)
	if err != nil {
		return "", err
	}
	out, runErr := exec.Command(argv[0], argv[1:]...).CombinedOutput()
	m := pingSummary.FindStringSubmatch(string(out))
	if m == nil {
		return string(out), fmt.Errorf("ping %s: no summary (%v)", ip, runErr)
	}
	sent, _ := strconv.Atoi(m[1])
	got, _ := strconv.Atoi(m[2])
	if sent != pingCount || got != pingCount {
		return string(out), fmt.Errorf("ping %s: %d transmitted, %d received; want %d/%d (0%% loss)",
			ip, sent, got, pingCount, pingCount)
	}
	return string(out), nil
}
