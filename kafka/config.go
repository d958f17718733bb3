package kafka

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"

	"github.com/stagewatch/stagewatch/decode"
)

// Default topic names and state horizon.
const (
	DefaultEventsTopic  = "stagewatch.events"
	DefaultAlertsTopic  = "stagewatch.alerts"
	DefaultStateHorizon = 25 * time.Hour
)

// SASL mechanisms accepted in SASL.Mechanism.
const (
	SASLPlain       = "PLAIN"
	SASLScramSHA256 = "SCRAM-SHA-256"
	SASLScramSHA512 = "SCRAM-SHA-512"
)

// SASL is the authentication of the client. Azure Event Hubs takes PLAIN
// with User "$ConnectionString" and the connection string as Password.
type SASL struct {
	Mechanism string // PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512; "" means no SASL
	User      string
	Password  string
}

// Config is the Kafka side of `stagewatch serve`. The zero value of each
// optional field has a documented default; Validate fills them in.
type Config struct {
	// Brokers are the seed brokers, host:port.
	Brokers []string
	// ClientID names the client in broker logs; default "stagewatch".
	ClientID string
	// Group is the consumer group base name: intake consumes as
	// Group+".intake" and detection as Group+".detect", so that either can
	// be scaled on its own. Required.
	Group string
	// InstanceID, when set, makes the instance a static group member
	// (suffixed ".intake" and ".detect" as Group): a restart within the
	// session timeout gets its partitions back without a rebalance.
	InstanceID string
	// RawTopics are the topics intake reads raw telemetry from.
	RawTopics []string
	// RawFormat forces the format of every raw record; "" sniffs each
	// record on its own, so one topic may carry several formats.
	RawFormat string
	// RawLocation is the time zone of raw timestamps written without one;
	// nil means UTC.
	RawLocation *time.Location
	// DeadLetterTopic, when set, receives a copy of every raw record that
	// could not be decoded in full, with headers saying where it came from
	// and why.
	DeadLetterTopic string
	// EventsTopic carries normalized events keyed by routing key; default
	// DefaultEventsTopic.
	EventsTopic string
	// AlertsTopic receives alerts from AlertProducer; default
	// DefaultAlertsTopic.
	AlertsTopic string
	// TLS, when not nil, is used for every broker connection.
	TLS *tls.Config
	// SASL authenticates the client when its Mechanism is set.
	SASL SASL
	// StateHorizon is how far behind a partition's committed event-time
	// watermark a new owner starts replaying to rebuild its windows. It
	// must cover the longest window of any analytic plus the lateness;
	// default DefaultStateHorizon (the 24h windows of the defaults plus
	// an hour).
	StateHorizon time.Duration
	// SessionTimeout is the group session timeout: how long a silent
	// instance keeps its partitions; default 45s.
	SessionTimeout time.Duration
	// Logger receives bad records, rebalances and retries; nil discards.
	Logger *slog.Logger

	// extra options, for tests (kfake timing) only.
	extra []kgo.Opt
}

