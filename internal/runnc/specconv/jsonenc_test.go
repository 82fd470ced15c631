// Tests of the byte-exact guest configuration encoder: exact bytes, round trips, refusals.
package specconv

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// tricky are the strings the issue names: spaces, quotes, empty, '=' and newlines,
// non-ASCII, invalid UTF-8, and what encoding/json would rewrite (<>&, U+2028).
var tricky = []string{"/bin/app", "a b", `"q"`, "", `back\slash`, "x=y\nz=w", "tab\there",
	"caf\xc3\xa9 \xe2\x98\x83 \xf0\x9f\x98\x80", "\xff\xfe\x80", "<>&", "\u2028", "\x01\x1f\x7f", "'single'"}

func TestEncodeExact(t *testing.T) {
	c := &Config{Args: []string{"/a", "b c", "<&>", "\xff", "q\"\\", "", "n\nl\x01"}, Env: []string{"K=v=w"}, LibOS: true, UID: 1000, GID: 100, Groups: []uint32{4, 27}}
	got, err := c.Cmdline()
	if err != nil {
		t.Fatal(err)
	}
	want := "{\"env\":\"K=v=w\",\"argv\":[\"/a\",\"b c\",\"<&>\",\"\xff\",\"q\\\"\\\\\",\"\",\"n\\nl\\u0001\"],\"uid\":1000,\"gid\":100,\"groups\":[4,27],\"cwd\":\"/\"}"
	if got != want {
		t.Errorf("Cmdline =\n%q, want\n%q", got, want)
	}
	// The rumprun form: no libOS keys, the args in "cmdline".
	c.LibOS = false
	got, _ = c.Cmdline()
	if strings.Contains(got, `"argv"`) || strings.Contains(got, `"uid"`) || !strings.Contains(got, `"cmdline":"/a \"b c\" <&> `) {
		t.Errorf("rumprun form %q", got)
	}
}

func TestEncodeMounts(t *testing.T) {
	c := &Config{Args: []string{"/x"}, LibOS: true, ReadOnly: true, Mounts: []Mount{
		{Dev: "rootfs", Path: "/"}, {Dev: "vol1", Path: "/data", RO: true},
		{Dev: "vol2", Path: "/etc/resolv.conf", File: "resolv.conf", RO: true},
		{Path: "/run", FS: "tmpfs", Size: 1 << 20},
	}}
	got, err := c.Cmdline()
	if err != nil {
		t.Fatal(err)
	}
	want := `{"argv":["/x"],"uid":0,"gid":0,"cwd":"/","mounts":[{"dev":"rootfs","path":"/"},{"dev":"vol1","path":"/data","ro":true},{"dev":"vol2","path":"/etc/resolv.conf","file":"resolv.conf","ro":true},{"path":"/run","fs":"tmpfs","size":1048576}],"readonly":true}`
	if got != want {
		t.Errorf("Cmdline =\n%s, want\n%s", got, want)
	}
	back, err := decodeGuest(got)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(back.Mounts, c.Mounts) || !back.ReadOnly {
		t.Errorf("mounts came back as %+v", back.Mounts)
	}
}

