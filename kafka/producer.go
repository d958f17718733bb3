package kafka

import (
	"bytes"
	"context"
	"fmt"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/sink"
)

// AlertProducer is an AlertSink that produces each alert onto the alerts
// topic as one JSON object, the same as a line of `stagewatch hunt --output
// ndjson`, keyed by alert id so that every version of one alert lands on
// one partition in order. Emit waits for acks from all in-sync replicas.
type AlertProducer struct {
	topic string
	cl    *kgo.Client
}

// NewAlertProducer validates cfg and connects a producer for
// cfg.AlertsTopic.
func NewAlertProducer(cfg Config) (*AlertProducer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	opts := append(cfg.clientOpts(), kgo.RequiredAcks(kgo.AllISRAcks()), kgo.DefaultProduceTopic(cfg.AlertsTopic))
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return nil, fmt.Errorf("kafka: alert producer client: %w", err)
	}
	return &AlertProducer{topic: cfg.AlertsTopic, cl: cl}, nil
}

// Emit produces alerts and returns when every one is acknowledged, or the
// first error. It implements AlertSink.
func (p *AlertProducer) Emit(ctx context.Context, alerts []stagewatch.Alert) error {
	if len(alerts) == 0 {
		return nil
	}
	recs := make([]*kgo.Record, 0, len(alerts))
	var buf bytes.Buffer
	for i := range alerts {
		buf.Reset()
		w, err := sink.New("ndjson", &buf, sink.Options{})
		if err != nil {
			return err
		}
		if err := w.Write(alerts[i]); err != nil {
			return err
		}
		recs = append(recs, &kgo.Record{
			Topic:     p.topic,
			Key:       []byte(alerts[i].ID),
			Value:     bytes.TrimSuffix(bytes.Clone(buf.Bytes()), []byte("\n")),
			Timestamp: alerts[i].LastSeen,
		})
	}
	if err := p.cl.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		return fmt.Errorf("kafka: produce alerts to %s: %w", p.topic, err)
	}
	return nil
}

// Close flushes nothing (Emit is synchronous) and closes the client.
func (p *AlertProducer) Close() { p.cl.Close() }
