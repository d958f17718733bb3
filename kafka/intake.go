package kafka

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/decode"
	"github.com/stagewatch/stagewatch/decode/native"
)

// maxPollRecords bounds one poll: the records of a poll are decoded,
// produced and committed together.
const maxPollRecords = 5000

// Intake re-keys raw telemetry: it consumes the raw topics as group
// Group+".intake", decodes each record value with decode.Open (any
// supported format, gzip, several events per record), and produces every
// event as native JSON onto the events topic, keyed by
// stagewatch.RoutingKey and stamped with the event time. The raw offsets of
// a poll are committed only after every record it produced is acknowledged,
// so a crash re-reads, never skips (at least once).
type Intake struct {
	cfg     Config
	decOpts decode.Options
	cl      *kgo.Client
	lag     lagTracker

	records, bytes, events, badRecords, badEvents, deadLettered counter
	commits, commitErrors, produceRetries                       counter
}

// NewIntake validates cfg and connects a client; it needs cfg.RawTopics.
// Run consumes; Close leaves the group.
func NewIntake(cfg Config) (*Intake, error) {
	err := cfg.Validate()
	if len(cfg.RawTopics) == 0 {
		err = errors.Join(err, errors.New("kafka: raw_topics: intake needs at least one raw topic"))
	}
	if err != nil {
		return nil, err
	}
	in := &Intake{cfg: cfg, decOpts: decode.Options{Format: cfg.RawFormat, Location: cfg.RawLocation}}
	opts := append(cfg.clientOpts(), cfg.groupOpts(".intake")...)
	opts = append(opts,
		kgo.ConsumeTopics(cfg.RawTopics...),
		kgo.OnPartitionsRevoked(in.dropLag),
		kgo.OnPartitionsLost(in.dropLag),
	)
	if in.cl, err = kgo.NewClient(opts...); err != nil {
		return nil, fmt.Errorf("kafka: intake client: %w", err)
	}
	return in, nil
}

// Run consumes until ctx ends or the client is closed, then returns nil.
// Every poll's offsets are committed after its records are produced.
func (in *Intake) Run(ctx context.Context) error {
	var fetchLog repeatLog
	for {
		fetches := in.cl.PollRecords(ctx, maxPollRecords)
		if fetches.IsClientClosed() {
			return nil
		}
		if ctx.Err() != nil {
			in.cl.AllowRebalance()
			return nil
		}
		fetches.EachError(func(topic string, p int32, err error) {
			if !errors.Is(err, context.Canceled) {
				fetchLog.warn(in.cfg.Logger, "kafka intake: fetch", err, "topic", topic, "partition", p)
			}
		})
		in.poll(ctx, fetches)
		in.cl.AllowRebalance()
	}
}

// poll decodes, produces and commits one poll's records.
func (in *Intake) poll(ctx context.Context, fetches kgo.Fetches) {
	var out []*kgo.Record
	next := make(map[string]map[int32]kgo.EpochOffset)
	first := make(map[string]map[int32]kgo.EpochOffset)
	fetches.EachPartition(func(p kgo.FetchTopicPartition) {
		if len(p.Records) == 0 {
			return
		}
		for _, r := range p.Records {
			out = in.record(r, out)
		}
		head, last := p.Records[0], p.Records[len(p.Records)-1]
		setOffset(first, p.Topic, p.Partition, kgo.EpochOffset{Epoch: head.LeaderEpoch, Offset: head.Offset})
		setOffset(next, p.Topic, p.Partition, kgo.EpochOffset{Epoch: last.LeaderEpoch, Offset: last.Offset + 1})
		in.lag.set(partKey(p.Topic, p.Partition), p.HighWatermark-last.Offset-1)
	})
	if len(next) == 0 {
		return
	}
	if err := in.cl.ProduceSync(ctx, out...).FirstErr(); err != nil {
		if ctx.Err() != nil {
			return // not committed: the next owner reads the poll again
		}
		// Consume the poll again rather than commit past records that were
		// not produced.
		in.produceRetries.Add(1)
		in.cfg.Logger.Warn("kafka intake: produce failed; reading the poll again", "err", err)
		in.cl.SetOffsets(first)
		return
	}
	in.commit(ctx, next)
}

func (in *Intake) commit(ctx context.Context, offsets map[string]map[int32]kgo.EpochOffset) {
	var cerr error
	in.cl.CommitOffsetsSync(ctx, offsets, func(_ *kgo.Client, _ *kmsg.OffsetCommitRequest, resp *kmsg.OffsetCommitResponse, err error) {
		cerr = commitError(resp, err)
	})
	if cerr != nil {
		in.commitErrors.Add(1)
		in.cfg.Logger.Warn("kafka intake: commit failed; the records may be read again", "err", cerr)
		return
	}
	in.commits.Add(1)
}

