// Tests for the guest command line join and its limit.
package tender

import (
	"strings"
	"testing"
)

func TestJoinCmdline(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{nil, ""},
		{[]string{"a"}, "a"},
		{[]string{"--solo5:quiet", "Hello_Solo5"}, "--solo5:quiet Hello_Solo5"},
		{[]string{"arg 2", "", "x"}, "arg 2  x"},
	}
	for _, c := range cases {
		got, err := JoinCmdline(c.args)
		if err != nil || got != c.want {
			t.Errorf("JoinCmdline(%q) = %q, %v; want %q", c.args, got, err, c.want)
		}
	}
	max := strings.Repeat("x", CmdlineMax)
	if got, err := JoinCmdline([]string{max}); err != nil || got != max {
		t.Errorf("a command line of exactly %d characters was refused: %v", CmdlineMax, err)
	}
	if _, err := JoinCmdline([]string{max[1:], "y"}); err == nil {
		t.Errorf("%d characters with a separator accepted", CmdlineMax+1)
	}
	if _, err := JoinCmdline([]string{max + "y"}); err == nil || !strings.Contains(err.Error(), "max=8191") {
		t.Errorf("too long command line: err = %v", err)
	}
}
