// Fuzzing of config.json loading and the rumprun JSON command line built from it.
package specconv

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/nabla-containers/nabla/abi"
)

// splitArgs is the reference reader of JoinArgs's format: blank-separated words, a
// double-quoted word with \" and \\ escapes.
func splitArgs(s string) []string {
	var out []string
	i := 0
	for i < len(s) {
		for i < len(s) && strings.IndexByte(" \t\n", s[i]) >= 0 {
			i++
		}
		if i >= len(s) {
			break
		}
		var w []byte
		if s[i] == '"' {
			i++
			for i < len(s) && s[i] != '"' {
				if s[i] == '\\' && i+1 < len(s) {
					i++
				}
				w = append(w, s[i])
				i++
			}
			i++ // closing quote
		} else {
			for i < len(s) && strings.IndexByte(" \t\n", s[i]) < 0 {
				w = append(w, s[i])
				i++
			}
		}
		out = append(out, string(w))
	}
	return out
}

// FuzzConfig feeds arbitrary bytes as a bundle's config.json. LoadBundle and everything
// derived from the spec must return errors, never panic; a command line that is built
// is valid JSON under the ABI's size, and its "cmdline" gives back process.args.
func FuzzConfig(f *testing.F) {
	for _, s := range []string{
		`{"ociVersion":"1.0.2","root":{"path":"rootfs"},"process":{"args":["/app.spt","a b","\"q\""],"cwd":"/","env":["A=1"]},"hostname":"h"}`,
		`{"root":{"path":"rootfs"},"process":{"args":["/../../etc/passwd.spt"]}}`,
		`{"root":{"path":"rootfs"},"process":{"args":["x.hvt"],"cwd":"rel"}}`,
		`{"root":{"path":"/"},"process":{"args":[""]}}`,
		`{"root":{"path":"rootfs"},"process":{"args":["a.nabla"]},"linux":{"resources":{"memory":{"limit":-1}},"namespaces":[{"type":"network","path":"/proc/1/ns/net"}]}}`,
		`{"root":{"path":"rootfs"},"process":{"args":["a.spt"]},"linux":{"resources":{"memory":{"limit":9223372036854775807}}}}`,
		`{"root":null}`,
		`[]`,
		`{`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, cfg []byte) {
		dir := t.TempDir()
		if err := os.Mkdir(filepath.Join(dir, "rootfs"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "config.json"), cfg, 0o644); err != nil {
			t.Fatal(err)
		}
		b, err := LoadBundle(dir)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error")
			}
			return
		}
		b.NetNS()
		_, _ = b.MemoryMB()
		_ = b.IsPause()
		if _, err := b.FindImage(); err == nil {
			t.Fatalf("an image was found in an empty rootfs for args[0]=%q", b.Spec.Process.Args[0])
		}
		c := b.GuestConfig()
		line, err := c.Cmdline()
		if err != nil {
			return
		}
		if len(line) >= abi.CmdlineSize {
			t.Fatalf("command line of %d bytes accepted", len(line))
		}
		if !json.Valid([]byte(line)) {
			t.Fatalf("command line is not valid JSON: %q", line)
		}
		// Walk the tokens (duplicate "env" keys are the format) to find "cmdline".
		dec := json.NewDecoder(bytes.NewReader([]byte(line)))
		if _, err := dec.Token(); err != nil {
			t.Fatal(err)
		}
		var got *string
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				t.Fatal(err)
			}
			var v json.RawMessage
			if err := dec.Decode(&v); err != nil {
				t.Fatal(err)
			}
			if k == "cmdline" {
				var s string
				if err := json.Unmarshal(v, &s); err != nil {
					t.Fatal(err)
				}
				got = &s
			}
		}
		if got == nil {
			t.Fatalf("no cmdline key in %q", line)
		}
		for _, a := range c.Args {
			if !utf8.ValidString(a) {
				return // JSON replaces invalid UTF-8; nothing to compare exactly
			}
		}
		back := splitArgs(*got)
		if len(back) != len(c.Args) {
			t.Fatalf("cmdline %q splits into %d words, process.args has %d", *got, len(back), len(c.Args))
		}
		for i := range back {
			if back[i] != c.Args[i] {
				t.Fatalf("word %d: %q, want %q", i, back[i], c.Args[i])
			}
		}
	})
}
