package winxml

import "bytes"

// Sniff reports whether head, the first bytes of an input (already
// decompressed and UTF-8), is rendered Windows event XML: after an optional
// byte order mark, white space, XML declaration and comments, the first
// element is <Event> or <Events>.
func Sniff(head []byte) bool {
	b := bytes.TrimPrefix(head, []byte{0xEF, 0xBB, 0xBF})
	for {
		b = bytes.TrimLeft(b, " \t\r\n")
		if len(b) == 0 || b[0] != '<' {
			return false
		}
		if eventStart(b[:min(len(b), 16)], 0) == 0 || wrapperStart(b) {
			return true
		}
		n, done := prolog(b)
		if n == 0 || !done {
			return false
		}
		b = b[n:]
	}
}
