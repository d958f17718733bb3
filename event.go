package stagewatch

import "time"

// OS names the operating system family of a host. Path rules and staging
// lists depend on it.
type OS string

// Operating system families.
const (
	OSUnknown OS = ""
	Windows   OS = "windows"
	Linux     OS = "linux"
	MacOS     OS = "macos"
	ESXi      OS = "esxi"
)

// Event is one normalized observation. Decoders fill it; after decoding it is
// immutable, so detectors may keep pointers to it.
type Event struct {
	Time   time.Time `json:"time"` // event time, UTC
	Kind   Kind      `json:"kind"`
	Action string    `json:"action,omitempty"` // the source's own action name (ActionType, EventID...)
	Host   Host      `json:"host"`
	User   User      `json:"user,omitzero"`
	Proc   Process   `json:"process,omitzero"`
	File   File      `json:"file,omitzero"`
	Net    Net       `json:"net,omitzero"`
	Remote Remote    `json:"remote,omitzero"`
	Cloud  Cloud     `json:"cloud,omitzero"`
	Origin Origin    `json:"origin"`
	// Attrs holds format extras for display and evidence. No analytic may
	// require a key in Attrs.
	Attrs map[string]string `json:"attrs,omitempty"`
}

// Host identifies the machine an event was observed on.
type Host struct {
	ID   string `json:"id,omitempty"`
	Name string `json:"name,omitempty"`
	OS   OS     `json:"os,omitempty"`
}

// Key returns the stable identity of the host: its name, else its ID.
func (h Host) Key() string {
	if h.Name != "" {
		return h.Name
	}
	return h.ID
}

// User is the account an action ran as.
type User struct {
	Name   string `json:"name,omitempty"`
	Domain string `json:"domain,omitempty"`
	SID    string `json:"sid,omitempty"` // SID, UID or other stable identifier
}

