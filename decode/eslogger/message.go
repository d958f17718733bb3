package eslogger

import (
	"bytes"
	"encoding/json"
	"errors"
)

// message is the part of an eslogger JSON line (es_message_t) that
// stagewatch reads. Unlisted keys, such as the stat blocks, are skipped by
// encoding/json. eslogger's keys are all lower-case snake case and none
// differs from another only by case, so struct matching is safe here.
type message struct {
	Version      int         `json:"version"`
	Time         string      `json:"time"`
	GlobalSeqNum json.Number `json:"global_seq_num"`
	Process      *process    `json:"process"`
	Event        *payloads   `json:"event"`
}

// payloads holds the event's payload: eslogger writes exactly one key in
// "event". Decoding it into pointer fields, rather than a map of raw
// messages decoded again, reads each line in one pass; an event of any
// other name leaves every field nil.
type payloads struct {
	Clone  *cloneEvent  `json:"clone"`
	Close  *closeEvent  `json:"close"`
	Create *createEvent `json:"create"`
	Exec   *execEvent   `json:"exec"`
	Fork   *forkEvent   `json:"fork"`
	Link   *linkEvent   `json:"link"`
	Mount  *mountEvent  `json:"mount"`
	Open   *openEvent   `json:"open"`
	Rename *renameEvent `json:"rename"`
	Unlink *targetEvent `json:"unlink"`
	Write  *targetEvent `json:"write"`
}

// process is es_process_t.
type process struct {
	AuditToken       auditToken `json:"audit_token"`
	ParentAuditToken auditToken `json:"parent_audit_token"`
	PPID             int64      `json:"ppid"`
	Executable       file       `json:"executable"`
	SigningID        string     `json:"signing_id"`
	TeamID           string     `json:"team_id"`
}

// file is es_file_t. Size is the stat block's st_size when present.
type file struct {
	Path          string `json:"path"`
	PathTruncated bool   `json:"path_truncated"`
	Stat          *struct {
		Size int64 `json:"st_size"`
	} `json:"stat"`
}

// size returns the file's size from its stat block, or 0 when the message
// has none.
func (f *file) size() int64 {
	if f == nil || f.Stat == nil {
		return 0
	}
	return f.Stat.Size
}

// auditToken is the decoded audit_token. Message versions up to 9 write it
// as an object; version 10 (macOS 26) writes the 8-int array
// [auid, euid, egid, ruid, rgid, pid, asid, pidversion].
type auditToken struct {
	Set        bool
	AUID       int64
	EUID       int64
	EGID       int64
	RUID       int64
	RGID       int64
	PID        int64
	ASID       int64
	PIDVersion int64
}

// UnmarshalJSON accepts both shapes of the token, and null.
func (t *auditToken) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		*t = auditToken{}
		return nil
	case b[0] == '[':
		var a []int64
		if err := json.Unmarshal(b, &a); err != nil {
			return err
		}
		if len(a) != 8 {
			return errors.New("audit_token array does not have 8 numbers")
		}
		*t = auditToken{Set: true, AUID: a[0], EUID: a[1], EGID: a[2], RUID: a[3], RGID: a[4], PID: a[5], ASID: a[6], PIDVersion: a[7]}
		return nil
	}
	var o struct {
		AUID       int64 `json:"auid"`
		EUID       int64 `json:"euid"`
		EGID       int64 `json:"egid"`
		RUID       int64 `json:"ruid"`
		RGID       int64 `json:"rgid"`
		PID        int64 `json:"pid"`
		ASID       int64 `json:"asid"`
		PIDVersion int64 `json:"pidversion"`
	}
	if err := json.Unmarshal(b, &o); err != nil {
		return err
	}
	*t = auditToken{Set: true, AUID: o.AUID, EUID: o.EUID, EGID: o.EGID, RUID: o.RUID, RGID: o.RGID, PID: o.PID, ASID: o.ASID, PIDVersion: o.PIDVersion}
	return nil
}

// unsetAUID is the audit user id of processes outside a login session.
const unsetAUID = 4294967295

// The event payloads stagewatch maps; see ESMessage.h.
type (
	execEvent struct {
		Target process  `json:"target"`
		Args   []string `json:"args"`
		CWD    *file    `json:"cwd"`
		Script *file    `json:"script"`
	}
	forkEvent struct {
		Child process `json:"child"`
	}
	// destination is the destination of create and rename:
	// destination_type 0 names an existing file, 1 a new path.
	destination struct {
		ExistingFile *file `json:"existing_file"`
		NewPath      *struct {
			Dir      file   `json:"dir"`
			Filename string `json:"filename"`
		} `json:"new_path"`
	}
	createEvent struct {
		DestinationType int         `json:"destination_type"`
		Destination     destination `json:"destination"`
	}
	renameEvent struct {
		Source          file        `json:"source"`
		DestinationType int         `json:"destination_type"`
		Destination     destination `json:"destination"`
	}
	targetEvent struct { // write, unlink, truncate
		Target file `json:"target"`
	}
	closeEvent struct {
		Modified bool `json:"modified"`
		Target   file `json:"target"`
	}
	openEvent struct {
		Fflag int64 `json:"fflag"`
		File  file  `json:"file"`
	}
	linkEvent struct {
		Source         file   `json:"source"`
		TargetDir      file   `json:"target_dir"`
		TargetFilename string `json:"target_filename"`
	}
	cloneEvent struct {
		Source     file   `json:"source"`
		TargetDir  file   `json:"target_dir"`
		TargetName string `json:"target_name"`
	}
	mountEvent struct {
		Statfs struct {
			OnName   string `json:"f_mntonname"`
			FromName string `json:"f_mntfromname"`
			FSType   string `json:"f_fstypename"`
		} `json:"statfs"`
	}
)

// path returns the full path a destination names, and whether it names
// one; truncated reports a path_truncated flag on the part it came from.
func (d *destination) path(kind int) (p string, truncated, ok bool) {
	switch {
	case kind == 0 && d.ExistingFile != nil:
		return d.ExistingFile.Path, d.ExistingFile.PathTruncated, true
	case kind == 1 && d.NewPath != nil:
		return joinPath(d.NewPath.Dir.Path, d.NewPath.Filename), d.NewPath.Dir.PathTruncated, true
	case d.ExistingFile != nil: // destination_type missing or wrong
		return d.ExistingFile.Path, d.ExistingFile.PathTruncated, true
	case d.NewPath != nil:
		return joinPath(d.NewPath.Dir.Path, d.NewPath.Filename), d.NewPath.Dir.PathTruncated, true
	}
	return "", false, false
}

// joinPath joins a folder and a file name with exactly one slash.
func joinPath(dir, name string) string {
	switch {
	case dir == "":
		return name
	case name == "":
		return dir
	case dir[len(dir)-1] == '/':
		return dir + name
	}
	return dir + "/" + name
}
