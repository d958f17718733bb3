package ocsf

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/stagewatch/stagewatch"
)

// record is the part of an OCSF event the decoder reads. Absent numbers
// stay nil, so "activity_id": 0 and a missing activity_id differ.
type record struct {
	ClassUID    *int64          `json:"class_uid"`
	CategoryUID *int64          `json:"category_uid"`
	ActivityID  *int64          `json:"activity_id"`
	TypeUID     *int64          `json:"type_uid"`
	ClassName   string          `json:"class_name"`
	Time        json.RawMessage `json:"time"`
	TimeDT      string          `json:"time_dt"`
	StatusID    *int64          `json:"status_id"`
	Status      string          `json:"status"`
	StatusCode  string          `json:"status_code"`
	Metadata    struct {
		UID     string `json:"uid"`
		Version string `json:"version"`
		Product struct {
			Name       string `json:"name"`
			VendorName string `json:"vendor_name"`
		} `json:"product"`
	} `json:"metadata"`
	Device struct {
		Hostname    string `json:"hostname"`
		Name        string `json:"name"`
		UID         string `json:"uid"`
		InstanceUID string `json:"instance_uid"`
		OS          struct {
			Name   string `json:"name"`
			Type   string `json:"type"`
			TypeID int    `json:"type_id"`
		} `json:"os"`
	} `json:"device"`
	Actor struct {
		User    user    `json:"user"`
		Process process `json:"process"`
	} `json:"actor"`
	Process    process `json:"process"`
	File       file    `json:"file"`
	FileResult file    `json:"file_result"`
	API        struct {
		Operation string `json:"operation"`
		Service   struct {
			Name string `json:"name"`
		} `json:"service"`
		Response struct {
			Error json.RawMessage `json:"error"`
		} `json:"response"`
	} `json:"api"`
	Cloud struct {
		Provider  string `json:"provider"`
		Region    string `json:"region"`
		ProjectID string `json:"project_uid"`
		Account   struct {
			UID string `json:"uid"`
		} `json:"account"`
	} `json:"cloud"`
	SrcEndpoint struct {
		IP          string `json:"ip"`
		InstanceUID string `json:"instance_uid"`
	} `json:"src_endpoint"`
	HTTPRequest struct {
		UserAgent string `json:"user_agent"`
	} `json:"http_request"`
	Resources []struct {
		UID  string `json:"uid"`
		Name string `json:"name"`
		Type string `json:"type"`
	} `json:"resources"`
	Unmapped struct {
		RecipientAccountID  string          `json:"recipientAccountId"`
		RequestParameters   json.RawMessage `json:"requestParameters"`
		ResponseElements    json.RawMessage `json:"responseElements"`
		ErrorCode           string          `json:"errorCode"`
		AdditionalEventData json.RawMessage `json:"additionalEventData"`
	} `json:"unmapped"`
}

type user struct {
	Name    string `json:"name"`
	UID     string `json:"uid"`
	Type    string `json:"type"`
	Domain  string `json:"domain"`
	Email   string `json:"email_addr"`
	Account struct {
		UID string `json:"uid"`
	} `json:"account"`
}

type file struct {
	Path         string          `json:"path"`
	Name         string          `json:"name"`
	ParentFolder string          `json:"parent_folder"`
	Size         json.RawMessage `json:"size"`
}

type process struct {
	PID           *int64 `json:"pid"`
	CmdLine       string `json:"cmd_line"`
	CWD           string `json:"working_directory"`
	File          file   `json:"file"`
	User          user   `json:"user"`
	ParentProcess *struct {
		PID     *int64 `json:"pid"`
		CmdLine string `json:"cmd_line"`
		File    file   `json:"file"`
	} `json:"parent_process"`
}

// The OCSF classes the decoder maps, and the activity ids each defines
// (99 Other and 0 Unknown are valid everywhere).
const (
	classFileSystem = 1001
	classProcess    = 1007
	classAPI        = 6003
)

// maxActivity returns the highest activity id a mapped class defines, or
// false for the classes the decoder does not check.
func maxActivity(class int64) (int64, bool) {
	switch class {
	case classFileSystem:
		return 14, true
	case classProcess:
		return 5, true
	case classAPI:
		return 4, true
	}
	return 0, false
}