// record decodes one raw record and appends what it yields to out: an
// events-topic record per event, and a dead-letter copy when the record was
// not read in full.
func (in *Intake) record(r *kgo.Record, out []*kgo.Record) []*kgo.Record {
	in.records.Add(1)
	in.bytes.Add(int64(len(r.Value)))
	name := r.Topic + "/" + strconv.Itoa(int(r.Partition)) + "/" + strconv.FormatInt(r.Offset, 10)
	src, err := decode.Open(name, bytes.NewReader(r.Value), in.decOpts)
	if err != nil {
		return in.bad(r, out, badReason(err), err)
	}
	var (
		firstErr error
		nbad     int
	)
	for {
		ev, err := src.Decode()
		if err == io.EOF {
			break
		}
		if err != nil {
			if _, ok := errors.AsType[*stagewatch.DecodeError](err); ok {
				in.badEvents.Add(1)
				nbad++
				firstErr = cmpErr(firstErr, err)
				continue
			}
			firstErr = cmpErr(firstErr, err)
			nbad++
			break
		}
		b, err := native.Marshal(ev)
		if err != nil {
			in.badEvents.Add(1)
			firstErr = cmpErr(firstErr, err)
			nbad++
			continue
		}
		ts := ev.Time
		if ts.IsZero() {
			ts = r.Timestamp
		}
		in.events.Add(1)
		out = append(out, &kgo.Record{
			Topic:     in.cfg.EventsTopic,
			Key:       []byte(stagewatch.RoutingKey(ev)),
			Value:     b,
			Timestamp: ts,
		})
	}
	if nbad > 0 {
		return in.bad(r, out, "bad events", firstErr)
	}
	return out
}

// bad counts and logs a raw record that was not read in full and queues its
// dead-letter copy.
func (in *Intake) bad(r *kgo.Record, out []*kgo.Record, reason string, err error) []*kgo.Record {
	in.badRecords.Add(1)
	in.cfg.Logger.Warn("kafka intake: bad record", "topic", r.Topic, "partition", r.Partition,
		"offset", r.Offset, "reason", reason, "err", err)
	if in.cfg.DeadLetterTopic == "" {
		return out
	}
	in.deadLettered.Add(1)
	return append(out, &kgo.Record{
		Topic:     in.cfg.DeadLetterTopic,
		Key:       r.Key,
		Value:     r.Value,
		Timestamp: r.Timestamp,
		Headers: []kgo.RecordHeader{
			{Key: "stagewatch.topic", Value: []byte(r.Topic)},
			{Key: "stagewatch.partition", Value: []byte(strconv.Itoa(int(r.Partition)))},
			{Key: "stagewatch.offset", Value: []byte(strconv.FormatInt(r.Offset, 10))},
			{Key: "stagewatch.reason", Value: []byte(reason)},
			{Key: "stagewatch.error", Value: []byte(fmt.Sprint(err))},
		},
	})
}

// badReason is the short, stable category of a record decode.Open refused.
func badReason(err error) string {
	switch {
	case errors.Is(err, decode.ErrEmpty):
		return "empty record"
	case errors.Is(err, decode.ErrBinary):
		return "binary record"
	case errors.Is(err, decode.ErrUnknownFormat):
		return "unknown format"
	case errors.Is(err, decode.ErrGzip):
		return "corrupt gzip"
	}
	return "unreadable record"
}

func cmpErr(first, err error) error {
	if first != nil {
		return first
	}
	return err
}

// Stats returns the counters so far; it is safe to call from any goroutine.
func (in *Intake) Stats() IntakeStats {
	return IntakeStats{
		Records: in.records.Load(), Bytes: in.bytes.Load(), Events: in.events.Load(),
		BadRecords: in.badRecords.Load(), BadEvents: in.badEvents.Load(), DeadLettered: in.deadLettered.Load(),
		Commits: in.commits.Load(), CommitErrors: in.commitErrors.Load(), ProduceRetries: in.produceRetries.Load(),
		Lag: in.lag.snapshot(),
	}
}

// Close leaves the group and closes the client. Call it after Run returned.
func (in *Intake) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	in.cl.AllowRebalance()
	in.cl.LeaveGroupContext(ctx)
	in.cl.Close()
}

func (in *Intake) dropLag(_ context.Context, _ *kgo.Client, lost map[string][]int32) {
	for t, ps := range lost {
		for _, p := range ps {
			in.lag.drop(partKey(t, p))
		}
	}
}

func partKey(topic string, p int32) string { return topic + "/" + strconv.Itoa(int(p)) }

func setOffset(m map[string]map[int32]kgo.EpochOffset, topic string, p int32, o kgo.EpochOffset) {
	if m[topic] == nil {
		m[topic] = make(map[int32]kgo.EpochOffset)
	}
	m[topic][p] = o
}
