package mde

import (
	"bytes"

	"github.com/stagewatch/stagewatch"
)

// Advanced-hunting table names, as in the streaming category
// "AdvancedHunting-<Table>" and the Sentinel Type column.
const (
	tableFile     = "DeviceFileEvents"
	tableProcess  = "DeviceProcessEvents"
	tableNetwork  = "DeviceNetworkEvents"
	tableEvents   = "DeviceEvents"
	tableRegistry = "DeviceRegistryEvents"
)

// action is what an ActionType means to stagewatch.
type action struct {
	name      string // the ActionType itself, as a constant so events share it
	kind      stagewatch.Kind
	table     string // the table the ActionType belongs to
	direction string // for NetConnect
}

// actionOf maps an ActionType to its kind.
//
// DeviceFileEvents, DeviceProcessEvents and DeviceNetworkEvents map as their
// names say; every Connection* type is a NetConnect, outbound unless the
// type says the remote side connected in. DeviceEvents (the "misc" table)
// holds a few types that carry file or process data and map to the
// matching kind:
//
//	SensitiveFileRead            FileRead     file opened for reading
//	ShellLinkCreateFileEvent     FileCreate   a .lnk file was written
//	ProcessCreatedUsingWmiQuery  ProcessStart Proc is the created process
//	UsbDriveMounted, UsbDriveMount Mount      removable media attached
//
// Everything else (registry, logon, image loads, the network inspection
// types that repeat a connection, other DeviceEvents) no analytic uses: the
// decoder skips those rows and counts them in Ignored.
func actionOf(at []byte) (action, bool) {
	switch string(at) {
	case "FileCreated":
		return action{name: "FileCreated", kind: stagewatch.FileCreate, table: tableFile}, true
	case "FileModified":
		return action{name: "FileModified", kind: stagewatch.FileModify, table: tableFile}, true
	case "FileRenamed":
		return action{name: "FileRenamed", kind: stagewatch.FileRename, table: tableFile}, true
	case "FileDeleted":
		return action{name: "FileDeleted", kind: stagewatch.FileDelete, table: tableFile}, true
	case "ProcessCreated":
		return action{name: "ProcessCreated", kind: stagewatch.ProcessStart, table: tableProcess}, true
	case "ConnectionSuccess":
		return outbound("ConnectionSuccess"), true
	case "ConnectionFailed":
		return outbound("ConnectionFailed"), true
	case "ConnectionRequest":
		return outbound("ConnectionRequest"), true
	case "ConnectionAttempt":
		return outbound("ConnectionAttempt"), true
	case "ConnectionFound":
		return outbound("ConnectionFound"), true
	case "ConnectionAcknowledged":
		return outbound("ConnectionAcknowledged"), true
	case "InboundConnectionAccepted":
		return inbound("InboundConnectionAccepted"), true
	case "ListeningConnectionCreated":
		return inbound("ListeningConnectionCreated"), true
	case "SensitiveFileRead":
		return action{name: "SensitiveFileRead", kind: stagewatch.FileRead, table: tableEvents}, true
	case "ShellLinkCreateFileEvent":
		return action{name: "ShellLinkCreateFileEvent", kind: stagewatch.FileCreate, table: tableEvents}, true
	case "ProcessCreatedUsingWmiQuery":
		return action{name: "ProcessCreatedUsingWmiQuery", kind: stagewatch.ProcessStart, table: tableEvents}, true
	case "UsbDriveMounted":
		return action{name: "UsbDriveMounted", kind: stagewatch.Mount, table: tableEvents}, true
	case "UsbDriveMount":
		return action{name: "UsbDriveMount", kind: stagewatch.Mount, table: tableEvents}, true
	}
	if len(at) > len("Connection") && string(at[:len("Connection")]) == "Connection" {
		return action{name: string(at), kind: stagewatch.NetConnect, table: tableNetwork, direction: "outbound"}, true
	}
	return action{}, false
}

func outbound(name string) action {
	return action{name: name, kind: stagewatch.NetConnect, table: tableNetwork, direction: "outbound"}
}

func inbound(name string) action {
	return action{name: name, kind: stagewatch.NetConnect, table: tableNetwork, direction: "inbound"}
}

// tableOf names the row's table: from the streaming category or the
// Sentinel Type column when present, else from the ActionType's home
// table, else from the columns present.
func tableOf(r *row, a action, known bool) string {
	if r.has(fCategory) {
		c := r.raw(fCategory)
		if i := bytes.IndexByte(c, '-'); i >= 0 {
			c = c[i+1:]
		}
		return tableName(c)
	}
	if r.has(fType) {
		return tableName(r.raw(fType))
	}
	if known {
		return a.table
	}
	switch {
	case r.present(fRequestProtocol) || r.present(fPreviousFileName) || r.present(fPreviousFolderPath) || r.present(fShareName):
		return tableFile
	case r.present(fRemoteIP) || r.present(fLocalIP) || r.present(fRemotePort):
		return tableNetwork
	case r.present(fRegistryKey):
		return tableRegistry
	case r.present(fProcessCommandLine):
		return tableProcess
	}
	return ""
}

// tableName returns a constant for the common tables so rows share it.
func tableName(b []byte) string {
	switch string(b) {
	case tableFile:
		return tableFile
	case tableProcess:
		return tableProcess
	case tableNetwork:
		return tableNetwork
	case tableEvents:
		return tableEvents
	case tableRegistry:
		return tableRegistry
	}
	return string(b)
}