// validate checks the base attributes and returns a short stable reason on
// failure.
func (r *record) validate() (reason string, err error) {
	if r.ClassUID == nil {
		return "no class_uid", fmt.Errorf("record has no class_uid")
	}
	class := *r.ClassUID
	if class < 1000 || class > 99999 {
		return "bad class_uid", fmt.Errorf("class_uid %d is not an OCSF class", class)
	}
	if r.CategoryUID != nil && *r.CategoryUID != class/1000 {
		return "bad category_uid", fmt.Errorf("category_uid %d does not match class_uid %d", *r.CategoryUID, class)
	}
	if r.ActivityID == nil && r.TypeUID == nil {
		return "no activity_id", fmt.Errorf("record has neither activity_id nor type_uid")
	}
	if r.ActivityID == nil {
		a := *r.TypeUID - class*100
		r.ActivityID = &a
	}
	act := *r.ActivityID
	if r.TypeUID != nil && *r.TypeUID != class*100+act {
		return "type_uid mismatch", fmt.Errorf("type_uid %d is not class_uid*100 + activity_id (%d)", *r.TypeUID, class*100+act)
	}
	if top, ok := maxActivity(class); ok && act != 99 && (act < 0 || act > top) {
		return "bad activity_id", fmt.Errorf("activity_id %d is not defined for class %d", act, class)
	}
	return "", nil
}

// eventTime reads time (epoch milliseconds per the schema, but seconds,
// microseconds and nanoseconds are told apart by magnitude; an ISO string
// is accepted too), else time_dt.
func (r *record) eventTime() (time.Time, error) {
	raw := strings.TrimSpace(string(r.Time))
	if raw == "" || raw == "null" {
		if r.TimeDT == "" {
			return time.Time{}, fmt.Errorf("record has neither time nor time_dt")
		}
		return parseISO(r.TimeDT)
	}
	if raw[0] == '"' {
		var s string
		if err := json.Unmarshal(r.Time, &s); err != nil {
			return time.Time{}, err
		}
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return epoch(f)
		}
		return parseISO(s)
	}
	f, err := strconv.ParseFloat(raw, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("time %s: not a number or string", raw)
	}
	return epoch(f)
}

func parseISO(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("time %q: not RFC 3339", s)
	}
	return t.UTC(), nil
}

// epoch converts an epoch number whose unit is judged by magnitude:
// below 1e11 seconds, below 1e14 milliseconds, below 1e17 microseconds,
// else nanoseconds.
func epoch(f float64) (time.Time, error) {
	if f <= 0 || math.IsNaN(f) || math.IsInf(f, 0) {
		return time.Time{}, fmt.Errorf("time %v: not a positive epoch", f)
	}
	var ns float64
	switch {
	case f < 1e11:
		ns = f * 1e9
	case f < 1e14:
		ns = f * 1e6
	case f < 1e17:
		ns = f * 1e3
	case f < 9e18:
		ns = f
	default:
		return time.Time{}, fmt.Errorf("time %v: out of range", f)
	}
	return time.Unix(0, int64(ns)).UTC(), nil
}

// hostOS maps device.os to a stagewatch OS.
func (r *record) hostOS() stagewatch.OS {
	o := r.Device.OS
	switch o.TypeID {
	case 100:
		return stagewatch.Windows
	case 200:
		return stagewatch.Linux
	case 300:
		return stagewatch.MacOS
	}
	s := strings.ToLower(o.Type + " " + o.Name)
	switch {
	case strings.Contains(s, "windows"):
		return stagewatch.Windows
	case strings.Contains(s, "esxi"), strings.Contains(s, "vmkernel"):
		return stagewatch.ESXi
	case strings.Contains(s, "mac"), strings.Contains(s, "darwin"):
		return stagewatch.MacOS
	case strings.Contains(s, "linux"):
		return stagewatch.Linux
	}
	return stagewatch.OSUnknown
}

// fullPath returns a file's path, joining parent_folder and name when the
// producer left path out.
func (f *file) fullPath(os stagewatch.OS) string {
	if f.Path != "" || f.Name == "" {
		return f.Path
	}
	if f.ParentFolder == "" {
		return f.Name
	}
	sep := "/"
	if os == stagewatch.Windows || strings.Contains(f.ParentFolder, `\`) {
		sep = `\`
	}
	return strings.TrimRight(f.ParentFolder, `/\`) + sep + f.Name
}

// size reads file.size, a number or a numeric string; 0 when unknown.
func (f *file) size() int64 {
	s := strings.Trim(strings.TrimSpace(string(f.Size)), `"`)
	if s == "" || s == "null" {
		return 0
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// userOf returns the stagewatch user of an OCSF user; "-" placeholders
// (Windows' empty fields) count as absent.
func userOf(u *user, os stagewatch.OS) stagewatch.User {
	clean := func(s string) string {
		if s == "-" {
			return ""
		}
		return s
	}
	out := stagewatch.User{Name: clean(u.Name), Domain: clean(u.Domain)}
	if os != stagewatch.Windows || strings.HasPrefix(u.UID, "S-1-") {
		out.SID = clean(u.UID)
	}
	return out
}
