// Entrypoint resolution: PATH from the env, links inside the rootfs, the refusals.
package specconv

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestResolve(t *testing.T) {
	d := t.TempDir()
	root := filepath.Join(d, "rootfs")
	mk := func(name string, mode os.FileMode) {
		p := filepath.Join(root, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte("x"), mode); err != nil {
			t.Fatal(err)
		}
	}
	link := func(target, name string) {
		p := filepath.Join(root, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.Symlink(target, p); err != nil {
			t.Fatal(err)
		}
	}
	mk("app/server", 0o755)
	mk("usr/bin/tool", 0o755)
	mk("opt/noexec", 0o644)
	mk("bin/tool", 0o644) // earlier on PATH but not executable: skipped, as execvp does
	mk("work/rel", 0o755)
	os.MkdirAll(filepath.Join(root, "bin", "dir"), 0o755)
	link("/app/server", "usr/local/bin/abs")                   // absolute: inside the rootfs
	link("../../app/server", "usr/sbin/rel")                   // relative
	link("/usr/local/bin/abs", "sbin/chain")                   // a chain of links
	link("/"+strings.Repeat("../", 20)+"app/server", "bin/up") // ".." stops at the root
	link("/nowhere", "bin/dangling")
	link("loop2", "bin/loop1")
	link("loop1", "bin/loop2")
	link("/app", "applink") // a directory link in the middle of a path
	host, _ := filepath.EvalSymlinks(root)

	ok := map[string][2]string{ // args[0], PATH -> guest path
		"server|/app":                {"/app/server"},
		"tool|/bin:/usr/bin":         {"/usr/bin/tool"},
		"tool|":                      {"/usr/bin/tool"}, // no PATH: the default
		"abs|":                       {"/app/server"},
		"rel|":                       {"/app/server"},
		"chain|":                     {"/app/server"},
		"up|":                        {"/app/server"},
		"/applink/server|":           {"/app/server"},
		"/app/../app/./server|/none": {"/app/server"},
		"rel|/work":                  {"/work/rel"},
		"./rel|":                     {"/work/rel"}, // cwd is /work
		"../app/server|":             {"/app/server"},
	}
	for k, want := range ok {
		name, path, _ := strings.Cut(k, "|")
		b := &Bundle{Rootfs: root, Spec: spec(name)}
		b.Spec.Process.Cwd = "/work"
		if path != "" {
			b.Spec.Process.Env = []string{"A=b", "PATH=" + path}
		}
		e, err := b.Resolve()
		if err != nil || e.Guest != want[0] || e.Host != filepath.Join(host, want[0]) {
			t.Errorf("Resolve(%s) = %+v, %v; want %s", k, e, err, want[0])
		}
	}
	bad := map[string]string{
		"missing|":       "not found in PATH " + DefaultPath,
		"/missing|":      "not found in the rootfs",
		"/opt/noexec|":   "not executable",
		"noexec|/opt":    "not executable",
		"/bin/dir|":      "is a directory",
		"dir|/bin":       "is a directory",
		"/bin/dangling|": "/nowhere (a symbolic link's target) not found",
		"/bin/loop1|":    "too many levels of symbolic links",
		"/app/server/x|": "not a directory",
		"|":              "empty",
	}
	for k, want := range bad {
		name, path, _ := strings.Cut(k, "|")
		b := &Bundle{Rootfs: root, Spec: spec(name)}
		if path != "" {
			b.Spec.Process.Env = []string{"PATH=" + path}
		}
		_, err := b.Resolve()
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("Resolve(%s) = %v, want one line with %q", k, err, want)
		}
	}
}

func TestCheckAppHead(t *testing.T) {
	elf64 := func(class, data byte, typ, machine uint16) []byte {
		h := make([]byte, 64)
		copy(h, "\x7fELF")
		h[4], h[5] = class, data
		h[16], h[17] = byte(typ), byte(typ>>8)
		h[18], h[19] = byte(machine), byte(machine>>8)
		return h
	}
	const x86, arm = 62, 183
	cases := map[string]struct {
		head []byte
		size int64
	}{
		"an empty file":                                   {nil, 0},
		"a script (#!/bin/sh)":                            {[]byte("#!/bin/sh -e\necho hi\n"), 20},
		"a script (#!/usr/bin/env)":                       {[]byte("#! /usr/bin/env python3"), 22},
		"not an ELF program":                              {[]byte("hello world"), 11},
		"a truncated ELF file (10 bytes)":                 {[]byte("\x7fELF\x02\x01\x01\x00\x00\x00"), 10},
		"a 32-bit ELF":                                    {elf64(1, 1, 2, 3), 64},
		"a big-endian":                                    {elf64(2, 2, 2, x86), 64},
		"an ELF program for aarch64, this host is x86_64": {elf64(2, 1, 2, arm), 64},
		"an ELF ET_REL, not a program":                    {elf64(2, 1, 1, x86), 64},
	}
	for want, c := range cases {
		err := CheckAppHead(c.head, c.size, "amd64")
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("CheckAppHead(%q) = %v, want %q", c.head, err, want)
		}
	}
	if err := CheckAppHead(elf64(2, 1, 2, arm), 64, "amd64"); !strings.Contains(err.Error(), "aarch64") {
		t.Error(err)
	}
	for _, h := range [][]byte{elf64(2, 1, 2, x86), elf64(2, 1, 3, x86)} {
		if err := CheckAppHead(h, 1000, "amd64"); err != nil {
			t.Errorf("static program refused: %v", err)
		}
	}
	if err := CheckAppHead(elf64(2, 1, 2, x86), 1000, "arm64"); err == nil || !strings.Contains(err.Error(), "for x86_64, this host is aarch64") {
		t.Errorf("wrong arch on arm64: %v", err)
	}
}
