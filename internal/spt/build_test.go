// Shared state for building the tender once per test binary.
package spt

import "sync"

var (
	buildOnce   sync.Once
	builtTender string
	buildErr    error
)
