// Checks the Go ABI mirror against the C headers: sizes, offsets and constants.
package abi

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// goConstants are the Go values of the constants layout.c prints, by C name.
var goConstants = map[string]uint64{
	"ABI1_NOTE_TYPE":            NoteTypeABI1,
	"ABI1_NOTE_MAX_SIZE":        ABI1NoteMaxSize,
	"ABI1_TARGET_HVT":           TargetHVT,
	"ABI1_TARGET_SPT":           TargetSPT,
	"ABI1_TARGET_VIRTIO":        TargetVirtio,
	"ABI1_TARGET_MUEN":          TargetMuen,
	"ABI1_TARGET_GENODE":        TargetGenode,
	"ABI1_TARGET_XEN":           TargetXen,
	"MFT_VERSION":               MFTVersion,
	"MFT_MAX_ENTRIES":           MFTMaxEntries,
	"MFT_NAME_SIZE":             MFTNameSize,
	"MFT1_NOTE_TYPE":            NoteTypeMFT1,
	"MFT1_NOTE_MAX_SIZE":        MFT1NoteMaxSize,
	"MFT_DEV_BLOCK_BASIC":       MFTBlockBasic,
	"MFT_DEV_NET_BASIC":         MFTNetBasic,
	"MFT_RESERVED_FIRST":        MFTReservedFirst,
	"SPT_ABI_VERSION":           ABIVersion,
	"SPT_HOST_MEM_BASE":         SPTHostMemBase,
	"SPT_BOOT_INFO_BASE":        SPTBootInfoBase,
	"SPT_GUEST_MIN_BASE":        GuestMinBase,
	"SPT_CMDLINE_SIZE":          CmdlineSize,
	"SPT_INTERNAL_TIMERFD":      SPTInternalTimerFD,
	"HVT_ABI_VERSION":           ABIVersion,
	"HVT_GUEST_MIN_BASE":        GuestMinBase,
	"HVT_BOOT_INFO_BASE":        HVTBootInfoBase,
	"HVT_CMDLINE_SIZE":          CmdlineSize,
	"HVT_HALT_COOKIE_MAX":       HaltCookieMax,
	"HVT_HYPERCALL_PIO_BASE":    HypercallPIOBase,
	"HVT_HYPERCALL_MMIO_BASE":   HypercallMMIOBase,
	"HVT_RING_KICK_PIO":         RingKickPIO,
	"HVT_RING_KICK_MMIO":        RingKickMMIO,
	"HVT_FEATURE_RING_IO":       HVTFeatureRingIO,
	"HVT_HYPERCALL_WALLTIME":    HypercallWalltime,
	"HVT_HYPERCALL_PUTS":        HypercallPuts,
	"HVT_HYPERCALL_POLL":        HypercallPoll,
	"HVT_HYPERCALL_BLOCK_WRITE": HypercallBlockWrite,
	"HVT_HYPERCALL_BLOCK_READ":  HypercallBlockRead,
	"HVT_HYPERCALL_NET_WRITE":   HypercallNetWrite,
	"HVT_HYPERCALL_NET_READ":    HypercallNetRead,
	"HVT_HYPERCALL_HALT":        HypercallHalt,
	"HVT_HYPERCALL_MAX":         HypercallMax,
}

// cArch maps GOARCH to the architecture name of the golden files.
var cArch = map[string]string{"amd64": "x86_64", "arm64": "aarch64"}

