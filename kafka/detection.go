package kafka

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/decode/native"
	"github.com/stagewatch/stagewatch/detect"
)

// AlertSink takes the alerts of one poll. Emit returns only when the alerts
// are durable (stored, produced with acks=all...); only then does Detection
// commit the offsets of the events that raised them. The same alert id may
// come again (updates, replays after a rebalance); sinks keep the latest or
// drop repeats. Emit is called from one goroutine at a time.
type AlertSink interface {
	Emit(ctx context.Context, alerts []stagewatch.Alert) error
}

// EngineFactory builds the engine of one partition, in stream mode
// (detect.Options.Stream), with the configured analytics.
type EngineFactory func() (*detect.Engine, error)

// partition is the state an instance owns for one events partition.
type partition struct {
	eng       *detect.Engine
	committed int64     // offsets below were committed by an owner: reading them is replay
	next      int64     // the offset after the last record fed to eng
	epoch     int32     // leader epoch of that record
	watermark time.Time // newest event time fed to eng, or committed by the previous owner
	done      int64     // the offset last committed by this instance
}

// Detection runs the analytics over the events topic as group
// Group+".detect". Each assigned partition gets its own engine, so an
// instance owns the windows of the routing keys on its partitions. See the
// package documentation for how windows move with partitions.
type Detection struct {
	cfg     Config
	factory EngineFactory
	sink    AlertSink
	cl      *kgo.Client
	adm     *kadm.Client
	lag     lagTracker

	mu    sync.Mutex // parts is changed by group callbacks, read by Run
	parts map[int32]*partition

	killed atomic.Bool // test only: stop without committing or leaving

	events, restored, badEvents, alerts, sinkErrors counter
	commits, commitErrors, assigned, revoked        counter
	late                                            counter
}

// NewDetection validates cfg and connects a client. factory is called once
// per assigned partition; sink receives every alert.
func NewDetection(cfg Config, factory EngineFactory, sink AlertSink) (*Detection, error) {
	err := cfg.Validate()
	if factory == nil {
		err = errors.Join(err, errors.New("kafka: detection needs an engine factory"))
	}
	if sink == nil {
		err = errors.Join(err, errors.New("kafka: detection needs an alert sink"))
	}
	if err != nil {
		return nil, err
	}
	d := &Detection{cfg: cfg, factory: factory, sink: sink, parts: make(map[int32]*partition)}
	opts := append(cfg.clientOpts(), cfg.groupOpts(".detect")...)
	opts = append(opts,
		kgo.ConsumeTopics(cfg.EventsTopic),
		kgo.AdjustFetchOffsetsFn(d.assign),
		kgo.OnPartitionsRevoked(d.drop),
		kgo.OnPartitionsLost(d.drop),
	)
	if d.cl, err = kgo.NewClient(opts...); err != nil {
		return nil, fmt.Errorf("kafka: detection client: %w", err)
	}
	d.adm = kadm.NewClient(d.cl)
	return d, nil
}

// assign builds the engines of newly assigned partitions and moves their
// start back to the restore point, so that replaying the partition rebuilds
// the windows the previous owner had open.
func (d *Detection) assign(ctx context.Context, offsets map[string]map[int32]kgo.Offset) (map[string]map[int32]kgo.Offset, error) {
	topic := d.cfg.EventsTopic
	committed := committedOffsets(offsets, topic)
	points, err := restorePoints(ctx, d.adm, d.cfg.Group+".detect", topic, committed, d.cfg.StateHorizon)
	if err != nil {
		// Without the restore points the windows cannot be rebuilt: fail the
		// assignment so that the group tries again.
		d.cfg.Logger.Warn("kafka detection: restore points", "err", err)
		return nil, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	for p, pt := range points {
		eng, err := d.factory()
		if err != nil {
			return nil, fmt.Errorf("kafka detection: engine for partition %d: %w", p, err)
		}
		d.parts[p] = &partition{eng: eng, committed: pt.committed, next: pt.start,
			watermark: pt.watermark, done: pt.committed}
		offsets[topic][p] = kgo.NewOffset().At(pt.start).WithEpoch(-1)
		d.assigned.Add(1)
		d.cfg.Logger.Info("kafka detection: partition assigned", "topic", topic, "partition", p,
			"replay_from", pt.start, "committed", pt.committed, "watermark", pt.watermark)
	}
	return offsets, nil
}

// drop forgets revoked or lost partitions without flushing their engines:
// the next owner replays them.
func (d *Detection) drop(_ context.Context, _ *kgo.Client, gone map[string][]int32) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, p := range gone[d.cfg.EventsTopic] {
		if st, ok := d.parts[p]; ok {
			d.late.Add(st.eng.Stats().Late)
			delete(d.parts, p)
			d.revoked.Add(1)
		}
		d.lag.drop(partKey(d.cfg.EventsTopic, p))
	}
}

