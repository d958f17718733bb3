//go:build !unix

package mde

import "time"

// cpuTime is unavailable here; benchmarks skip the per-CPU metric.
func cpuTime() time.Duration { return 0 }
