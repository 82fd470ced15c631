// Benchmarks: each app natively and as a unikernel; the metric is the unikernel/native time ratio.
package libos

import (
	"testing"
	"time"
)

// ratio runs the app n times each way (outputs must agree) and reports the best times.
func ratio(b *testing.B, c runCase) {
	var bestN, bestU time.Duration
	for i := 0; i < b.N; i++ {
		for k := 0; k < 5; k++ {
			n := c.native(b)
			u := c.unikernel(b)
			if n.stdout != u.stdout || n.status != u.status {
				b.Fatalf("outputs differ:\nnative:\n%s\nunikernel:\n%s", n.stdout, u.stdout)
			}
			if bestN == 0 || n.dur < bestN {
				bestN = n.dur
			}
			if bestU == 0 || u.dur < bestU {
				bestU = u.dur
			}
		}
	}
	b.ReportMetric(float64(bestN.Microseconds()), "native-µs")
	b.ReportMetric(float64(bestU.Microseconds()), "unikernel-µs")
	b.ReportMetric(float64(bestN)/float64(bestU), "speed-vs-native")
}

func BenchmarkSHA256(b *testing.B)   { ratio(b, runCase{app: "bench-sha256"}) }
func BenchmarkPingPong(b *testing.B) { ratio(b, runCase{app: "bench-pingpong"}) }
func BenchmarkStartup(b *testing.B)  { ratio(b, runCase{app: "go-hello"}) }

// TCP over loopback inside the guest (lwIP) against the host kernel's.
func BenchmarkNetHTTP(b *testing.B)   { ratio(b, runCase{app: "bench-nethttp"}) }
func BenchmarkNetStream(b *testing.B) { ratio(b, runCase{app: "bench-netstream"}) }

// AF_UNIX in the guest's memory against the host kernel's: a 256 MiB stream and 50,000
// round trips over a socketpair.
func BenchmarkUnix(b *testing.B) { ratio(b, runCase{app: "bench-unix"}) }
