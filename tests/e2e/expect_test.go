// Reading guest/tests/test_*/expect.json (format in docs/CONTRACTS.md).
package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

type blockSpec struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	Sector uint64 `json:"sector"`
	Count  int    `json:"count"`
}

type netSpec struct {
	Name string `json:"name"`
	IP   string `json:"ip"`
}

type expectation struct {
	Args     []string    `json:"args"`
	Mem      int         `json:"mem"`
	Blocks   []blockSpec `json:"blocks"`
	Nets     []netSpec   `json:"nets"`
	Exit     *int        `json:"exit"`
	Stdout   *string     `json:"stdout"`
	Contains []string    `json:"contains"`
	Absent   []string    `json:"absent"`
	Driver   string      `json:"driver"`
}

type guestCase struct {
	Name   string // "hello" for test_hello
	Expect expectation
}

// blockNames expands "count" into name0..nameN-1 as the contract says.
func (b blockSpec) names() []string {
	if b.Count <= 0 {
		return []string{b.Name}
	}
	n := make([]string, b.Count)
	for i := range n {
		n[i] = fmt.Sprintf("%s%d", b.Name, i)
	}
	return n
}

func loadCases(dir string) ([]guestCase, error) {
	files, err := filepath.Glob(filepath.Join(dir, "test_*", "expect.json"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no test_*/expect.json under %s (set NABLA_TESTS_DIR)", dir)
	}
	sort.Strings(files)
	var cases []guestCase
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var e expectation
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields() // a typo in an expectation must not pass silently
		if err := dec.Decode(&e); err != nil {
			return nil, fmt.Errorf("%s: %v", f, err)
		}
		if e.Exit == nil {
			return nil, fmt.Errorf("%s: \"exit\" is required", f)
		}
		if e.Driver != "" && e.Driver != "ping" {
			return nil, fmt.Errorf("%s: unknown driver %q", f, e.Driver)
		}
		if e.Driver == "ping" && (len(e.Nets) == 0 || e.Nets[0].IP == "") {
			return nil, fmt.Errorf("%s: driver ping needs a net with an ip", f)
		}
		name := strings.TrimPrefix(filepath.Base(filepath.Dir(f)), "test_")
		cases = append(cases, guestCase{Name: name, Expect: e})
	}
	return cases, nil
}
