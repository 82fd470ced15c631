// The stop hook: every point in the code is a known point and the reverse; unknown
// points are refused.
package container

import (
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
)

func TestStopPointsMatchCode(t *testing.T) {
	re := regexp.MustCompile(`testStop\("([a-z:]+)"\)`)
	var used []string
	for _, f := range []string{"create.go", "handshake.go", "start.go"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			used = append(used, m[1])
		}
	}
	known := append([]string(nil), stopPoints...)
	sort.Strings(used)
	sort.Strings(known)
	if strings.Join(used, " ") != strings.Join(known, " ") {
		t.Errorf("points in the code %v, documented %v", used, known)
	}
}

func TestCheckTestStop(t *testing.T) {
	for v, ok := range map[string]bool{"": true, "create:dir": true, "start:read,create:done": true, "create:nope": false, "create:dir,": false} {
		t.Setenv(TestStopEnv, v)
		if err := CheckTestStop(); (err == nil) != ok {
			t.Errorf("%s=%q: %v", TestStopEnv, v, err)
		}
	}
}
