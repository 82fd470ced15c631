// Builds bench/guest/idle.c into an spt image with the guest's prebuilt bindings.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// buildIdle compiles and links the idle guest against guest/build/<arch>'s spt bindings
// and test_hello's (device-less) manifest note, with the guest Makefile's flags.
func buildIdle(repo, arch, tmp string) (string, error) {
	build := filepath.Join(repo, "guest", "build", arch)
	cc, archFlags := "gcc", []string{"-m64", "-mno-red-zone"}
	if arch == "aarch64" {
		cc, archFlags = "aarch64-linux-gnu-gcc", []string{"-mno-outline-atomics"}
		if _, err := os.Stat("/usr/bin/aarch64-linux-gnu-gcc"); err != nil {
			cc = "gcc" // native aarch64 host
		}
	}
	var objs []string
	for _, pat := range []string{"bindings/*.o", "bindings/spt/*.o", "test_hello/manifest.o"} {
		m, _ := filepath.Glob(filepath.Join(build, pat))
		if len(m) == 0 {
			return "", fmt.Errorf("idle guest: no %s in %s: run `make guest` first", pat, build)
		}
		objs = append(objs, m...)
	}
	obj, out := filepath.Join(tmp, "idle.o"), filepath.Join(tmp, "idle.spt")
	cflags := append([]string{"-std=gnu11", "-O2", "-ffreestanding", "-fno-pie", "-fno-pic", "-fno-stack-protector",
		"-I", filepath.Join(repo, "guest", "include"), "-c", filepath.Join(repo, "bench", "guest", "idle.c"), "-o", obj}, archFlags...)
	if b, err := exec.Command(cc, cflags...).CombinedOutput(); err != nil {
		return "", fmt.Errorf("idle guest: compile: %v\n%s", err, b)
	}
	ld := append([]string{"-nostdlib", "-static", "-no-pie", "-Wl,-z,max-page-size=0x1000", "-Wl,--build-id=none",
		"-Wl,--no-warn-rwx-segments", "-Wl,-T," + filepath.Join(repo, "guest", "bindings", "spt", "spt.lds"), "-o", out, obj}, objs...)
	ld = append(ld, "-lgcc")
	if b, err := exec.Command(cc, ld...).CombinedOutput(); err != nil {
		return "", fmt.Errorf("idle guest: link: %v\n%s", err, b)
	}
	return out, nil
}
