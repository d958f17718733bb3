package eslogger

import "encoding/json"

// The walk functions read an es_message_t with the lexer into the same
// structs encoding/json fills from their tags (see message.go), in one pass
// and without reflection: they ask for the values stagewatch uses and skip
// the rest, stat blocks, environment and file descriptors included. Their
// semantics follow encoding/json's: null leaves a value as it was, a
// repeated key overwrites, keys match exactly (eslogger's keys are all
// lower case). TestWalkMatchesEncodingJSON holds them to that.

// readMessage reads one line into m.
func (l *lexer) readMessage(m *message) {
	l.object(func(k []byte) {
		switch string(k) {
		case "version":
			m.Version = int(l.int(int64(m.Version)))
		case "time":
			m.Time = l.str(m.Time)
		case "global_seq_num":
			m.GlobalSeqNum = l.seq(m.GlobalSeqNum)
		case "process":
			if l.null() {
				m.Process = nil
				return
			}
			if m.Process == nil {
				m.Process = new(process)
			}
			l.readProcess(m.Process)
		case "event":
			if l.null() {
				m.Event = nil
				return
			}
			if m.Event == nil {
				m.Event = new(payloads)
			}
			l.readPayloads(m.Event)
		default:
			l.skip()
		}
	})
	l.end()
}

// seq reads global_seq_num: a number, or a string holding one.
func (l *lexer) seq(def json.Number) json.Number {
	switch c := l.peek(); {
	case c == 'n':
		l.literal("null")
		return def
	case c == '"':
		s := l.str("")
		if _, err := json.Number(s).Int64(); err != nil && s != "" {
			l.fail(true, "expected a number")
		}
		return json.Number(s)
	case c == '-' || ('0' <= c && c <= '9'):
		return json.Number(l.number())
	}
	l.fail(true, "expected a number")
	return def
}

func (l *lexer) readProcess(p *process) {
	l.object(func(k []byte) {
		switch string(k) {
		case "audit_token":
			l.readToken(&p.AuditToken)
		case "parent_audit_token":
			l.readToken(&p.ParentAuditToken)
		case "ppid":
			p.PPID = l.int(p.PPID)
		case "executable":
			l.readFile(&p.Executable)
		case "signing_id":
			p.SigningID = l.str(p.SigningID)
		case "team_id":
			p.TeamID = l.str(p.TeamID)
		default:
			l.skip()
		}
	})
}

// readToken reads an audit token in either shape; null clears it, as the
// token's UnmarshalJSON does.
func (l *lexer) readToken(t *auditToken) {
	switch l.peek() {
	case 'n':
		l.literal("null")
		*t = auditToken{}
	case '[':
		var a [8]int64
		n := 0
		l.array(func() {
			v := l.int(0)
			if n < len(a) {
				a[n] = v
			}
			n++
		})
		if n != 8 {
			l.fail(true, "audit_token array does not have 8 numbers")
			return
		}
		*t = auditToken{Set: true, AUID: a[0], EUID: a[1], EGID: a[2], RUID: a[3], RGID: a[4], PID: a[5], ASID: a[6], PIDVersion: a[7]}
	default:
		*t = auditToken{Set: true}
		l.object(func(k []byte) {
			switch string(k) {
			case "auid":
				t.AUID = l.int(t.AUID)
			case "euid":
				t.EUID = l.int(t.EUID)
			case "egid":
				t.EGID = l.int(t.EGID)
			case "ruid":
				t.RUID = l.int(t.RUID)
			case "rgid":
				t.RGID = l.int(t.RGID)
			case "pid":
				t.PID = l.int(t.PID)
			case "asid":
				t.ASID = l.int(t.ASID)
			case "pidversion":
				t.PIDVersion = l.int(t.PIDVersion)
			default:
				l.skip()
			}
		})
	}
}

func (l *lexer) readFile(f *file) {
	l.object(func(k []byte) {
		switch string(k) {
		case "path":
			f.Path = l.str(f.Path)
		case "path_truncated":
			f.PathTruncated = l.bool(f.PathTruncated)
		case "stat":
			if l.null() {
				f.Stat = nil
				return
			}
			if f.Stat == nil {
				f.Stat = new(struct {
					Size int64 `json:"st_size"`
				})
			}
			l.object(func(k []byte) {
				if string(k) == "st_size" {
					f.Stat.Size = l.int(f.Stat.Size)
					return
				}
				l.skip()
			})
		default:
			l.skip()
		}
	})
}

// readFilePtr reads a nullable es_file_t pointer.
func (l *lexer) readFilePtr(f **file) {
	if l.null() {
		*f = nil
		return
	}
	if *f == nil {
		*f = new(file)
	}
	l.readFile(*f)
}

// alloc returns *p, allocating it first; ok is false when the value is
// null, which sets *p to nil.
func alloc[T any](l *lexer, p **T) (*T, bool) {
	if l.null() {
		*p = nil
		return nil, false
	}
	if *p == nil {
		*p = new(T)
	}
	return *p, true
}

