package config

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stagewatch/stagewatch/analytic"
)

func TestDetectors(t *testing.T) {
	specs := analytic.All()
	ids := func(c *Config, only ...string) ([]string, error) {
		dets, err := c.Detectors(specs, only...)
		var out []string
		for _, d := range dets {
			out = append(out, d.ID)
		}
		return out, err
	}

	all, err := ids(Default(specs))
	if err != nil {
		t.Fatal(err)
	}
	// Every analytic is on by default, in catalog order.
	var want, wantOne []string
	for _, s := range specs {
		want = append(want, s.ID)
		if s.ID != "archive-in-staging" {
			wantOne = append(wantOne, s.ID)
		}
	}
	if diff := cmp.Diff(want, all); diff != "" {
		t.Errorf("defaults (-want +got):\n%s", diff)
	}

	cfg, err := Parse("t.yml", []byte("analytics:\n  archive-in-staging:\n    enabled: false\n"), specs)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := ids(cfg)
	if diff := cmp.Diff(wantOne, got); diff != "" {
		t.Errorf("one disabled (-want +got):\n%s", diff)
	}
	got, _ = ids(cfg, "archive-in-staging")
	if diff := cmp.Diff([]string{"archive-in-staging"}, got); diff != "" {
		t.Errorf("only overrides enabled (-want +got):\n%s", diff)
	}
	if _, err := ids(cfg, "no-such"); err == nil || !strings.Contains(err.Error(), `unknown analytic "no-such"`) {
		t.Errorf("unknown id: %v", err)
	}
	off := "analytics:\n"
	for _, s := range specs {
		off += "  " + s.ID + ": {enabled: false}\n"
	}
	none, _ := Parse("t.yml", []byte(off), specs)
	if _, err := ids(none); err == nil {
		t.Error("no enabled analytic: want an error")
	}
}
