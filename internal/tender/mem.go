// Guest memory size: the --mem default and the limits both tenders check.
package tender

import "fmt"

const (
	MiB = 1 << 20
	// DefaultMemMiB is upstream's default guest memory.
	DefaultMemMiB = 512
	// GuestHeadroom is what the bindings need above the image (heap and stack), or they abort.
	GuestHeadroom = 512 << 10
)

// MemBytes checks memMiB (0: the default) against the guest's needs and the
// tender's maximum (bytes) and returns the size in bytes.
func MemBytes(memMiB, imageEnd, maxBytes uint64) (uint64, error) {
	if memMiB == 0 {
		memMiB = DefaultMemMiB
	}
	maxMiB := maxBytes / MiB
	if memMiB > maxMiB {
		return 0, fmt.Errorf("--mem=%d is too large: the maximum is %d MiB", memMiB, maxMiB)
	}
	mem := memMiB * MiB
	need := imageEnd + GuestHeadroom
	if need < imageEnd || mem < need {
		return 0, fmt.Errorf("--mem=%d is too small: the guest needs at least %d MiB (image end 0x%x + 512 KiB)",
			memMiB, (need+MiB-1)/MiB, imageEnd)
	}
	return mem, nil
}
