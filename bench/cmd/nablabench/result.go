// Results: every sample of one measurement of one contender, and their summary.
package main

import (
	"fmt"
	"sort"
)

// Result is one row of the table: a contender's samples for one measurement.
type Result struct {
	Section   string    `json:"section"`
	Measure   string    `json:"measure"`
	Contender string    `json:"contender"`
	Unit      string    `json:"unit"`
	Reference bool      `json:"reference"` // the row the others of its measurement are divided by
	Note      string    `json:"note,omitempty"`
	Samples   []float64 `json:"samples"`
	// MedianOf is set when the only sample is a median another program reported over
	// that many runs (its min and max are unknown).
	MedianOf int `json:"median_of,omitempty"`
	// Text, for a row that is a statement and not a measurement (no samples), says what
	// stands in the table instead of a figure and why.
	Text  string `json:"text,omitempty"`
	Error string `json:"error,omitempty"`
}

// stats returns the median, min and max of the samples (ok false when there are none).
func (r *Result) stats() (med, lo, hi float64, ok bool) {
	if len(r.Samples) == 0 {
		return 0, 0, 0, false
	}
	s := append([]float64(nil), r.Samples...)
	sort.Float64s(s)
	n := len(s)
	med = s[n/2]
	if n%2 == 0 {
		med = (s[n/2-1] + s[n/2]) / 2
	}
	return med, s[0], s[n-1], true
}

// contender is one thing measured: run does one counted (or warm-up) run and returns the value.
type contender struct {
	name string
	ref  bool
	note string
	run  func() (float64, error)
}

// alternate runs warm warm-up rounds then n counted rounds; each round runs every
// contender once, starting one further along the list each round, so drift in the
// machine's load falls on all of them alike. A contender that fails stops being run and
// its row carries the error.
func alternate(section, measure, unit string, warm, n int, cs []contender) []*Result {
	rs := make([]*Result, len(cs))
	for i, c := range cs {
		rs[i] = &Result{Section: section, Measure: measure, Contender: c.name, Unit: unit, Reference: c.ref, Note: c.note, Samples: []float64{}}
	}
	for round := -warm; round < n; round++ {
		for k := range cs {
			i := (k + round + warm) % len(cs)
			if rs[i].Error != "" {
				continue
			}
			v, err := cs[i].run()
			if err != nil {
				rs[i].Error = err.Error()
				continue
			}
			if round >= 0 {
				rs[i].Samples = append(rs[i].Samples, v)
			}
		}
	}
	return rs
}

// fmtNum prints a value with a precision that suits its size.
func fmtNum(v float64) string {
	switch {
	case v == float64(int64(v)) && v < 1e9:
		return fmt.Sprintf("%d", int64(v))
	case v >= 100:
		return fmt.Sprintf("%.0f", v)
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	default:
		return fmt.Sprintf("%.2f", v)
	}
}
