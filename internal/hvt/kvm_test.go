// Tier-1 tests: tiny hand-made guests on the real /dev/kvm (x86_64 here, aarch64 in the VM).
package hvt

import (
	"encoding/binary"
	"os"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nabla-containers/nabla/internal/guestmem"
	"github.com/nabla-containers/nabla/internal/kvm"
	"golang.org/x/sys/unix"
)

const (
	testMem  = 4 << 20
	codeGPA  = 0x100000
	dataGPA  = 0x200000
	dataGPA2 = 0x200100
)

type testVM struct {
	cpu  *kvm.VCPU
	mem  *guestmem.Mem
	raw  []byte
	devs *fakeDevs
}

// newTestVM boots code at 0x100000 with the tender's CPU setup; data maps GPAs to bytes.
// The code page is made read-only like an image's text.
func newTestVM(t *testing.T, code []byte, data map[uint64][]byte) *testVM {
	t.Helper()
	if _, err := os.Stat("/dev/kvm"); err != nil {
		t.Fatalf("this test needs /dev/kvm (run as root on a KVM host or in the aarch64 test VM): %v", err)
	}
	raw, err := unix.Mmap(-1, 0, testMem, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED|unix.MAP_ANONYMOUS)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Munmap(raw) })
	copy(raw[codeGPA:], code)
	for gpa, b := range data {
		copy(raw[gpa:], b)
	}
	sys, err := kvm.Open()
	if err != nil {
		t.Fatal(err)
	}
	vm, err := sys.CreateVM()
	if err != nil {
		t.Fatal(err)
	}
	if err := vm.SetMemory(raw); err != nil {
		t.Fatal(err)
	}
	cpu, err := vm.CreateVCPU(sys, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := setupVCPU(sys, vm, cpu, raw, testMem, codeGPA); err != nil {
		t.Fatal(err)
	}
	m := guestmem.New(raw)
	if err := unix.Mprotect(raw[codeGPA:codeGPA+0x1000], unix.PROT_READ); err != nil {
		t.Fatal(err)
	}
	if err := m.MarkReadOnly(codeGPA, 0x1000); err != nil {
		t.Fatal(err)
	}
	return &testVM{cpu: cpu, mem: m, raw: raw, devs: &fakeDevs{}}
}

// run runs the loop on a locked thread, as Run does; kick (if set) gets the thread id.
func (v *testVM) run(t *testing.T, stopped *atomic.Int32, kick func(tid int)) *Stop {
	t.Helper()
	done := make(chan *Stop, 1)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		if kick != nil {
			go kick(unix.Gettid())
		}
		done <- runLoop(v.cpu, v.mem, v.devs, stopped)
	}()
	select {
	case s := <-done:
		return s
	case <-time.After(60 * time.Second):
		t.Fatal("guest did not stop within 60 s")
		return nil
	}
}

func u64s(vals ...uint64) []byte {
	var b []byte
	for _, v := range vals {
		b = binary.LittleEndian.AppendUint64(b, v)
	}
	return b
}

func program(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

func TestKVMPutsHalt(t *testing.T) {
	code := program(asmHypercall(2, dataGPA), asmHypercall(8, dataGPA2), asmSpin())
	v := newTestVM(t, code, map[uint64][]byte{
		dataGPA:         u64s(dataGPA+0x200, 5),
		dataGPA + 0x200: []byte("hello"),
		dataGPA2:        u64s(0, 42),
	})
	var stopped atomic.Int32
	s := v.run(t, &stopped, nil)
	if s == nil || s.Err != nil || s.Status != 42 {
		t.Fatalf("stop %+v, want halt with status 42", s)
	}
	if got := v.devs.console.String(); got != "hello" {
		t.Fatalf("console %q, want hello", got)
	}
}

func TestKVMHostileGuests(t *testing.T) {
	cases := []struct {
		name string
		code []byte
		data map[uint64][]byte
		msg  string
	}{
		{"puts past the end of memory", program(asmHypercall(2, dataGPA), asmSpin()),
			map[uint64][]byte{dataGPA: u64s(testMem-4, 5)}, "Invalid guest access"},
		{"puts with a wrapping length", program(asmHypercall(2, dataGPA), asmSpin()),
			map[uint64][]byte{dataGPA: u64s(0x300000, ^uint64(0)-0x2fffff+1)}, "Invalid guest access"},
		{"argument struct outside memory", program(asmHypercall(1, 0xfffffff0), asmSpin()),
			nil, "Invalid guest access"},
		{"walltime into read-only text", program(asmHypercall(1, codeGPA), asmSpin()),
			nil, "read-only"},
		{"halt cookie past the end", program(asmHypercall(8, dataGPA), asmSpin()),
			map[uint64][]byte{dataGPA: u64s(testMem-100, 0)}, "Invalid guest access"},
		{"reserved hypercall 0", program(asmHypercall(0, dataGPA), asmSpin()),
			nil, "Invalid guest hypercall: num=0"},
		{"block read without a device", program(asmHypercall(5, dataGPA), asmSpin()),
			map[uint64][]byte{dataGPA: u64s(1, 0, 0x300000, 512)}, ""}, // EINVAL, then spins: handled below
		{"port or address outside the hypercalls", program(asmPort(0x509, 4), asmSpin()),
			nil, portFaultMsg},
		{"write to read-only text", program(asmStore(codeGPA), asmSpin()),
			nil, "translation fault"},
		{"cpu stops", program(asmStop(), asmSpin()), nil, stopFaultMsg},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := newTestVM(t, c.code, c.data)
			var stopped atomic.Int32
			var kick func(int)
			if c.msg == "" {
				// The guest gets EINVAL and spins; stop it the way SIGTERM does.
				kick = func(tid int) {
					time.Sleep(300 * time.Millisecond)
					stopVCPU(v.cpu, unix.Getpid(), tid, &stopped, 15)
				}
			}
			s := v.run(t, &stopped, kick)
			if c.msg == "" {
				if s == nil || s.Err == nil || s.Err.Error() != "Exiting on signal 15" {
					t.Fatalf("stop %+v, want the signal stop", s)
				}
				if ret := int32(binary.LittleEndian.Uint32(v.raw[dataGPA+blockRet:])); ret != 2 {
					t.Fatalf("block read ret %d, want EINVAL (2)", ret)
				}
				return
			}
			if s == nil || s.Err == nil || s.Status != 1 || !strings.Contains(s.Err.Error(), c.msg) {
				t.Fatalf("stop %+v, want exit 1 with %q", s, c.msg)
			}
		})
	}
}

func TestKVMStopSpinningGuest(t *testing.T) {
	v := newTestVM(t, asmSpin(), nil)
	var stopped atomic.Int32
	start := time.Now()
	s := v.run(t, &stopped, func(tid int) {
		time.Sleep(200 * time.Millisecond)
		stopVCPU(v.cpu, unix.Getpid(), tid, &stopped, 2)
	})
	if s == nil || s.Status != 1 || s.Err == nil || s.Err.Error() != "Exiting on signal 2" {
		t.Fatalf("stop %+v, want exit 1 'Exiting on signal 2'", s)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Fatalf("stopping took %v", d)
	}
}
