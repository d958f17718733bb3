package config

import "time"

// Serve is the `serve:` section: the settings of `stagewatch serve`. Each
// also has a flag and a STAGEWATCH_* environment variable (flags override
// the environment, which overrides the file); docs/operations.md lists them.
type Serve struct {
	Listen         string        `yaml:"listen" doc:"address the HTTP API listens on"`
	DataDir        string        `yaml:"data_dir" doc:"directory of the store (stagewatch.db): accepted events, alert log, sink cursors"`
	MaxDBSize      int64         `yaml:"max_db_size" doc:"largest the store file may grow, in bytes (0: no limit); beyond it intake answers 503 until pruning frees space"`
	TokenFile      string        `yaml:"token_file" doc:"file of bearer tokens, one per line (# comments allowed)"`
	InsecureNoAuth bool          `yaml:"insecure_no_auth" doc:"allow running without tokens; only on a loopback listen address"`
	TLSCert        string        `yaml:"tls_cert" doc:"TLS certificate file (PEM); with tls_key, serve HTTPS"`
	TLSKey         string        `yaml:"tls_key" doc:"TLS private key file (PEM)"`
	MaxBody        int64         `yaml:"max_body" doc:"largest request body in bytes (413 above)"`
	Rate           float64       `yaml:"rate" doc:"requests per second per token (0: no limit); 429 with Retry-After above"`
	Burst          int           `yaml:"burst" doc:"requests a token may send at once above the rate"`
	Queue          int           `yaml:"queue" doc:"batches waiting for the engine before intake answers 503"`
	StateHorizon   time.Duration `yaml:"state_horizon" doc:"event time kept and replayed on start (0: longest window + episode gap + lateness)"`
	ReadTimeout    time.Duration `yaml:"read_timeout" doc:"longest time to read one request, body included"`
	Updates        bool          `yaml:"updates" doc:"raise an alert when an analytic's threshold is crossed and update it (same id) while it grows, not only when its episode closes"`
	UpdateEvery    time.Duration `yaml:"update_every" doc:"event time between two updates of one open alert (0: whenever it changes)"`
	Stdout         bool          `yaml:"stdout" doc:"write alerts as NDJSON to standard output"`
	Alerts         string        `yaml:"alerts" doc:"NDJSON alert file (the hunt --output ndjson format)"`
	AlertsMaxSize  int64         `yaml:"alerts_max_size" doc:"rotate the alert file at this size in bytes (0: never)"`
	AlertsKeep     int           `yaml:"alerts_keep" doc:"rotated alert files to keep"`
	Webhook        string        `yaml:"webhook" doc:"URL receiving a JSON POST per alert"`
	WebhookTries   int           `yaml:"webhook_attempts" doc:"attempts per alert before it goes to the dead-letter file"`
	DeadLetter     string        `yaml:"dead_letter" doc:"NDJSON file of alerts the webhook refused webhook_attempts times (default: <data_dir>/dead-letter.ndjson)"`

	KafkaBrokers          []string      `yaml:"kafka_brokers" doc:"Kafka seed brokers, host:port; setting them turns Kafka mode on"`
	KafkaGroup            string        `yaml:"kafka_group" doc:"consumer group base name: intake joins <group>.intake, detection <group>.detect"`
	KafkaRawTopics        []string      `yaml:"kafka_raw_topics" doc:"topics of raw telemetry the intake role decodes (any format hunt reads)"`
	KafkaRawFormat        string        `yaml:"kafka_raw_format" doc:"format of every raw record (empty: sniff each record)"`
	KafkaEventsTopic      string        `yaml:"kafka_events_topic" doc:"topic of normalized events, keyed by routing key"`
	KafkaAlertsTopic      string        `yaml:"kafka_alerts_topic" doc:"topic alerts are produced onto, keyed by alert id (empty: none)"`
	KafkaDeadLetterTopic  string        `yaml:"kafka_dead_letter_topic" doc:"topic receiving raw records that could not be decoded in full (empty: none)"`
	KafkaTLS              bool          `yaml:"kafka_tls" doc:"connect to the brokers over TLS (Event Hubs needs it)"`
	KafkaTLSCA            string        `yaml:"kafka_tls_ca" doc:"PEM file of the CAs that sign the broker certificates (default: system roots); implies kafka_tls"`
	KafkaSASLMechanism    string        `yaml:"kafka_sasl_mechanism" doc:"SASL mechanism: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (empty: none)"`
	KafkaSASLUser         string        `yaml:"kafka_sasl_user" doc:"SASL user (Event Hubs: $ConnectionString)"`
	KafkaSASLPasswordFile string        `yaml:"kafka_sasl_password_file" doc:"file holding the SASL password (else STAGEWATCH_KAFKA_SASL_PASSWORD)"`
	KafkaRoles            []string      `yaml:"kafka_roles" doc:"what this instance runs: intake (raw topics to events topic), detect (events topic to alerts), or both"`
	KafkaInstanceID       string        `yaml:"kafka_instance_id" doc:"static group member id: a restart within the session timeout keeps its partitions (empty: dynamic member)"`
	KafkaSessionTimeout   time.Duration `yaml:"kafka_session_timeout" doc:"how long a silent instance keeps its partitions (0: 45s)"`
}

// DefaultServe returns the compiled-in serve settings.
func DefaultServe() Serve {
	return Serve{
		Listen:           "127.0.0.1:8080",
		DataDir:          "stagewatch-data",
		MaxBody:          32 << 20,
		Burst:            20,
		Queue:            64,
		ReadTimeout:      time.Minute,
		AlertsKeep:       5,
		WebhookTries:     8,
		Updates:          true,
		UpdateEvery:      5 * time.Minute,
		KafkaGroup:       "stagewatch",
		KafkaEventsTopic: "stagewatch.events",
		KafkaRoles:       []string{"intake", "detect"},
	}
}
