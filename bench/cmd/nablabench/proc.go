// /proc readers: a process tree, its memory (VmHWM, Pss) and the host's MemAvailable.
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// procField returns the KiB value of a "Name:   N kB" line of a /proc file.
func procField(path, name string) (float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		line := s.Text()
		if strings.HasPrefix(line, name+":") {
			fs := strings.Fields(line[len(name)+1:])
			if len(fs) == 0 {
				break
			}
			return strconv.ParseFloat(fs[0], 64)
		}
	}
	return 0, fmt.Errorf("%s: no %s", path, name)
}

// tree returns pid and all its descendants (by the ppid field of /proc/*/stat).
func tree(pid int) []int {
	kids := map[int][]int{}
	ents, _ := os.ReadDir("/proc")
	for _, d := range ents {
		p, err := strconv.Atoi(d.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + d.Name() + "/stat")
		if err != nil {
			continue
		}
		s := string(b)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		fs := strings.Fields(s[i+1:])
		if len(fs) < 2 {
			continue
		}
		pp, _ := strconv.Atoi(fs[1])
		kids[pp] = append(kids[pp], p)
	}
	out := []int{pid}
	for i := 0; i < len(out); i++ {
		out = append(out, kids[out[i]]...)
	}
	return out
}

// treeSum adds field (of /proc/PID/status or smaps_rollup) over pid's tree, in KiB.
func treeSum(pid int, file, field string) (float64, error) {
	var sum float64
	for i, p := range tree(pid) {
		v, err := procField(fmt.Sprintf("/proc/%d/%s", p, file), field)
		if err != nil {
			if i == 0 {
				return 0, err
			}
			continue // a descendant that just went away
		}
		sum += v
	}
	return sum, nil
}

func memAvailable() float64 {
	v, _ := procField("/proc/meminfo", "MemAvailable")
	return v
}

// waitLine reports on the channel, once, whether a line containing marker came from r
// before it ended; the rest of r is drained so the writer never blocks.
func waitLine(r io.Reader, marker string) <-chan bool {
	up := make(chan bool, 1)
	go func() {
		s := bufio.NewScanner(r)
		for s.Scan() {
			if strings.Contains(s.Text(), marker) {
				up <- true
				for s.Scan() {
				}
				return
			}
		}
		up <- false
	}()
	return up
}
