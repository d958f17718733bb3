package analytic

import (
	"net/netip"
	"strings"

	"github.com/stagewatch/stagewatch"
)

// inboundStart is an inbound transfer or remote mount found in a process
// start or a Mount event.
type inboundStart struct {
	via      string // "scp -t", "rsync --server", "sftp-server", "mount", "Mount event"...
	protocol string // scp, rsync, sftp, nfs, cifs, smbfs, afpfs, sshfs
	dest     string // destination folder or mount target as written; "" when unknown
	share    string // mount source as written (10.0.0.5:/export, //host/share)
	sourceIP string // the mount source's host when it is an IP literal
	mount    bool
}

// remoteFS maps a file-system type (mount -t, Remote.Protocol) to the
// protocol name used in alerts; "" for local file systems.
func remoteFS(t string) string {
	switch t = strings.ToLower(strings.TrimPrefix(t, "fuse.")); t {
	case "nfs", "nfs3", "nfs4":
		return "nfs"
	case "cifs", "smb3", "smb":
		return "cifs"
	case "smbfs", "afpfs", "sshfs", "webdav", "ftpfs":
		return t
	}
	return ""
}

// mayTransfer is the prefilter on a process name: the inbound ends of
// scp, rsync and sftp, and the mount commands.
func mayTransfer(name string) bool {
	switch name {
	case "scp", "rsync", "sftp-server", "internal-sftp", "mount", "mount.nfs", "mount.nfs4", "mount.cifs", "mount.smb3",
		"mount_smbfs", "mount_nfs", "mount_afp", "sshfs":
		return true
	}
	return false
}

// parseInbound reads a process start of an inbound transfer's receiving
// end or of a remote mount.
func parseInbound(name string, argv []string) (inboundStart, bool) {
	args := argv[1:]
	switch name {
	case "scp":
		sink := false
		var pos []string
		for i := 0; i < len(args); i++ {
			a := args[i]
			switch {
			case a == "--":
				pos = append(pos, args[i+1:]...)
				i = len(args)
			case len(a) > 1 && a[0] == '-':
				if strings.ContainsRune(a[1:], 't') {
					sink = true
				}
				if strings.ContainsAny(a[1:], "f") {
					return inboundStart{}, false // source mode: the host sends
				}
			default:
				pos = append(pos, a)
			}
		}
		if !sink {
			return inboundStart{}, false
		}
		s := inboundStart{via: "scp -t", protocol: "scp"}
		if len(pos) > 0 {
			s.dest = pos[len(pos)-1]
		}
		return s, true
	case "rsync":
		server := false
		var pos []string
		for _, a := range args {
			switch {
			case a == "--server":
				server = true
			case a == "--sender":
				return inboundStart{}, false // the host sends
			case strings.HasPrefix(a, "-"):
			default:
				pos = append(pos, a)
			}
		}
		if !server {
			return inboundStart{}, false
		}
		s := inboundStart{via: "rsync --server", protocol: "rsync"}
		if len(pos) > 0 && pos[len(pos)-1] != "." {
			s.dest = pos[len(pos)-1]
		}
		return s, true
	case "sftp-server", "internal-sftp":
		return inboundStart{via: name, protocol: "sftp"}, true
	}
	return parseMountArgs(name, args)
}

// parseMountArgs: mount [-t TYPE] [-o OPTS] SOURCE TARGET, mount.nfs
// SOURCE TARGET, mount_smbfs //user@host/share TARGET, sshfs
// user@host:/path TARGET.
func parseMountArgs(name string, args []string) (inboundStart, bool) {
	fstype := ""
	switch name {
	case "mount.nfs", "mount.nfs4", "mount_nfs":
		fstype = "nfs"
	case "mount.cifs", "mount.smb3":
		fstype = "cifs"
	case "mount_smbfs":
		fstype = "smbfs"
	case "mount_afp":
		fstype = "afpfs"
	case "sshfs":
		fstype = "sshfs"
	}
	var pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-t" && i+1 < len(args):
			i++
			fstype = args[i]
		case strings.HasPrefix(a, "--types="):
			fstype = a[len("--types="):]
		case a == "-o" || a == "-O" || a == "-L" || a == "-U" || a == "-p":
			i++
		case strings.HasPrefix(a, "-"):
		default:
			pos = append(pos, a)
		}
	}
	if len(pos) < 2 {
		return inboundStart{}, false
	}
	src := pos[len(pos)-2]
	if fstype == "" {
		// mount host:/export /mnt/x and mount //host/share /mnt/x name
		// their type by the source's form.
		switch {
		case strings.HasPrefix(src, "//"):
			fstype = "cifs"
		case IsRemote(src):
			fstype = "nfs"
		}
	}
	proto := remoteFS(fstype)
	if proto == "" {
		return inboundStart{}, false
	}
	s := inboundStart{via: name, protocol: proto, dest: pos[len(pos)-1], share: src, mount: true}
	s.sourceIP = ipLiteral(shareHost(src))
	return s, true
}

