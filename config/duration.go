package config

import (
	"errors"
	"strconv"
	"strings"
	"time"
)

const day = 24 * time.Hour

// ParseDuration parses a duration in Go syntax ("90s", "1h30m") that may
// also start with a whole number of days ("1d", "7d", "1d12h"), the unit
// analysts think in for hunting windows. A bare "0" is zero; any other
// number needs a unit.
func ParseDuration(s string) (time.Duration, error) {
	if s == "" {
		return 0, errors.New("empty duration")
	}
	body, neg := s, false
	if body[0] == '-' || body[0] == '+' {
		neg = body[0] == '-'
		body = body[1:]
	}
	var days time.Duration
	if i := strings.IndexByte(body, 'd'); i >= 0 {
		n, err := strconv.ParseUint(body[:i], 10, 32)
		if err != nil {
			return 0, errors.New("days must be a whole number, as in 7d or 1d12h")
		}
		if n > uint64(maxDuration/day) {
			return 0, errors.New("duration out of range")
		}
		days = time.Duration(n) * day
		body = body[i+1:]
	}
	var rest time.Duration
	if body != "" {
		var err error
		if rest, err = time.ParseDuration(body); err != nil {
			// time's message repeats the input with extra quoting; ours
			// names the problem and the accepted forms.
			return 0, durationError(err)
		}
		if rest < 0 {
			return 0, errors.New("a sign may only lead the duration")
		}
	}
	if rest > maxDuration-days {
		return 0, errors.New("duration out of range")
	}
	d := days + rest
	if neg {
		d = -d
	}
	return d, nil
}

const maxDuration = time.Duration(1<<63 - 1)

func durationError(err error) error {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "missing unit"):
		return errors.New("missing unit (use e.g. 90s, 30m, 24h or 7d)")
	case strings.Contains(msg, "unknown unit"):
		return errors.New("unknown unit (use ns, us, ms, s, m, h or d)")
	case strings.Contains(msg, "overflow"):
		return errors.New("duration out of range")
	}
	return errors.New("not a duration (use e.g. 90s, 30m, 24h or 7d)")
}
