//go:build !unix

package evtx

import "time"

// cpuTime is not measured on this system; CPU-second metrics are omitted.
func cpuTime() time.Duration { return 0 }
