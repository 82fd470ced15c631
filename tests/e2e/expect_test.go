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
	// Per-tender overrides of the outcome (the same image behaves differently on a VM).
	SPT *override `json:"spt"`
	HVT *override `json:"hvt"`
}

// override replaces the outcome fields it sets for one tender. NA marks the case not
// applicable on that tender (the reason is reported); NAOnPVM does so only on a PVM
// /dev/kvm (software-emulated guest kernel mode), where the case must still run elsewhere.
type override struct {
	Exit     *int     `json:"exit"`
	Stdout   *string  `json:"stdout"`
	Contains []string `json:"contains"`
	Absent   []string `json:"absent"`
	NA       string   `json:"na"`
	NAOnPVM  string   `json:"na_pvm"`
}

// forTender returns the expectation with tender's ("spt" or "hvt") override applied,
// plus the override itself (zero when there is none).
func (e expectation) forTender(tender string) (expectation, override) {
	o := e.SPT
	if tender == "hvt" {
		o = e.HVT
	}
	if o == nil {
		return e, override{}
	}
	if o.Exit != nil {
		e.Exit = o.Exit
	}
	if o.Stdout != nil {
		e.Stdout = o.Stdout
	}
	if o.Contains != nil {
		e.Contains = o.Contains
	}
	if o.Absent != nil {
		e.Absent = o.Absent
	}
	return e, *o
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
		if e.Driver != "" && e.Driver != "ping" && e.Driver != "signal" {
			return nil, fmt.Errorf("%s: unknown driver %q", f, e.Driver)
		}
		if e.Driver == "ping" && (len(e.Nets) == 0 || e.Nets[0].IP == "") {
			return nil, fmt.Errorf("%s: driver ping needs a net with an ip", f)
		}
		for _, o := range []*override{e.SPT, e.HVT} {
			if o != nil && o.NA == "" && o.NAOnPVM == "" && o.Exit == nil && o.Stdout == nil &&
				o.Contains == nil && o.Absent == nil {
				return nil, fmt.Errorf("%s: empty per-tender override", f)
			}
		}
		name := strings.TrimPrefix(filepath.Base(filepath.Dir(f)), "test_")
		cases = append(cases, guestCase{Name: name, Expect: e})
	}
	return cases, nil
}
