// The peak-RSS launcher: a tiny static C program between the bench and the command.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// A child forked by the Go bench would report the bench's own RSS: Go starts commands
// with vfork semantics, and the kernel keeps the pre-exec address space's high-water mark
// in ru_maxrss. This launcher is small (static, musl when available), so the floor it adds
// is a few hundred KiB at most, the same for every contender (the native hello row shows it).
const launcherC = `/* rss.c: runs argv[2..], writes its child's ru_maxrss (KiB) to argv[1], exits as it did. */
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 3)
        return 127;
    pid_t p = fork();
    if (p < 0)
        return 127;
    if (p == 0) {
        execvp(argv[2], argv + 2);
        _exit(127);
    }
    int st;
    struct rusage ru;
    if (wait4(p, &st, 0, &ru) < 0)
        return 127;
    FILE *f = fopen(argv[1], "w");
    if (!f)
        return 127;
    fprintf(f, "%ld\n", ru.ru_maxrss);
    fclose(f);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
`

func buildLauncher(tmp string) (string, error) {
	src, out := filepath.Join(tmp, "rss.c"), filepath.Join(tmp, "rss")
	if err := os.WriteFile(src, []byte(launcherC), 0o644); err != nil {
		return "", err
	}
	cc := "gcc"
	if _, err := exec.LookPath("musl-gcc"); err == nil {
		cc = "musl-gcc"
	}
	if b, err := exec.Command(cc, "-static", "-O2", "-o", out, src).CombinedOutput(); err != nil {
		return "", fmt.Errorf("%s rss.c: %v\n%s", cc, err, b)
	}
	return out, nil
}

// peakRSS runs argv under the launcher and returns the tree's ru_maxrss in KiB.
func (e *env) peakRSS(argv ...string) (float64, error) {
	out := e.path("rss.out")
	os.Remove(out)
	if _, err := e.run(append([]string{e.rssRun, out}, argv...)...); err != nil {
		return 0, err
	}
	b, err := os.ReadFile(out)
	if err != nil {
		return 0, err
	}
	return strconv.ParseFloat(strings.TrimSpace(string(b)), 64)
}
