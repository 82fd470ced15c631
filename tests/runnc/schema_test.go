// Validation of `runnc state` output: the OCI state schema, plus the rules the schema
// cannot say (pid present while created/running, absolute bundle) and runc's extra keys.
package runnc

import (
	"path/filepath"
	"regexp"
	"testing"
	"time"
)

var semver = regexp.MustCompile(`^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$`)

func validateState(t *testing.T, m map[string]any) {
	t.Helper()
	validateOCIState(t, m) // the runtime-spec's own schema
	str := func(k string) string {
		v, ok := m[k].(string)
		if !ok {
			t.Errorf("state: %q missing or not a string: %v", k, m[k])
		}
		return v
	}
	if v := str("ociVersion"); !semver.MatchString(v) {
		t.Errorf("state: ociVersion %q is not semver", v)
	}
	if str("id") == "" {
		t.Error("state: empty id")
	}
	status := str("status")
	switch status {
	case "creating", "created", "running", "stopped":
	default:
		t.Errorf("state: status %q not in the OCI enum", status)
	}
	if b := str("bundle"); !filepath.IsAbs(b) {
		t.Errorf("state: bundle %q is not absolute", b)
	}
	pid, ok := m["pid"].(float64)
	if !ok || pid != float64(int64(pid)) || pid < 0 {
		t.Errorf("state: pid %v is not a non-negative integer", m["pid"])
	}
	if (status == "created" || status == "running") && pid <= 0 {
		t.Errorf("state: %s container without a pid", status)
	}
	if a, ok := m["annotations"]; ok {
		am, ok := a.(map[string]any)
		if !ok {
			t.Errorf("state: annotations is not an object")
		}
		for k, v := range am {
			if _, ok := v.(string); !ok {
				t.Errorf("state: annotation %s is not a string", k)
			}
		}
	}
	// runc's extra keys.
	if _, err := time.Parse(time.RFC3339Nano, str("created")); err != nil {
		t.Errorf("state: created: %v", err)
	}
	str("rootfs")
	str("owner")
}
