// The libOS README's list of served calls is the syscall table's: every entry of the C
// tables (guest/libos/**/*.c) appears there with its note, and nothing else does.
package libos

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// tableEntry matches `{ NR_name, "name", handler, FLAGS, "note" },` in the C sources.
var tableEntry = regexp.MustCompile(`\{ NR_([a-z0-9_]+), "([a-z0-9_]+)", [a-z0-9_]+, ([A-Z_0-9|]+), "((?:[^"\\]|\\.)*)" \}`)

func servedCalls(t *testing.T, root string) map[string]string {
	t.Helper()
	calls := map[string]string{}
	err := filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if info.IsDir() && info.Name() == "build" {
			return filepath.SkipDir
		}
		if !strings.HasSuffix(p, ".c") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, m := range tableEntry.FindAllStringSubmatch(string(b), -1) {
			if m[1] != m[2] {
				t.Errorf("%s: entry NR_%s is named %q", p, m[1], m[2])
			}
			if _, dup := calls[m[2]]; dup {
				t.Errorf("%s: %s is in the table twice", p, m[2])
			}
			calls[m[2]] = m[4]
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return calls
}

func TestServedCallsDocumented(t *testing.T) {
	root := filepath.Join("..", "..", "guest", "libos")
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if os.IsNotExist(err) && os.Getenv("NABLA_REQUIRE_TOOLS") == "0" {
		t.Skip("the libOS sources are not in the aarch64 VM; this check runs on the host")
	}
	if err != nil {
		t.Fatal(err)
	}
	calls := servedCalls(t, root)
	if len(calls) < 50 {
		t.Fatalf("only %d table entries found: the entry pattern no longer matches the sources", len(calls))
	}
	// The README's table: lines "| `name` | note |" between the markers.
	s := string(readme)
	i, j := strings.Index(s, "<!-- served-calls -->"), strings.Index(s, "<!-- /served-calls -->")
	if i < 0 || j < i {
		t.Fatal("README.md has no <!-- served-calls --> section")
	}
	row := regexp.MustCompile("^\\| `([a-z0-9_]+)` \\| (.*) \\|$")
	doc := map[string]string{}
	for _, line := range strings.Split(s[i:j], "\n") {
		if m := row.FindStringSubmatch(line); m != nil {
			doc[m[1]] = m[2]
		}
	}
	var missing, extra, differ []string
	for name, note := range calls {
		d, ok := doc[name]
		switch {
		case !ok:
			missing = append(missing, "| `"+name+"` | "+note+" |")
		case d != note:
			differ = append(differ, name+": README says "+d+", the table "+note)
		}
	}
	for name := range doc {
		if _, ok := calls[name]; !ok {
			extra = append(extra, name)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	sort.Strings(differ)
	if len(missing)+len(extra)+len(differ) > 0 {
		t.Errorf("README.md's served calls and the syscall table disagree:\nmissing rows:\n%s\nnot in the table: %v\nnotes differ:\n%s",
			strings.Join(missing, "\n"), extra, strings.Join(differ, "\n"))
	}
}
