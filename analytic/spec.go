// Package analytic holds stagewatch's analytics, one file each, and the
// catalog All that lists them in a fixed order.
package analytic

import (
	"time"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/window"
)

// Spec describes one analytic: its identity, its ATT&CK mapping, its
// parameters and how to build its detector. Config loading and the
// `stagewatch analytics` listing work from Specs only.
type Spec struct {
	ID          string // stable id, e.g. "bulk-file-staging"
	Title       string // short human title
	Description string // one or two sentences for `stagewatch analytics`
	Attack      stagewatch.Attack
	// Defaults returns a pointer to a new parameter struct holding the
	// compiled-in defaults. Parameter structs use yaml tags for their keys
	// and doc tags for the comment `analytics --defaults` prints.
	Defaults func() any
	// New validates params (a pointer returned by Defaults, possibly
	// changed by configuration) and builds the detector.
	New func(params any, opts Options) (stagewatch.Detector, error)
}

// Options are the settings every analytic shares.
type Options struct {
	// EvidenceCap is the most evidence events one alert keeps.
	EvidenceCap int
	// Updates makes detectors also report open episodes as they cross the
	// threshold and grow (serve), not only when they close (hunt). Updates
	// keep the alert id, and the closing report is the same either way.
	Updates bool
	// UpdateEvery spaces the updates of one open episode in event time (0:
	// whenever it changes); the threshold crossing is reported at once.
	UpdateEvery time.Duration
}

// episodes applies the options to an analytic's window configuration.
func (o Options) episodes(c window.Config) window.Config {
	c.Updates, c.UpdateEvery = o.Updates, o.UpdateEvery
	return c
}

// List is an analyst-editable list parameter. In configuration it is either a
// YAML sequence, which replaces the default list, or a mapping with `add:`
// and/or `remove:` sequences, which edit it.
type List []string
