package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/spf13/pflag"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/analytic"
	"github.com/stagewatch/stagewatch/config"
	"github.com/stagewatch/stagewatch/detect"
	"github.com/stagewatch/stagewatch/kafka"
	"github.com/stagewatch/stagewatch/serve"
)

// Kafka roles of --kafka-roles.
const (
	roleIntake = "intake"
	roleDetect = "detect"
)

// kafkaPasswordEnv holds the SASL password when no password file is given.
const kafkaPasswordEnv = "STAGEWATCH_KAFKA_SASL_PASSWORD"

// kafkaFlags adds the --kafka-* flags, bound to s.
func kafkaFlags(f *pflag.FlagSet, s *config.Serve) {
	f.StringSliceVar(&s.KafkaBrokers, "kafka-brokers", nil, "Kafka seed brokers, comma separated host:port; turns Kafka mode on")
	f.StringVar(&s.KafkaGroup, "kafka-group", s.KafkaGroup, "consumer group base `name` (<name>.intake, <name>.detect)")
	f.StringSliceVar(&s.KafkaRawTopics, "kafka-raw-topics", nil, "raw telemetry `topics` the intake role decodes, comma separated")
	f.StringVar(&s.KafkaRawFormat, "kafka-raw-format", "", "`format` of every raw record (default: sniff each record)")
	f.StringVar(&s.KafkaEventsTopic, "kafka-events-topic", s.KafkaEventsTopic, "`topic` of normalized events, keyed by routing key")
	f.StringVar(&s.KafkaAlertsTopic, "kafka-alerts-topic", "", "also produce alerts onto this `topic`, keyed by alert id (default: none)")
	f.StringVar(&s.KafkaDeadLetterTopic, "kafka-dead-letter-topic", "", "`topic` receiving raw records that could not be decoded in full")
	f.BoolVar(&s.KafkaTLS, "kafka-tls", false, "connect to the brokers over TLS")
	f.StringVar(&s.KafkaTLSCA, "kafka-tls-ca", "", "PEM `file` of the CAs of the broker certificates (implies --kafka-tls)")
	f.StringVar(&s.KafkaSASLMechanism, "kafka-sasl-mechanism", "", "SASL `mechanism`: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512")
	f.StringVar(&s.KafkaSASLUser, "kafka-sasl-user", "", "SASL `user` (Event Hubs: $ConnectionString); the password comes from "+kafkaPasswordEnv+" or --kafka-sasl-password-file")
	f.StringVar(&s.KafkaSASLPasswordFile, "kafka-sasl-password-file", "", "`file` holding the SASL password")
	f.StringSliceVar(&s.KafkaRoles, "kafka-roles", s.KafkaRoles, "what this instance runs: intake, detect or both")
	f.StringVar(&s.KafkaInstanceID, "kafka-instance-id", "", "static group member `id` (a restart within the session timeout keeps its partitions)")
	f.DurationVar(&s.KafkaSessionTimeout, "kafka-session-timeout", 0, "how long a silent instance keeps its partitions (default 45s)")
}

// kafkaSettings are the serve settings that have a --kafka-* flag.
func kafkaSettings() []serveSetting {
	var out []serveSetting
	for _, name := range []string{"brokers", "group", "raw-topics", "raw-format", "events-topic", "alerts-topic",
		"dead-letter-topic", "tls", "tls-ca", "sasl-mechanism", "sasl-user", "sasl-password-file", "roles",
		"instance-id", "session-timeout"} {
		out = append(out, serveSetting{"kafka-" + name, kafkaField(name)})
	}
	return out
}

func kafkaField(name string) func(*config.Serve) any {
	return func(s *config.Serve) any {
		return map[string]any{
			"brokers": &s.KafkaBrokers, "group": &s.KafkaGroup, "raw-topics": &s.KafkaRawTopics,
			"raw-format": &s.KafkaRawFormat, "events-topic": &s.KafkaEventsTopic, "alerts-topic": &s.KafkaAlertsTopic,
			"dead-letter-topic": &s.KafkaDeadLetterTopic, "tls": &s.KafkaTLS, "tls-ca": &s.KafkaTLSCA,
			"sasl-mechanism": &s.KafkaSASLMechanism, "sasl-user": &s.KafkaSASLUser,
			"sasl-password-file": &s.KafkaSASLPasswordFile, "roles": &s.KafkaRoles,
			"instance-id": &s.KafkaInstanceID, "session-timeout": &s.KafkaSessionTimeout,
		}[name]
	}
}

