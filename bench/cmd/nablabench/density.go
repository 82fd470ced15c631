// Density: idle containers started one after another until the memory budget or the cap.
package main

import (
	"fmt"
	"time"
)

// fill starts idle containers of bundle under rt until their summed PSS or the drop of
// the host's MemAvailable reaches budgetKiB, or max are up; then deletes them all. It
// returns the count and each container's PSS (KiB) and the MemAvailable drop per container.
func (e *env) fill(rt, bundle string, budgetKiB float64, max int, settle time.Duration) (count int, pss []float64, dropPer float64, stop string, err error) {
	var ds []*detached
	defer func() {
		for _, d := range ds {
			if derr := e.stopDetached(d); derr != nil && err == nil {
				err = fmt.Errorf("cleanup: %v", derr)
			}
		}
	}()
	before := memAvailable()
	var sum float64
	stop = fmt.Sprintf("cap of %d", max)
	for len(ds) < max {
		d, serr := e.startDetached(rt, bundle)
		if serr != nil {
			return len(ds), pss, 0, "", serr
		}
		ds = append(ds, d)
		time.Sleep(settle)
		v, perr := treeSum(d.pid, "smaps_rollup", "Pss")
		if perr != nil {
			return len(ds), pss, 0, "", perr
		}
		pss = append(pss, v)
		sum += v
		drop := before - memAvailable()
		if sum >= budgetKiB || drop >= budgetKiB {
			stop = fmt.Sprintf("memory budget (PSS %.0f MiB, MemAvailable drop %.0f MiB)", sum/1024, drop/1024)
			break
		}
	}
	count = len(ds)
	dropPer = (before - memAvailable()) / float64(count)
	return count, pss, dropPer, stop, nil
}

func (e *env) density(b bundles, budgetKiB float64, max int, settle time.Duration) []*Result {
	var rs []*Result
	for _, x := range []struct {
		rt, name, bundle string
		ref              bool
	}{
		{"runc", "runc run -d (static sleeper)", b.sleeper, true},
		{"runnc", "runnc run -d (idle.spt)", b.idle, false},
	} {
		n, pss, dropPer, stop, err := e.fill(x.rt, x.bundle, budgetKiB, max, settle)
		note := "stopped at " + stop
		count := &Result{Section: "density", Measure: fmt.Sprintf("idle containers up at once (budget %.0f MiB, cap %d)", budgetKiB/1024, max),
			Contender: x.name, Unit: "containers", Reference: x.ref, Note: note, Samples: []float64{float64(n)}}
		per := &Result{Section: "density", Measure: "PSS of each container's process tree", Contender: x.name, Unit: "KiB", Reference: x.ref, Samples: pss}
		drop := &Result{Section: "density", Measure: "host MemAvailable drop per container (noisy: shared machine)", Contender: x.name, Unit: "KiB",
			Reference: x.ref, Samples: []float64{dropPer}}
		fit := &Result{Section: "density", Measure: "containers that fit the budget at the median PSS (extrapolated)", Contender: x.name,
			Unit: "containers", Reference: x.ref, Samples: []float64{}}
		if med, _, _, ok := per.stats(); ok && med > 0 {
			fit.Samples = append(fit.Samples, float64(int64(budgetKiB/med)))
		}
		if err != nil {
			count.Error, per.Error, drop.Error, fit.Error = err.Error(), err.Error(), err.Error(), err.Error()
		}
		rs = append(rs, count, per, fit, drop)
	}
	// Rows of one measurement sit together in the table.
	order := []*Result{}
	for k := 0; k < 4; k++ {
		for i := k; i < len(rs); i += 4 {
			order = append(order, rs[i])
		}
	}
	return order
}