func TestEncodeRlimitsTerminal(t *testing.T) {
	c := &Config{Args: []string{"/x"}, LibOS: true, Terminal: &Terminal{Rows: 30, Cols: 100},
		Rlimits: []Rlimit{{"RLIMIT_NOFILE", 64, 200}, {"RLIMIT_STACK", 8 << 20, 1<<64 - 1}}}
	got, err := c.Cmdline()
	if err != nil {
		t.Fatal(err)
	}
	want := `{"argv":["/x"],"uid":0,"gid":0,"cwd":"/","rlimits":[{"type":"RLIMIT_NOFILE","soft":64,"hard":200},{"type":"RLIMIT_STACK","soft":8388608,"hard":18446744073709551615}],"terminal":{"rows":30,"cols":100}}`
	if got != want {
		t.Errorf("Cmdline =\n%s, want\n%s", got, want)
	}
	back, err := decodeGuest(got)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(back.Rlimits, c.Rlimits) || back.Terminal == nil || *back.Terminal != *c.Terminal {
		t.Errorf("came back as %+v %+v", back.Rlimits, back.Terminal)
	}
	// rumprun knows neither key.
	c.LibOS = false
	if got, _ := c.Cmdline(); strings.Contains(got, "rlimits") || strings.Contains(got, "terminal") {
		t.Errorf("rumprun form %q", got)
	}
	// The reader refuses what config.c refuses.
	for _, bad := range []string{
		`{"rlimits":[{"type":"RLIMIT_NOFILE","soft":2,"hard":1}]}`,
		`{"rlimits":[{"type":"RLIMIT_NOFILE","soft":1}]}`,
		`{"rlimits":[{"type":"RLIMIT_FOO","soft":1,"hard":1}]}`,
		`{"rlimits":[{"type":"RLIMIT_NOFILE","soft":1,"hard":1,"x":1}]}`,
		`{"rlimits":[{"type":"RLIMIT_CPU","soft":1,"hard":1},{"type":"RLIMIT_CPU","soft":1,"hard":1}]}`,
		`{"terminal":{"rows":65536}}`,
		`{"terminal":{"lines":3}}`,
	} {
		if _, err := decodeGuest(bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

func TestSpecRlimits(t *testing.T) {
	b := &Bundle{Spec: &specs.Spec{Process: &specs.Process{Rlimits: []specs.POSIXRlimit{{Type: "RLIMIT_NOFILE", Soft: 10, Hard: 20}}}}}
	got, err := b.Rlimits()
	if err != nil || len(got) != 3 || got[0] != (Rlimit{"RLIMIT_NOFILE", 10, 20}) || got[1].Type != "RLIMIT_STACK" || got[2].Type != "RLIMIT_NPROC" {
		t.Errorf("Rlimits = %+v, %v", got, err)
	}
	for _, c := range []struct {
		l    []specs.POSIXRlimit
		want string
	}{
		{[]specs.POSIXRlimit{{Type: "RLIMIT_NOFILE", Soft: 21, Hard: 20}}, "process.rlimits: RLIMIT_NOFILE soft limit 21 is above its hard limit 20"},
		{[]specs.POSIXRlimit{{Type: "RLIMIT_FOO"}}, `process.rlimits: unknown type "RLIMIT_FOO"`},
		{[]specs.POSIXRlimit{{Type: "RLIMIT_CPU"}, {Type: "RLIMIT_CPU"}}, "process.rlimits: RLIMIT_CPU given twice"},
	} {
		b.Spec.Process.Rlimits = c.l
		if _, err := b.Rlimits(); err == nil || err.Error() != c.want {
			t.Errorf("%+v: %v, want %q", c.l, err, c.want)
		}
	}
}

func TestEncodeRefusesNUL(t *testing.T) {
	for _, c := range []*Config{
		{Args: []string{"/a", "x\x00y"}, LibOS: true},
		{Args: []string{"/a"}, Env: []string{"A=\x00"}},
		{Args: []string{"/a"}, Cwd: "/\x00"},
	} {
		if _, err := c.Cmdline(); err == nil || !strings.Contains(err.Error(), "NUL") {
			t.Errorf("%q: err = %v, want a NUL refusal", c.Args, err)
		}
	}
}

func TestEncodeTooLong(t *testing.T) {
	c := &Config{Args: []string{"/a", strings.Repeat("x", 8200)}, LibOS: true}
	if _, err := c.Cmdline(); err == nil || !strings.Contains(err.Error(), "limit is 8191") {
		t.Errorf("err = %v", err)
	}
}

func TestDecodeEscapes(t *testing.T) {
	got, err := decodeGuest(`{"argv":["\u00e9\ud83d\ude00\/\b\f\r","a"]}`)
	if err != nil || got.Args[0] != "\u00e9\U0001F600/\b\f\r" {
		t.Errorf("got %+v, %v", got, err)
	}
	for _, bad := range []string{`{"argv":["\u0000"]}`, `{"argv":["\ud83d"]}`, `{"argv":["\ude00"]}`,
		`{"argv":["\ud83dx"]}`, "{\"argv\":[\"\n\"]}", `{"argv":["\x"]}`, `{"uid":4294967296}`, `{"mounts":[{"rw":true}]}`} {
		if _, err := decodeGuest(bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

// TestJoinArgsRoundTrip: the plain path's quoting gives every word back.
func TestJoinArgsRoundTrip(t *testing.T) {
	back, err := splitArgs(JoinArgs(tricky))
	if err != nil || !slices.Equal(back, tricky) {
		t.Errorf("split(JoinArgs) = %q, %v", back, err)
	}
	if got, _ := splitArgs(`a "" b"c d"e \x "\q\\\""`); !slices.Equal(got, []string{"a", "", `bc de`, `\x`, `\q\"`}) {
		t.Errorf("split = %q", got)
	}
	if _, err := splitArgs(`"open`); err == nil {
		t.Error("unterminated quote accepted")
	}
}

// fields cuts fuzz input at 0x00 into strings (NUL cannot be passed).
func fields(b []byte) []string {
	var out []string
	for _, f := range bytes.Split(b, []byte{0}) {
		out = append(out, string(f))
	}
	return out
}

// FuzzGuestRoundTrip: any strings (bytes other than NUL) encoded by Cmdline read back
// exactly through the libOS grammar, argv and env alike, and JoinArgs splits back.
func FuzzGuestRoundTrip(f *testing.F) {
	f.Add([]byte(strings.Join(tricky, "\x00")), []byte("A=1\x00B=x\ny\x00=\x00\xc3"))
	f.Add([]byte("/bin/sh\x00-c\x00echo \"$HOME\"\\n"), []byte(""))
	f.Fuzz(func(t *testing.T, args, env []byte) {
		c := &Config{Args: fields(args), Env: fields(env), Cwd: "/w d", Hostname: "h\xff", LibOS: true, UID: 7, Groups: []uint32{1, 2},
			Rlimits: []Rlimit{{"RLIMIT_NOFILE", uint64(len(args)), uint64(len(args)) << 20}}, Terminal: &Terminal{Rows: uint16(len(env)), Cols: 80}}
		line, err := c.Cmdline()
		if err != nil {
			if !strings.Contains(err.Error(), "limit") {
				t.Fatal(err)
			}
			return
		}
		for i := 0; i < len(line); i++ {
			if line[i] < 0x20 {
				t.Fatalf("raw control byte %#x at %d", line[i], i)
			}
		}
		back, err := decodeGuest(line)
		if err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		if !slices.Equal(back.Args, c.Args) || !slices.Equal(back.Env, c.Env) || back.Cwd != c.Cwd || back.Hostname != c.Hostname ||
			!slices.Equal(back.Rlimits, c.Rlimits) || back.Terminal == nil || *back.Terminal != *c.Terminal {
			t.Fatalf("%q came back as %+v", line, back)
		}
		words, err := splitArgs(JoinArgs(c.Args))
		if err != nil || !slices.Equal(words, c.Args) {
			t.Fatalf("JoinArgs(%q) splits into %q, %v", c.Args, words, err)
		}
	})
}
