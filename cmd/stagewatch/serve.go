package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/stagewatch/stagewatch/analytic"
	"github.com/stagewatch/stagewatch/config"
	"github.com/stagewatch/stagewatch/serve"
	"github.com/stagewatch/stagewatch/store"
)

const serveLong = `Run stagewatch as a service: take events over HTTP, keep windows across
restarts, and deliver alerts to standard output, a file and a webhook.

POST any supported format to /v1/events (sniffed, or ?format=NAME; gzip by
Content-Encoding or by content; NDJSON streams). A request is accepted as a
whole or not at all: one bad record answers 400 naming it, unless
?skip_bad=true, which accepts the good records and lists the bad ones. 202
means the events are on disk (fsync'd): a client that resends whatever did
not get a 202 loses nothing, and duplicates are harmless because alert ids
are deterministic.

Every accepted event is kept for the state horizon (the longest analytic
window + episode gap + lateness, or --state-horizon) and replayed on start,
so a restart or crash rebuilds every open window and raises no alert twice.
Alerts go to an alert log first and then to each sink from its own durable
cursor: a webhook that is down only lags.

Settings come from flags, then STAGEWATCH_* environment variables (the flag
name upper-cased, dashes as underscores: STAGEWATCH_LISTEN), then the
serve: section of --config, then defaults. Tokens come from --token-file
(one per line, # comments) and STAGEWATCH_TOKENS (comma separated). Without
a token serve refuses to start unless --insecure-no-auth is given and the
listen address is loopback.

GET /healthz (process up), /readyz (replay done, store writable, queue not
full) and /metrics (Prometheus). SIGTERM or SIGINT stops intake, drains the
queue, lets the sinks catch up for a few seconds and closes the store.
Logs are JSON lines on standard error. See docs/operations.md.

With --kafka-brokers, serve runs over Kafka (or Event Hubs): the intake role
decodes --kafka-raw-topics onto the events topic, the detect role runs the
analytics per events partition into the alert log (and --kafka-alerts-topic),
and HTTP ingest produces onto the events topic instead of detecting locally.
/readyz waits for the consumers to join their groups. The SASL password comes
from STAGEWATCH_KAFKA_SASL_PASSWORD or --kafka-sasl-password-file.`

const serveExample = `  echo "$(openssl rand -hex 32)" > tokens; chmod 600 tokens
  stagewatch serve --listen :8080 --token-file tokens --data-dir /var/lib/stagewatch \
      --alerts /var/log/stagewatch/alerts.ndjson --webhook https://soar.example/hook

  # send a Defender export, gzip'd, and a stream of normalized events
  curl -sS -H "Authorization: Bearer $(cat tokens)" --data-binary @DeviceFileEvents.json.gz \
      http://127.0.0.1:8080/v1/events
  stagewatch normalize Security.evtx | curl -sS -H "Authorization: Bearer $(cat tokens)" \
      -H 'Content-Type: application/x-ndjson' --data-binary @- 'http://127.0.0.1:8080/v1/events?skip_bad=true'

  # local trial without tokens (loopback only)
  stagewatch serve --insecure-no-auth --stdout --data-dir ./sw-data

  # Kafka mode: decode raw topics, detect per events partition, alerts also onto a topic
  stagewatch serve --token-file tokens --data-dir /var/lib/stagewatch --alerts alerts.ndjson \
      --kafka-brokers k1:9092,k2:9092 --kafka-raw-topics mde-raw,sysmon-raw \
      --kafka-alerts-topic stagewatch.alerts

  # Azure Event Hubs (TLS, SASL PLAIN); detection only, intake runs elsewhere
  export STAGEWATCH_KAFKA_SASL_PASSWORD='Endpoint=sb://contoso.servicebus.windows.net/;...'
  stagewatch serve --token-file tokens --kafka-brokers contoso.servicebus.windows.net:9093 \
      --kafka-tls --kafka-sasl-mechanism PLAIN --kafka-sasl-user '$ConnectionString' \
      --kafka-roles detect`

// serveSetting ties a flag to its field of config.Serve.
type serveSetting struct {
	flag  string
	field func(*config.Serve) any // a pointer to the field
}

