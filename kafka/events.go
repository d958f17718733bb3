package kafka

import (
	"context"
	"fmt"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/decode/native"
)

// EventProducer writes already decoded events onto the events topic, the
// way Intake does: native JSON, keyed by stagewatch.RoutingKey, stamped
// with the event time. `stagewatch serve` uses it for HTTP ingest in Kafka
// mode, so that detection sees every event on the partition of its
// routing key and no instance holds windows of its own.
type EventProducer struct {
	topic    string
	cl       *kgo.Client
	produced counter
}

// NewEventProducer validates cfg and connects a producer for
// cfg.EventsTopic with acks from all in-sync replicas.
func NewEventProducer(cfg Config) (*EventProducer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	opts := append(cfg.clientOpts(), kgo.RequiredAcks(kgo.AllISRAcks()))
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return nil, fmt.Errorf("kafka: event producer client: %w", err)
	}
	return &EventProducer{topic: cfg.EventsTopic, cl: cl}, nil
}

// Produce writes evs and returns when every record is acknowledged, or
// with the first error (then some of evs may have been written: a caller
// that resends them makes duplicates, which deterministic alert ids make
// harmless).
func (p *EventProducer) Produce(ctx context.Context, evs []*stagewatch.Event) error {
	if len(evs) == 0 {
		return nil
	}
	recs := make([]*kgo.Record, 0, len(evs))
	for _, ev := range evs {
		b, err := native.Marshal(ev)
		if err != nil {
			return fmt.Errorf("kafka: marshal event (record %d): %w", ev.Origin.Record, err)
		}
		recs = append(recs, &kgo.Record{
			Topic:     p.topic,
			Key:       []byte(stagewatch.RoutingKey(ev)),
			Value:     b,
			Timestamp: ev.Time,
		})
	}
	if err := p.cl.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		return fmt.Errorf("kafka: produce events to %s: %w", p.topic, err)
	}
	p.produced.Add(int64(len(recs)))
	return nil
}

// Produced returns how many events Produce wrote so far.
func (p *EventProducer) Produced() int64 { return p.produced.Load() }

// Close closes the client; Produce is synchronous, so nothing is pending.
func (p *EventProducer) Close() { p.cl.Close() }

// Joined reports whether the intake consumer is a member of its group
// (it joined at least once and was not told its membership is unknown).
func (in *Intake) Joined() bool { return joined(in.cl) }

// Joined reports whether the detection consumer is a member of its group.
func (d *Detection) Joined() bool { return joined(d.cl) }

func joined(cl *kgo.Client) bool {
	id, gen := cl.GroupMetadata()
	return id != "" && gen >= 0
}
