// Package gen builds the demo dataset: a deterministic morning of Microsoft
// Defender for Endpoint telemetry on two hosts in which one staging story
// hides among benign noise and a look-alike of every built-in suppression.
//
// The dataset is written by hand as Go code so that it can be read, reviewed
// and changed; the demo package embeds its output and a test there checks
// that the committed files are what this package produces.
package gen

import (
	"bytes"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"time"
)

// tenant is the made-up Entra tenant every record carries.
const tenant = "5f1d2c3b-8a7e-4c1f-9b2d-0e6a7c4d3b21"

// stamp formats times the way MDE streams them: UTC with seven fractional
// digits.
const stamp = "2006-01-02T15:04:05.0000000Z"

// Record is one MDE streaming-API record as the storage-account export
// writes it, one per line.
type Record struct {
	Time          string `json:"time"`
	TenantID      string `json:"tenantId"`
	OperationName string `json:"operationName"`
	Category      string `json:"category"`
	Received      string `json:"_TimeReceivedBySvc"`
	Properties    any    `json:"properties"`
	Tenant        string `json:"Tenant"`

	at time.Time // event time, for ordering
}

// FileProps are the DeviceFileEvents columns the demo fills, in the order
// the streaming export writes them.
type FileProps struct {
	Timestamp            string  `json:"Timestamp"`
	DeviceID             string  `json:"DeviceId"`
	DeviceName           string  `json:"DeviceName"`
	ActionType           string  `json:"ActionType"`
	FileName             string  `json:"FileName"`
	FolderPath           string  `json:"FolderPath"`
	SHA1                 string  `json:"SHA1"`
	SHA256               string  `json:"SHA256"`
	MD5                  string  `json:"MD5"`
	FileSize             int64   `json:"FileSize"`
	PreviousFolderPath   string  `json:"PreviousFolderPath"`
	PreviousFileName     string  `json:"PreviousFileName"`
	RequestProtocol      string  `json:"RequestProtocol"`
	ShareName            *string `json:"ShareName"`
	RequestSourceIP      *string `json:"RequestSourceIP"`
	RequestAccountName   string  `json:"RequestAccountName"`
	RequestAccountDomain string  `json:"RequestAccountDomain"`
	RequestAccountSid    string  `json:"RequestAccountSid"`
	FileOriginURL        *string `json:"FileOriginUrl"`
	SensitivityLabel     *string `json:"SensitivityLabel"`
	AdditionalFields     string  `json:"AdditionalFields"`
	ReportID             int64   `json:"ReportId"`
	MachineGroup         string  `json:"MachineGroup"`
	initiating
}

// ProcessProps are the DeviceProcessEvents columns the demo fills.
type ProcessProps struct {
	Timestamp             string  `json:"Timestamp"`
	DeviceID              string  `json:"DeviceId"`
	DeviceName            string  `json:"DeviceName"`
	ActionType            string  `json:"ActionType"`
	FileName              string  `json:"FileName"`
	FolderPath            string  `json:"FolderPath"`
	SHA1                  string  `json:"SHA1"`
	SHA256                string  `json:"SHA256"`
	MD5                   string  `json:"MD5"`
	FileSize              int64   `json:"FileSize"`
	ProcessID             int64   `json:"ProcessId"`
	ProcessCommandLine    string  `json:"ProcessCommandLine"`
	ProcessIntegrityLevel string  `json:"ProcessIntegrityLevel"`
	ProcessTokenElevation string  `json:"ProcessTokenElevation"`
	ProcessCreationTime   string  `json:"ProcessCreationTime"`
	AccountDomain         string  `json:"AccountDomain"`
	AccountName           string  `json:"AccountName"`
	AccountSid            string  `json:"AccountSid"`
	AccountUpn            *string `json:"AccountUpn"`
	LogonID               int64   `json:"LogonId"`
	AdditionalFields      string  `json:"AdditionalFields"`
	ReportID              int64   `json:"ReportId"`
	MachineGroup          string  `json:"MachineGroup"`
	initiating
}

// initiating holds the InitiatingProcess* columns both tables share. It is
// embedded so encoding/json flattens it into the row.
type initiating struct {
	InitiatingProcessAccountDomain      string  `json:"InitiatingProcessAccountDomain"`
	InitiatingProcessAccountName        string  `json:"InitiatingProcessAccountName"`
	InitiatingProcessAccountSid         string  `json:"InitiatingProcessAccountSid"`
	InitiatingProcessAccountUpn         *string `json:"InitiatingProcessAccountUpn"`
	InitiatingProcessFileName           string  `json:"InitiatingProcessFileName"`
	InitiatingProcessFolderPath         string  `json:"InitiatingProcessFolderPath"`
	InitiatingProcessCommandLine        string  `json:"InitiatingProcessCommandLine"`
	InitiatingProcessID                 int64   `json:"InitiatingProcessId"`
	InitiatingProcessCreationTime       string  `json:"InitiatingProcessCreationTime"`
	InitiatingProcessIntegrityLevel     string  `json:"InitiatingProcessIntegrityLevel"`
	InitiatingProcessTokenElevation     string  `json:"InitiatingProcessTokenElevation"`
	InitiatingProcessSHA1               string  `json:"InitiatingProcessSHA1"`
	InitiatingProcessSHA256             string  `json:"InitiatingProcessSHA256"`
	InitiatingProcessParentFileName     string  `json:"InitiatingProcessParentFileName"`
	InitiatingProcessParentID           int64   `json:"InitiatingProcessParentId"`
	InitiatingProcessParentCreationTime string  `json:"InitiatingProcessParentCreationTime"`
	IsInitiatingProcessRemoteSession    bool    `json:"IsInitiatingProcessRemoteSession"`
	InitiatingProcessRemoteSessionIP    *string `json:"InitiatingProcessRemoteSessionIP"`
}

// WriteNDJSON writes records one per line, as the storage export does.
func WriteNDJSON(w io.Writer, recs []Record) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	for i := range recs {
		if err := enc.Encode(&recs[i]); err != nil {
			return fmt.Errorf("record %d: %w", i+1, err)
		}
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// sortRecords orders records by event time, keeping the order of records
// written for the same instant.
func sortRecords(recs []Record) {
	sort.SliceStable(recs, func(i, j int) bool { return recs[i].at.Before(recs[j].at) })
}

// hashes returns deterministic, well-formed but fake digests of a name.
func hashes(name string) (sha1Hex, sha256Hex, md5Hex string) {
	a := sha1.Sum([]byte("demo:" + name))
	b := sha256.Sum256([]byte("demo:" + name))
	c := md5.Sum([]byte("demo:" + name))
	return hex.EncodeToString(a[:]), hex.EncodeToString(b[:]), hex.EncodeToString(c[:])
}
