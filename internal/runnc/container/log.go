// The lifecycle's log records go to whatever log the command line set up.
package container

// Logf receives the lifecycle's records (level "debug", "warning"); the command line
// points it at --log. It does nothing until then.
var Logf = func(level, format string, args ...any) {}

func logf(level, format string, args ...any) { Logf(level, format, args...) }