// String returns DOMAIN\name, or name when there is no domain, or the
// SID/uid when the telemetry names no account (raw audit logs, eslogger):
// "uid 1000" reads better than an unknown user, and it tells users apart.
func (u User) String() string {
	if u.Name == "" && u.Domain == "" && u.SID != "" {
		if isDigits(u.SID) {
			return "uid " + u.SID
		}
		return u.SID
	}
	if u.Domain == "" {
		return u.Name
	}
	if u.Name == "" {
		return u.Domain + `\`
	}
	return u.Domain + `\` + u.Name
}

// Process describes the acting process. For ProcessStart it is the new
// process and the Parent fields describe its creator; for every other kind it
// is the process that performed the action.
type Process struct {
	PID         int64  `json:"pid,omitempty"`
	Image       string `json:"image,omitempty"` // full path of the executable, original case
	Name        string `json:"name,omitempty"`  // base name of Image
	CommandLine string `json:"command_line,omitempty"`
	CWD         string `json:"cwd,omitempty"`
	GUID        string `json:"guid,omitempty"`

	ParentPID         int64  `json:"parent_pid,omitempty"`
	ParentImage       string `json:"parent_image,omitempty"`
	ParentName        string `json:"parent_name,omitempty"`
	ParentCommandLine string `json:"parent_command_line,omitempty"`
}

// File describes the file an event is about. Path keeps its original case;
// Norm is the normalized form analytics compare (see NormalizePath).
type File struct {
	Path     string `json:"path,omitempty"`
	Dir      string `json:"dir,omitempty"`
	Name     string `json:"name,omitempty"`
	Ext      string `json:"ext,omitempty"`  // lower case, with the dot: ".zip"
	Size     int64  `json:"size,omitempty"` // bytes; -1 when unknown
	PrevPath string `json:"prev_path,omitempty"`
	// Header holds the first bytes of the content when the telemetry has them.
	Header []byte `json:"header,omitempty"`
	// Type is the content type the sensor determined from the bytes, when
	// it reports one (MDE AdditionalFields.FileType: "Zip", "SevenZip",
	// "Rar"...), so renamed archives can be recognised without Header.
	Type   string `json:"type,omitempty"`
	SHA256 string `json:"sha256,omitempty"`
	// NormDir is the normalized folder (NormalizePath of Dir, with a trailing
	// separator) that staging lists are matched against.
	NormDir string `json:"-"`
}

// Net describes a network connection.
type Net struct {
	Direction  string `json:"direction,omitempty"` // "outbound" or "inbound"
	LocalIP    string `json:"local_ip,omitempty"`
	LocalPort  int    `json:"local_port,omitempty"`
	RemoteIP   string `json:"remote_ip,omitempty"`
	RemotePort int    `json:"remote_port,omitempty"`
	RemoteURL  string `json:"remote_url,omitempty"`
	Protocol   string `json:"protocol,omitempty"`
}

// Remote describes the remote origin of a local action, such as a file
// written over SMB.
type Remote struct {
	Protocol string `json:"protocol,omitempty"` // smb, nfs, scp, rsync, sftp
	SourceIP string `json:"source_ip,omitempty"`
	Account  string `json:"account,omitempty"`
	Share    string `json:"share,omitempty"`
}

// Cloud describes a cloud API call.
type Cloud struct {
	Provider      string `json:"provider,omitempty"`
	Account       string `json:"account,omitempty"`
	Region        string `json:"region,omitempty"`
	Service       string `json:"service,omitempty"`
	Action        string `json:"action,omitempty"`
	Bucket        string `json:"bucket,omitempty"`
	Key           string `json:"key,omitempty"`
	Resource      string `json:"resource,omitempty"`
	Principal     string `json:"principal,omitempty"`
	PrincipalType string `json:"principal_type,omitempty"`
	SourceIP      string `json:"source_ip,omitempty"`
	Bytes         int64  `json:"bytes,omitempty"`
	// Instance is the compute instance the call came from, when the
	// credentials tell (an EC2 instance profile session, a GCE service
	// account on a VM): the "host" of cloud staging.
	Instance  string `json:"instance,omitempty"`
	UserAgent string `json:"user_agent,omitempty"`
	// Target is where a snapshot or image was shared or copied to: another
	// account id, "all" for public, or a region.
	Target string `json:"target,omitempty"`
	// Error is the provider's error code when the call failed
	// (CloudTrail errorCode, GCP status.code, Azure statusCode). Failed
	// calls are kept as evidence but are not writes.
	Error string `json:"error,omitempty"`
}

// Failed reports whether the cloud call was refused or failed.
func (c Cloud) Failed() bool { return c.Error != "" }

// Origin says where an event was read from, so an analyst can find the raw
// record.
type Origin struct {
	Format   string `json:"format,omitempty"`    // decoder name, e.g. "mde"
	File     string `json:"file,omitempty"`      // input path, "-" for stdin
	Line     int64  `json:"line,omitempty"`      // 1-based line, when the format is line oriented
	Record   int64  `json:"record,omitempty"`    // 1-based record index within the file
	RecordID string `json:"record_id,omitempty"` // the source's own record id (ReportId, EventRecordID...)
}

// RoutingKey returns the key that places an event's windows: events with the
// same key must reach the same detector instance (one process in hunt, one
// Kafka partition owner in serve). Cloud object and snapshot activity is
// keyed by provider and bucket (or account, for calls without a bucket),
// because cloud staging gathers many hosts into one bucket; everything else
// is keyed by host.
func RoutingKey(ev *Event) string {
	switch ev.Kind {
	case CloudWrite, CloudRead, CloudCall, Snapshot:
		if ev.Cloud.Provider != "" || ev.Cloud.Account != "" || ev.Cloud.Bucket != "" {
			if ev.Cloud.Bucket != "" {
				return "bucket:" + ev.Cloud.Provider + ":" + ev.Cloud.Bucket
			}
			return "account:" + ev.Cloud.Provider + ":" + ev.Cloud.Account
		}
	}
	return "host:" + ev.Host.Key()
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
