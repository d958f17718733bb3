package mde

import "time"

// field names one advanced-hunting column (or envelope key) the decoder
// uses. Every other key is skipped without being decoded.
type field uint8

const (
	fNone field = iota
	fTimestamp
	fTimeGenerated
	fDeviceID
	fDeviceName
	fActionType
	fReportID
	fCategory
	fType
	fFileName
	fFolderPath
	fFileSize
	fSHA256
	fPreviousFolderPath
	fPreviousFileName
	fRequestProtocol
	fRequestSourceIP
	fRequestAccountName
	fRequestAccountDomain
	fShareName
	fProcessID
	fProcessCommandLine
	fAccountName
	fAccountDomain
	fAccountSid
	fIPFileName
	fIPFolderPath
	fIPCommandLine
	fIPID
	fIPParentID
	fIPParentFileName
	fIPAccountName
	fIPAccountDomain
	fIPAccountSid
	fLocalIP
	fLocalPort
	fRemoteIP
	fRemotePort
	fRemoteURL
	fProtocol
	fAdditionalFields
	fRegistryKey
	// Structural keys: their values are containers, not columns.
	fProperties // streaming record: the row is nested here
	fBody       // Splunk add-on wrapper around a streaming record
	fRows       // records (Event Hub), Results (API), results (Graph)
	numFields
)

// lookup returns the field a JSON key or CSV column names. The switch
// compiles to a length-then-binary search over constant strings and does
// not allocate.
func lookup(key []byte) field {
	switch string(key) {
	case "Timestamp":
		return fTimestamp
	case "TimeGenerated":
		return fTimeGenerated
	case "DeviceId":
		return fDeviceID
	case "DeviceName":
		return fDeviceName
	case "ActionType":
		return fActionType
	case "ReportId":
		return fReportID
	case "category":
		return fCategory
	case "Type":
		return fType
	case "FileName":
		return fFileName
	case "FolderPath":
		return fFolderPath
	case "FileSize":
		return fFileSize
	case "SHA256":
		return fSHA256
	case "PreviousFolderPath":
		return fPreviousFolderPath
	case "PreviousFileName":
		return fPreviousFileName
	case "RequestProtocol":
		return fRequestProtocol
	case "RequestSourceIP":
		return fRequestSourceIP
	case "RequestAccountName":
		return fRequestAccountName
	case "RequestAccountDomain":
		return fRequestAccountDomain
	case "ShareName":
		return fShareName
	case "ProcessId":
		return fProcessID
	case "ProcessCommandLine":
		return fProcessCommandLine
	case "AccountName":
		return fAccountName
	case "AccountDomain":
		return fAccountDomain
	case "AccountSid":
		return fAccountSid
	case "InitiatingProcessFileName":
		return fIPFileName
	case "InitiatingProcessFolderPath":
		return fIPFolderPath
	case "InitiatingProcessCommandLine":
		return fIPCommandLine
	case "InitiatingProcessId":
		return fIPID
	case "InitiatingProcessParentId":
		return fIPParentID
	case "InitiatingProcessParentFileName":
		return fIPParentFileName
	case "InitiatingProcessAccountName":
		return fIPAccountName
	case "InitiatingProcessAccountDomain":
		return fIPAccountDomain
	case "InitiatingProcessAccountSid":
		return fIPAccountSid
	case "LocalIP":
		return fLocalIP
	case "LocalPort":
		return fLocalPort
	case "RemoteIP":
		return fRemoteIP
	case "RemotePort":
		return fRemotePort
	case "RemoteUrl":
		return fRemoteURL
	case "Protocol":
		return fProtocol
	case "AdditionalFields":
		return fAdditionalFields
	case "RegistryKey":
		return fRegistryKey
	case "properties":
		return fProperties
	case "body":
		return fBody
	case "records", "Results", "results":
		return fRows
	}
	return fNone
}

// valueKind says how a value's bytes are to be read.
type valueKind uint8

const (
	vAbsent  valueKind = iota // missing, null or ""
	vString                   // string content, no escapes (or CSV text)
	vEscaped                  // JSON string content with backslash escapes
	vNumber                   // a bare JSON number or literal
	vObject                   // a JSON object or array, raw
)

// span locates one value inside row.src.
type span struct {
	off, end int32
	kind     valueKind
}

// row is one advanced-hunting row as spans over its source bytes: the
// JSON object (envelope included) or the unescaped CSV record. Nothing is
// decoded until the row is mapped to an event.
type row struct {
	src  []byte
	f    [numFields]span
	seen uint64 // bit per field whose key was present, even with null
	// loc holds the zone of a CSV "[Local Time]" Timestamp or
	// TimeGenerated column; nil means UTC.
	tsLoc, genLoc *time.Location
}

func (r *row) set(f field, off, end int, k valueKind) {
	r.seen |= 1 << f
	if k == vString && off == end {
		k = vAbsent
	}
	r.f[f] = span{int32(off), int32(end), k}
}

func (r *row) has(f field) bool { return r.f[f].kind != vAbsent }

func (r *row) raw(f field) []byte {
	s := r.f[f]
	return r.src[s.off:s.end]
}

func (r *row) present(f field) bool { return r.seen&(1<<f) != 0 }