func (l *lexer) readPayloads(e *payloads) {
	l.object(func(k []byte) {
		switch string(k) {
		case "clone":
			if v, ok := alloc(l, &e.Clone); ok {
				l.object(func(k []byte) {
					switch string(k) {
					case "source":
						l.readFile(&v.Source)
					case "target_dir":
						l.readFile(&v.TargetDir)
					case "target_name":
						v.TargetName = l.str(v.TargetName)
					default:
						l.skip()
					}
				})
			}
		case "close":
			if v, ok := alloc(l, &e.Close); ok {
				l.object(func(k []byte) {
					switch string(k) {
					case "modified":
						v.Modified = l.bool(v.Modified)
					case "target":
						l.readFile(&v.Target)
					default:
						l.skip()
					}
				})
			}
		case "create":
			if v, ok := alloc(l, &e.Create); ok {
				l.readDestination(&v.DestinationType, &v.Destination, nil)
			}
		case "exec":
			if v, ok := alloc(l, &e.Exec); ok {
				l.readExec(v)
			}
		case "fork":
			if v, ok := alloc(l, &e.Fork); ok {
				l.object(func(k []byte) {
					if string(k) == "child" {
						l.readProcess(&v.Child)
						return
					}
					l.skip()
				})
			}
		case "link":
			if v, ok := alloc(l, &e.Link); ok {
				l.object(func(k []byte) {
					switch string(k) {
					case "source":
						l.readFile(&v.Source)
					case "target_dir":
						l.readFile(&v.TargetDir)
					case "target_filename":
						v.TargetFilename = l.str(v.TargetFilename)
					default:
						l.skip()
					}
				})
			}
		case "mount":
			if v, ok := alloc(l, &e.Mount); ok {
				l.readMount(v)
			}
		case "open":
			if v, ok := alloc(l, &e.Open); ok {
				l.object(func(k []byte) {
					switch string(k) {
					case "fflag":
						v.Fflag = l.int(v.Fflag)
					case "file":
						l.readFile(&v.File)
					default:
						l.skip()
					}
				})
			}
		case "rename":
			if v, ok := alloc(l, &e.Rename); ok {
				l.readDestination(&v.DestinationType, &v.Destination, &v.Source)
			}
		case "unlink":
			if v, ok := alloc(l, &e.Unlink); ok {
				l.readTarget(v)
			}
		case "write":
			if v, ok := alloc(l, &e.Write); ok {
				l.readTarget(v)
			}
		default:
			l.skip()
		}
	})
}

func (l *lexer) readTarget(v *targetEvent) {
	l.object(func(k []byte) {
		if string(k) == "target" {
			l.readFile(&v.Target)
			return
		}
		l.skip()
	})
}

// readDestination reads a create or rename payload; source is nil for
// create.
func (l *lexer) readDestination(kind *int, d *destination, source *file) {
	l.object(func(k []byte) {
		switch string(k) {
		case "destination_type":
			*kind = int(l.int(int64(*kind)))
		case "source":
			if source == nil {
				l.skip()
				return
			}
			l.readFile(source)
		case "destination":
			l.object(func(k []byte) {
				switch string(k) {
				case "existing_file":
					l.readFilePtr(&d.ExistingFile)
				case "new_path":
					np, ok := alloc(l, &d.NewPath)
					if !ok {
						return
					}
					l.object(func(k []byte) {
						switch string(k) {
						case "dir":
							l.readFile(&np.Dir)
						case "filename":
							np.Filename = l.str(np.Filename)
						default:
							l.skip()
						}
					})
				default:
					l.skip()
				}
			})
		default:
			l.skip()
		}
	})
}

func (l *lexer) readExec(v *execEvent) {
	l.object(func(k []byte) {
		switch string(k) {
		case "target":
			l.readProcess(&v.Target)
		case "args":
			if l.null() {
				v.Args = nil
				return
			}
			v.Args = v.Args[:0]
			l.array(func() { v.Args = append(v.Args, l.str("")) })
			if v.Args == nil {
				v.Args = []string{}
			}
		case "cwd":
			l.readFilePtr(&v.CWD)
		case "script":
			l.readFilePtr(&v.Script)
		default:
			l.skip()
		}
	})
}

func (l *lexer) readMount(v *mountEvent) {
	l.object(func(k []byte) {
		if string(k) != "statfs" {
			l.skip()
			return
		}
		l.object(func(k []byte) {
			switch string(k) {
			case "f_mntonname":
				v.Statfs.OnName = l.str(v.Statfs.OnName)
			case "f_mntfromname":
				v.Statfs.FromName = l.str(v.Statfs.FromName)
			case "f_fstypename":
				v.Statfs.FSType = l.str(v.Statfs.FSType)
			default:
				l.skip()
			}
		})
	})
}
