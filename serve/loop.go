package serve

import (
	"context"
	"time"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/sink"
	"github.com/stagewatch/stagewatch/store"
)

// maxGroup is the most queued batches the loop commits in one store
// transaction: group commit amortises the fsync over concurrent requests.
const maxGroup = 32

// loop is the engine's goroutine: it takes batches off the queue, makes
// them durable, answers their callers and runs them through the engine.
func (s *Service) loop() {
	defer close(s.loopDone)
	for {
		select {
		case j := <-s.queue:
			s.process(s.group(j))
		case <-s.stopLoop:
			// Intake is closed: finish what was queued before returning.
			for {
				select {
				case j := <-s.queue:
					s.process(s.group(j))
				default:
					return
				}
			}
		}
	}
}

// group collects j and the batches queued behind it.
func (s *Service) group(j *job) []*job {
	jobs := []*job{j}
	for len(jobs) < maxGroup {
		select {
		case j := <-s.queue:
			jobs = append(jobs, j)
		default:
			return jobs
		}
	}
	return jobs
}

// process commits jobs to the event log in one transaction, answers each
// caller, and then runs the events through the engine.
func (s *Service) process(jobs []*job) {
	var evs []*stagewatch.Event
	var offsets map[string][]byte
	for _, j := range jobs {
		evs = append(evs, j.evs...)
		for k, v := range j.offsets {
			if offsets == nil {
				offsets = make(map[string][]byte)
			}
			offsets[k] = v
		}
	}
	err := s.st.AppendEvents(evs, offsets)
	for _, j := range jobs {
		j.done <- err
	}
	if err != nil {
		s.storeFailed(err)
		return
	}
	s.storeErr.Store(nil)
	s.observe(evs)
}

// observe runs events through the engine and logs the alerts. Alerts the
// alert log could not take are kept and retried with the next batch; if the
// process dies first, the replay on start raises them again.
func (s *Service) observe(evs []*stagewatch.Event) {
	for _, ev := range evs {
		if ev.Time.After(s.newest) {
			s.newest = ev.Time
		}
		s.collect(s.eng.Observe(ev), time.Time{})
	}
	if len(s.unlogged) > 0 {
		if err := s.logRecords(s.unlogged); err == nil {
			s.unlogged = nil
		}
	}
	s.maybePrune()
	s.countWindows()
}

// countWindows publishes the open window count for the metrics goroutine.
func (s *Service) countWindows() {
	var n int
	for _, d := range s.opts.Detectors {
		if wc, ok := d.Detector.(WindowCounter); ok {
			n += wc.OpenWindows()
		}
	}
	s.openWindows.Store(int64(n))
}

// maybePrune deletes events older than the horizon, and delivered alerts
// that ended before it, once event time has moved a tenth of the horizon
// since the last prune.
func (s *Service) maybePrune() {
	h := s.opts.Horizon
	if h <= 0 || s.newest.Sub(s.pruned) < h/10 {
		return
	}
	s.pruned = s.newest
	n, err := s.st.PruneEvents(s.newest.Add(-h))
	if err != nil {
		s.log.Warn("pruning the event log failed", "err", err)
		return
	}
	if n > 0 {
		s.log.Debug("pruned the event log", "events", n, "before", s.newest.Add(-h))
	}
	// Alerts every sink has delivered and no replay can report again.
	delivered := s.st.LastAlertSeq()
	for _, k := range s.opts.Sinks {
		c, err := s.st.Cursor(k.Name())
		if err != nil {
			return
		}
		delivered = min(delivered, c)
	}
	if n, err := s.st.PruneAlerts(delivered, s.newest.Add(-h)); err != nil {
		s.log.Warn("pruning the alert log failed", "err", err)
	} else if n > 0 {
		s.log.Debug("pruned the alert log", "alerts", n)
	}
}

// replay rebuilds the engine's windows from the stored events within the
// horizon of the newest one. Alerts already in the alert log are dropped by
// it; those missing (the process died between storing events and logging
// their alerts) are logged now. When older events exist before the replay
// start, an episode that had begun before it is replayed without its head:
// an alert that ends within the longest window of the start may be such a
// truncated copy of one logged before the restart, so it is dropped.
func (s *Service) replay(ctx context.Context) error {
	start := time.Now()
	first, last, ok := s.st.EventSpan()
	if !ok {
		return nil
	}
	from := first
	var guard time.Time
	if h := s.opts.Horizon; h > 0 && last.Add(-h).After(first) {
		from = last.Add(-h)
		guard = from.Add(s.opts.Window)
	}
	var n int64
	err := s.st.Events(from, func(ev *stagewatch.Event) error {
		n++
		if n%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		if ev.Time.After(s.newest) {
			s.newest = ev.Time
		}
		s.collect(s.eng.Observe(ev), guard)
		return nil
	})
	if err != nil {
		return err
	}
	s.pruned = s.newest
	if err := s.logRecords(s.unlogged); err != nil {
		return err
	}
	s.unlogged = nil
	if s.m != nil {
		s.m.replayEvents.Set(float64(n))
		s.m.replaySeconds.Set(time.Since(start).Seconds())
	}
	s.log.Info("replayed the event log", "events", n, "from", from, "to", last, "elapsed", time.Since(start).String())
	return nil
}

// collect queues the alerts the engine reported for the alert log, except
// those that end before guard (see replay).
func (s *Service) collect(alerts []stagewatch.Alert, guard time.Time) {
	for i := range alerts {
		if alerts[i].LastSeen.Before(guard) {
			continue
		}
		b, err := sink.MarshalLine(alerts[i])
		if err != nil {
			s.log.Error("encoding an alert", "id", alerts[i].ID, "err", err)
			continue
		}
		s.unlogged = append(s.unlogged, record{store.Alert{ID: alerts[i].ID, JSON: b}, alerts[i].Analytic, alerts[i].Severity.String()})
	}
}
