// Tests of the NIC a baked program gets: one in a network namespace, none on the host's.
package container

import (
	"slices"
	"testing"
)

func TestAppNIC(t *testing.T) {
	for _, c := range []struct {
		newNet bool
		netns  string
		want   []string
	}{
		{false, "", nil},                            // the host's network: no NIC
		{true, "", []string{AppNIC}},                // a new namespace (Docker's bridge, none)
		{false, "/proc/7/ns/net", []string{AppNIC}}, // a pod's, joined by path
	} {
		p := testPlan(t)
		p.newNet, p.netns = c.newNet, c.netns
		if got := p.appNets(); !slices.Equal(got, c.want) {
			t.Errorf("newNet=%v netns=%q: NICs %v, want %v", c.newNet, c.netns, got, c.want)
		}
		// launch attaches what the program is baked with, not the unbaked image's devices.
		p.app = &appPlan{nets: p.appNets()}
		l, err := p.launch("")
		if err != nil {
			t.Fatal(err)
		}
		if want := map[bool]string{true: AppNIC, false: ""}[c.want != nil]; l.NetDevice != want {
			t.Errorf("newNet=%v netns=%q: launch NIC %q, want %q", c.newNet, c.netns, l.NetDevice, want)
		}
	}
}
