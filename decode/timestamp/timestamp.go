// Package timestamp parses the textual timestamps that telemetry formats
// write: RFC 3339 with any number of fractional digits, with or without a
// zone, the space-separated forms of Sysmon and python-evtx, and the
// locale form of Sentinel CSV exports ("10/25/2023, 9:43:21.994 AM").
//
// The parsers are hand-written rather than built on time.Parse: decoders
// call them once per record, and the common RFC 3339 shape parses several
// times faster this way (see BenchmarkParse).
package timestamp

import (
	"errors"
	"strconv"
	"strings"
	"time"
)

// errSyntax is wrapped by every parse failure.
var errSyntax = errors.New("unrecognised timestamp")

// Parse parses s as a timestamp in one of these shapes:
//
//	2006-01-02T15:04:05Z                  RFC 3339, 0 to 9 fractional digits
//	2006-01-02T15:04:05.9999999+02:00     offsets as ±hh:mm, ±hhmm or ±hh
//	2006-01-02T15:04:05.360851            no zone: UTC
//	2006-01-02 15:04:05.999               space instead of T (Sysmon UtcTime)
//	10/25/2023, 9:43:21.994 AM            Sentinel CSV (month first; comma,
//	                                      fraction and AM/PM optional)
//
// A timestamp without a zone is taken as UTC. The result is always in UTC.
func Parse(s string) (time.Time, error) {
	return ParseIn(s, time.UTC)
}

// ParseIn is Parse with zone-less timestamps taken in loc (nil means UTC).
// A zone written in s wins over loc. The result is always in UTC.
func ParseIn(s string, loc *time.Location) (time.Time, error) {
	if loc == nil {
		loc = time.UTC
	}
	if len(s) >= 10 && s[4] == '-' {
		if t, ok := parseISO(s, loc); ok {
			return t, nil
		}
	} else if t, ok := parseSlashed(s, loc); ok {
		return t, nil
	}
	return time.Time{}, syntaxError(s)
}

func syntaxError(s string) error {
	if len(s) > 64 {
		return &ParseError{Value: s[:64] + "..."}
	}
	// Clone: callers may pass a string over a reused buffer.
	return &ParseError{Value: strings.Clone(s)}
}

// ParseError reports a value that no supported layout matches.
type ParseError struct {
	Value string // the offending text, cut to 64 bytes
}

// Error quotes the offending value.
func (e *ParseError) Error() string {
	return errSyntax.Error() + " " + strconv.Quote(e.Value)
}

// parseISO parses YYYY-MM-DD[T ]hh:mm:ss[.f*][zone].
func parseISO(s string, loc *time.Location) (time.Time, bool) {
	if len(s) < 19 || s[7] != '-' || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
		s[13] != ':' || s[16] != ':' {
		return time.Time{}, false
	}
	y1, ok1 := two(s, 0)
	y2, ok2 := two(s, 2)
	month, ok3 := two(s, 5)
	day, ok4 := two(s, 8)
	hour, ok5 := two(s, 11)
	min, ok6 := two(s, 14)
	sec, ok7 := two(s, 17)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && ok7) {
		return time.Time{}, false
	}
	year := y1*100 + y2
	nsec, i := fraction(s, 19)
	if i < 0 {
		return time.Time{}, false
	}
	if !valid(year, month, day, hour, min, sec) {
		return time.Time{}, false
	}
	if i == len(s) {
		if loc != time.UTC {
			return time.Date(year, time.Month(month), day, hour, min, sec, nsec, loc).UTC(), true
		}
		return unixUTC(year, month, day, hour, min, sec, nsec, 0), true
	}
	off, ok := zone(s[i:])
	if !ok {
		return time.Time{}, false
	}
	return unixUTC(year, month, day, hour, min, sec, nsec, off), true
}

// unixUTC builds a UTC time from validated civil fields and an offset in
// seconds east of UTC, without time.Date's normalisation and zone lookup.
func unixUTC(year, month, day, hour, min, sec, nsec, off int) time.Time {
	days := daysFromCivil(year, month, day)
	secs := days*86400 + int64(hour*3600+min*60+sec-off)
	return time.Unix(secs, int64(nsec)).UTC()
}

// daysFromCivil returns the days since 1970-01-01 of a proleptic Gregorian
// date (Howard Hinnant's algorithm).
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}

