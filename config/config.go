// Package config reads stagewatch's YAML configuration: global settings and,
// per analytic, `enabled` and the analytic's own parameters.
//
// Defaults are Go values compiled into the analytics (analytic.Spec.Defaults);
// a file only says what differs. Loading is strict: an unknown key at any
// depth, a value of the wrong type, a bad duration or a value the analytic
// rejects is an error that names the file and line. WriteDefaults prints a
// complete, commented file of every key with its default.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/stagewatch/stagewatch/analytic"
)

// Config is a loaded configuration. Build detectors from it with
// Spec.New(c.Analytics[spec.ID], c.Options()) for every enabled spec.
type Config struct {
	// Lateness is how far behind the newest event an event may arrive and
	// still be put in order before windows close.
	Lateness time.Duration
	// EvidenceCap is the most evidence events one alert keeps.
	EvidenceCap int
	// Analytics maps an analytic id to its parameters: the pointer its
	// Spec.Defaults returned, changed by the file.
	Analytics map[string]any
	// Enabled says which analytics run. Every analytic has an entry.
	Enabled map[string]bool
	// Serve holds the settings of `stagewatch serve`.
	Serve Serve
	// Updates is passed to analytics as analytic.Options.Updates: report
	// open episodes as they grow, at most every UpdateEvery of event time.
	// Serve sets them from its own settings.
	Updates     bool
	UpdateEvery time.Duration
}

// globals is the top level of the file apart from `analytics`, described as
// a struct so that it is read and printed like parameter structs are.
type globals struct {
	Lateness    time.Duration `yaml:"lateness" doc:"how late (in event time) an event may arrive and still be ordered before windows close"`
	EvidenceCap int           `yaml:"evidence_cap" doc:"the most evidence events one alert keeps"`
}

// Default returns the compiled-in configuration: every analytic enabled with
// its default parameters.
func Default(specs []analytic.Spec) *Config {
	c := &Config{
		Lateness:    5 * time.Minute,
		EvidenceCap: 20,
		Analytics:   make(map[string]any, len(specs)),
		Enabled:     make(map[string]bool, len(specs)),
		Serve:       DefaultServe(),
	}
	for _, s := range specs {
		c.Analytics[s.ID] = s.Defaults()
		c.Enabled[s.ID] = true
	}
	return c
}

// Options returns the settings every analytic's New takes.
func (c *Config) Options() analytic.Options {
	return analytic.Options{EvidenceCap: c.EvidenceCap, Updates: c.Updates, UpdateEvery: c.UpdateEvery}
}

// Error is one problem in a configuration file.
type Error struct {
	File string
	Line int    // 1-based; 0 when the problem has no single line
	Path string // dotted key path, e.g. analytics.bulk-file-staging.min_files
	Msg  string
}

