package config

import (
	"bufio"
	"bytes"
	"flag"
	"github.com/stagewatch/stagewatch/internal/golden"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/analytic"
)

var update = flag.Bool("update", false, "rewrite testdata golden files from the current output")

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		// edit turns Default into the expected configuration.
		edit func(c *Config)
	}{
		{"empty file", "", func(*Config) {}},
		{"only comments", "# nothing here\n", func(*Config) {}},
		{"globals", "lateness: 90s\nevidence_cap: 5\n", func(c *Config) {
			c.Lateness = 90 * time.Second
			c.EvidenceCap = 5
		}},
		{"days", "lateness: 1d12h\n", func(c *Config) { c.Lateness = 36 * time.Hour }},
		{"empty analytics", "analytics:\n", func(*Config) {}},
		{"empty analytic block", "analytics:\n  bulk-file-staging:\n", func(*Config) {}},
		{"disable", "analytics:\n  cloud-bucket-staging: {enabled: false}\n", func(c *Config) {
			c.Enabled["cloud-bucket-staging"] = false
		}},
		{"scalars", `
analytics:
  bulk-file-staging:
    min_files: 25
    min_bytes: 0x100000
    window: 7d
    tier2_weight: 1
    severity: HIGH
    confidence: low
`, func(c *Config) {
			p := c.Analytics["bulk-file-staging"].(*bulkParams)
			p.MinFiles, p.MinBytes, p.Window = 25, 1<<20, 7*24*time.Hour
			p.Tier2Weight, p.Severity, p.Confidence = 1, stagewatch.SeverityHigh, stagewatch.ConfidenceLow
		}},
		{"list replaced", `
analytics:
  bulk-file-staging:
    staging_paths: ['\backup\', /srv/drop/]
`, func(c *Config) {
			c.Analytics["bulk-file-staging"].(*bulkParams).StagingPaths = analytic.List{`\backup\`, "/srv/drop/"}
		}},
		{"list edited", `
analytics:
  bulk-file-staging:
    staging_paths:
      remove: ['\USERS\public\']
      add: ['\backup\', /tmp/]
`, func(c *Config) {
			c.Analytics["bulk-file-staging"].(*bulkParams).StagingPaths = analytic.List{`\Windows\Temp\`, "/tmp/", `\backup\`}
		}},
		{"list emptied", "analytics:\n  cloud-bucket-staging:\n    bucket_patterns: []\n", func(c *Config) {
			c.Analytics["cloud-bucket-staging"].(*cloudParams).BucketPatterns = analytic.List{}
		}},
		{"nested struct keeps unnamed defaults", "analytics:\n  bulk-file-staging:\n    chain: {links: 2}\n", func(c *Config) {
			c.Analytics["bulk-file-staging"].(*bulkParams).Chain.Links = 2
		}},
		{"suppression rules", `
analytics:
  cloud-bucket-staging:
    suppress:
      - name: backup agent
        image: /opt/veeam/*
      - {name: ops, user: svc-ops}
`, func(c *Config) {
			c.Analytics["cloud-bucket-staging"].(*cloudParams).Suppress = []rule{
				{Name: "backup agent", Image: "/opt/veeam/*"},
				{Name: "ops", User: "svc-ops"},
			}
		}},
		{"anchors and aliases", `
analytics:
  bulk-file-staging:
    extensions: &docs [.docx, .xlsx]
    suppress: [{name: a, image: x}]
  cloud-bucket-staging:
    bucket_patterns: *docs
`, func(c *Config) {
			c.Analytics["bulk-file-staging"].(*bulkParams).Extensions = []string{".docx", ".xlsx"}
			c.Analytics["bulk-file-staging"].(*bulkParams).Suppress = []rule{{Name: "a", Image: "x"}}
			c.Analytics["cloud-bucket-staging"].(*cloudParams).BucketPatterns = analytic.List{".docx", ".xlsx"}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := Default(testSpecs())
			tt.edit(want)
			got, err := Parse("stagewatch.yml", []byte(tt.yaml), testSpecs())
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("config (-want +got):\n%s", diff)
			}
		})
	}
}

// TestFixtures parses testdata/*.good.yml, which must load, and
// testdata/*.bad.yml, whose first line is "# error: " and the exact error.
func TestFixtures(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.yml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no fixtures in testdata")
	}
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			_, err = Parse(name, data, testSpecs())
			switch {
			case strings.HasSuffix(name, ".good.yml"):
				if err != nil {
					t.Errorf("Parse: %v", err)
				}
			case strings.HasSuffix(name, ".bad.yml"):
				want := wantError(t, data)
				if err == nil {
					t.Fatalf("Parse succeeded, want error %q", want)
				}
				if diff := cmp.Diff(want, err.Error()); diff != "" {
					t.Errorf("error (-want +got):\n%s", diff)
				}
			}
		})
	}
}

// wantError reads the expected error from a bad fixture's leading
// "# error: " comment lines (one per expected line of the error).
func wantError(t *testing.T, data []byte) string {
	t.Helper()
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		msg, ok := strings.CutPrefix(sc.Text(), "# error: ")
		if !ok {
			break
		}
		lines = append(lines, msg)
	}
	if len(lines) == 0 {
		t.Fatal(`bad fixture has no leading "# error: " line`)
	}
	return strings.Join(lines, "\n")
}

func TestWriteDefaults(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteDefaults(&buf, testSpecs()); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, filepath.Join("testdata", "defaults.golden.yaml"), buf.Bytes(), *update)
	got, err := Parse("defaults.yml", buf.Bytes(), testSpecs())
	if err != nil {
		t.Fatalf("Parse(WriteDefaults): %v", err)
	}
	if diff := cmp.Diff(Default(testSpecs()), got); diff != "" {
		t.Errorf("Parse(WriteDefaults) differs from Default (-want +got):\n%s", diff)
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "stagewatch.yml")
	if err := os.WriteFile(path, []byte("analytics:\n  bulk-file-staging:\n    min_files: 0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Load(path, testSpecs())
	want := path + ":2: analytics.bulk-file-staging: min_files must be at least 1, got 0"
	if err == nil || err.Error() != want {
		t.Errorf("Load error = %v, want %s", err, want)
	}
	if _, err := Load(filepath.Join(dir, "missing.yml"), testSpecs()); !os.IsNotExist(err) {
		t.Errorf("Load(missing) error = %v, want not-exist", err)
	}
}

func TestDefaultIsFresh(t *testing.T) {
	a, b := Default(testSpecs()), Default(testSpecs())
	a.Analytics["bulk-file-staging"].(*bulkParams).StagingPaths[0] = "changed"
	if b.Analytics["bulk-file-staging"].(*bulkParams).StagingPaths[0] == "changed" {
		t.Error("two Defaults share parameter storage")
	}
}

func TestParseBudget(t *testing.T) {
	var b strings.Builder
	b.WriteString("analytics:\n  bulk-file-staging:\n    suppress:\n      - &r {name: a, image: x, parent: y, command_line: z, user: u}\n")
	for range 40_000 {
		b.WriteString("      - *r\n")
	}
	_, err := Parse("big.yml", []byte(b.String()), testSpecs())
	want := "big.yml:"
	if err == nil || !strings.HasPrefix(err.Error(), want) || !strings.HasSuffix(err.Error(), "document too large or too deeply aliased") {
		t.Errorf("Parse error = %v, want the node budget error", err)
	}
}
