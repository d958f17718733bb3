package analytic

import (
	"strings"
	"time"
)

// driveMaps remembers, per host and user, the drive letters (and PowerShell
// drive names) mapped to remote shares, so a later copy from Z:\ is known to
// read a share. Entries older than ttl are ignored and pruned.
type driveMaps struct {
	ttl    time.Duration
	byUser map[driveOwner]map[string]driveMap
	pruned time.Time
}

type driveOwner struct{ host, domain, user string }

type driveMap struct {
	remote string // \\host\share, lower case
	at     time.Time
}

func newDriveMaps(ttl time.Duration) *driveMaps {
	return &driveMaps{ttl: ttl, byUser: make(map[driveOwner]map[string]driveMap)}
}

// add records that drive (a letter "z" or a PowerShell drive name) names
// remote for owner from t on.
func (m *driveMaps) add(owner driveOwner, drive, remote string, t time.Time) {
	drive = strings.TrimSuffix(strings.ToLower(drive), ":")
	if drive == "" || remote == "" {
		return
	}
	if m.byUser[owner] == nil {
		m.byUser[owner] = make(map[string]driveMap)
	}
	m.byUser[owner][drive] = driveMap{remote: strings.TrimRight(strings.ToLower(remote), `\`), at: t}
}

// resolve returns the remote path a drive-qualified path (z:\x, loot:\x)
// stands for, if its drive was mapped by owner within ttl before t.
func (m *driveMaps) resolve(owner driveOwner, path string, t time.Time) (remote, drive string, ok bool) {
	drives := m.byUser[owner]
	if drives == nil {
		return "", "", false
	}
	i := strings.IndexByte(path, ':')
	if i <= 0 || strings.ContainsAny(path[:i], `\/ `) {
		return "", "", false
	}
	drive = strings.ToLower(path[:i])
	dm, found := drives[drive]
	if !found || t.Sub(dm.at) > m.ttl || t.Before(dm.at) {
		return "", "", false
	}
	return dm.remote + `\` + strings.TrimLeft(path[i+1:], `\/`), drive + ":", true
}

// prune drops mappings older than ttl, at most once per ttl of event time.
func (m *driveMaps) prune(t time.Time) {
	if t.Sub(m.pruned) < m.ttl {
		return
	}
	m.pruned = t
	for owner, drives := range m.byUser {
		for d, dm := range drives {
			if t.Sub(dm.at) > m.ttl {
				delete(drives, d)
			}
		}
		if len(drives) == 0 {
			delete(m.byUser, owner)
		}
	}
}

// mapping parses a drive-mapping command: net use Z: \\host\share,
// New-SmbMapping -LocalPath Z: -RemotePath \\host\share, New-PSDrive -Name
// Z -PSProvider FileSystem -Root \\host\share (positional Name, PSProvider,
// Root).
func mapping(argv []string) (drive, remote string, ok bool) {
	if len(argv) < 3 {
		return "", "", false
	}
	switch commandName(argv[0]) {
	case "net", "net1":
		if !strings.EqualFold(argv[1], "use") {
			return "", "", false
		}
		var pos []string
		for _, a := range argv[2:] {
			if !strings.HasPrefix(a, "/") {
				pos = append(pos, a)
			}
		}
		if len(pos) >= 2 && strings.HasSuffix(pos[0], ":") && strings.HasPrefix(pos[1], `\\`) {
			return pos[0], pos[1], true
		}
	case "new-smbmapping":
		for i := 1; i+1 < len(argv); i++ {
			switch strings.ToLower(argv[i]) {
			case "-localpath":
				drive = argv[i+1]
			case "-remotepath":
				remote = argv[i+1]
			}
		}
		return drive, remote, drive != "" && remote != ""
	case "new-psdrive", "ndr", "mount":
		var pos []string
		for i := 1; i < len(argv); i++ {
			a := strings.ToLower(argv[i])
			switch {
			case isPrefix(strings.TrimPrefix(a, "-"), "name", 1) && strings.HasPrefix(a, "-") && i+1 < len(argv):
				i++
				drive = argv[i]
			case isPrefix(strings.TrimPrefix(a, "-"), "root", 1) && strings.HasPrefix(a, "-") && i+1 < len(argv):
				i++
				remote = argv[i]
			case strings.HasPrefix(a, "-psp") && i+1 < len(argv), strings.HasPrefix(a, "-cred") && i+1 < len(argv),
				strings.HasPrefix(a, "-scope") && i+1 < len(argv), strings.HasPrefix(a, "-desc") && i+1 < len(argv):
				i++
			case strings.HasPrefix(a, "-"):
			default:
				pos = append(pos, argv[i])
			}
		}
		if drive == "" && len(pos) > 0 {
			drive, pos = pos[0], pos[1:]
		}
		if remote == "" && len(pos) > 1 {
			remote = pos[1] // after the provider
		}
		return drive, remote, drive != "" && strings.HasPrefix(remote, `\\`)
	}
	return "", "", false
}
