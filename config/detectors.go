package config

import (
	"errors"
	"fmt"

	"github.com/stagewatch/stagewatch/analytic"
	"github.com/stagewatch/stagewatch/detect"
)

// Detectors builds the detector of every enabled analytic of specs, in
// catalog order, with the configured parameters. When only is not empty it
// names the analytics to run instead, whether enabled or not; an id that is
// not in specs is an error.
func (c *Config) Detectors(specs []analytic.Spec, only ...string) ([]detect.Named, error) {
	want := make(map[string]bool, len(only))
	for _, id := range only {
		found := false
		for _, s := range specs {
			found = found || s.ID == id
		}
		if !found {
			return nil, fmt.Errorf("unknown analytic %q (see `stagewatch analytics`)", id)
		}
		want[id] = true
	}
	var dets []detect.Named
	for _, s := range specs {
		if len(want) > 0 && !want[s.ID] || len(want) == 0 && !c.Enabled[s.ID] {
			continue
		}
		params := c.Analytics[s.ID]
		if params == nil {
			params = s.Defaults()
		}
		d, err := s.New(params, c.Options())
		if err != nil {
			return nil, fmt.Errorf("analytic %s: %w", s.ID, err)
		}
		dets = append(dets, detect.Named{ID: s.ID, Detector: d})
	}
	if len(dets) == 0 {
		return nil, errors.New("no analytic is enabled")
	}
	return dets, nil
}
