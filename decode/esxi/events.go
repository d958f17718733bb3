package esxi

import (
	"net/netip"
	"strconv"
	"strings"

	"github.com/stagewatch/stagewatch"
)

// process turns one complete entry into zero or more events. ESXi lines that
// carry nothing for staging produce no event and no error.
func (d *Decoder) process(e *entry) {
	switch {
	case e.vmx:
		d.vmware(e)
	case e.app == "shell":
		d.shell(e)
	case e.app == "hostd":
		d.hostd(e)
	case e.app == "vmkernel" || e.app == "vmkwarning":
		d.vmkernel(e)
	case e.app == "sshd":
		d.sshdLine(e)
	case e.app == "vobd":
		d.vobd(e)
	}
}

// event returns a new event of kind for e, with host, time and origin set.
func (d *Decoder) event(e *entry, kind stagewatch.Kind, action string) *stagewatch.Event {
	ev := &stagewatch.Event{
		Time:   e.time,
		Kind:   kind,
		Action: action,
		Host:   stagewatch.Host{Name: e.host, OS: stagewatch.ESXi},
		Origin: stagewatch.Origin{Format: Format, File: d.opts.File, Line: e.line, Record: e.record},
		Attrs:  map[string]string{"app": e.app},
	}
	return ev
}

// shell reads "[user]: command" (ESXi 6.5 and later) or "command" (5.x).
func (d *Decoder) shell(e *entry) {
	msg, user := e.msg, ""
	if strings.HasPrefix(msg, "[") {
		if i := strings.Index(msg, "]: "); i > 1 {
			user, msg = msg[1:i], msg[i+3:]
		}
	}
	msg = strings.TrimSpace(msg)
	if msg == "" || strings.HasPrefix(msg, "Interactive shell session") || strings.HasPrefix(msg, "ESXi Shell") {
		return
	}
	ev := d.event(e, stagewatch.ProcessStart, "shell command")
	first, _, _ := strings.Cut(msg, " ")
	ev.Proc = stagewatch.Process{CommandLine: msg, ParentPID: e.pid, ParentName: "sh"}
	if strings.Contains(first, "/") {
		ev.Proc.Image = first
	}
	_, ev.Proc.Name = stagewatch.SplitPath(stagewatch.ESXi, first)
	ev.User.Name = user
	d.emit(ev)
}

// hostdPrefix splits "[Originator@6876 sub=X opID=Y user=Z] msg" into the
// bracket's text and the message.
func hostdPrefix(msg string) (prefix, rest string) {
	if !strings.HasPrefix(msg, "[Originator@") {
		return "", msg
	}
	end := strings.IndexByte(msg, ']')
	if end < 0 {
		return "", msg
	}
	return msg[1:end], strings.TrimLeft(msg[end+1:], " ")
}

// prefixField returns the value of key= in a hostd prefix (quotes of an
// RFC 5424 structured-data value removed).
func prefixField(prefix, key string) string {
	for kv := range strings.FieldsSeq(prefix) {
		if v, ok := strings.CutPrefix(kv, key); ok && strings.HasPrefix(v, "=") {
			return strings.Trim(v[1:], `"`)
		}
	}
	return ""
}

