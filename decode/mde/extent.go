package mde

type extentStatus uint8

const (
	extOK        extentStatus = iota
	extTooLong                // keep mode: more than MaxLine bytes
	extTruncated              // the input ends, or a line breaks a string, or a new record starts inside this one
)

// extent measures the JSON value at the read position by bracket depth and
// string state. In keep mode the value stays buffered and its length is
// returned; it gives up past MaxLine bytes. In discard mode the value is
// consumed as it is scanned, however long it is.
//
// A value is reported truncated, with the length up to the break, when a
// raw line break occurs inside a string or when a line starts with '{' while
// an object is open (where only a key may follow): both mean a JSON Lines
// record was cut short and the next line is the next record.
func (d *Decoder) extent(keep bool) (int, extentStatus) {
	in := &d.in
	var stack [maxDepth]byte
	depth := 0
	inStr, esc, lineStart := false, false, false
	i := 0
	for {
		if in.start+i >= in.end {
			if keep && i > in.max {
				return i, extTooLong
			}
			if !keep {
				in.consume(i)
				i = 0
			}
			if !in.fill() {
				if keep && in.end-in.start > in.max {
					return i, extTooLong
				}
				if !keep {
					in.consume(in.end - in.start)
					return 0, extTruncated
				}
				return i, extTruncated
			}
			continue
		}
		if keep && i > in.max {
			return i, extTooLong
		}
		c := in.buf[in.start+i]
		if inStr {
			switch {
			case esc:
				esc = false
			case c == '\\':
				esc = true
			case c == '"':
				inStr = false
				if depth == 0 {
					return d.extentEnd(keep, i+1)
				}
			case c == '\n':
				return d.extentCut(keep, i)
			}
			i++
			continue
		}
		switch c {
		case '"':
			inStr = true
		case '{', '[':
			if c == '{' && lineStart && depth > 0 && stack[depth-1] == '{' {
				return d.extentCut(keep, i)
			}
			if depth == maxDepth {
				return d.extentCut(keep, i)
			}
			stack[depth] = c
			depth++
		case '}', ']':
			if depth == 0 { // ends a bare scalar, or stray
				return d.extentEnd(keep, max(i, 1))
			}
			depth--
			if depth == 0 {
				return d.extentEnd(keep, i+1)
			}
		case ' ', '\t', '\r':
			if depth == 0 && i > 0 {
				return d.extentEnd(keep, i)
			}
		case '\n':
			if depth == 0 && i > 0 {
				return d.extentEnd(keep, i)
			}
			lineStart = true
			i++
			continue
		case ',':
			if depth == 0 {
				return d.extentEnd(keep, i)
			}
		}
		lineStart = false
		i++
	}
}

// extentCut reports a truncated value of n bytes; in discard mode it
// consumes them.
func (d *Decoder) extentCut(keep bool, n int) (int, extentStatus) {
	if !keep {
		d.in.consume(n)
		return 0, extTruncated
	}
	return n, extTruncated
}

// extentEnd finishes extent: in discard mode it consumes the value.
func (d *Decoder) extentEnd(keep bool, n int) (int, extentStatus) {
	if !keep {
		d.in.consume(n)
		return 0, extOK
	}
	return n, extOK
}
