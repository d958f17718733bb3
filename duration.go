package stagewatch

import (
	"strings"
	"time"
)

// FormatDuration prints d compactly, without the zero minutes and seconds
// time.Duration.String adds: 24h, 30m, 1h30m, 90s prints as 1m30s. Alert parameters
// and the configuration (config.ParseDuration reads it back) use it.
func FormatDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
