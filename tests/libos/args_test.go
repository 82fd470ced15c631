// Exact argv, env and cwd: `nabla run` (the JSON configuration) and nabla-spt's plain command line against the native run.
package libos

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nabla-containers/nabla/internal/runnc/specconv"
)

// exactArgs are what a shell-free exec passes: spaces, quotes, empty args, backslashes,
// '=' and newlines, non-ASCII and invalid UTF-8, and what encoding/json would rewrite.
var exactArgs = []string{"a b", "", `"q"`, `'s'`, `back\slash\`, "x=y", "two\nlines", "tab\tx",
	"caf\xc3\xa9 \xe2\x98\x83 \xf0\x9f\x98\x80", "\xff\xfe", "<&>", "--", "--env=NOT"}

var exactEnv = []string{"NABLA_ARGS_HEX=1", "A=b=c", "NL=one\ntwo", "SP= lead and trail ", "EMPTY=",
	"UTF=\xe2\x82\xac", "RAW=\xff", "Q=\"\\", "COMMA=a,b"}

// nativeRun runs the app with argv[0] set to argv0, env exactly, in dir.
func nativeRun(t *testing.T, app, argv0, dir string, args, env []string) string {
	t.Helper()
	cmd := exec.Command(app)
	cmd.Args = append([]string{argv0}, args...)
	cmd.Env, cmd.Dir = env, dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("native run: %v\n%s", err, out)
	}
	return string(out)
}

// nablaBin is the nabla next to the tender (bin/ or bin/arm64/; the VM has both there).
func nablaBin(t *testing.T) string {
	p := filepath.Join(filepath.Dir(tender(t)), "nabla")
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("nabla missing next to the tender: %v", err)
	}
	return p
}

func TestExactArgsNablaRun(t *testing.T) {
	app := buildApp(t, "go-args")
	want := nativeRun(t, app, app, "/", exactArgs, exactEnv)
	argv := []string{nablaBin(t), "run", "--tender=" + tender(t),
		"--libos=" + filepath.Join(envOr("NABLA_LIBOS_DIR", filepath.Join("..", "..", "guest", "libos", "build")), arch(), "libos.spt")}
	for _, e := range exactEnv {
		argv = append(argv, "--env="+e)
	}
	argv = append(argv, app)
	argv = append(argv, exactArgs...)
	env := []string{"NABLA_CACHE_DIR=" + filepath.Join(work(t), "cache"), "HOME=/nonexistent"}
	u := execute(t, argv, env, time.Minute)
	if u.status != 0 || u.stdout != want {
		t.Fatalf("status %d\nnative:\n%s\nunikernel:\n%s", u.status, want, u.stdout)
	}
	if !strings.Contains(want, "argv[2] \n") { // the empty argument is there
		t.Fatalf("native output lacks the empty argument:\n%s", want)
	}
}

// The plain path: nabla-spt's arguments joined with spaces, split by the libOS with
// rumprun quoting, so specconv.JoinArgs gives every word back. argv[0] is the baked name.
func TestExactArgsPlain(t *testing.T) {
	app := buildApp(t, "go-args")
	env := []string{"NABLA_ARGS_HEX=1", "A=b=c"} // --env=... words end at a space
	want := nativeRun(t, app, "go-args", "/", exactArgs, env)
	u := runCase{app: "go-args", args: []string{specconv.JoinArgs(exactArgs)}, env: env}.unikernel(t)
	if u.status != 0 || u.stdout != want {
		t.Fatalf("status %d\nnative:\n%s\nunikernel:\n%s", u.status, want, u.stdout)
	}
	bad := runCase{app: "go-args", args: []string{`"unterminated`}}.unikernel(t)
	if bad.status == 0 || !strings.Contains(bad.stdout, "unterminated quote") {
		t.Fatalf("unterminated quote: status %d\n%s", bad.status, bad.stdout)
	}
}

// JSON written by hand: \u escapes (a surrogate pair too), uid/gid/groups, cwd; and the
// refusals of the parser.
func TestConfigJSONEscapesAndUser(t *testing.T) {
	cfg := `{"env":"NABLA_ARGS_HEX=1","argv":["/x","\u00e9\ud83d\ude00\/\"","a\u0001"],"cmdline":"ignored words",` +
		`"uid":1000,"gid":100,"groups":[4,27],"cwd":"/w d","mounts":[{"path":"/run","fs":"tmpfs","size":4096}]}`
	u := runCase{app: "go-args", opts: []string{cfg}}.unikernel(t)
	want := "argv[0] 2f78\nargv[1] c3a9f09f98802f22\nargv[2] 6101\nenv 4e41424c415f415247535f4845583d31\n" +
		"cwd 2f772064 <nil>\nids 1000 1000 100 100 [4 27] <nil>\n"
	if u.status != 0 || u.stdout != want {
		t.Fatalf("status %d, got:\n%s\nwant:\n%s", u.status, u.stdout, want)
	}
	for _, c := range []struct{ cfg, msg string }{
		{`{"argv":["\u0000"]}`, `\u0000`},
		{`{"argv":["\ud83d"]}`, "lone high surrogate"},
		{`{"argv":["\ude00"]}`, "lone low surrogate"},
		{`{"uid":4294967296}`, "out of range"},
		{`{"uid":-1}`, "non-negative"},
		{`{"mounts":[{"path":"/d","dev":"vol1","rw":true}]}`, "unknown key in a mount"},
		{`{"mounts":[{"path":"d","fs":"tmpfs"}]}`, "absolute"},
		{`{"mounts":[{"path":"/d","fs":"tmpfs","dev":"vol1"}]}`, "tmpfs mount takes no"},
		{`{"mounts":[{"path":"/d"}]}`, `needs "dev" or "fs"`},
		{`{"argv":["a"]} x`, "text after"},
		{`{"rlimits":[{"type":"RLIMIT_NOFILE","soft":2,"hard":1}]}`, "soft limit is above its hard limit"},
		{`{"rlimits":[{"type":"RLIMIT_NOPE","soft":1,"hard":1}]}`, "unknown rlimit type"},
		{`{"rlimits":[{"type":"RLIMIT_NOFILE","soft":1}]}`, `an rlimit needs "type", "soft" and "hard"`},
		{`{"rlimits":[{"type":"RLIMIT_NOFILE","soft":1,"hard":1,"max":1}]}`, "unknown key in an rlimit"},
		{`{"rlimits":[{"type":"RLIMIT_CPU","soft":1,"hard":1},{"type":"RLIMIT_CPU","soft":1,"hard":1}]}`, "given twice"},
		{`{"rlimits":{"type":"RLIMIT_CPU"}}`, "expected an array"},
		{`{"terminal":{"rows":65536}}`, "out of range"},
		{`{"terminal":{"lines":1}}`, `unknown key in "terminal"`},
	} {
		r := runCase{app: "go-args", opts: []string{c.cfg}}.unikernel(t)
		if r.status == 0 || !strings.Contains(r.stdout, c.msg) {
			t.Errorf("%s: status %d, want %q in:\n%s", c.cfg, r.status, c.msg, r.stdout)
		}
	}
}