// kafkaMode is serve's Kafka side: which roles run, their clients, and the
// goroutines consuming.
type kafkaMode struct {
	cfg       kafka.Config
	roles     []string
	intake    *kafka.Intake
	detection *kafka.Detection
	events    *kafka.EventProducer // HTTP ingest
	alerts    *kafka.AlertProducer // nil without --kafka-alerts-topic

	cancel context.CancelFunc
	wg     sync.WaitGroup
	once   sync.Once
}

// kafkaConfig checks the Kafka settings and builds the kafka.Config; it
// returns nil, nil when Kafka mode is off. horizon is serve's state horizon,
// which detection also replays on a rebalance.
func kafkaConfig(sc config.Serve, horizon time.Duration, log *slog.Logger, getenv func(string) string) (*kafka.Config, []string, error) {
	if len(sc.KafkaBrokers) == 0 {
		if used := kafkaSettingsUsed(sc); len(used) > 0 {
			return nil, nil, fmt.Errorf("--%s set without --kafka-brokers (Kafka mode is off)", used[0])
		}
		return nil, nil, nil
	}
	var errs []error
	var roles []string
	for _, r := range sc.KafkaRoles {
		r = strings.ToLower(strings.TrimSpace(r))
		switch r {
		case roleIntake, roleDetect:
			if !slices.Contains(roles, r) {
				roles = append(roles, r)
			}
		default:
			errs = append(errs, fmt.Errorf("--kafka-roles: unknown role %q (want intake, detect or intake,detect)", r))
		}
	}
	if len(sc.KafkaRoles) == 0 {
		errs = append(errs, errors.New("--kafka-roles: name at least one role (intake, detect)"))
	}
	if slices.Contains(roles, roleIntake) && len(sc.KafkaRawTopics) == 0 {
		errs = append(errs, errors.New("--kafka-raw-topics: the intake role needs at least one raw topic (or run --kafka-roles detect)"))
	}
	kc := &kafka.Config{
		Brokers: sc.KafkaBrokers, Group: sc.KafkaGroup, InstanceID: sc.KafkaInstanceID,
		RawTopics: sc.KafkaRawTopics, RawFormat: sc.KafkaRawFormat, DeadLetterTopic: sc.KafkaDeadLetterTopic,
		EventsTopic: sc.KafkaEventsTopic, AlertsTopic: sc.KafkaAlertsTopic,
		SASL:         kafka.SASL{Mechanism: sc.KafkaSASLMechanism, User: sc.KafkaSASLUser},
		StateHorizon: horizon, SessionTimeout: sc.KafkaSessionTimeout, Logger: log,
	}
	if sc.KafkaTLS || sc.KafkaTLSCA != "" {
		tc, err := kafkaTLS(sc.KafkaTLSCA)
		if err != nil {
			errs = append(errs, err)
		}
		kc.TLS = tc
	}
	if sc.KafkaSASLMechanism != "" {
		pw := getenv(kafkaPasswordEnv)
		if sc.KafkaSASLPasswordFile != "" {
			b, err := os.ReadFile(sc.KafkaSASLPasswordFile)
			if err != nil {
				errs = append(errs, fmt.Errorf("--kafka-sasl-password-file: %w", err))
			}
			pw = strings.TrimRight(string(b), "\r\n")
		}
		if pw == "" && len(errs) == 0 {
			errs = append(errs, fmt.Errorf("--kafka-sasl-mechanism %s needs a password: set %s or --kafka-sasl-password-file", sc.KafkaSASLMechanism, kafkaPasswordEnv))
		}
		kc.SASL.Password = pw
	}
	if err := errors.Join(errs...); err != nil {
		return nil, nil, err
	}
	// Validate fills in the defaults; a copy keeps "no alerts topic" visible.
	check := *kc
	if err := check.Validate(); err != nil {
		return nil, nil, err
	}
	return kc, roles, nil
}

// kafkaSettingsUsed lists the --kafka-* settings that differ from their
// defaults.
func kafkaSettingsUsed(sc config.Serve) []string {
	def := config.DefaultServe()
	var out []string
	for _, s := range kafkaSettings() {
		got, want := reflect.ValueOf(s.field(&sc)).Elem().Interface(), reflect.ValueOf(s.field(&def)).Elem().Interface()
		if !reflect.DeepEqual(got, want) {
			out = append(out, s.flag)
		}
	}
	return out
}

