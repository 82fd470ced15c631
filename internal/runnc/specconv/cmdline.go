// The rumprun-style JSON configuration nabla's runnc passed as the guest command line.
package specconv

import (
	"fmt"
	"strings"

	"github.com/nabla-containers/nabla/abi"
)

// Block is the "blk" key: where the guest finds its root filesystem.
type Block struct {
	Source     string `json:"source"`
	Path       string `json:"path"`
	FSType     string `json:"fstype"`
	Mountpoint string `json:"mountpoint"`
}

// Net is the "net" key (static IPv4 configuration of the one interface).
type Net struct {
	If     string `json:"if"`
	Cloner string `json:"cloner"`
	Type   string `json:"type"`
	Method string `json:"method"`
	Addr   string `json:"addr"`
	Mask   string `json:"mask"`
	Gw     string `json:"gw,omitempty"`
}

// Mount is one entry of the "mounts" key (guest/libos config.c): a ustar disk (Dev), a
// single file of one (File), or an empty in-memory file system (FS "tmpfs").
type Mount struct {
	Dev  string `json:"dev,omitempty"`  // block device name in the manifest
	Path string `json:"path"`           // absolute guest path
	FS   string `json:"fs,omitempty"`   // "ustar" (the default with Dev) or "tmpfs"
	File string `json:"file,omitempty"` // single-file bind: the disk's file bound at Path
	RO   bool   `json:"ro,omitempty"`   // writes fail with EROFS (else they stay in memory)
	Size uint64 `json:"size,omitempty"` // tmpfs: bytes, 0 = bounded by guest memory only
}

// Config is the guest configuration before encoding.
type Config struct {
	Env      []string
	Hostname string
	Args     []string // argv, argv[0] the image path inside the container
	Net      *Net
	Blk      *Block
	Cwd      string
	// LibOS selects the libOS's keys: exact "argv" (instead of rumprun's "cmdline"),
	// "uid", "gid", "groups", "mounts", "readonly", "rlimits", "terminal", "stdin". rumprun refuses
	// keys it does not know, so other unikernels get only rumprun's.
	LibOS    bool
	UID, GID uint32
	Groups   []uint32
	Mounts   []Mount
	ReadOnly bool
	Rlimits  []Rlimit
	Terminal *Terminal
	// Stdin: descriptor 0 reads the tender's stdin (the tender runs with --stdin).
	Stdin bool
}

// Rlimit is one entry of "rlimits": process.rlimits as OCI writes it.
type Rlimit struct {
	Type       string
	Soft, Hard uint64
}

// Terminal is the "terminal" key: descriptors 0-2 are a tty of this size.
type Terminal struct {
	Rows, Cols uint16
}

// Cmdline encodes c in rumprun's key order: one "env" key per variable (duplicate keys,
// which rumprun's token walker expects), then hostname, cmdline (argv for the libOS),
// net, blk, cwd, and the libOS's keys. Strings keep their bytes exactly (jsonenc.go).
func (c *Config) Cmdline() (string, error) {
	w := &jsonWriter{b: make([]byte, 0, 1024)}
	w.b = append(w.b, '{')
	for _, e := range c.Env {
		w.String("env", e)
	}
	if c.Hostname != "" {
		w.String("hostname", c.Hostname)
	}
	if c.LibOS {
		w.Strings("argv", c.Args)
		w.Uint("uid", uint64(c.UID))
		w.Uint("gid", uint64(c.GID))
		if len(c.Groups) > 0 {
			w.Uints("groups", c.Groups)
		}
	} else {
		w.String("cmdline", JoinArgs(c.Args))
	}
	if n := c.Net; n != nil {
		w.Object("net", func(o *jsonWriter) {
			o.String("if", n.If)
			o.String("cloner", n.Cloner)
			o.String("type", n.Type)
			o.String("method", n.Method)
			o.String("addr", n.Addr)
			o.String("mask", n.Mask)
			if n.Gw != "" {
				o.String("gw", n.Gw)
			}
		})
	}
	if k := c.Blk; k != nil {
		w.Object("blk", func(o *jsonWriter) {
			o.String("source", k.Source)
			o.String("path", k.Path)
			o.String("fstype", k.FSType)
			o.String("mountpoint", k.Mountpoint)
		})
	}
	cwd := c.Cwd
	if cwd == "" {
		cwd = "/"
	}
	w.String("cwd", cwd)
	if c.LibOS && len(c.Mounts) > 0 {
		w.Objects("mounts", len(c.Mounts), func(i int, o *jsonWriter) {
			m := c.Mounts[i]
			if m.Dev != "" {
				o.String("dev", m.Dev)
			}
			o.String("path", m.Path)
			if m.FS != "" {
				o.String("fs", m.FS)
			}
			if m.File != "" {
				o.String("file", m.File)
			}
			if m.RO {
				o.Bool("ro", true)
			}
			if m.Size > 0 {
				o.Uint("size", m.Size)
			}
		})
	}
	if c.LibOS && c.ReadOnly {
		w.Bool("readonly", true)
	}
	if c.LibOS && len(c.Rlimits) > 0 {
		w.Objects("rlimits", len(c.Rlimits), func(i int, o *jsonWriter) {
			o.String("type", c.Rlimits[i].Type)
			o.Uint("soft", c.Rlimits[i].Soft)
			o.Uint("hard", c.Rlimits[i].Hard)
		})
	}
	if c.LibOS && c.Stdin {
		w.Bool("stdin", true)
	}
	if t := c.Terminal; c.LibOS && t != nil {
		w.Object("terminal", func(o *jsonWriter) {
			o.Uint("rows", uint64(t.Rows))
			o.Uint("cols", uint64(t.Cols))
		})
	}
	w.b = append(w.b, '}')
	if w.err != nil {
		return "", fmt.Errorf("guest configuration: %v (in args, env, cwd or hostname)", w.err)
	}
	if len(w.b) >= abi.CmdlineSize {
		return "", fmt.Errorf("guest command line is %d bytes, the limit is %d (too many or too long args/env)", len(w.b), abi.CmdlineSize-1)
	}
	return string(w.b), nil
}

// JoinArgs joins argv with spaces, double-quoting (with \" and \\ escapes) any
// argument that is empty or holds blanks, quotes or backslashes.
func JoinArgs(args []string) string {
	var s []string
	for _, a := range args {
		if a != "" && !strings.ContainsAny(a, " \t\n\"'\\") {
			s = append(s, a)
			continue
		}
		r := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
		s = append(s, `"`+r.Replace(a)+`"`)
	}
	return strings.Join(s, " ")
}

// GuestConfig builds the guest configuration from the spec.
func (b *Bundle) GuestConfig() *Config {
	p := b.Spec.Process
	c := &Config{Env: p.Env, Hostname: b.Hostname(), Args: p.Args, Cwd: p.Cwd,
		UID: p.User.UID, GID: p.User.GID, Groups: p.User.AdditionalGids}
	if p.Terminal {
		c.Terminal = &Terminal{}
		if cs := p.ConsoleSize; cs != nil {
			c.Terminal.Rows, c.Terminal.Cols = uint16(min(cs.Height, 0xffff)), uint16(min(cs.Width, 0xffff))
		}
	}
	return c
}