// hostdUser sets the acting user from hostd's user= field. A vCenter
// session ("vpxuser:VSPHERE.LOCAL\svc-veeam") names the person behind
// vpxuser.
func hostdUser(ev *stagewatch.Event, user string) {
	if user == "" {
		return
	}
	if proxy, real, ok := strings.Cut(user, ":"); ok && real != "" {
		ev.Attrs["via"] = proxy
		user = real
	}
	if dom, name, ok := strings.Cut(user, `\`); ok {
		ev.User = stagewatch.User{Name: name, Domain: dom}
		return
	}
	ev.User.Name = user
}

func (d *Decoder) hostd(e *entry) {
	prefix, msg := hostdPrefix(e.msg)
	newEv := func(kind stagewatch.Kind, action string) *stagewatch.Event {
		ev := d.event(e, kind, action)
		if v := prefixField(prefix, "opID"); v != "" {
			ev.Attrs["opID"] = v
		}
		if v := prefixField(prefix, "sub"); v != "" {
			ev.Attrs["sub"] = v
		}
		hostdUser(ev, prefixField(prefix, "user"))
		return ev
	}
	eventID := ""
	if rest, ok := strings.CutPrefix(msg, "Event "); ok {
		if n, text, ok := strings.Cut(rest, " : "); ok && allDigits(n) {
			eventID, msg = n, text
		}
	}
	switch {
	case strings.HasPrefix(msg, "Accepted password for user "):
		// "Accepted password for user root from 192.168.127.10 - session=..."
		rest := msg[len("Accepted password for user "):]
		user, rest, _ := strings.Cut(rest, " from ")
		ip, _, _ := strings.Cut(rest, " ")
		ev := newEv(stagewatch.NetConnect, "hostd login")
		ev.User.Name = user
		ev.Net = stagewatch.Net{Direction: "inbound", RemoteIP: ip, Protocol: "https"}
		d.emit(ev)
	case strings.HasPrefix(msg, "Task Created : ") && strings.Contains(msg, "vim.VirtualMachine.createSnapshot"):
		// "Task Created : haTask-12-vim.VirtualMachine.createSnapshot-41"
		task := strings.TrimSpace(msg[len("Task Created : "):])
		ev := newEv(stagewatch.Snapshot, "vim.VirtualMachine.createSnapshot")
		if vm, _, ok := strings.Cut(strings.TrimPrefix(task, "haTask-"), "-vim."); ok && vm != "" {
			ev.File.Name = vm
		}
		ev.Origin.RecordID = task
		d.snapshotVMX(ev, prefixField(prefix, "sub"))
		d.emit(ev)
	case strings.Contains(msg, "CreateSnapshot_Task"):
		ev := newEv(stagewatch.Snapshot, "CreateSnapshot_Task")
		d.snapshotVMX(ev, prefixField(prefix, "sub"))
		d.emit(ev)
	case strings.HasPrefix(msg, "Guest operation Initiate File Transfer "):
		// "Guest operation Initiate File Transfer From Guest performed on Virtual machine X."
		if d.guest != nil {
			d.emitGuest("")
		}
		action := "Initiate File Transfer To Guest"
		if strings.Contains(msg, " From Guest") {
			action = "Initiate File Transfer From Guest"
		}
		vm := ""
		if _, v, ok := strings.Cut(msg, " on Virtual machine "); ok {
			vm = strings.TrimSuffix(v, ".")
		}
		ev := newEv(stagewatch.FileCreate, action)
		ev.Origin.RecordID = eventID
		ev.Attrs["vm"] = vm
		d.guest = &guestOp{ev: ev}
	case strings.HasPrefix(msg, "Guest File Path is "):
		if d.guest != nil {
			d.emitGuest(strings.TrimSpace(msg[len("Guest File Path is "):]))
		}
	case eventID != "" && strings.Contains(msg, "NAS datastore "):
		// "Created NAS datastore stage on host esx01" (hostd/vpxa event text).
		_, name, _ := strings.Cut(msg, "NAS datastore ")
		name, _, _ = strings.Cut(name, " ")
		if name == "" || !strings.Contains(strings.ToLower(msg), "created") {
			return
		}
		ev := newEv(stagewatch.Mount, "NAS datastore created")
		ev.Origin.RecordID = eventID
		ev.File.SetPath(stagewatch.ESXi, "/vmfs/volumes/"+name)
		ev.Remote.Protocol = "nfs"
		d.emit(ev)
	}
}

// snapshotVMX sets the VM's .vmx path from a hostd "sub=Vmsvc.vm:<path>".
func (d *Decoder) snapshotVMX(ev *stagewatch.Event, sub string) {
	if p, ok := strings.CutPrefix(sub, "Vmsvc.vm:"); ok && strings.HasSuffix(p, ".vmx") {
		ev.File.SetPath(stagewatch.ESXi, p)
	}
}

// guestOp is a guest file transfer event waiting for the path hostd logs on
// the next GuestFileHandler line.
type guestOp struct{ ev *stagewatch.Event }

// emitGuest emits the pending guest transfer. The file is the guest path
// (a guest OS path, often Windows); the VM is in Attrs["vm"].
func (d *Decoder) emitGuest(path string) {
	ev := d.guest.ev
	d.guest = nil
	if path != "" {
		ev.File.SetPath(stagewatch.OSUnknown, path)
	}
	d.emit(ev)
}

// vmkernel reads NFS mount lines:
//
//	NFS: 162: Command: (mount) Server: (10.9.9.9) IP: (10.9.9.9) Path: (/exfil) Label: (stage) Options: (None)
//	NFS: 221: NFS mount 10.9.9.9:/exfil status: Success
//	NFS41: NFS41_VSIMountSet:423: Mount server: 10.9.9.9, port: 2049, path: /exfil, label: stage, security: 1 user: , options: <none>
func (d *Decoder) vmkernel(e *entry) {
	msg := e.msg
	if strings.HasPrefix(msg, "cpu") {
		if i := strings.IndexByte(msg, ')'); i > 0 && i < 24 {
			msg = msg[i+1:]
		}
	}
	switch {
	case strings.HasPrefix(msg, "NFS: ") && strings.Contains(msg, "Command: (mount)"):
		server, path, label := paren(msg, "Server: ("), paren(msg, "Path: ("), paren(msg, "Label: (")
		if server != "" && path != "" && label != "" {
			if d.labels == nil || len(d.labels) > 1024 {
				d.labels = make(map[string]string)
			}
			d.labels[server+":"+path] = label
		}
	case strings.HasPrefix(msg, "NFS: ") && strings.Contains(msg, "NFS mount ") && strings.Contains(msg, " status: Success"):
		_, rest, _ := strings.Cut(msg, "NFS mount ")
		share, _, _ := strings.Cut(rest, " ")
		d.emit(d.mount(e, "NFS mount", share, d.labels[share]))
	case strings.HasPrefix(msg, "NFS41: ") && strings.Contains(msg, "Mount server: "):
		server := field(msg, "Mount server: ")
		path, label := field(msg, "path: "), field(msg, "label: ")
		if server == "" || path == "" {
			return
		}
		d.emit(d.mount(e, "NFS41 mount", server+":"+path, label))
	}
}

// mount builds a Mount event for an NFS share "host:/path".
func (d *Decoder) mount(e *entry, action, share, label string) *stagewatch.Event {
	ev := d.event(e, stagewatch.Mount, action)
	ev.Remote.Protocol = "nfs"
	ev.Remote.Share = share
	if host, _, ok := strings.Cut(share, ":"); ok {
		if _, err := netip.ParseAddr(host); err == nil {
			ev.Remote.SourceIP = host
		}
	}
	if label != "" {
		ev.File.SetPath(stagewatch.ESXi, "/vmfs/volumes/"+label)
	}
	return ev
}

// paren returns the text between key (ending in "(") and the next ")".
func paren(s, key string) string {
	_, rest, ok := strings.Cut(s, key)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(rest, ")")
	return v
}

// field returns the text after key up to the next comma.
func field(s, key string) string {
	_, rest, ok := strings.Cut(s, key)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(rest, ",")
	return strings.TrimSpace(v)
}

// sshConn is an sshd connection waiting for its login.
type sshConn struct {
	ip       string
	port     int
	accepted bool
}

// sshdLine reads sshd's "Connection from", "Accepted ... for U from IP port
// P" and the ESXi 5 "Session opened for 'U'" (a login whose connection was
// logged by the same sshd pid, with no Accepted line).
func (d *Decoder) sshdLine(e *entry) {
	if d.sshd == nil || len(d.sshd) > 4096 {
		d.sshd = make(map[int64]sshConn)
	}
	msg := e.msg
	switch {
	case strings.HasPrefix(msg, "Connection from "):
		f := strings.Fields(msg)
		if len(f) < 3 {
			return
		}
		c := sshConn{ip: f[2]}
		if len(f) >= 5 && f[3] == "port" {
			c.port, _ = strconv.Atoi(f[4])
		}
		d.sshd[e.pid] = c
	case strings.HasPrefix(msg, "Accepted "):
		// "Accepted keyboard-interactive/pam for root from 192.168.127.10 port 58470 ssh2"
		f := strings.Fields(msg)
		if len(f) < 6 || f[2] != "for" || f[4] != "from" {
			return
		}
		c := sshConn{ip: f[5], accepted: true}
		if len(f) >= 8 && f[6] == "port" {
			c.port, _ = strconv.Atoi(f[7])
		}
		d.sshd[e.pid] = c
		d.emit(d.sshLogin(e, f[3], c, f[1]))
	case strings.HasPrefix(msg, "Session opened for '"):
		c, ok := d.sshd[e.pid]
		if !ok || c.accepted {
			return
		}
		user, _, _ := strings.Cut(msg[len("Session opened for '"):], "'")
		c.accepted = true
		d.sshd[e.pid] = c
		d.emit(d.sshLogin(e, user, c, "session"))
	case strings.HasPrefix(msg, "Session closed for "):
		delete(d.sshd, e.pid)
	}
}

func (d *Decoder) sshLogin(e *entry, user string, c sshConn, method string) *stagewatch.Event {
	ev := d.event(e, stagewatch.NetConnect, "ssh login")
	ev.User.Name = user
	ev.Proc = stagewatch.Process{PID: e.pid, Name: "sshd"}
	ev.Net = stagewatch.Net{Direction: "inbound", RemoteIP: c.ip, RemotePort: c.port, LocalPort: 22, Protocol: "tcp"}
	ev.Attrs["method"] = method
	return ev
}

// vobd reads "[esx.audit.ssh.session.opened] SSH session was opened for
// 'root@192.168.1.5'." as an inbound SSH login.
func (d *Decoder) vobd(e *entry) {
	if !strings.Contains(e.msg, "[esx.audit.ssh.session.opened]") {
		return
	}
	_, rest, ok := strings.Cut(e.msg, "opened for '")
	if !ok {
		return
	}
	who, _, _ := strings.Cut(rest, "'")
	user, ip, _ := strings.Cut(who, "@")
	ev := d.event(e, stagewatch.NetConnect, "esx.audit.ssh.session.opened")
	ev.User.Name = user
	ev.Net = stagewatch.Net{Direction: "inbound", RemoteIP: ip, LocalPort: 22, Protocol: "tcp"}
	d.emit(ev)
}

// vmware reads a per-VM vmware.log line: "SnapshotVMX_TakeSnapshot start:
// 'name', ..." is a snapshot of this VM.
func (d *Decoder) vmware(e *entry) {
	rest, ok := strings.CutPrefix(e.msg, "SnapshotVMX_TakeSnapshot start: ")
	if !ok {
		return
	}
	ev := d.event(e, stagewatch.Snapshot, "SnapshotVMX_TakeSnapshot")
	if name, _, ok := strings.Cut(strings.TrimPrefix(rest, "'"), "'"); ok {
		ev.Attrs["snapshot"] = name
	}
	if e.opID != "" {
		ev.Attrs["opID"] = e.opID
	}
	ev.File.Name = d.vmName
	d.emit(ev)
}
