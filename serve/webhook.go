package serve

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/stagewatch/stagewatch/store"
)

// WebhookOptions configure a WebhookSink.
type WebhookOptions struct {
	// URL receives one JSON POST per alert record.
	URL string
	// Attempts is how many times one alert is tried before it goes to the
	// dead-letter file; 0 means 8.
	Attempts int
	// Backoff is the first retry delay, doubled on every attempt with
	// jitter, up to MaxBackoff; 0 means 500ms and 30s.
	Backoff, MaxBackoff time.Duration
	// DeadLetter is the NDJSON file alerts go to after Attempts failures;
	// "" keeps retrying them forever instead.
	DeadLetter string
	// Client is the HTTP client; nil means one with a 10s timeout.
	Client *http.Client
	// OnRetry, if set, is called before every retry (for metrics).
	OnRetry func()
	// OnDeadLetter, if set, is called for every dead-lettered alert.
	OnDeadLetter func()
}

// WebhookSink posts each alert as JSON to a URL. A 2xx answer is delivery;
// anything else is retried with exponential backoff and jitter, and after
// Attempts failures the alert is appended to the dead-letter file so one
// poisonous alert cannot hold back the rest.
type WebhookSink struct {
	o WebhookOptions
}

// NewWebhookSink returns a webhook sink.
func NewWebhookSink(o WebhookOptions) *WebhookSink {
	if o.Attempts <= 0 {
		o.Attempts = 8
	}
	if o.Backoff <= 0 {
		o.Backoff = 500 * time.Millisecond
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 30 * time.Second
	}
	if o.Client == nil {
		o.Client = &http.Client{Timeout: 10 * time.Second}
	}
	return &WebhookSink{o: o}
}

// Name implements Sink.
func (k *WebhookSink) Name() string { return "webhook" }

// Deliver implements Sink.
func (k *WebhookSink) Deliver(ctx context.Context, recs []store.Alert) (int, error) {
	b := backoffPolicy{Base: k.o.Backoff, Max: k.o.MaxBackoff}
	for i, r := range recs {
		var err error
		for attempt := 1; ; attempt++ {
			if err = k.post(ctx, r.JSON); err == nil {
				break
			}
			if ctx.Err() != nil {
				return i, ctx.Err()
			}
			if k.o.DeadLetter != "" && attempt >= k.o.Attempts {
				if derr := k.deadLetter(r.JSON); derr != nil {
					return i, fmt.Errorf("%v; dead-letter: %w", err, derr)
				}
				if k.o.OnDeadLetter != nil {
					k.o.OnDeadLetter()
				}
				break
			}
			if k.o.OnRetry != nil {
				k.o.OnRetry()
			}
			sleep(ctx, b.delay(attempt))
		}
	}
	return len(recs), nil
}

func (k *WebhookSink) post(ctx context.Context, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, k.o.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := k.o.Client.Do(req)
	if err != nil {
		return err
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("webhook answered %s", resp.Status)
	}
	return nil
}

func (k *WebhookSink) deadLetter(line []byte) error {
	f, err := os.OpenFile(k.o.DeadLetter, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o640)
	if err != nil {
		return err
	}
	if _, err := f.Write(append(append([]byte(nil), line...), '\n')); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
