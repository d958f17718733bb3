package auditd

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/elastic/go-libaudit/v2/auparse"
)

// record is one audit record (one line of audit.log): its header and its
// key=value body. The body is parsed lazily by auparse when a mapping needs
// it.
type record struct {
	node     string                   // node= prefix, "" when absent
	typ      auparse.AuditMessageType // numeric record type; 0 for AUOMS records
	auoms    string                   // AUOMS record type name ("AUOMS_EXECVE"), "" otherwise
	time     time.Time                // header time, UTC
	stamp    string                   // header "<epoch>.<ms>" as written
	serial   uint32                   // header serial
	body     string                   // the key=value text after "audit(...):"
	enriched string                   // translated fields after \x1d, "" when absent
	line     int64                    // 1-based line in the input
	record   int64                    // the carrier's record number, 0 if none
	msg      *auparse.AuditMessage    // set by data on first use
}

// errNotAudit is returned by parseRecord for a line that is not an audit
// record.
var errNotAudit = errors.New("not an audit record")

// errBadHeader is returned for an audit record whose audit(...) header
// cannot be read.
var errBadHeader = errors.New("bad audit header")

// errInterpreted is returned for a line of `ausearch -i` output, whose
// header has a local date ("audit(12/13/2021 01:49:50.838:66)") and whose
// values are translated; only raw records can be read.
var errInterpreted = errors.New("interpreted ausearch output (ausearch -i); export with ausearch --raw")

// parseRecord reads one audit.log line in any of its raw shapes:
//
//	type=SYSCALL msg=audit(1.2:3): k=v ...
//	node=host type=SYSCALL msg=audit(1.2:3): k=v ...\x1dUID="root" ...
//	audit: type=1300 audit(1.2:3): k=v ...            (kernel, dmesg)
//	type=AUOMS_EXECVE audit(1.2:3): k=v ...           (AUOMS)
//
// Text before "type=" (a syslog or dmesg prefix) is skipped; a node= within
// it names the host.
func parseRecord(line string) (record, error) {
	var r record
	i := typeIndex(line)
	if i < 0 {
		return r, errNotAudit
	}
	if j := strings.Index(line[:i], "node="); j >= 0 && (j == 0 || line[j-1] == ' ') {
		r.node, _, _ = strings.Cut(line[j+len("node="):i], " ")
	}
	rest := line[i+len("type="):]
	name, rest, ok := strings.Cut(rest, " ")
	if !ok || name == "" {
		return r, errNotAudit
	}
	rest = strings.TrimLeft(rest, " ")
	rest = strings.TrimPrefix(rest, "msg=")
	if !strings.HasPrefix(rest, "audit(") {
		return r, errNotAudit
	}
	if k := strings.IndexByte(rest, 0x1d); k >= 0 {
		r.enriched = rest[k+1:]
		rest = rest[:k]
	}
	end := strings.IndexByte(rest, ')')
	if end < 0 {
		return r, errBadHeader
	}
	inner := rest[len("audit("):end]
	if strings.IndexByte(inner, '/') >= 0 {
		return r, errInterpreted
	}
	stamp, serial, ok := strings.Cut(inner, ":")
	if !ok {
		return r, errBadHeader
	}
	t, ok := parseStamp(stamp)
	if !ok {
		return r, errBadHeader
	}
	n, err := strconv.ParseUint(serial, 10, 32)
	if err != nil {
		return r, errBadHeader
	}
	r.time, r.stamp, r.serial = t, stamp, uint32(n)
	r.body = strings.TrimLeft(strings.TrimPrefix(rest[end+1:], ":"), " ")
	switch {
	case strings.HasPrefix(name, "AUOMS_"):
		r.auoms = name
	case name[0] >= '0' && name[0] <= '9':
		v, err := strconv.ParseUint(name, 10, 16)
		if err != nil {
			return r, errNotAudit
		}
		r.typ = auparse.AuditMessageType(v)
	default:
		typ, err := auparse.GetAuditMessageType(name)
		if err != nil {
			// A type this build of go-libaudit does not know is
			// still audit data: keep it; nothing maps it.
			typ = 0
		}
		r.typ = typ
	}
	return r, nil
}

// typeIndex returns the index of the "type=" that starts the record: at the
// start of the line or after a space.
func typeIndex(line string) int {
	from := 0
	for {
		i := strings.Index(line[from:], "type=")
		if i < 0 {
			return -1
		}
		i += from
		if i == 0 || line[i-1] == ' ' {
			return i
		}
		from = i + len("type=")
	}
}

// parseStamp parses "<epoch seconds>.<milliseconds>".
func parseStamp(s string) (time.Time, bool) {
	sec, frac, _ := strings.Cut(s, ".")
	n, err := strconv.ParseInt(sec, 10, 64)
	if err != nil || n < 0 {
		return time.Time{}, false
	}
	var ns int64
	if frac != "" {
		if len(frac) > 9 {
			return time.Time{}, false
		}
		f, err := strconv.ParseUint(frac, 10, 32)
		if err != nil {
			return time.Time{}, false
		}
		ns = int64(f)
		for range 9 - len(frac) {
			ns *= 10
		}
	}
	return time.Unix(n, ns).UTC(), true
}

// id returns the source's own id of the event the record belongs to:
// "<epoch>.<ms>:<serial>".
func (r *record) id() string { return r.stamp + ":" + strconv.FormatUint(uint64(r.serial), 10) }

// data returns the record's fields as auparse interprets them (hex and
// quoted strings decoded, arch and syscall named, sockaddr split, auid
// "unset", success as result=success|fail).
func (r *record) data() (map[string]string, error) {
	if r.msg == nil {
		body := r.body
		// An e-mail or a line wrap can leave "nametype= CREATE"; the
		// value is never empty in real records.
		if strings.Contains(body, "= ") {
			body = strings.ReplaceAll(body, "nametype= ", "nametype=")
		}
		m, err := auparse.Parse(r.typ, "audit("+r.stamp+":"+strconv.FormatUint(uint64(r.serial), 10)+"): "+body)
		if err != nil {
			return nil, err
		}
		r.msg = m
	}
	return r.msg.Data()
}
