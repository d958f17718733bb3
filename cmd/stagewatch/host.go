package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"sync/atomic"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/decode"
)

// hostUsage is the help text of --host, shared by hunt and normalize.
const hostUsage = "host `name` for events that carry none (eslogger, raw ESXi logs): NAME applies to every input, " +
	"NAME=PATH to the inputs under PATH (a file, folder or glob as named on the command line, - for standard input; the longest matching PATH wins); repeatable"

// hostAssign is what --host says: a name for every hostless input, and names
// for the inputs under given paths, which win over it.
type hostAssign struct {
	all string
	per []hostFor
}

// hostFor names the host of the inputs under path.
type hostFor struct {
	name, path string
	used       bool
}

// parseHosts reads --host values: NAME, or NAME=PATH. Host names never
// contain '=', paths may, so the first '=' splits.
func parseHosts(vals []string) (*hostAssign, error) {
	h := &hostAssign{}
	for _, v := range vals {
		name, path, per := strings.Cut(v, "=")
		name = strings.TrimSpace(name)
		if name == "" {
			return nil, fmt.Errorf("--host %q: want NAME or NAME=PATH", v)
		}
		if !per {
			if h.all != "" && h.all != name {
				return nil, fmt.Errorf("--host %s and --host %s both name every input; give one, or NAME=PATH per input", h.all, name)
			}
			h.all = name
			continue
		}
		if path == "" {
			return nil, fmt.Errorf("--host %q: the path after '=' is empty", v)
		}
		h.per = append(h.per, hostFor{name: name, path: path})
	}
	return h, nil
}

// forInput returns the host name for the input named name: that of the
// NAME=PATH with the longest path that holds it (a file inside a folder
// given its own name), else the one for every input.
func (h *hostAssign) forInput(name string) string {
	best := -1
	for i, p := range h.per {
		if underPath(name, p.path) && (best < 0 || len(filepath.Clean(p.path)) > len(filepath.Clean(h.per[best].path))) {
			best = i
		}
	}
	if best < 0 {
		return h.all
	}
	h.per[best].used = true
	return h.per[best].name
}

// unused returns an error naming the NAME=PATH values that matched no
// input: a mistyped path must not leave events hostless unnoticed.
func (h *hostAssign) unused() error {
	var bad []string
	for _, p := range h.per {
		if !p.used {
			bad = append(bad, p.name+"="+p.path)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	return fmt.Errorf("--host %s: no input is under that path, or another --host PATH names it", strings.Join(bad, ", "))
}

// underPath reports whether the input name is path, lies in the folder
// path, or matches path as a glob.
func underPath(name, path string) bool {
	if name == "-" || path == "-" {
		return name == path
	}
	n, p := filepath.Clean(name), filepath.Clean(path)
	if n == p || strings.HasPrefix(n, p+string(filepath.Separator)) || p == "." && !filepath.IsAbs(n) {
		return true
	}
	ok, err := filepath.Match(p, n)
	return err == nil && ok
}

// hostSource fills in the host name of the events of one input that carry
// neither a host name nor a host id, and counts those it left hostless.
// Cloud API events are not host telemetry: they keep their empty host.
type hostSource struct {
	in       *decode.Input
	name     string
	hostless atomic.Int64
}

// Decode returns the input's next event with its host filled in.
func (s *hostSource) Decode() (*stagewatch.Event, error) {
	ev, err := s.in.Decode()
	if err == nil && !fillHost(ev, s.name) {
		s.hostless.Add(1)
	}
	return ev, err
}

// BytesRead reports the input's progress.
func (s *hostSource) BytesRead() int64 { return s.in.BytesRead() }

// fillHost gives ev the host name when it has no host and is no cloud API
// call; it reports false when ev is left without a host it should have.
func fillHost(ev *stagewatch.Event, name string) bool {
	if ev.Host.Name != "" || ev.Host.ID != "" || ev.Cloud.Provider != "" {
		return true
	}
	if name == "" {
		return false
	}
	ev.Host.Name = name
	return true
}

// hostNames returns the --host name of every source, in order, or an error
// when a value is malformed or a NAME=PATH names no source.
func hostNames(vals []string, srcs []source) ([]string, error) {
	h, err := parseHosts(vals)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(srcs))
	for i, s := range srcs {
		names[i] = h.forInput(s.name)
	}
	return names, h.unused()
}
