//go:build !unix

package kafka

import "time"

// cpuTime is unavailable here; benchmarks skip the per-CPU metric.
func cpuTime() time.Duration { return 0 }
