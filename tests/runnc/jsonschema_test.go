// A small JSON Schema (draft-04 subset) checker for the runtime-spec's state schema:
// type, enum, minimum, maximum, required, properties, patternProperties and $ref into
// defs.json, which is all state-schema.json uses. The schema files come from the
// runtime-spec module in the module cache.
package runnc

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
)

var schemaOnce struct {
	sync.Once
	state, defs map[string]any
	err         error
}

func loadSchemas() (state, defs map[string]any, err error) {
	schemaOnce.Do(func() {
		// NABLA_OCI_SCHEMA: the schema directory copied in by tests/vm/run.sh (no go in the VM).
		dir := os.Getenv("NABLA_OCI_SCHEMA")
		if dir == "" {
			out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/opencontainers/runtime-spec").Output()
			if err != nil {
				schemaOnce.err = fmt.Errorf("locate runtime-spec module (or set NABLA_OCI_SCHEMA): %v", err)
				return
			}
			dir = filepath.Join(strings.TrimSpace(string(out)), "schema")
		}
		for name, dst := range map[string]*map[string]any{"state-schema.json": &schemaOnce.state, "defs.json": &schemaOnce.defs} {
			b, err := os.ReadFile(filepath.Join(dir, name))
			if err == nil {
				err = json.Unmarshal(b, dst)
			}
			if err != nil {
				schemaOnce.err = fmt.Errorf("schema %s: %v", name, err)
				return
			}
		}
	})
	return schemaOnce.state, schemaOnce.defs, schemaOnce.err
}

// checkSchema validates v against schema s, reporting problems under path.
func checkSchema(s map[string]any, v any, path string, defs map[string]any) []string {
	if ref, ok := s["$ref"].(string); ok {
		name := ref[strings.LastIndexByte(ref, '/')+1:]
		d, ok := defs["definitions"].(map[string]any)[name].(map[string]any)
		if !ok {
			return []string{path + ": unresolved $ref " + ref}
		}
		return checkSchema(d, v, path, defs)
	}
	var errs []string
	switch s["type"] {
	case "string":
		if _, ok := v.(string); !ok {
			return []string{fmt.Sprintf("%s: %v is not a string", path, v)}
		}
	case "integer":
		f, ok := v.(float64)
		if !ok || f != float64(int64(f)) {
			return []string{fmt.Sprintf("%s: %v is not an integer", path, v)}
		}
		if m, ok := s["minimum"].(float64); ok && f < m {
			errs = append(errs, fmt.Sprintf("%s: %v below minimum %v", path, f, m))
		}
		if m, ok := s["maximum"].(float64); ok && f > m {
			errs = append(errs, fmt.Sprintf("%s: %v above maximum %v", path, f, m))
		}
	case "object":
		obj, ok := v.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: %v is not an object", path, v)}
		}
		if req, ok := s["required"].([]any); ok {
			for _, r := range req {
				if _, ok := obj[r.(string)]; !ok {
					errs = append(errs, fmt.Sprintf("%s: required %q missing", path, r))
				}
			}
		}
		props, _ := s["properties"].(map[string]any)
		pats, _ := s["patternProperties"].(map[string]any)
		for k, val := range obj {
			if ps, ok := props[k].(map[string]any); ok {
				errs = append(errs, checkSchema(ps, val, path+"."+k, defs)...)
			}
			for pat, ps := range pats {
				if regexp.MustCompile(pat).MatchString(k) {
					errs = append(errs, checkSchema(ps.(map[string]any), val, path+"."+k, defs)...)
				}
			}
		}
	}
	if enum, ok := s["enum"].([]any); ok {
		found := false
		for _, e := range enum {
			found = found || e == v
		}
		if !found {
			errs = append(errs, fmt.Sprintf("%s: %v not in %v", path, v, enum))
		}
	}
	return errs
}

// validateOCIState checks a decoded `state` document against state-schema.json.
func validateOCIState(t *testing.T, m map[string]any) {
	t.Helper()
	state, defs, err := loadSchemas()
	if err != nil {
		t.Fatalf("OCI state schema: %v", err)
	}
	for _, e := range checkSchema(state, m, "state", defs) {
		t.Error(e)
	}
}

func TestSchemaCheckerRejects(t *testing.T) {
	state, defs, err := loadSchemas()
	if err != nil {
		t.Fatal(err)
	}
	bad := []string{
		`{"id":"a","status":"created","bundle":"/b"}`,
		`{"ociVersion":"1.0.0","id":"a","status":"paused","bundle":"/b"}`,
		`{"ociVersion":"1.0.0","id":"a","status":"created","bundle":"/b","pid":-1}`,
		`{"ociVersion":"1.0.0","id":"a","status":"created","bundle":"/b","pid":1.5}`,
		`{"ociVersion":"1.0.0","id":"a","status":"created","bundle":"/b","annotations":{"k":1}}`,
	}
	for _, doc := range bad {
		var m map[string]any
		json.Unmarshal([]byte(doc), &m)
		if len(checkSchema(state, m, "state", defs)) == 0 {
			t.Errorf("schema check accepted %s", doc)
		}
	}
	var good map[string]any
	json.Unmarshal([]byte(`{"ociVersion":"1.0.0","id":"a","status":"created","bundle":"/b","pid":3,"annotations":{"k":"v"}}`), &good)
	if errs := checkSchema(state, good, "state", defs); len(errs) != 0 {
		t.Errorf("schema check rejected a valid state: %v", errs)
	}
}
