//go:build !unix

package eslogger

import "time"

// cpuTime is unavailable here; benchmarks skip the per-CPU metrics.
func cpuTime() time.Duration { return 0 }