// shareHost returns the host part of a mount source: host:/export,
// //user@host/share, user@host:/path.
func shareHost(src string) string {
	h := src
	if strings.HasPrefix(h, "//") || strings.HasPrefix(h, `\\`) {
		h = h[2:]
		if i := strings.IndexAny(h, `/\`); i >= 0 {
			h = h[:i]
		}
	} else if i := strings.Index(h, ":/"); i >= 0 {
		h = h[:i]
	} else if i := strings.IndexByte(h, ':'); i > 0 {
		h = h[:i]
	}
	if i := strings.LastIndexByte(h, '@'); i >= 0 {
		h = h[i+1:]
	}
	return strings.Trim(h, "[]")
}

// ipLiteral returns h when it is an IP address, else "".
func ipLiteral(h string) string {
	if _, err := netip.ParseAddr(h); err == nil {
		return h
	}
	return ""
}

// mountEvent reads a Mount event (File = the mount target, Remote = the
// source) by the event contract.
func mountEvent(ev *stagewatch.Event) (inboundStart, bool) {
	proto := remoteFS(ev.Remote.Protocol)
	if proto == "" || ev.File.Path == "" {
		return inboundStart{}, false
	}
	s := inboundStart{via: cmpOr(ev.Action, "mount"), protocol: proto, dest: ev.File.Path, share: ev.Remote.Share, mount: true}
	s.sourceIP = cmpOr(ev.Remote.SourceIP, ipLiteral(shareHost(ev.Remote.Share)))
	return s, true
}

// hostList matches sources against RemoteHosts entries: an IP, a CIDR
// prefix, or a case-insensitive glob over host names and addresses.
type hostList struct {
	prefixes []netip.Prefix
	globs    []string
}

func newHostList(entries List) (hostList, error) {
	var l hostList
	for _, e := range entries {
		e = strings.TrimSpace(stripComment(e))
		if e == "" {
			continue
		}
		if strings.Contains(e, "/") {
			p, err := netip.ParsePrefix(e)
			if err != nil {
				return l, err
			}
			l.prefixes = append(l.prefixes, p.Masked())
			continue
		}
		l.globs = append(l.globs, strings.ToLower(e))
	}
	return l, nil
}

// match reports whether any of the values (an IP, a host name) is listed.
func (l hostList) match(values ...string) bool {
	for _, v := range values {
		if v == "" {
			continue
		}
		if a, err := netip.ParseAddr(v); err == nil {
			for _, p := range l.prefixes {
				if p.Contains(a.Unmap()) {
					return true
				}
			}
		}
		if anyGlobOf(l.globs, v) {
			return true
		}
	}
	return false
}

// dirUnder reports whether dir is prefix or below it (macOS ignoring case).
func dirUnder(os stagewatch.OS, dir, prefix string) bool {
	if len(dir) < len(prefix) {
		return false
	}
	if os == stagewatch.MacOS {
		return strings.EqualFold(dir[:len(prefix)], prefix)
	}
	return dir[:len(prefix)] == prefix
}

// fromMount reports whether a write into a staging folder, by another
// process while a share is mounted, copies from the share: a copy or
// archive tool whose command line (when the format carries it) names the
// mount target.
func (d *InboundTransferStagingDetector) fromMount(ev *stagewatch.Event, t *transfer) bool {
	if !d.copyLike(procName(&ev.Proc)) {
		return false
	}
	if ev.Proc.CommandLine == "" || t.dest == "" {
		return true
	}
	target := strings.TrimRight(t.dest, "/")
	if ev.Host.OS == stagewatch.MacOS {
		return containsFold(ev.Proc.CommandLine, stagewatch.LowerASCII(target))
	}
	return strings.Contains(ev.Proc.CommandLine, target)
}

// copyLike reports whether a process that writes while a share is mounted
// is a copy or archive tool, whose writes into staging folders are counted
// for the mount (other processes writing into /tmp are not).
func (d *InboundTransferStagingDetector) copyLike(name string) bool {
	switch n := commandName(name); n {
	case "cp", "mv", "rsync", "scp", "cpio", "dd", "install", "ditto", "pax", "find", "xargs":
		return true
	default:
		return anyGlobOf(d.indicators, n)
	}
}

func (d *InboundTransferStagingDetector) isIndicator(name string) bool {
	for _, ind := range d.indicators {
		if strings.HasPrefix(ind, ".") && len(name) > len(ind) && strings.EqualFold(name[len(name)-len(ind):], ind) {
			return true
		}
	}
	return false
}
