// A Go reader of the guest configuration grammar that guest/libos/config.c implements, for round-trip tests.
package specconv

import (
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"
)

// guestReader follows config.c: duplicate "env" keys append, "argv" wins over "cmdline"
// (split by splitArgs), strings decode \uXXXX (surrogate pairs too) to UTF-8 and refuse
// \u0000 and raw control bytes; every other byte is kept as it is.
type guestReader struct {
	s string
	i int
}

func (r *guestReader) errorf(f string, a ...any) error {
	return fmt.Errorf("offset %d: %s", r.i, fmt.Sprintf(f, a...))
}

func (r *guestReader) ws() {
	for r.i < len(r.s) && (r.s[r.i] == ' ' || r.s[r.i] == '\t' || r.s[r.i] == '\n' || r.s[r.i] == '\r') {
		r.i++
	}
}

func (r *guestReader) peek() byte {
	if r.i < len(r.s) {
		return r.s[r.i]
	}
	return 0
}

func (r *guestReader) expect(c byte) error {
	r.ws()
	if r.peek() != c {
		return r.errorf("expected %q", c)
	}
	r.i++
	return nil
}

func (r *guestReader) hex4() (rune, error) {
	if r.i+4 > len(r.s) {
		return 0, r.errorf("bad \\u escape")
	}
	v, err := strconv.ParseUint(r.s[r.i:r.i+4], 16, 32)
	if err != nil {
		return 0, r.errorf("bad \\u escape")
	}
	r.i += 4
	return rune(v), nil
}

func (r *guestReader) str() (string, error) {
	r.ws()
	if r.peek() != '"' {
		return "", r.errorf("expected a string")
	}
	r.i++
	var out []byte
	for {
		if r.i >= len(r.s) {
			return "", r.errorf("unterminated string")
		}
		c := r.s[r.i]
		r.i++
		switch {
		case c == '"':
			return string(out), nil
		case c < 0x20:
			return "", r.errorf("control character in a string")
		case c != '\\':
			out = append(out, c)
			continue
		}
		if r.i >= len(r.s) {
			return "", r.errorf("unterminated string")
		}
		c = r.s[r.i]
		r.i++
		switch c {
		case '"', '\\', '/':
			out = append(out, c)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			v, err := r.hex4()
			if err != nil {
				return "", err
			}
			switch {
			case v == 0:
				return "", r.errorf("\\u0000 in a string")
			case v >= 0xdc00 && v <= 0xdfff:
				return "", r.errorf("lone low surrogate")
			case v >= 0xd800 && v <= 0xdbff:
				if r.i+2 > len(r.s) || r.s[r.i:r.i+2] != `\u` {
					return "", r.errorf("lone high surrogate")
				}
				r.i += 2
				lo, err := r.hex4()
				if err != nil {
					return "", err
				}
				if lo < 0xdc00 || lo > 0xdfff {
					return "", r.errorf("lone high surrogate")
				}
				v = 0x10000 + (v-0xd800)<<10 + (lo - 0xdc00)
			}
			out = utf8.AppendRune(out, v)
		default:
			return "", r.errorf("bad escape")
		}
	}
}

func (r *guestReader) uint() (uint64, error) {
	r.ws()
	j := r.i
	for r.i < len(r.s) && r.s[r.i] >= '0' && r.s[r.i] <= '9' {
		r.i++
	}
	if j == r.i || r.i-j > 20 {
		return 0, r.errorf("expected a number")
	}
	return strconv.ParseUint(r.s[j:r.i], 10, 64)
}

func (r *guestReader) boolean() (bool, error) {
	r.ws()
	switch {
	case len(r.s)-r.i >= 4 && r.s[r.i:r.i+4] == "true":
		r.i += 4
		return true, nil
	case len(r.s)-r.i >= 5 && r.s[r.i:r.i+5] == "false":
		r.i += 5
		return false, nil
	}
	return false, r.errorf("expected true or false")
}

// list reads an array, calling item for each element.
func (r *guestReader) list(item func() error) error {
	if err := r.expect('['); err != nil {
		return err
	}
	r.ws()
	if r.peek() == ']' {
		r.i++
		return nil
	}
	for {
		if err := item(); err != nil {
			return err
		}
		r.ws()
		switch r.peek() {
		case ',':
			r.i++
		case ']':
			r.i++
			return nil
		default:
			return r.errorf("expected ',' or ']'")
		}
	}
}

// members reads an object, calling member for each key.
func (r *guestReader) members(member func(k string) error) error {
	if err := r.expect('{'); err != nil {
		return err
	}
	r.ws()
	if r.peek() == '}' {
		r.i++
		return nil
	}
	for {
		k, err := r.str()
		if err != nil {
			return err
		}
		if err := r.expect(':'); err != nil {
			return err
		}
		if err := member(k); err != nil {
			return err
		}
		r.ws()
		switch r.peek() {
		case ',':
			r.i++
		case '}':
			r.i++
			return nil
		default:
			return r.errorf("expected ',' or '}'")
		}
	}
}