// serveSettings lists the settings that have a flag, an environment
// variable and a config key.
func serveSettings() []serveSetting {
	return append([]serveSetting{
		{"listen", func(s *config.Serve) any { return &s.Listen }},
		{"data-dir", func(s *config.Serve) any { return &s.DataDir }},
		{"max-db-size", func(s *config.Serve) any { return &s.MaxDBSize }},
		{"token-file", func(s *config.Serve) any { return &s.TokenFile }},
		{"insecure-no-auth", func(s *config.Serve) any { return &s.InsecureNoAuth }},
		{"tls-cert", func(s *config.Serve) any { return &s.TLSCert }},
		{"tls-key", func(s *config.Serve) any { return &s.TLSKey }},
		{"max-body", func(s *config.Serve) any { return &s.MaxBody }},
		{"rate", func(s *config.Serve) any { return &s.Rate }},
		{"burst", func(s *config.Serve) any { return &s.Burst }},
		{"queue", func(s *config.Serve) any { return &s.Queue }},
		{"state-horizon", func(s *config.Serve) any { return &s.StateHorizon }},
		{"read-timeout", func(s *config.Serve) any { return &s.ReadTimeout }},
		{"updates", func(s *config.Serve) any { return &s.Updates }},
		{"update-every", func(s *config.Serve) any { return &s.UpdateEvery }},
		{"stdout", func(s *config.Serve) any { return &s.Stdout }},
		{"alerts", func(s *config.Serve) any { return &s.Alerts }},
		{"alerts-max-size", func(s *config.Serve) any { return &s.AlertsMaxSize }},
		{"alerts-keep", func(s *config.Serve) any { return &s.AlertsKeep }},
		{"webhook", func(s *config.Serve) any { return &s.Webhook }},
		{"webhook-attempts", func(s *config.Serve) any { return &s.WebhookTries }},
		{"dead-letter", func(s *config.Serve) any { return &s.DeadLetter }},
	}, kafkaSettings()...)
}

func newServeCmd(env *cliEnv) *cobra.Command {
	var (
		configPath string
		lateness   time.Duration
		logLevel   string
		readyFile  string
		flags      = config.DefaultServe()
	)
	cmd := &cobra.Command{
		Use:     "serve",
		Short:   "Run as a service: HTTP ingest, durable windows and alert log, alert sinks, metrics",
		Long:    serveLong,
		Example: serveExample,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			specs := analytic.All()
			cfg, err := loadConfig(configPath, specs)
			if err != nil {
				return err
			}
			if err := resolveServe(cmd.Flags(), &flags, &cfg.Serve, os.LookupEnv); err != nil {
				return err
			}
			if lateness > 0 {
				cfg.Lateness = lateness
			}
			var level slog.Level
			if err := level.UnmarshalText([]byte(logLevel)); err != nil {
				return fmt.Errorf("--log-level: %v", err)
			}
			log := slog.New(slog.NewJSONHandler(env.stderr, &slog.HandlerOptions{Level: level}))
			return runServe(cmd.Context(), env, cfg, specs, log, readyFile)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&configPath, "config", "c", "", "YAML configuration `file`: analytics and a serve: section")
	f.DurationVar(&lateness, "lateness", 0, "how far out of order events may arrive (overrides the config; default 5m)")
	f.StringVar(&logLevel, "log-level", "info", "log `level`: debug, info, warn or error")
	f.StringVar(&readyFile, "ready-file", "", "write the listen address to `file` once ready (for scripts, with --listen 127.0.0.1:0)")
	f.StringVar(&flags.Listen, "listen", flags.Listen, "`address` to listen on (host:port; :0 picks a free port)")
	f.StringVar(&flags.DataDir, "data-dir", flags.DataDir, "`directory` of the store: accepted events, alert log, sink cursors")
	f.Int64Var(&flags.MaxDBSize, "max-db-size", 0, "largest the store file may grow, in `bytes` (0: no limit); beyond it intake answers 503")
	f.StringVar(&flags.TokenFile, "token-file", "", "`file` of bearer tokens, one per line (# comments allowed)")
	f.BoolVar(&flags.InsecureNoAuth, "insecure-no-auth", false, "run without tokens (only on a loopback address)")
	f.StringVar(&flags.TLSCert, "tls-cert", "", "TLS certificate `file` (PEM); with --tls-key, serve HTTPS")
	f.StringVar(&flags.TLSKey, "tls-key", "", "TLS private key `file` (PEM)")
	f.Int64Var(&flags.MaxBody, "max-body", flags.MaxBody, "largest request body in `bytes` (413 above)")
	f.Float64Var(&flags.Rate, "rate", 0, "requests per second per token, 0 for no limit (429 with Retry-After above)")
	f.IntVar(&flags.Burst, "burst", flags.Burst, "requests a token may send at once above --rate")
	f.IntVar(&flags.Queue, "queue", flags.Queue, "batches waiting for the engine before intake answers 503")
	f.DurationVar(&flags.StateHorizon, "state-horizon", 0, "event time kept and replayed on start (default: longest window + episode gap + lateness)")
	f.DurationVar(&flags.ReadTimeout, "read-timeout", flags.ReadTimeout, "longest time to read one request, body included")
	f.BoolVar(&flags.Updates, "updates", flags.Updates, "raise alerts when a threshold is crossed and update them while they grow (--updates=false: only when episodes close)")
	f.DurationVar(&flags.UpdateEvery, "update-every", flags.UpdateEvery, "event time between two updates of one open alert (0: whenever it changes)")
	f.BoolVar(&flags.Stdout, "stdout", false, "write alerts as NDJSON to standard output")
	f.StringVar(&flags.Alerts, "alerts", "", "append alerts to `file` as NDJSON (the hunt --output ndjson format)")
	f.Int64Var(&flags.AlertsMaxSize, "alerts-max-size", 0, "rotate the alert file at this many `bytes` (0: never)")
	f.IntVar(&flags.AlertsKeep, "alerts-keep", flags.AlertsKeep, "rotated alert files to keep")
	f.StringVar(&flags.Webhook, "webhook", "", "`URL` receiving a JSON POST per alert (retried with backoff)")
	f.IntVar(&flags.WebhookTries, "webhook-attempts", flags.WebhookTries, "attempts per alert before it goes to the dead-letter file")
	f.StringVar(&flags.DeadLetter, "dead-letter", "", "dead-letter NDJSON `file` (default <data-dir>/dead-letter.ndjson)")
	kafkaFlags(f, &flags)
	return cmd
}

