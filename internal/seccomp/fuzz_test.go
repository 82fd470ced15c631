// FuzzPolicy: the compiled program must agree with Policy.Eval on any seccomp_data.
package seccomp

import (
	"testing"

	"golang.org/x/sys/unix"
)

// fuzzPolicies are shaped like the real ones (spt with devices, a gated libOS policy) plus
// one that uses every op on every argument.
func fuzzPolicies() []Policy {
	eq := func(i int, v uint64) Arg { return Arg{Index: i, Op: OpEQ, Value: v} }
	spt := func(arch uint32, base uint32, blocks int) Policy {
		rules := []Rule{{Syscall: base + 1, Args: []Arg{eq(0, 1)}}, {Syscall: base + 1, Args: []Arg{eq(0, 4)}},
			{Syscall: base, Args: []Arg{eq(0, 4)}}, {Syscall: base + 9}}
		for b := 0; b < blocks; b++ {
			for _, nr := range []uint32{base + 17, base + 18} {
				rules = append(rules, Rule{Syscall: nr, Args: []Arg{eq(0, uint64(5+b)), eq(2, 512),
					{Index: 3, Op: OpLE, Value: uint64(b+1)<<31 - 512}}})
			}
		}
		return Policy{AuditArch: arch, Default: RetKillProcess, Rules: rules}
	}
	var every []Rule
	for i := 0; i < 6; i++ {
		every = append(every,
			Rule{Syscall: 100, Args: []Arg{{Index: i, Op: OpEQ, Value: 0x1_0000_0002 * uint64(i+1)}}},
			Rule{Syscall: 101, Args: []Arg{{Index: i, Op: OpLE, Value: 0x3_8000_0000 + uint64(i)}, {Index: (i + 1) % 6, Op: OpGE, Value: 0x7fff_ffff}}},
			Rule{Syscall: 102, Args: []Arg{{Index: i, Op: OpMaskedEQ, Mask: 0xf0f0_0000_ffff_0f0f, Value: 0x1010_0000_0f00_0101 << uint(i) & 0xf0f0_0000_ffff_0f0f}}})
	}
	gated := spt(AuditArchAArch64, 0, 2)
	gated.Gate = &Gate{Inside: Range{Lo: 0x10_0000, Hi: 0x1_0020_0000}, Action: RetTrap}
	return []Policy{
		spt(AuditArchX86_64, 0, 1), spt(AuditArchAArch64, 60, 0), spt(AuditArchX86_64, 0, 63),
		{AuditArch: AuditArchX86_64, Default: RetErrno(13), Rules: every}, gated,
	}
}

func FuzzPolicy(f *testing.F) {
	f.Add(uint8(0), uint8(0xff), int32(17), uint32(AuditArchX86_64), uint64(0), uint64(5), uint64(0), uint64(512), uint64(0x7ffffe00), uint64(0), uint64(0))
	f.Add(uint8(3), uint8(0x0f), int32(101), uint32(0), uint64(0x200000), uint64(0x3_8000_0000), uint64(0x8000_0000), uint64(0), uint64(0), uint64(0), uint64(0))
	f.Add(uint8(4), uint8(0x07), int32(1), uint32(0), uint64(0xfffff), uint64(1), uint64(0), uint64(0), uint64(0), uint64(0), uint64(0))
	f.Add(uint8(0), uint8(0x00), int32(0x40000001), uint32(AuditArchX86_64), uint64(0), uint64(1), uint64(0), uint64(0), uint64(0), uint64(0), uint64(0))
	pols := fuzzPolicies()
	progs := make([][]unix.SockFilter, len(pols))
	for i, p := range pols {
		var err error
		if progs[i], err = p.Compile(); err != nil {
			f.Fatalf("policy %d: Compile: %v", i, err)
		}
	}
	f.Fuzz(func(t *testing.T, sel, pick uint8, nr int32, arch uint32, ip, a0, a1, a2, a3, a4, a5 uint64) {
		p, prog := pols[int(sel)%len(pols)], progs[int(sel)%len(pols)]
		d := Data{Nr: nr, Arch: arch, IP: ip, Args: [6]uint64{a0, a1, a2, a3, a4, a5}}
		// Steer random input towards the rules so that matches and near misses happen:
		// pick bits choose the arch, a rule's syscall, and arguments near the rule's values.
		if pick&1 != 0 {
			d.Arch = p.AuditArch
		}
		if pick&2 != 0 && len(p.Rules) > 0 {
			r := p.Rules[int(uint32(nr)>>8)%len(p.Rules)]
			d.Nr = int32(r.Syscall)
			if pick&4 != 0 {
				for _, a := range r.Args {
					delta := int64(int8(d.Args[a.Index])) % 3 // -2..2
					if pick&8 != 0 {
						delta = 0
					}
					d.Args[a.Index] = a.Value + uint64(delta)
				}
			}
		}
		got, err := Run(prog, d)
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
		if want := p.Eval(d); got != want {
			t.Fatalf("policy %d, data %+v: program says %v, Eval says %v", int(sel)%len(pols), d, got, want)
		}
	})
}
