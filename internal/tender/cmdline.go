// The guest's command line: its arguments joined with single spaces, as upstream passes them.
package tender

import "fmt"

// CmdlineMax is the longest guest command line (abi.CmdlineSize without its NUL).
const CmdlineMax = 8192 - 1

// JoinCmdline joins args with single spaces, without quoting, checking the length first so a huge argv costs nothing.
func JoinCmdline(args []string) (string, error) {
	n := 0
	for i, a := range args {
		if i > 0 {
			n++
		}
		n += len(a)
		if n > CmdlineMax {
			return "", fmt.Errorf("guest command line too long (max=%d characters)", CmdlineMax)
		}
	}
	b := make([]byte, 0, n)
	for i, a := range args {
		if i > 0 {
			b = append(b, ' ')
		}
		b = append(b, a...)
	}
	return string(b), nil
}
