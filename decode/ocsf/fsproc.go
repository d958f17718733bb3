package ocsf

import (
	"strings"

	"github.com/stagewatch/stagewatch"
)

// mapFile fills ev from a File System Activity record: 1 Create, 2 Read,
// 3 Update, 4 Delete, 5 Rename (to file_result), 12 Mount (file is the
// mount point). False for the other activities.
func mapFile(r *record, ev *stagewatch.Event, act int64) bool {
	switch act {
	case 1:
		ev.Kind = stagewatch.FileCreate
	case 2:
		ev.Kind = stagewatch.FileRead
	case 3:
		ev.Kind = stagewatch.FileModify
	case 4:
		ev.Kind = stagewatch.FileDelete
	case 5:
		ev.Kind = stagewatch.FileRename
	case 12:
		ev.Kind = stagewatch.Mount
	default:
		return false
	}
	os := r.hostOS()
	ev.Host = host(r, os)
	ev.Action = activityName(act)
	ev.Proc = actingProcess(&r.Actor.Process, os)
	ev.User = userOf(&r.Actor.User, os)
	if ev.User == (stagewatch.User{}) {
		ev.User = userOf(&r.Actor.Process.User, os)
	}
	path := r.File.fullPath(os)
	if ev.Kind == stagewatch.FileRename {
		if to := r.FileResult.fullPath(os); to != "" {
			ev.File.SetPath(os, to)
			ev.File.PrevPath = path
			ev.File.Size = r.File.size()
			return true
		}
	}
	if path == "" {
		return false
	}
	ev.File.SetPath(os, path)
	ev.File.Size = r.File.size()
	return true
}

func activityName(act int64) string {
	return [...]string{1: "Create", 2: "Read", 3: "Update", 4: "Delete", 5: "Rename", 12: "Mount"}[act]
}

// mapProcess fills ev from a Process Activity Launch: process is the new
// process; its parent is process.parent_process, else the actor (the
// creator, which is the parent on the platforms that report it).
func mapProcess(r *record, ev *stagewatch.Event) {
	os := r.hostOS()
	ev.Kind = stagewatch.ProcessStart
	ev.Action = "Launch"
	ev.Host = host(r, os)
	ev.Proc = actingProcess(&r.Process, os)
	ev.Proc.CWD = r.Process.CWD
	if pp := r.Process.ParentProcess; pp != nil && (pp.PID != nil || pp.File.Path != "" || pp.File.Name != "") {
		if pp.PID != nil {
			ev.Proc.ParentPID = *pp.PID
		}
		ev.Proc.ParentImage = pp.File.fullPath(os)
		ev.Proc.ParentCommandLine = pp.CmdLine
	} else {
		parent := actingProcess(&r.Actor.Process, os)
		ev.Proc.ParentPID, ev.Proc.ParentImage, ev.Proc.ParentCommandLine = parent.PID, parent.Image, parent.CommandLine
	}
	if ev.Proc.ParentImage != "" {
		_, ev.Proc.ParentName = stagewatch.SplitPath(os, ev.Proc.ParentImage)
	}
	ev.User = userOf(&r.Process.User, os)
	if ev.User.Name == "" {
		ev.User = userOf(&r.Actor.User, os)
	}
}

// actingProcess converts an OCSF process to the acting Process.
func actingProcess(p *process, os stagewatch.OS) stagewatch.Process {
	out := stagewatch.Process{CommandLine: strings.TrimSpace(p.CmdLine)}
	if p.PID != nil {
		out.PID = *p.PID
	}
	out.Image = p.File.fullPath(os)
	if out.Image != "" {
		_, out.Name = stagewatch.SplitPath(os, out.Image)
	}
	return out
}

func host(r *record, os stagewatch.OS) stagewatch.Host {
	return stagewatch.Host{Name: first(r.Device.Hostname, r.Device.Name), ID: r.Device.UID, OS: os}
}
