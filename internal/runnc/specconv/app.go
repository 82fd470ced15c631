// Why an entrypoint that is not a Solo5 image cannot run on the libOS, from its first bytes.
package specconv

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"fmt"
	"strings"
)

// goarchMachine maps GOARCH to the ELF machine the libOS runs on it.
var goarchMachine = map[string]elf.Machine{"amd64": elf.EM_X86_64, "arm64": elf.EM_AARCH64}

// machineName names the architectures people build for.
func machineName(m elf.Machine) string {
	switch m {
	case elf.EM_X86_64:
		return "x86_64"
	case elf.EM_AARCH64:
		return "aarch64"
	case elf.EM_386:
		return "i386"
	case elf.EM_ARM:
		return "32-bit ARM"
	case elf.EM_RISCV:
		return "riscv"
	}
	return m.String()
}

// CheckAppHead refuses, from the file's first bytes (at most 64 are needed), what the
// libOS cannot run whatever the rest: an empty file, a script, a file that is not an
// ELF, an ELF that is 32-bit, big-endian, not a program or for another architecture
// than goarch. Static-ness and the segments are bake's checks, on the whole file.
func CheckAppHead(head []byte, size int64, goarch string) error {
	const runs = "the libOS runs static Linux ELF programs only"
	switch {
	case size == 0:
		return fmt.Errorf("an empty file: %s", runs)
	case bytes.HasPrefix(head, []byte("#!")):
		line, _, _ := bytes.Cut(head[2:], []byte("\n"))
		interp := strings.TrimSpace(string(line))
		if i := strings.IndexAny(interp, " \t"); i >= 0 {
			interp = interp[:i]
		}
		return fmt.Errorf("a script (#!%s): %s (no shell or interpreter yet)", printable(interp), runs)
	case !bytes.HasPrefix(head, []byte(elf.ELFMAG)):
		return fmt.Errorf("not an ELF program nor a Solo5 image: %s", runs)
	case len(head) < 64:
		return fmt.Errorf("a truncated ELF file (%d bytes)", size)
	case elf.Class(head[elf.EI_CLASS]) != elf.ELFCLASS64:
		return fmt.Errorf("a 32-bit ELF program: %s for this host's 64-bit architecture", runs)
	case elf.Data(head[elf.EI_DATA]) != elf.ELFDATA2LSB:
		return fmt.Errorf("a big-endian ELF program: %s", runs)
	}
	typ := elf.Type(binary.LittleEndian.Uint16(head[16:]))
	m := elf.Machine(binary.LittleEndian.Uint16(head[18:]))
	if want, ok := goarchMachine[goarch]; ok && m != want {
		return fmt.Errorf("an ELF program for %s, this host is %s", machineName(m), machineName(want))
	}
	if typ != elf.ET_EXEC && typ != elf.ET_DYN {
		return fmt.Errorf("an ELF %v, not a program", typ)
	}
	return nil
}

// printable keeps a name from the image fit for a one-line error.
func printable(s string) string {
	if len(s) > 64 {
		s = s[:64] + "..."
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '?'
		}
		return r
	}, s)
}