func parseGolden(t *testing.T, b []byte) map[string]uint64 {
	t.Helper()
	m := map[string]uint64{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for n := 1; sc.Scan(); n++ {
		f := strings.Fields(sc.Text())
		if len(f) != 2 {
			t.Fatalf("golden line %d: want \"name value\", got %q", n, sc.Text())
		}
		v, err := strconv.ParseUint(f[1], 10, 64)
		if err != nil {
			t.Fatalf("golden line %d: %v", n, err)
		}
		if _, dup := m[f[0]]; dup {
			t.Fatalf("golden line %d: %s listed twice", n, f[0])
		}
		m[f[0]] = v
	}
	return m
}

// TestLayout compares every Go size, offset and constant with the golden C output of
// the running architecture, in both directions (nothing unchecked on either side).
func TestLayout(t *testing.T) {
	arch, ok := cArch[runtime.GOARCH]
	if !ok {
		t.Fatalf("no golden layout for GOARCH=%s", runtime.GOARCH)
	}
	b, err := os.ReadFile(filepath.Join("testdata", "layout_"+arch+".txt"))
	if err != nil {
		t.Fatal(err)
	}
	golden := parseGolden(t, b)
	got := goLayout()
	for k, v := range goConstants {
		got[k] = v
	}
	for k, want := range golden {
		g, ok := got[k]
		if !ok {
			t.Errorf("%s: in the C headers (%d) but not mirrored in Go", k, want)
			continue
		}
		if g != want {
			t.Errorf("%s: Go %d, C %d", k, g, want)
		}
	}
	for k := range got {
		if _, ok := golden[k]; !ok {
			t.Errorf("%s: mirrored in Go but missing from the golden file", k)
		}
	}
}

// TestOffsetConstants checks the byte offsets used for unsafe-free encoding against the
// struct layout.
func TestOffsetConstants(t *testing.T) {
	l := goLayout()
	for name, c := range map[string]uint64{
		"mft_entry":                          MFTEntrySize,
		"mft":                                MFTHeaderSize,
		"mft_entry.name":                     MFTEntryOffName,
		"mft_entry.type":                     MFTEntryOffType,
		"mft_entry.u.block_basic.capacity":   MFTEntryOffCapacity,
		"mft_entry.u.block_basic.block_size": MFTEntryOffBlockSize,
		"mft_entry.u.net_basic.mac":          MFTEntryOffMAC,
		"mft_entry.u.net_basic.mtu":          MFTEntryOffMTU,
		"mft_entry.b.hostfd":                 MFTEntryOffHostFD,
		"mft_entry.attached":                 MFTEntryOffAttached,
		"abi1_info":                          ABI1DescSize,
	} {
		if l[name] != c {
			t.Errorf("%s: constant %d, struct %d", name, c, l[name])
		}
	}
	if SPTBootInfoBase != 0x11000 || MFT1NoteMaxSize != 6668 {
		t.Errorf("SPTBootInfoBase %#x, MFT1NoteMaxSize %d", SPTBootInfoBase, MFT1NoteMaxSize)
	}
}

// TestGoldenUpToDate rebuilds tools/abigolden/layout.c for both architectures and
// compares with the committed golden files, so they cannot drift from guest/include.
func TestGoldenUpToDate(t *testing.T) {
	host := cArch[runtime.GOARCH]
	for _, arch := range []string{"x86_64", "aarch64"} {
		t.Run(arch, func(t *testing.T) {
			cc, run := "gcc", ""
			if arch != host {
				cc, run = arch+"-linux-gnu-gcc", "qemu-"+arch+"-static"
			}
			for _, tool := range []string{cc, run} {
				if tool == "" {
					continue
				}
				if _, err := exec.LookPath(tool); err != nil {
					msg := fmt.Sprintf("%s not installed, cannot regenerate layout_%s.txt", tool, arch)
					if os.Getenv("NABLA_REQUIRE_TOOLS") == "1" {
						t.Fatal(msg)
					}
					t.Skip(msg + " (set NABLA_REQUIRE_TOOLS=1 to make this fail)")
				}
			}
			bin := filepath.Join(t.TempDir(), "layout")
			out, err := exec.Command(cc, "-static", "-O0", "-Wall", "-Werror",
				"-I../guest/include", "-o", bin, "../tools/abigolden/layout.c").CombinedOutput()
			if err != nil {
				t.Fatalf("%s: %v\n%s", cc, err, out)
			}
			var cmd *exec.Cmd
			if run != "" {
				cmd = exec.Command(run, bin)
			} else {
				cmd = exec.Command(bin)
			}
			got, err := cmd.Output()
			if err != nil {
				t.Fatalf("running layout for %s: %v", arch, err)
			}
			want, err := os.ReadFile(filepath.Join("testdata", "layout_"+arch+".txt"))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("testdata/layout_%s.txt is stale; run tools/abigolden/gen.sh\ngot:\n%s", arch, got)
			}
		})
	}
}
