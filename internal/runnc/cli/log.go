// runnc's log: text or JSON records in --log, as runc writes them for containerd.
package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/nabla-containers/nabla/internal/runnc/container"
)

var logger struct {
	f     *os.File
	json  bool
	debug bool
}

func setupLog(c *cli.Context) error {
	switch c.String("log-format") {
	case "text":
	case "json":
		logger.json = true
	default:
		return fmt.Errorf("unknown log-format %q", c.String("log-format"))
	}
	logger.debug = c.Bool("debug")
	container.Logf = logf
	if p := c.String("log"); p != "" {
		f, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			return fmt.Errorf("open log: %v", err)
		}
		logger.f = f
	}
	return nil
}

// logf writes one record to --log (nothing when --log is unset: errors go to stderr
// anyway, and debug records only with --debug).
func logf(level, format string, args ...any) {
	if logger.f == nil || (level == "debug" && !logger.debug) {
		return
	}
	msg := fmt.Sprintf(format, args...)
	now := time.Now().UTC().Format(time.RFC3339Nano)
	var line []byte
	if logger.json {
		line, _ = json.Marshal(map[string]string{"level": level, "msg": msg, "time": now})
	} else {
		line = []byte("time=" + strconv.Quote(now) + " level=" + level + " msg=" + strconv.Quote(msg))
	}
	logger.f.Write(append(line, '\n'))
}