// kafkaTLS is the TLS configuration of the broker connections: the system
// roots, or the CAs of caFile.
func kafkaTLS(caFile string) (*tls.Config, error) {
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if caFile == "" {
		return tc, nil
	}
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, fmt.Errorf("--kafka-tls-ca: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("--kafka-tls-ca: %s holds no PEM certificate", caFile)
	}
	tc.RootCAs = pool
	return tc, nil
}

// newKafkaMode connects the clients of roles. Detection builds one engine
// per partition the way serve builds its own (same analytics, lateness and
// update settings) and hands the alerts to sink.
func newKafkaMode(kc kafka.Config, roles []string, cfg *config.Config, specs []analytic.Spec, svc *serve.Service) (*kafkaMode, error) {
	k := &kafkaMode{cfg: kc, roles: roles}
	var err error
	if k.events, err = kafka.NewEventProducer(kc); err != nil {
		return nil, err
	}
	if kc.AlertsTopic != "" {
		if k.alerts, err = kafka.NewAlertProducer(kc); err != nil {
			k.close()
			return nil, err
		}
	}
	if slices.Contains(roles, roleIntake) {
		if k.intake, err = kafka.NewIntake(kc); err != nil {
			k.close()
			return nil, err
		}
	}
	if slices.Contains(roles, roleDetect) {
		factory := func() (*detect.Engine, error) {
			dets, err := cfg.Detectors(specs)
			if err != nil {
				return nil, err
			}
			return detect.New(dets, detect.Options{Lateness: cfg.Lateness, Stream: true})
		}
		sink := &durableThenTopic{svc: svc, topic: k.alerts}
		if k.detection, err = kafka.NewDetection(kc, factory, sink); err != nil {
			k.close()
			return nil, err
		}
	}
	return k, nil
}

// durableThenTopic is detection's AlertSink: the alerts go to the
// Service's alert log first (durable locally, delivered to the stdout, file
// and webhook sinks from there), then onto the alerts topic when there is
// one. Emit returns only when both hold them, so detection commits its
// offsets only after the alerts are durable in both places; a failing
// topic holds the partition and Emit is retried (the alert log drops the
// repeats).
type durableThenTopic struct {
	svc   *serve.Service
	topic *kafka.AlertProducer
}

func (d *durableThenTopic) Emit(ctx context.Context, alerts []stagewatch.Alert) error {
	if err := d.svc.Emit(ctx, alerts); err != nil {
		return err
	}
	if d.topic == nil {
		return nil
	}
	return d.topic.Emit(ctx, alerts)
}

// start runs the consumers until stop.
func (k *kafkaMode) start() {
	ctx, cancel := context.WithCancel(context.Background())
	k.cancel = cancel
	if k.intake != nil {
		k.wg.Go(func() { k.intake.Run(ctx) })
	}
	if k.detection != nil {
		k.wg.Go(func() { k.detection.Run(ctx) })
	}
}

// ready says why the instance is not ready yet: a consumer that has not
// joined its group.
func (k *kafkaMode) ready() error {
	switch {
	case k.intake != nil && !k.intake.Joined():
		return fmt.Errorf("kafka: intake has not joined group %s.intake", k.cfg.Group)
	case k.detection != nil && !k.detection.Joined():
		return fmt.Errorf("kafka: detection has not joined group %s.detect", k.cfg.Group)
	}
	return nil
}

// accept is HTTP ingest in Kafka mode: the events go onto the events topic
// and detection, wherever their partitions are owned, sees them there.
func (k *kafkaMode) accept(ctx context.Context, _ string, evs []*stagewatch.Event) error {
	return k.events.Produce(ctx, evs)
}

// stop ends the consumers (each commits what is durable), leaves the
// groups and closes every client.
func (k *kafkaMode) stop() {
	if k.cancel != nil {
		k.cancel()
	}
	k.wg.Wait()
	k.close()
}

func (k *kafkaMode) close() {
	k.once.Do(func() {
		if k.intake != nil {
			k.intake.Close()
		}
		if k.detection != nil {
			k.detection.Close()
		}
		if k.alerts != nil {
			k.alerts.Close()
		}
		if k.events != nil {
			k.events.Close()
		}
	})
}
