// The rumprun-style JSON configuration nabla's runnc passed as the guest command line.
package specconv

import (
	"bytes"
	"encoding/json"
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

// Config is the guest configuration before encoding.
type Config struct {
	Env      []string
	Hostname string
	Args     []string // argv, argv[0] the image path inside the container
	Net      *Net
	Blk      *Block
	Cwd      string
}

// Cmdline encodes c in rumprun's key order: one "env" key per variable (duplicate keys,
// which rumprun's token walker expects), then hostname, cmdline, net, blk, cwd.
func (c *Config) Cmdline() (string, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	sep := ""
	put := func(k string, v any) {
		kb, _ := json.Marshal(k)
		vb, _ := json.Marshal(v)
		b.WriteString(sep)
		b.Write(kb)
		b.WriteByte(':')
		b.Write(vb)
		sep = ","
	}
	for _, e := range c.Env {
		put("env", e)
	}
	if c.Hostname != "" {
		put("hostname", c.Hostname)
	}
	put("cmdline", JoinArgs(c.Args))
	if c.Net != nil {
		put("net", c.Net)
	}
	if c.Blk != nil {
		put("blk", c.Blk)
	}
	cwd := c.Cwd
	if cwd == "" {
		cwd = "/"
	}
	put("cwd", cwd)
	b.WriteByte('}')
	if b.Len() >= abi.CmdlineSize {
		return "", fmt.Errorf("guest command line is %d bytes, the limit is %d (too many or too long args/env)", b.Len(), abi.CmdlineSize-1)
	}
	return b.String(), nil
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
	return &Config{Env: p.Env, Hostname: b.Spec.Hostname, Args: p.Args, Cwd: p.Cwd}
}
