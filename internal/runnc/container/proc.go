// Process facts from /proc: liveness, zombie state and start time (against pid reuse).
package container

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// procStat returns the state letter and start time (field 22) of pid.
func procStat(pid int) (state byte, start uint64, err error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, 0, err
	}
	// comm may contain spaces and parentheses: fields start after the last ')'.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 || i+2 >= len(s) {
		return 0, 0, fmt.Errorf("malformed /proc/%d/stat", pid)
	}
	f := strings.Fields(s[i+2:])
	if len(f) < 20 {
		return 0, 0, fmt.Errorf("malformed /proc/%d/stat", pid)
	}
	start, err = strconv.ParseUint(f[19], 10, 64)
	if err != nil {
		return 0, 0, fmt.Errorf("malformed /proc/%d/stat", pid)
	}
	return f[0][0], start, nil
}

// StartTime is the start time of a live pid, used to recognise it later.
func StartTime(pid int) (uint64, error) {
	_, st, err := procStat(pid)
	return st, err
}

// Alive reports whether pid is still the process recorded (same start time) and not
// a zombie waiting to be reaped.
func Alive(pid int, start uint64) bool {
	if pid <= 0 {
		return false
	}
	state, st, err := procStat(pid)
	if err != nil {
		return false
	}
	if start != 0 && st != start {
		return false
	}
	return state != 'Z' && state != 'X'
}