// two reads two decimal digits at s[i:].
func two(s string, i int) (int, bool) {
	a, b := s[i]-'0', s[i+1]-'0'
	return int(a)*10 + int(b), a <= 9 && b <= 9
}

// parseSlashed parses M/D/YYYY[,] h:mm[:ss[.f*]][ AM|PM].
func parseSlashed(s string, loc *time.Location) (time.Time, bool) {
	i := 0
	month, i, ok := number(s, i, 1, 2)
	if !ok || !at(s, i, '/') {
		return time.Time{}, false
	}
	day, i, ok := number(s, i+1, 1, 2)
	if !ok || !at(s, i, '/') {
		return time.Time{}, false
	}
	year, i, ok := number(s, i+1, 4, 4)
	if !ok {
		return time.Time{}, false
	}
	if at(s, i, ',') {
		i++
	}
	if !at(s, i, ' ') {
		return time.Time{}, false
	}
	for at(s, i, ' ') {
		i++
	}
	hour, i, ok := number(s, i, 1, 2)
	if !ok || !at(s, i, ':') {
		return time.Time{}, false
	}
	min, i, ok := number(s, i+1, 2, 2)
	if !ok {
		return time.Time{}, false
	}
	sec, nsec := 0, 0
	if at(s, i, ':') {
		if sec, i, ok = number(s, i+1, 2, 2); !ok {
			return time.Time{}, false
		}
		if nsec, i = fraction(s, i); i < 0 {
			return time.Time{}, false
		}
	}
	rest := s[i:]
	for len(rest) > 0 && rest[0] == ' ' {
		rest = rest[1:]
	}
	switch rest {
	case "":
	case "AM", "am":
		if hour < 1 || hour > 12 {
			return time.Time{}, false
		}
		if hour == 12 {
			hour = 0
		}
	case "PM", "pm":
		if hour < 1 || hour > 12 {
			return time.Time{}, false
		}
		if hour != 12 {
			hour += 12
		}
	default:
		return time.Time{}, false
	}
	if !valid(year, month, day, hour, min, sec) {
		return time.Time{}, false
	}
	return time.Date(year, time.Month(month), day, hour, min, sec, nsec, loc).UTC(), true
}

func at(s string, i int, c byte) bool { return i < len(s) && s[i] == c }

// number reads min to max decimal digits at s[i:] and returns the value and
// the index after them.
func number(s string, i, min, max int) (int, int, bool) {
	v, n := 0, 0
	for i < len(s) && n < max && s[i] >= '0' && s[i] <= '9' {
		v = v*10 + int(s[i]-'0')
		i++
		n++
	}
	return v, i, n >= min
}

// fraction reads an optional "." and digits at s[i:]; digits beyond the
// ninth are dropped. It returns the nanoseconds and the index after the
// fraction, or -1 when a dot has no digits.
func fraction(s string, i int) (int, int) {
	if i >= len(s) || (s[i] != '.' && s[i] != ',') {
		return 0, i
	}
	i++
	start, nsec := i, 0
	for i < len(s) {
		c := s[i] - '0'
		if c > 9 {
			break
		}
		if i-start < 9 {
			nsec = nsec*10 + int(c)
		}
		i++
	}
	n := i - start
	if n == 0 {
		return 0, -1
	}
	for ; n < 9; n++ {
		nsec *= 10
	}
	return nsec, i
}

// zone parses Z, ±hh:mm, ±hhmm or ±hh and returns the offset in seconds
// east of UTC.
func zone(z string) (int, bool) {
	if z == "Z" || z == "z" {
		return 0, true
	}
	if len(z) < 3 || (z[0] != '+' && z[0] != '-') {
		return 0, false
	}
	h, ok := two(z, 1)
	if !ok {
		return 0, false
	}
	m := 0
	switch {
	case len(z) == 3:
	case len(z) == 6 && z[3] == ':':
		m, ok = two(z, 4)
	case len(z) == 5:
		m, ok = two(z, 3)
	default:
		ok = false
	}
	if !ok || h > 23 || m > 59 {
		return 0, false
	}
	off := h*3600 + m*60
	if z[0] == '-' {
		off = -off
	}
	return off, true
}

func valid(year, month, day, hour, min, sec int) bool {
	if month < 1 || month > 12 || day < 1 || hour > 23 || min > 59 || sec > 59 {
		return false
	}
	return day <= daysIn(month, year)
}

func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}
