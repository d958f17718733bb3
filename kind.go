package stagewatch

import "fmt"

// Kind says what an Event observed. Detectors declare the kinds they need and
// the engine routes events by kind.
type Kind uint8

// The kinds of observation stagewatch understands.
const (
	KindUnknown  Kind = iota
	ProcessStart      // a process was created; Proc is the new process
	FileCreate        // a file was created (or overwritten)
	FileModify        // an existing file was written
	FileRename        // a file was renamed or moved; File.PrevPath holds the old path
	FileDelete        // a file was deleted
	FileRead          // a file was opened for reading
	NetConnect        // a network connection was made or accepted
	ShareAccess       // a file share was accessed (server side)
	Mount             // a file system was mounted
	RegistrySet       // a registry value was set
	CloudWrite        // an object was written to cloud storage
	CloudRead         // an object was read from cloud storage
	CloudCall         // any other cloud control-plane call
	Snapshot          // a disk or VM snapshot was created
	numKinds
)

var kindNames = [numKinds]string{
	KindUnknown:  "Unknown",
	ProcessStart: "ProcessStart",
	FileCreate:   "FileCreate",
	FileModify:   "FileModify",
	FileRename:   "FileRename",
	FileDelete:   "FileDelete",
	FileRead:     "FileRead",
	NetConnect:   "NetConnect",
	ShareAccess:  "ShareAccess",
	Mount:        "Mount",
	RegistrySet:  "RegistrySet",
	CloudWrite:   "CloudWrite",
	CloudRead:    "CloudRead",
	CloudCall:    "CloudCall",
	Snapshot:     "Snapshot",
}

// NumKinds is the number of kinds, for tables indexed by Kind.
const NumKinds = int(numKinds)

// String returns the kind's name as it appears in JSON and configuration.
func (k Kind) String() string {
	if k < numKinds {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// ParseKind returns the Kind named s (as printed by String).
func ParseKind(s string) (Kind, error) {
	for k, name := range kindNames {
		if name == s {
			return Kind(k), nil
		}
	}
	return KindUnknown, fmt.Errorf("unknown event kind %q", s)
}

// MarshalText implements encoding.TextMarshaler.
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (k *Kind) UnmarshalText(b []byte) error {
	v, err := ParseKind(string(b))
	if err != nil {
		return err
	}
	*k = v
	return nil
}

// IsFile reports whether the kind is a file-system observation.
func (k Kind) IsFile() bool { return k >= FileCreate && k <= FileRead }