// resolveServe sets out, which holds the file's settings, from the flags
// that were given and else from the environment.
func resolveServe(fs *pflag.FlagSet, flags, out *config.Serve, lookup func(string) (string, bool)) error {
	for _, s := range serveSettings() {
		fl := fs.Lookup(s.flag)
		if !fl.Changed {
			name := "STAGEWATCH_" + strings.ToUpper(strings.ReplaceAll(s.flag, "-", "_"))
			v, ok := lookup(name)
			if !ok || v == "" {
				continue
			}
			if err := fl.Value.Set(v); err != nil {
				return fmt.Errorf("%s=%q: %v", name, v, err)
			}
		}
		reflect.ValueOf(s.field(out)).Elem().Set(reflect.ValueOf(s.field(flags)).Elem())
	}
	return nil
}

// tokens reads the token file and STAGEWATCH_TOKENS.
func tokens(path string) ([]string, error) {
	var out []string
	if path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("token file: %w", err)
		}
		for _, l := range strings.Split(string(b), "\n") {
			if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
				out = append(out, l)
			}
		}
	}
	for _, t := range strings.FieldsFunc(os.Getenv("STAGEWATCH_TOKENS"), func(r rune) bool { return r == ',' || r == ' ' || r == '\n' }) {
		out = append(out, t)
	}
	return out, nil
}

// isLoopback reports whether a listen address only accepts local clients.
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// shutdownGrace is how long a stopping service lets sinks catch up.
const shutdownGrace = 5 * time.Second

