package winjson

import (
	"strings"

	"github.com/stagewatch/stagewatch/decode/winevent"
)

// fromBeats converts Winlogbeat and Elastic Agent events, before and after
// the ECS ingest pipeline. Nested objects and dotted keys are both read.
func fromBeats(v *value, shape Shape, r *winevent.Record) error {
	w := func(parts ...string) *value { return v.path(append([]string{"winlog"}, parts...)...) }
	r.Provider = first(w("provider_name"), v.path("event", "provider"))
	id := w("event_id")
	if id == nil {
		id = v.path("event", "code")
	}
	var err error
	if r.EventID, err = eventID(id); err != nil {
		return err
	}
	r.Version = atoi(w("version").text())
	r.Channel = w("channel").text()
	r.Computer = first(w("computer_name"), v.path("host", "name"), v.path("host", "hostname"))
	r.RecordID = atou(w("record_id").text())
	r.ExecPID = int64(atou(w("process", "pid").text()))
	r.UserSID = w("user", "identifier").text()
	// Winlogbeat sets @timestamp to TimeCreated; time_created, when kept,
	// is the same instant at full precision.
	if r.TimeCreated, err = firstTime(nil, w("time_created"), v.path("@timestamp"), v.path("event", "created")); err != nil {
		return err
	}
	r.Message = v.path("message").text()
	r.Data = appendObject(r.Data, w("event_data"), nil)
	r.Data = appendObject(r.Data, w("user_data"), func(key string, _ *value) bool { return isAttr(key) })
	if shape == ShapeECS {
		ecsFields(v, r)
	}
	return nil
}

// ecsField is where the ECS pipeline moved an EventData value.
type ecsField struct {
	path string // dotted ECS field
	name string // EventData name
}

// sysmonECS maps ECS fields back to Sysmon EventData names.
var sysmonECS = [...]ecsField{
	{"process.pid", "ProcessId"},
	{"process.executable", "Image"},
	{"process.entity_id", "ProcessGuid"},
	{"process.command_line", "CommandLine"},
	{"process.working_directory", "CurrentDirectory"},
	{"process.parent.pid", "ParentProcessId"},
	{"process.parent.executable", "ParentImage"},
	{"process.parent.command_line", "ParentCommandLine"},
	{"process.parent.entity_id", "ParentProcessGuid"},
	{"file.path", "TargetFilename"},
	{"source.ip", "SourceIp"},
	{"source.port", "SourcePort"},
	{"source.domain", "SourceHostname"},
	{"destination.ip", "DestinationIp"},
	{"destination.port", "DestinationPort"},
	{"destination.domain", "DestinationHostname"},
	{"network.transport", "Protocol"},
	{"registry.path", "TargetObject"},
	{"registry.data.strings", "Details"},
	{"dns.question.name", "QueryName"},
	{"sysmon.file.archived", "Archived"},
	{"sysmon.file.is_executable", "IsExecutable"},
}

// securityECS maps ECS fields back to Security EventData names (process
// events name the new process NewProcess*, the others Process*).
var securityECS = [...]ecsField{
	{"file.path", "ObjectName"},
	{"user.name", "SubjectUserName"},
	{"user.domain", "SubjectDomainName"},
	{"source.ip", "IpAddress"},
}

// ecsFields adds the EventData values the pipeline moved into ECS fields,
// where event_data no longer has them.
func ecsFields(v *value, r *winevent.Record) {
	add := func(path, name string) {
		if has(r, name) {
			return
		}
		f := v.path(strings.Split(path, ".")...)
		if f != nil && f.kind == kArray {
			if len(f.arr) == 0 {
				return
			}
			f = &f.arr[0]
		}
		if s := f.text(); s != "" {
			r.Data = append(r.Data, winevent.Field{Name: name, Value: s})
		}
	}
	if strings.EqualFold(r.Provider, winevent.ProviderSecurity) || strings.EqualFold(r.Channel, "Security") {
		if r.EventID == 4688 {
			add("process.executable", "NewProcessName")
			add("process.pid", "NewProcessId")
			add("process.command_line", "CommandLine")
			add("process.parent.executable", "ParentProcessName")
			add("process.parent.pid", "ProcessId")
		} else {
			add("process.executable", "ProcessName")
			add("process.pid", "ProcessId")
		}
		for _, f := range securityECS {
			add(f.path, f.name)
		}
		return
	}
	for _, f := range sysmonECS {
		add(f.path, f.name)
	}
	if !has(r, "User") {
		name, domain := v.path("user", "name").text(), v.path("user", "domain").text()
		switch {
		case name != "" && domain != "":
			r.Data = append(r.Data, winevent.Field{Name: "User", Value: domain + `\` + name})
		case name != "":
			r.Data = append(r.Data, winevent.Field{Name: "User", Value: name})
		}
	}
	if !has(r, "Initiated") {
		switch v.path("network", "direction").text() {
		case "egress", "outbound":
			r.Data = append(r.Data, winevent.Field{Name: "Initiated", Value: "true"})
		case "ingress", "inbound":
			r.Data = append(r.Data, winevent.Field{Name: "Initiated", Value: "false"})
		}
	}
}
