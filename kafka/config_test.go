package kafka

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/sink"
)

func TestConfigValidate(t *testing.T) {
	ok := func() Config { return Config{Brokers: []string{"localhost:9092"}, Group: "sw"} }
	tests := []struct {
		name   string
		edit   func(*Config)
		errors []string // substrings of the error, in order; nil for none
	}{
		{"defaults", func(*Config) {}, nil},
		{"event hubs", func(c *Config) {
			c.SASL = SASL{Mechanism: "plain", User: "$ConnectionString", Password: "Endpoint=sb://x/;SharedAccessKey=y"}
		}, nil},
		{"no brokers", func(c *Config) { c.Brokers = nil }, []string{"brokers: at least one broker"}},
		{"bad broker", func(c *Config) { c.Brokers = []string{"localhost"} }, []string{`brokers: "localhost" is not host:port`}},
		{"no group", func(c *Config) { c.Group = "" }, []string{"group: a consumer group name is required"}},
		{"raw is events", func(c *Config) { c.RawTopics = []string{DefaultEventsTopic} }, []string{"raw_topics: \"stagewatch.events\" is also"}},
		{"same topics", func(c *Config) { c.AlertsTopic = DefaultEventsTopic }, []string{"events_topic and alerts_topic are both"}},
		{"unknown format", func(c *Config) { c.RawFormat = "syslog" }, []string{"raw_format:"}},
		{"negative horizon", func(c *Config) { c.StateHorizon = -time.Hour }, []string{"state_horizon -1h0m0s is negative"}},
		{"sasl without mechanism", func(c *Config) { c.SASL.User = "u" }, []string{"user or password set without a mechanism"}},
		{"unknown mechanism", func(c *Config) { c.SASL = SASL{Mechanism: "GSSAPI", User: "u"} }, []string{`unknown mechanism "GSSAPI"`}},
		{"scram without user", func(c *Config) { c.SASL = SASL{Mechanism: SASLScramSHA512} }, []string{"SCRAM-SHA-512 needs a user"}},
		{"several", func(c *Config) { c.Brokers, c.Group = nil, "" }, []string{"brokers", "group"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ok()
			tt.edit(&c)
			err := c.Validate()
			if tt.errors == nil {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("no error; want %q", tt.errors)
			}
			msg := err.Error()
			for _, want := range tt.errors {
				i := strings.Index(msg, want)
				if i < 0 {
					t.Fatalf("error %q does not say %q", err, want)
				}
				msg = msg[i+len(want):]
			}
		})
	}
}

func TestConfigDefaults(t *testing.T) {
	c := Config{Brokers: []string{"b:9092"}, Group: "sw", SASL: SASL{Mechanism: "scram-sha-256", User: "u"}}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	got := []any{c.ClientID, c.EventsTopic, c.AlertsTopic, c.StateHorizon, c.SASL.Mechanism, c.Logger != nil}
	want := []any{"stagewatch", DefaultEventsTopic, DefaultAlertsTopic, DefaultStateHorizon, SASLScramSHA256, true}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("defaults (-want +got):\n%s", diff)
	}
}

// TestAlertProducerRecord checks that an alert record is the line hunt
// --output ndjson prints, keyed by the alert id.
func TestAlertProducerRecord(t *testing.T) {
	c := newCluster(t, 1)
	cfg := testConfig(t, c.ListenAddrs())
	p := must(NewAlertProducer(cfg))
	defer p.Close()
	a := stagewatch.Alert{ID: "0123456789abcdef01234567", Analytic: "bulk-file-staging", Host: "ws01",
		Summary:   `robocopy.exe wrote 12 files into C:\Users\Public\ <&>`,
		FirstSeen: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC), LastSeen: time.Date(2026, 3, 1, 9, 2, 0, 0, time.UTC)}
	if err := p.Emit(context.Background(), []stagewatch.Alert{a}); err != nil {
		t.Fatal(err)
	}
	recs := readAll(t, c.ListenAddrs(), DefaultAlertsTopic)
	if len(recs) != 1 {
		t.Fatalf("%d records, want 1", len(recs))
	}
	var line bytes.Buffer
	s := must(sink.New("ndjson", &line, sink.Options{}))
	if err := s.Write(a); err != nil {
		t.Fatal(err)
	}
	got := []any{string(recs[0].Key), string(recs[0].Value) + "\n", recs[0].Timestamp.UTC()}
	want := []any{a.ID, line.String(), a.LastSeen}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("alert record (-want +got):\n%s", diff)
	}
}

// FuzzIntakeRecord feeds arbitrary raw record values to intake's decoding:
// it must not panic, and every event it yields is keyed by its routing key.
func FuzzIntakeRecord(f *testing.F) {
	f.Add([]byte(`{"records":[{"time":"2026-03-01T09:00:00Z","category":"AdvancedHunting-DeviceFileEvents","properties":{"Timestamp":"2026-03-01T09:00:00Z","ActionType":"FileCreated","DeviceName":"ws1","FolderPath":"C:\\Temp\\a.txt"}}]}`))
	f.Add([]byte(`{"time":"2026-03-01T09:00:00Z","kind":"FileCreate","host":{"name":"h"}}` + "\n"))
	f.Add(gz([]byte(`{"time":"2026-03-01T09:00:00Z","kind":"FileCreate","host":{"name":"h"}}`)))
	f.Add([]byte{0x1f, 0x8b, 0, 0})
	f.Fuzz(func(t *testing.T, value []byte) {
		cfg := Config{Brokers: []string{"x:1"}, Group: "g", DeadLetterTopic: "dead"}
		if err := cfg.Validate(); err != nil {
			t.Fatal(err)
		}
		in := &Intake{cfg: cfg}
		out := in.record(&kgo.Record{Topic: "raw", Value: value}, nil)
		for _, r := range out {
			if r.Topic == "dead" {
				continue
			}
			if len(r.Key) == 0 {
				t.Errorf("event without a key: %s", r.Value)
			}
		}
	})
}
