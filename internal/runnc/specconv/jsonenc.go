// The byte-exact JSON writer of the guest configuration (the grammar guest/libos/config.c reads).
package specconv

import (
	"errors"
	"strconv"
)

// errNUL: the libOS's strings are NUL-terminated, so a NUL byte cannot reach the guest.
var errNUL = errors.New("a NUL byte cannot be passed to the guest")

// jsonWriter builds one JSON object. Strings keep every byte as it is except `"`, `\`
// and bytes below 0x20; encoding/json is not used because it rewrites invalid UTF-8
// (as U+FFFD) and escapes <, > and &, so argv and env would not arrive byte for byte.
type jsonWriter struct {
	b   []byte
	sep bool // a member precedes: the next one needs a comma
	err error
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string.
func appendJSONString(b []byte, s string) ([]byte, error) {
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == 0:
			return b, errNUL
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c == '\n':
			b = append(b, '\\', 'n')
		case c == '\t':
			b = append(b, '\\', 't')
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&15])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"'), nil
}

func (w *jsonWriter) key(k string) {
	if w.sep {
		w.b = append(w.b, ',')
	}
	w.sep = true
	w.str(k)
	w.b = append(w.b, ':')
}

func (w *jsonWriter) str(s string) {
	var err error
	w.b, err = appendJSONString(w.b, s)
	if err != nil && w.err == nil {
		w.err = err
	}
}

func (w *jsonWriter) String(k, v string) { w.key(k); w.str(v) }

func (w *jsonWriter) Uint(k string, v uint64) {
	w.key(k)
	w.b = strconv.AppendUint(w.b, v, 10)
}

func (w *jsonWriter) Bool(k string, v bool) {
	w.key(k)
	w.b = strconv.AppendBool(w.b, v)
}

func (w *jsonWriter) Strings(k string, vs []string) {
	w.key(k)
	w.b = append(w.b, '[')
	for i, v := range vs {
		if i > 0 {
			w.b = append(w.b, ',')
		}
		w.str(v)
	}
	w.b = append(w.b, ']')
}

func (w *jsonWriter) Uints(k string, vs []uint32) {
	w.key(k)
	w.b = append(w.b, '[')
	for i, v := range vs {
		if i > 0 {
			w.b = append(w.b, ',')
		}
		w.b = strconv.AppendUint(w.b, uint64(v), 10)
	}
	w.b = append(w.b, ']')
}

// Object writes member k as an object whose members fill writes.
func (w *jsonWriter) Object(k string, fill func(*jsonWriter)) {
	w.key(k)
	w.object(fill)
}

func (w *jsonWriter) object(fill func(*jsonWriter)) {
	in := jsonWriter{b: append(w.b, '{'), err: w.err}
	fill(&in)
	w.b, w.err = append(in.b, '}'), in.err
}

// Objects writes member k as an array of n objects.
func (w *jsonWriter) Objects(k string, n int, fill func(i int, o *jsonWriter)) {
	w.key(k)
	w.b = append(w.b, '[')
	for i := 0; i < n; i++ {
		if i > 0 {
			w.b = append(w.b, ',')
		}
		w.object(func(o *jsonWriter) { fill(i, o) })
	}
	w.b = append(w.b, ']')
}