// Run consumes until ctx ends or the client is closed. On the way out it
// commits what is durable; Close then leaves the group.
func (d *Detection) Run(ctx context.Context) error {
	var fetchLog repeatLog
	for {
		fetches := d.cl.PollRecords(ctx, maxPollRecords)
		if fetches.IsClientClosed() || d.killed.Load() {
			return nil
		}
		if ctx.Err() != nil {
			d.commit(context.Background())
			d.cl.AllowRebalance()
			return nil
		}
		fetches.EachError(func(topic string, p int32, err error) {
			if !errors.Is(err, context.Canceled) {
				fetchLog.warn(d.cfg.Logger, "kafka detection: fetch", err, "topic", topic, "partition", p)
			}
		})
		if err := d.poll(ctx, fetches); err != nil {
			d.cl.AllowRebalance()
			return nil // ctx ended while the alerts were not durable: commit nothing
		}
		if d.killed.Load() {
			return nil
		}
		d.commit(ctx)
		d.cl.AllowRebalance()
	}
}

// poll feeds each partition's records to its engine and hands the alerts
// to the sink, retrying until they are durable or ctx ends.
func (d *Detection) poll(ctx context.Context, fetches kgo.Fetches) error {
	var alerts []stagewatch.Alert
	d.mu.Lock()
	fetches.EachPartition(func(p kgo.FetchTopicPartition) {
		st := d.parts[p.Partition]
		if st == nil || len(p.Records) == 0 {
			return
		}
		for _, r := range p.Records {
			if r.Offset < st.next {
				continue // a duplicate fetch after a seek
			}
			st.next, st.epoch = r.Offset+1, r.LeaderEpoch
			ev, err := native.Unmarshal(r.Value)
			if err != nil {
				d.badEvents.Add(1)
				d.cfg.Logger.Warn("kafka detection: bad event", "topic", r.Topic, "partition", r.Partition,
					"offset", r.Offset, "err", err)
				continue
			}
			d.events.Add(1)
			if r.Offset < st.committed {
				d.restored.Add(1)
			}
			if ev.Time.After(st.watermark) {
				st.watermark = ev.Time
			}
			alerts = append(alerts, st.eng.Observe(ev)...)
		}
		d.lag.set(partKey(p.Topic, p.Partition), p.HighWatermark-st.next)
	})
	d.mu.Unlock()
	if len(alerts) == 0 {
		return nil
	}
	d.alerts.Add(int64(len(alerts)))
	backoff := 100 * time.Millisecond
	for {
		err := d.sink.Emit(ctx, alerts)
		if err == nil {
			return nil
		}
		d.sinkErrors.Add(1)
		if d.killed.Load() {
			return err
		}
		d.cfg.Logger.Warn("kafka detection: alert sink failed; retrying", "alerts", len(alerts), "err", err)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 5*time.Second)
	}
}

// commit commits the position of every owned partition that moved past
// what was committed, with its watermark as metadata.
func (d *Detection) commit(ctx context.Context) {
	topic := d.cfg.EventsTopic
	offsets := make(map[string]map[int32]kgo.EpochOffset)
	meta := make(map[int32]string)
	d.mu.Lock()
	for p, st := range d.parts {
		if st.next <= st.done {
			continue
		}
		setOffset(offsets, topic, p, kgo.EpochOffset{Epoch: st.epoch, Offset: st.next})
		meta[p] = FormatWatermark(st.watermark)
	}
	d.mu.Unlock()
	if len(offsets) == 0 {
		return
	}
	var cerr error
	d.cl.CommitOffsetsSync(withMetadata(ctx, topic, meta), offsets, func(_ *kgo.Client, _ *kmsg.OffsetCommitRequest, resp *kmsg.OffsetCommitResponse, err error) {
		cerr = commitError(resp, err)
	})
	if cerr != nil {
		d.commitErrors.Add(1)
		d.cfg.Logger.Warn("kafka detection: commit failed; the events may be replayed", "err", cerr)
		return
	}
	d.commits.Add(1)
	d.mu.Lock()
	for p, o := range offsets[topic] {
		if st := d.parts[p]; st != nil {
			st.done = max(st.done, o.Offset)
		}
	}
	d.mu.Unlock()
}

// Stats returns the counters so far; it is safe to call from any goroutine.
func (d *Detection) Stats() DetectionStats {
	d.mu.Lock()
	n, late := len(d.parts), d.late.Load()
	for _, st := range d.parts {
		late += st.eng.Stats().Late
	}
	d.mu.Unlock()
	return DetectionStats{
		Events: d.events.Load(), Restored: d.restored.Load(), BadEvents: d.badEvents.Load(),
		Alerts: d.alerts.Load(), SinkErrors: d.sinkErrors.Load(), Commits: d.commits.Load(),
		CommitErrors: d.commitErrors.Load(), Assigned: d.assigned.Load(), Revoked: d.revoked.Load(),
		Partitions: n, Late: late, Lag: d.lag.snapshot(),
	}
}

// Close leaves the group and closes the client. Call it after Run returned.
func (d *Detection) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	d.cl.AllowRebalance()
	d.cl.LeaveGroupContext(ctx)
	d.cl.Close()
}

// kill stops the instance as a crash would: Run returns before its next
// commit, and the client closes without leaving the group (a static member
// then keeps its partitions until the session times out). Tests only.
func (d *Detection) kill() {
	d.killed.Store(true)
	d.cl.CloseAllowingRebalance()
}
