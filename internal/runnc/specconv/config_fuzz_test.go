// Fuzzing of config.json loading and the rumprun JSON command line built from it.
package specconv

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/nabla-containers/nabla/abi"
)

// FuzzConfig feeds arbitrary bytes as a bundle's config.json. LoadBundle and everything
// derived from the spec must return errors, never panic; a command line that is built
// is under the ABI's size and
// reads back (the libOS grammar, decode_test.go) as process.args, env and user.
func FuzzConfig(f *testing.F) {
	for _, s := range []string{
		`{"ociVersion":"1.0.2","root":{"path":"rootfs"},"process":{"args":["/app.spt","a b","\"q\""],"cwd":"/","env":["A=1"]},"hostname":"h"}`,
		`{"root":{"path":"rootfs"},"process":{"args":["/../../etc/passwd.spt"]}}`,
		`{"root":{"path":"rootfs"},"process":{"args":["x.hvt"],"cwd":"rel"}}`,
		`{"root":{"path":"/"},"process":{"args":[""]}}`,
		`{"root":{"path":"rootfs"},"process":{"args":["a.nabla"]},"linux":{"resources":{"memory":{"limit":-1}},"namespaces":[{"type":"network","path":"/proc/1/ns/net"}]}}`,
		`{"root":{"path":"rootfs"},"process":{"args":["a.spt"]},"linux":{"resources":{"memory":{"limit":9223372036854775807}}}}`,
		`{"root":{"path":"rootfs"},"process":{"args":["a"],"terminal":true,"consoleSize":{"height":70000,"width":80},"rlimits":[{"type":"RLIMIT_NOFILE","soft":64,"hard":200},{"type":"RLIMIT_CPU","soft":9,"hard":1}]}}`,
		`{"root":{"path":"rootfs"},"process":{"args":["a"],"rlimits":[{"type":"RLIMIT_NOFILE","soft":18446744073709551615,"hard":18446744073709551615}]}}`,
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
		rl, rlErr := b.Rlimits()
		for _, libos := range []bool{false, true} {
			c := b.GuestConfig()
			c.LibOS = libos
			if rlErr == nil {
				c.Rlimits = rl
			}
			line, err := c.Cmdline()
			if err != nil {
				continue
			}
			if len(line) >= abi.CmdlineSize {
				t.Fatalf("command line of %d bytes accepted", len(line))
			}
			back, err := decodeGuest(line)
			if err != nil {
				t.Fatalf("the libOS grammar refuses %q: %v", line, err)
			}
			if !slices.Equal(back.Args, c.Args) || !slices.Equal(back.Env, c.Env) {
				t.Fatalf("libOS=%v: args/env %q %q came back as %q %q", libos, c.Args, c.Env, back.Args, back.Env)
			}
			if libos && (!slices.Equal(back.Rlimits, c.Rlimits) || (back.Terminal == nil) != (c.Terminal == nil) ||
				c.Terminal != nil && *back.Terminal != *c.Terminal) {
				t.Fatalf("rlimits %+v, terminal %+v came back as %+v, %+v", c.Rlimits, c.Terminal, back.Rlimits, back.Terminal)
			}
			if libos && (back.UID != c.UID || back.GID != c.GID || !slices.Equal(back.Groups, c.Groups)) {
				t.Fatalf("user %d:%d %v came back as %d:%d %v", c.UID, c.GID, c.Groups, back.UID, back.GID, back.Groups)
			}
		}
	})
}