// Validate checks c and fills in the defaults. Its errors name the field as
// written in the serve configuration.
func (c *Config) Validate() error {
	var errs []error
	if len(c.Brokers) == 0 {
		errs = append(errs, errors.New("kafka: brokers: at least one broker (host:port) is required"))
	}
	for _, b := range c.Brokers {
		if b == "" || !strings.Contains(b, ":") {
			errs = append(errs, fmt.Errorf("kafka: brokers: %q is not host:port", b))
		}
	}
	if c.Group == "" {
		errs = append(errs, errors.New("kafka: group: a consumer group name is required"))
	}
	if c.ClientID == "" {
		c.ClientID = "stagewatch"
	}
	if c.EventsTopic == "" {
		c.EventsTopic = DefaultEventsTopic
	}
	if c.AlertsTopic == "" {
		c.AlertsTopic = DefaultAlertsTopic
	}
	for _, t := range c.RawTopics {
		switch t {
		case "":
			errs = append(errs, errors.New("kafka: raw_topics: a topic name is empty"))
		case c.EventsTopic, c.AlertsTopic, c.DeadLetterTopic:
			errs = append(errs, fmt.Errorf("kafka: raw_topics: %q is also the events, alerts or dead-letter topic", t))
		}
	}
	if c.EventsTopic == c.AlertsTopic {
		errs = append(errs, fmt.Errorf("kafka: events_topic and alerts_topic are both %q", c.EventsTopic))
	}
	if c.RawFormat != "" && c.RawFormat != "auto" {
		if _, err := decode.Lookup(c.RawFormat); err != nil {
			errs = append(errs, fmt.Errorf("kafka: raw_format: %w", err))
		}
	}
	switch {
	case c.StateHorizon < 0:
		errs = append(errs, fmt.Errorf("kafka: state_horizon %v is negative", c.StateHorizon))
	case c.StateHorizon == 0:
		c.StateHorizon = DefaultStateHorizon
	}
	if c.SessionTimeout < 0 {
		errs = append(errs, fmt.Errorf("kafka: session_timeout %v is negative", c.SessionTimeout))
	}
	switch strings.ToUpper(c.SASL.Mechanism) {
	case "":
		if c.SASL.User != "" || c.SASL.Password != "" {
			errs = append(errs, errors.New("kafka: sasl: user or password set without a mechanism (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512)"))
		}
	case SASLPlain, SASLScramSHA256, SASLScramSHA512:
		c.SASL.Mechanism = strings.ToUpper(c.SASL.Mechanism)
		if c.SASL.User == "" {
			errs = append(errs, fmt.Errorf("kafka: sasl: %s needs a user (Event Hubs: $ConnectionString)", c.SASL.Mechanism))
		}
	default:
		errs = append(errs, fmt.Errorf("kafka: sasl: unknown mechanism %q (want PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512)", c.SASL.Mechanism))
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return errors.Join(errs...)
}

// clientOpts are the options every client of the package shares.
func (c *Config) clientOpts() []kgo.Opt {
	opts := []kgo.Opt{
		kgo.SeedBrokers(c.Brokers...),
		kgo.ClientID(c.ClientID),
		kgo.WithLogger(slogLogger{c.Logger}),
	}
	if c.TLS != nil {
		opts = append(opts, kgo.DialTLSConfig(c.TLS.Clone()))
	}
	switch c.SASL.Mechanism {
	case SASLPlain:
		opts = append(opts, kgo.SASL(plain.Auth{User: c.SASL.User, Pass: c.SASL.Password}.AsMechanism()))
	case SASLScramSHA256:
		opts = append(opts, kgo.SASL(scram.Auth{User: c.SASL.User, Pass: c.SASL.Password}.AsSha256Mechanism()))
	case SASLScramSHA512:
		opts = append(opts, kgo.SASL(scram.Auth{User: c.SASL.User, Pass: c.SASL.Password}.AsSha512Mechanism()))
	}
	return append(opts, c.extra...)
}

// groupOpts are the options of a group consumer named Group+suffix.
func (c *Config) groupOpts(suffix string) []kgo.Opt {
	opts := []kgo.Opt{
		kgo.ConsumerGroup(c.Group + suffix),
		kgo.DisableAutoCommit(),
		kgo.BlockRebalanceOnPoll(),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
	}
	if c.InstanceID != "" {
		opts = append(opts, kgo.InstanceID(c.InstanceID+suffix))
	}
	if c.SessionTimeout > 0 {
		opts = append(opts, kgo.SessionTimeout(c.SessionTimeout))
	}
	return opts
}

// slogLogger passes franz-go's log lines to a *slog.Logger, warnings and
// errors only: its info and debug lines are per request.
type slogLogger struct{ l *slog.Logger }

func (s slogLogger) Level() kgo.LogLevel { return kgo.LogLevelWarn }

func (s slogLogger) Log(level kgo.LogLevel, msg string, keyvals ...any) {
	switch level {
	case kgo.LogLevelError:
		s.l.Error("kafka: "+msg, keyvals...)
	case kgo.LogLevelWarn:
		s.l.Warn("kafka: "+msg, keyvals...)
	}
}