// Error formats the problem as "file:line: path: message".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		b.WriteString(":" + strconv.Itoa(e.Line))
	}
	b.WriteString(": ")
	if e.Path != "" {
		b.WriteString(e.Path + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// maxFileSize bounds what Load reads; a configuration is a few kilobytes.
const maxFileSize = 8 << 20

// Load reads and parses the configuration file at path.
func Load(path string, specs []analytic.Spec) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxFileSize {
		return nil, fmt.Errorf("%s: file larger than %d bytes", path, maxFileSize)
	}
	return Parse(path, data, specs)
}

// Parse reads a configuration from data; name is the file name errors
// report. It returns every problem found (up to a limit), each an *Error,
// joined with errors.Join.
func Parse(name string, data []byte, specs []analytic.Spec) (*Config, error) {
	c := Default(specs)
	root, err := document(name, data)
	if err != nil {
		return nil, err
	}
	d := &decoder{file: name, budget: nodeBudget}
	analyticLines := map[string]int{}
	if root != nil {
		g := globals{Lateness: c.Lateness, EvidenceCap: c.EvidenceCap}
		d.structure(root, reflect.ValueOf(&g).Elem(), "", map[string]func(*yaml.Node){
			"analytics": func(n *yaml.Node) { d.analytics(n, c, specs, analyticLines) },
			"serve":     func(n *yaml.Node) { d.structure(n, reflect.ValueOf(&c.Serve).Elem(), "serve", nil) },
		})
		c.Lateness, c.EvidenceCap = g.Lateness, g.EvidenceCap
	}
	if len(d.errs) > 0 {
		return nil, errors.Join(d.errs...)
	}
	if c.Lateness < 0 {
		d.fail(valueOf(root, "lateness"), "lateness", "must not be negative")
	}
	if c.EvidenceCap < 0 {
		d.fail(valueOf(root, "evidence_cap"), "evidence_cap", "must not be negative")
	}
	for _, s := range specs {
		if s.New == nil {
			continue
		}
		if _, err := s.New(c.Analytics[s.ID], c.Options()); err != nil {
			d.errs = append(d.errs, &Error{File: name, Line: analyticLines[s.ID], Path: "analytics." + s.ID, Msg: err.Error()})
		}
	}
	if len(d.errs) > 0 {
		return nil, errors.Join(d.errs...)
	}
	return c, nil
}

// document parses data into its root node: nil for an empty file, an error
// for bad YAML, more than one document or a root that is not a mapping.
func document(name string, data []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if err == io.EOF {
			return nil, nil
		}
		return nil, syntaxError(name, err)
	}
	var next yaml.Node
	if err := dec.Decode(&next); err != io.EOF {
		if err != nil {
			return nil, syntaxError(name, err)
		}
		return nil, &Error{File: name, Line: next.Line, Msg: "only one YAML document is allowed"}
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, nil
	}
	root := doc.Content[0]
	if isNull(root) {
		return nil, nil
	}
	if root.Kind != yaml.MappingNode {
		return nil, &Error{File: name, Line: root.Line, Msg: "expected a mapping of settings, got " + describe(root)}
	}
	return root, nil
}

// syntaxError turns yaml's "yaml: line N: msg" into an *Error.
func syntaxError(name string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	e := &Error{File: name, Msg: msg}
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		num, tail, found := strings.Cut(rest, ": ")
		if n, err := strconv.Atoi(num); found && err == nil {
			e.Line, e.Msg = n, tail
		}
	}
	return e
}

// analytics reads the `analytics` mapping: analytic id -> enabled and
// parameters. It records the line of each analytic's key in lines, where
// errors from the analytic's own validation are reported.
func (d *decoder) analytics(n *yaml.Node, c *Config, specs []analytic.Spec, lines map[string]int) {
	if n = d.resolve(n, "analytics"); n == nil || isNull(n) {
		return
	}
	if n.Kind != yaml.MappingNode {
		d.fail(n, "analytics", "expected a mapping of analytic ids, got %s", describe(n))
		return
	}
	ids := make([]string, len(specs))
	for i, s := range specs {
		ids[i] = s.ID
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := d.resolve(n.Content[i], "analytics"), n.Content[i+1]
		if k == nil {
			return
		}
		if k.Kind != yaml.ScalarNode || isNull(k) {
			d.fail(k, "analytics", "keys must be analytic ids, got %s", describe(k))
			continue
		}
		id := k.Value
		if seen[id] {
			d.fail(k, "analytics", "duplicate analytic %q", id)
			continue
		}
		seen[id] = true
		params, ok := c.Analytics[id]
		if !ok {
			d.fail(k, "analytics", "unknown analytic %q%s", id, suggest(id, ids))
			continue
		}
		lines[id] = k.Line
		path := "analytics." + id
		pv := reflect.ValueOf(params)
		if pv.Kind() != reflect.Pointer || pv.Elem().Kind() != reflect.Struct {
			d.fail(k, path, "analytic defaults are %T, not a pointer to a struct", params)
			continue
		}
		d.structure(val, pv.Elem(), path, map[string]func(*yaml.Node){
			"enabled": func(v *yaml.Node) {
				var on bool
				d.decode(v, reflect.ValueOf(&on).Elem(), path+".enabled")
				c.Enabled[id] = on
			},
		})
	}
}