// skip reads and drops any value (net, blk).
func (r *guestReader) skip(depth int) error {
	if depth > 16 {
		return errors.New("nested too deeply")
	}
	r.ws()
	switch c := r.peek(); {
	case c == '"':
		_, err := r.str()
		return err
	case c == '{':
		return r.members(func(string) error { return r.skip(depth + 1) })
	case c == '[':
		return r.list(func() error { return r.skip(depth + 1) })
	case c == 't' || c == 'f':
		_, err := r.boolean()
		return err
	default:
		_, err := r.uint()
		return err
	}
}

func decodeGuest(s string) (*Config, error) {
	r := &guestReader{s: s}
	c := &Config{}
	var cmdline *string
	haveArgv := false
	err := r.members(func(k string) error {
		var err error
		switch k {
		case "env":
			var v string
			v, err = r.str()
			c.Env = append(c.Env, v)
		case "cmdline":
			var v string
			v, err = r.str()
			cmdline = &v
		case "cwd":
			c.Cwd, err = r.str()
		case "hostname":
			c.Hostname, err = r.str()
		case "argv":
			haveArgv, c.LibOS, c.Args = true, true, []string{}
			err = r.list(func() error {
				v, err := r.str()
				c.Args = append(c.Args, v)
				return err
			})
		case "uid", "gid":
			var v uint64
			if v, err = r.uint(); err == nil && v > 0xffffffff {
				err = r.errorf("%s out of range", k)
			}
			if k == "uid" {
				c.UID = uint32(v)
			} else {
				c.GID = uint32(v)
			}
		case "groups":
			err = r.list(func() error {
				v, err := r.uint()
				if err == nil && v > 0xffffffff {
					err = r.errorf("group out of range")
				}
				c.Groups = append(c.Groups, uint32(v))
				return err
			})
		case "readonly":
			c.ReadOnly, err = r.boolean()
		case "rlimits":
			seen := map[string]bool{}
			err = r.list(func() error {
				var l Rlimit
				keys := 0
				err := r.members(func(k string) error {
					var err error
					keys++
					switch k {
					case "type":
						l.Type, err = r.str()
					case "soft":
						l.Soft, err = r.uint()
					case "hard":
						l.Hard, err = r.uint()
					default:
						err = r.errorf("unknown rlimit key %q", k)
					}
					return err
				})
				switch {
				case err != nil:
				case keys != 3 || !rlimitNames[l.Type]:
					err = r.errorf("bad rlimit %+v", l)
				case seen[l.Type] || l.Soft > l.Hard:
					err = r.errorf("rlimit %s twice or soft above hard", l.Type)
				}
				seen[l.Type] = true
				c.Rlimits = append(c.Rlimits, l)
				return err
			})
		case "terminal":
			c.Terminal = &Terminal{}
			err = r.members(func(k string) error {
				v, err := r.uint()
				if err == nil && v > 0xffff {
					err = r.errorf("%s out of range", k)
				}
				switch k {
				case "rows":
					c.Terminal.Rows = uint16(v)
				case "cols":
					c.Terminal.Cols = uint16(v)
				default:
					err = r.errorf("unknown terminal key %q", k)
				}
				return err
			})
		case "mounts":
			err = r.list(func() error {
				var m Mount
				err := r.members(func(k string) error {
					var err error
					switch k {
					case "dev":
						m.Dev, err = r.str()
					case "path":
						m.Path, err = r.str()
					case "fs":
						m.FS, err = r.str()
					case "file":
						m.File, err = r.str()
					case "ro":
						m.RO, err = r.boolean()
					case "size":
						m.Size, err = r.uint()
					default:
						err = r.errorf("unknown mount key %q", k)
					}
					return err
				})
				c.Mounts = append(c.Mounts, m)
				return err
			})
		default:
			err = r.skip(0)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	r.ws()
	if r.i != len(s) {
		return nil, r.errorf("text after the configuration")
	}
	if !haveArgv && cmdline != nil {
		if c.Args, err = splitArgs(*cmdline); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// splitArgs is the reference reader of the plain command line (config.c config_split):
// words separated by blanks; inside a word, a double-quoted part keeps blanks, and in it
// \" and \\ stand for " and \ (any other backslash stays); "" is an empty word.
func splitArgs(s string) ([]string, error) {
	out := []string{}
	i := 0
	blank := func(c byte) bool { return c == ' ' || c == '\t' || c == '\n' }
	for {
		for i < len(s) && blank(s[i]) {
			i++
		}
		if i >= len(s) {
			return out, nil
		}
		var w []byte
		for i < len(s) && !blank(s[i]) {
			if s[i] != '"' {
				w = append(w, s[i])
				i++
				continue
			}
			i++
			for {
				if i >= len(s) {
					return nil, errors.New("unterminated quote")
				}
				c := s[i]
				i++
				if c == '"' {
					break
				}
				if c == '\\' && i < len(s) && (s[i] == '"' || s[i] == '\\') {
					c = s[i]
					i++
				}
				w = append(w, c)
			}
		}
		out = append(out, string(w))
	}
}