func runServe(ctx context.Context, env *cliEnv, cfg *config.Config, specs []analytic.Spec, log *slog.Logger, readyFile string) error {
	sc := cfg.Serve
	toks, err := tokens(sc.TokenFile)
	if err != nil {
		return err
	}
	if len(toks) == 0 && !(sc.InsecureNoAuth && isLoopback(sc.Listen)) {
		return errors.New("no bearer token configured (--token-file or STAGEWATCH_TOKENS); to run without authentication use --insecure-no-auth with a loopback --listen address such as 127.0.0.1:8080")
	}
	if (sc.TLSCert == "") != (sc.TLSKey == "") {
		return errors.New("--tls-cert and --tls-key go together")
	}
	cfg.Updates, cfg.UpdateEvery = sc.Updates, sc.UpdateEvery
	dets, err := cfg.Detectors(specs)
	if err != nil {
		return err
	}
	window, _ := serve.Windows(cfg)
	horizon := sc.StateHorizon
	if horizon <= 0 {
		horizon = serve.Horizon(cfg)
	}
	kc, roles, err := kafkaConfig(sc, horizon, log, os.Getenv)
	if err != nil {
		return err
	}
	st, err := store.Open(sc.DataDir, store.Options{MaxSize: int(sc.MaxDBSize)})
	if err != nil {
		return err
	}
	defer st.Close()

	m := serve.NewMetrics()
	var sinks []serve.Sink
	if sc.Stdout {
		sinks = append(sinks, serve.NewWriterSink("stdout", env.stdout))
	}
	if sc.Alerts != "" {
		fs, err := serve.OpenFileSink(sc.Alerts, sc.AlertsMaxSize, sc.AlertsKeep)
		if err != nil {
			return fmt.Errorf("--alerts: %w", err)
		}
		defer fs.Close()
		sinks = append(sinks, fs)
	}
	if sc.Webhook != "" {
		dead := sc.DeadLetter
		if dead == "" {
			dead = filepath.Join(sc.DataDir, "dead-letter.ndjson")
		}
		wo := serve.WebhookOptions{URL: sc.Webhook, Attempts: sc.WebhookTries, DeadLetter: dead}
		m.WebhookHooks(&wo, "webhook")
		sinks = append(sinks, serve.NewWebhookSink(wo))
	}
	svc, err := serve.New(st, serve.Options{
		Detectors: dets, Lateness: cfg.Lateness, Horizon: horizon, Window: window,
		Queue: sc.Queue, Sinks: sinks, Logger: log, Metrics: m,
	})
	if err != nil {
		return err
	}
	hopts := serve.HTTPOptions{
		Tokens: toks, MaxBody: sc.MaxBody, Rate: sc.Rate, Burst: sc.Burst, Logger: log, Metrics: m,
	}
	var km *kafkaMode
	if kc != nil {
		if km, err = newKafkaMode(*kc, roles, cfg, specs, svc); err != nil {
			return err
		}
		defer km.close()
		hopts.Accept, hopts.Ready = km.accept, km.ready
		stopLag := make(chan struct{})
		defer exportKafka(m, km, stopLag).Wait()
		defer close(stopLag)
	}
	h := serve.NewHandler(svc, hopts)
	srv := serve.NewServer(sc.Listen, h, serve.ServerOptions{ReadTimeout: sc.ReadTimeout})
	srv.ErrorLog = slog.NewLogLogger(log.Handler(), slog.LevelWarn)
	ln, err := net.Listen("tcp", sc.Listen)
	if err != nil {
		return err
	}
	served := make(chan error, 1)
	go func() {
		if sc.TLSCert != "" {
			served <- srv.ServeTLS(ln, sc.TLSCert, sc.TLSKey)
		} else {
			served <- srv.Serve(ln)
		}
	}()
	log.Info("listening", "addr", ln.Addr().String(), "tls", sc.TLSCert != "", "auth", len(toks) > 0,
		"data_dir", sc.DataDir, "horizon", horizon.String(), "analytics", len(dets), "sinks", len(sinks))
	if err := svc.Start(ctx); err != nil {
		srv.Close()
		if ctx.Err() != nil {
			log.Info("stopped during the replay") // nothing was accepted yet
			return nil
		}
		return fmt.Errorf("replay: %w", err)
	}
	if km != nil {
		km.start()
		log.Info("kafka", "brokers", strings.Join(kc.Brokers, ","), "roles", strings.Join(roles, ","),
			"group", kc.Group, "events_topic", kc.EventsTopic, "alerts_topic", kc.AlertsTopic, "raw_topics", strings.Join(kc.RawTopics, ","))
	}
	log.Info("ready")
	if readyFile != "" {
		if err := os.WriteFile(readyFile, []byte(ln.Addr().String()+"\n"), 0o644); err != nil {
			log.Error("writing --ready-file", "err", err)
		}
	}

	select {
	case <-ctx.Done():
	case err := <-served:
		return err
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace+10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		log.Warn("http shutdown", "err", err)
	}
	if km != nil {
		km.stop() // consumers commit what is durable and leave their groups
	}
	gctx, gcancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer gcancel()
	if err := svc.Close(gctx); err != nil {
		return err
	}
	log.Info("stopped")
	return nil // the deferred Close closes the store
}
