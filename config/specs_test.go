package config

import (
	"errors"
	"fmt"
	"time"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/analytic"
)

// The Specs below stand in for the real catalog so that these tests pin the
// loader's behaviour on every supported field type, independent of the
// analytics' own defaults.

// rule is a user suppression rule, as analytics take them.
type rule struct {
	Name        string `yaml:"name" doc:"shown in the run summary"`
	Image       string `yaml:"image" doc:"process image path pattern"`
	Parent      string `yaml:"parent" doc:"parent image path pattern"`
	CommandLine string `yaml:"command_line" doc:"command line pattern"`
	User        string `yaml:"user" doc:"account name"`
}

// chain is a nested parameter block.
type chain struct {
	Window time.Duration `yaml:"window" doc:"how long the links may be apart"`
	Links  int           `yaml:"links" doc:"links that make the chain critical"`
}

type bulkParams struct {
	MinFiles     int                   `yaml:"min_files" doc:"files written into one folder that make an alert"`
	MinBytes     int64                 `yaml:"min_bytes" doc:"or bytes written into one folder (0: off)"`
	Window       time.Duration         `yaml:"window" doc:"how long the files may take"`
	StagingPaths analytic.List         `yaml:"staging_paths" doc:"folders that count as staging"`
	Extensions   []string              `yaml:"extensions" doc:"file extensions that count, empty for all"`
	Tier2Weight  float64               `yaml:"tier2_weight" doc:"weight of a tier-2 folder match"`
	Severity     stagewatch.Severity   `yaml:"severity" doc:"severity of the alert"`
	Confidence   stagewatch.Confidence `yaml:"confidence" doc:"confidence of the alert"`
	Chain        chain                 `yaml:"chain" doc:"escalation when staging is followed by archiving"`
	Suppress     []rule                `yaml:"suppress" doc:"named suppressions"`
}

type cloudParams struct {
	TransferWindow time.Duration `yaml:"transfer_window" doc:"window over the writes into one bucket"`
	MinSources     int           `yaml:"min_sources" doc:"distinct sources that make an alert"`
	BucketPatterns analytic.List `yaml:"bucket_patterns" doc:"bucket name words that raise severity"`
	CrossAccount   bool          `yaml:"cross_account" doc:"alert on writes from another account"`
	Suppress       []rule        `yaml:"suppress" doc:"named suppressions"`
}

// nopDetector is what the test Specs build: config never runs detectors.
type nopDetector struct{}

func (nopDetector) Kinds() []stagewatch.Kind                     { return nil }
func (nopDetector) Observe(*stagewatch.Event) []stagewatch.Alert { return nil }
func (nopDetector) Advance(time.Time) []stagewatch.Alert         { return nil }
func (nopDetector) Flush() []stagewatch.Alert                    { return nil }

func checkRules(rules []rule) error {
	seen := map[string]bool{}
	for i, r := range rules {
		if r.Name == "" {
			return fmt.Errorf("suppress[%d]: name is required", i)
		}
		if seen[r.Name] {
			return fmt.Errorf("suppress[%d]: duplicate name %q", i, r.Name)
		}
		seen[r.Name] = true
		if r.Image == "" && r.Parent == "" && r.CommandLine == "" && r.User == "" {
			return fmt.Errorf("suppress %q: matches everything; give image, parent, command_line or user", r.Name)
		}
	}
	return nil
}

func testSpecs() []analytic.Spec {
	return []analytic.Spec{
		{
			ID:          "bulk-file-staging",
			Title:       "Bulk file staging",
			Description: "Many files written into one staging folder by one process.",
			Attack:      stagewatch.Attack{Technique: "T1074.001", Tactic: "collection", Strategy: "DET0014", Analytic: "AN0040"},
			Defaults: func() any {
				return &bulkParams{
					MinFiles:     10,
					Window:       24 * time.Hour,
					StagingPaths: analytic.List{`\Windows\Temp\`, `\Users\Public\`, "/tmp/"},
					Tier2Weight:  0.5,
					Severity:     stagewatch.SeverityMedium,
					Confidence:   stagewatch.ConfidenceMedium,
					Chain:        chain{Window: 4 * time.Hour, Links: 3},
					Suppress:     []rule{{Name: "msiexec", Image: `\Windows\System32\msiexec.exe`}},
				}
			},
			New: func(params any, opts analytic.Options) (stagewatch.Detector, error) {
				p := params.(*bulkParams)
				switch {
				case p.MinFiles < 1:
					return nil, fmt.Errorf("min_files must be at least 1, got %d", p.MinFiles)
				case p.Window <= 0:
					return nil, errors.New("window must be positive")
				case len(p.StagingPaths) == 0:
					return nil, errors.New("staging_paths must not be empty")
				}
				return nopDetector{}, checkRules(p.Suppress)
			},
		},
		{
			ID:          "cloud-bucket-staging",
			Title:       "Cloud bucket staging",
			Description: "Object writes into one bucket from many sources.",
			Attack:      stagewatch.Attack{Technique: "T1074.002", Tactic: "collection", Strategy: "DET0071", Analytic: "AN0198"},
			Defaults: func() any {
				return &cloudParams{
					TransferWindow: time.Hour + 30*time.Minute,
					MinSources:     3,
					BucketPatterns: analytic.List{"temp", "stage", "backup"},
				}
			},
			New: func(params any, opts analytic.Options) (stagewatch.Detector, error) {
				p := params.(*cloudParams)
				if p.MinSources < 2 {
					return nil, fmt.Errorf("min_sources must be at least 2, got %d", p.MinSources)
				}
				return nopDetector{}, checkRules(p.Suppress)
			},
		},
	}
}
