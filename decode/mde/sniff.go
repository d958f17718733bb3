package mde

import "bytes"

// Sniff reports whether head, the first bytes (up to 64 KiB) of an input
// that is already decompressed, looks like MDE advanced-hunting data in any
// of the shapes NewDecoder reads.
func Sniff(head []byte) bool {
	head = bytes.TrimPrefix(head, []byte{0xEF, 0xBB, 0xBF})
	t := bytes.TrimLeft(head, " \t\r\n")
	if len(t) == 0 {
		return false
	}
	if t[0] == '{' || t[0] == '[' {
		if bytes.Contains(t, []byte(`"AdvancedHunting-`)) {
			return true
		}
		device := bytes.Contains(t, []byte(`"DeviceId"`)) || bytes.Contains(t, []byte(`"DeviceName"`))
		return device && (bytes.Contains(t, []byte(`"Timestamp"`)) ||
			bytes.Contains(t, []byte(`"ActionType"`)) ||
			bytes.Contains(t, []byte(`"InitiatingProcess`)))
	}
	// CSV: judge the header line by its column names.
	if i := bytes.IndexByte(t, '\n'); i >= 0 {
		t = t[:i]
	}
	var time, action, device bool
	for _, col := range bytes.Split(t, []byte{','}) {
		col = bytes.Trim(bytes.TrimSpace(col), `"`)
		if j := bytes.IndexByte(col, '['); j > 0 {
			col = bytes.TrimSpace(col[:j])
		}
		switch string(col) {
		case "Timestamp", "TimeGenerated":
			time = true
		case "ActionType", "Type":
			action = true
		case "DeviceId", "DeviceName", "InitiatingProcessFileName":
			device = true
		}
	}
	// Two of the three are enough to call it MDE, so a header that lacks
	// its timestamp column is reported by the decoder as exactly that
	// rather than as an unknown format.
	n := 0
	for _, ok := range [...]bool{time, action, device} {
		if ok {
			n++
		}
	}
	return n >= 2
}
