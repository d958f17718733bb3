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
}

// DefaultServe returns the compiled-in serve settings.
func DefaultServe() Serve {
	return Serve{
		Listen:       "127.0.0.1:8080",
		DataDir:      "stagewatch-data",
		MaxBody:      32 << 20,
		Burst:        20,
		Queue:        64,
		ReadTimeout:  time.Minute,
		AlertsKeep:   5,
		WebhookTries: 8,
		Updates:      true,
		UpdateEvery:  5 * time.Minute,
	}
}
