// Keeping the cache bounded: images unused for a while, and temporaries left by a
// killed build, are removed whenever a new image is built.
package rootfs

import (
	"os"
	"path/filepath"
	"strings"
	"time"
)

// MaxAge is how long an image may go unused (a cache hit refreshes its mtime) before
// a later build removes it. A container's init holds its image open from create on, so
// removal (an unlink) is safe.
const MaxAge = 7 * 24 * time.Hour

// staleTemp is how old a build's temporary file must be to count as abandoned.
const staleTemp = time.Hour

func prune(cacheDir string, now time.Time) {
	ents, err := os.ReadDir(cacheDir)
	if err != nil {
		return
	}
	for _, e := range ents {
		info, err := e.Info()
		if err != nil || !info.Mode().IsRegular() {
			continue
		}
		age := now.Sub(info.ModTime())
		name := e.Name()
		if (strings.HasPrefix(name, "rootfs-") && age > MaxAge) || (strings.HasPrefix(name, ".rootfs-") && age > staleTemp) {
			os.Remove(filepath.Join(cacheDir, name))
		}
	}
}
