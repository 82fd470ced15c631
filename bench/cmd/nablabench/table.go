// The Markdown table: one row per result, the ratio to its measurement's reference row.
package main

import (
	"fmt"
	"strings"
)

// table renders results as one Markdown table.
func table(rs []*Result) string {
	var b strings.Builder
	b.WriteString("| section | measurement | contender | n | median | min | max | unit | ratio to ref |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|\n")
	for _, r := range rs {
		med, lo, hi, ok := r.stats()
		name := r.Contender
		if r.Reference {
			name += " (ref)"
		}
		if r.Note != "" {
			name += " [" + r.Note + "]"
		}
		if !ok || r.Error != "" {
			msg := "no samples"
			if r.Text != "" {
				msg = oneLine(r.Text)
			}
			if r.Error != "" {
				msg = "ERROR: " + oneLine(r.Error)
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %d | %s | | | %s | |\n", r.Section, r.Measure, name, len(r.Samples), msg, r.Unit)
			continue
		}
		n, los, his := len(r.Samples), fmtNum(lo), fmtNum(hi)
		if r.MedianOf > 0 {
			n, los, his = r.MedianOf, "n/a", "n/a"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %d | %s | %s | %s | %s | %s |\n", r.Section, r.Measure, name,
			n, fmtNum(med), los, his, r.Unit, ratio(rs, r, med))
	}
	return b.String()
}

// ratio divides med by the median of the reference row of r's measurement.
func ratio(rs []*Result, r *Result, med float64) string {
	for _, o := range rs {
		if o.Section == r.Section && o.Measure == r.Measure && o.Reference {
			if o == r {
				return "1.00"
			}
			ref, _, _, ok := o.stats()
			if !ok || o.Error != "" || ref == 0 {
				return ""
			}
			return fmt.Sprintf("%.2f", med/ref)
		}
	}
	return ""
}

// oneLine keeps an error short enough for a table cell.
func oneLine(s string) string {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\n", " "), "|", "/")
	if len(s) > 160 {
		s = s[:160] + "..."
	}
	return s
}
