package seedrule

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/stagewatch/stagewatch"
)

// ReadRows reads MDE rows as the seed sees them from NDJSON: one streaming
// API record per line ({"category":"AdvancedHunting-<Table>",
// "properties":{...}}) or one flat advanced-hunting row per line. Blank
// lines are skipped. name is used in errors.
func ReadRows(r io.Reader, name string) ([]Row, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	var rows []Row
	for line := 1; sc.Scan(); line++ {
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		row, err := parseRow(b)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, line, err)
		}
		rows = append(rows, row)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return rows, nil
}

func parseRow(b []byte) (Row, error) {
	var rec struct {
		Category   string                     `json:"category"`
		Properties map[string]json.RawMessage `json:"properties"`
	}
	if err := json.Unmarshal(b, &rec); err != nil {
		return Row{}, err
	}
	props := rec.Properties
	if props == nil {
		if err := json.Unmarshal(b, &props); err != nil {
			return Row{}, err
		}
	}
	str := func(k string) string {
		var s string
		_ = json.Unmarshal(props[k], &s) // null and absent read as ""
		return s
	}
	row := Row{
		Table:                        strings.TrimPrefix(rec.Category, "AdvancedHunting-"),
		DeviceName:                   str("DeviceName"),
		ActionType:                   str("ActionType"),
		FileName:                     str("FileName"),
		FolderPath:                   str("FolderPath"),
		ProcessCommandLine:           str("ProcessCommandLine"),
		AccountName:                  str("AccountName"),
		InitiatingProcessAccountName: str("InitiatingProcessAccountName"),
		InitiatingProcessFileName:    str("InitiatingProcessFileName"),
		InitiatingProcessCommandLine: str("InitiatingProcessCommandLine"),
	}
	if row.Table == "" {
		row.Table = tableOf(row.ActionType)
	}
	ts := str("Timestamp")
	t, err := time.Parse(time.RFC3339Nano, ts)
	if err != nil {
		return Row{}, fmt.Errorf("bad Timestamp %q", ts)
	}
	row.Timestamp = t.UTC()
	return row, nil
}

// tableOf guesses the table of a flat row from its action.
func tableOf(action string) string {
	if strings.HasPrefix(action, "Process") {
		return DeviceProcessEvents
	}
	return DeviceFileEvents
}

// FromEvent returns the seed's view of a decoded MDE event, for events the
// seed reads (process starts and file events). A decoder that follows
// formats.md keeps MDE's full path in File.Path, which is what the raw
// FolderPath column holds.
func FromEvent(ev *stagewatch.Event) (Row, bool) {
	row := Row{
		Timestamp:  ev.Time,
		DeviceName: ev.Host.Name,
		ActionType: ev.Action,
	}
	switch {
	case ev.Kind == stagewatch.ProcessStart:
		row.Table = DeviceProcessEvents
		row.FileName = ev.Proc.Name
		row.FolderPath = ev.Proc.Image
		row.ProcessCommandLine = ev.Proc.CommandLine
		row.AccountName = ev.User.Name
		row.InitiatingProcessFileName = ev.Proc.ParentName
		row.InitiatingProcessCommandLine = ev.Proc.ParentCommandLine
	case ev.Kind.IsFile():
		row.Table = DeviceFileEvents
		row.FileName = ev.File.Name
		row.FolderPath = ev.File.Path
		row.InitiatingProcessAccountName = ev.User.Name
		row.InitiatingProcessFileName = ev.Proc.Name
		row.InitiatingProcessCommandLine = ev.Proc.CommandLine
	default:
		return Row{}, false
	}
	return row, true
}
