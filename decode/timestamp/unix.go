package timestamp

import "time"

// ParseUnix parses an epoch timestamp: seconds with an optional fraction
// ("1519924845.499", auditd), or a bare integer whose digit count says its
// unit: up to 11 digits seconds, 12 to 14 milliseconds (OCSF time, EC2
// createTime), 15 to 17 microseconds, 18 or more nanoseconds. The result is
// in UTC.
func ParseUnix(s string) (time.Time, error) {
	if s == "" || len(s) > 30 {
		return time.Time{}, syntaxError(s)
	}
	neg := false
	i := 0
	if s[0] == '-' {
		neg = true
		i = 1
	}
	start := i
	var v int64
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		if i-start >= 19 {
			return time.Time{}, syntaxError(s)
		}
		v = v*10 + int64(s[i]-'0')
		i++
	}
	n := i - start
	if n == 0 {
		return time.Time{}, syntaxError(s)
	}
	if i < len(s) {
		if n > 11 {
			return time.Time{}, syntaxError(s)
		}
		nsec, j := fraction(s, i)
		if j != len(s) {
			return time.Time{}, syntaxError(s)
		}
		if neg {
			return time.Unix(-v, -int64(nsec)).UTC(), nil
		}
		return time.Unix(v, int64(nsec)).UTC(), nil
	}
	if neg {
		v = -v
	}
	switch {
	case n <= 11:
		return time.Unix(v, 0).UTC(), nil
	case n <= 14:
		return time.UnixMilli(v).UTC(), nil
	case n <= 17:
		return time.UnixMicro(v).UTC(), nil
	}
	return time.Unix(0, v).UTC(), nil
}
