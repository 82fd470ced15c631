// HOME as runc sets it for a process whose env has none: the user's home from the rootfs's /etc/passwd, else /.
package specconv

import (
	"bufio"
	"os"
	"strconv"
	"strings"
)

// maxPasswd bounds how much of the image's /etc/passwd is read.
const maxPasswd = 1 << 20

// WithHome returns env with HOME=<home of uid> appended when env has no HOME, as runc
// does: the home field of the first /etc/passwd line (inside the rootfs) with that uid,
// else "/".
func (b *Bundle) WithHome(env []string, uid uint32) []string {
	for _, e := range env {
		if strings.HasPrefix(e, "HOME=") {
			return env
		}
	}
	return append(append([]string{}, env...), "HOME="+b.home(uid))
}

func (b *Bundle) home(uid uint32) string {
	real, err := evalRoot(b.Rootfs)
	if err != nil {
		return "/"
	}
	host, _, err := secureJoin(real, "/", "/etc/passwd")
	if err != nil {
		return "/"
	}
	f, err := os.Open(host)
	if err != nil {
		return "/"
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() || st.Size() > maxPasswd {
		return "/"
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// name:password:uid:gid:gecos:home:shell
		fs := strings.Split(sc.Text(), ":")
		if len(fs) < 6 {
			continue
		}
		if u, err := strconv.ParseUint(fs[2], 10, 32); err == nil && uint32(u) == uid && fs[5] != "" {
			return fs[5]
		}
	}
	return "/"
}
