package kafka

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// metaPrefix starts the commit metadata detection writes: the partition's
// event-time watermark when the offset was committed.
const metaPrefix = "stagewatch/1 watermark="

// FormatWatermark is the commit metadata recording watermark, the newest
// event time of a partition at a committed offset.
func FormatWatermark(watermark time.Time) string {
	return metaPrefix + watermark.UTC().Format(time.RFC3339Nano)
}

// ParseWatermark reads commit metadata written by FormatWatermark. ok is
// false for metadata written by anything else (an offset committed by a
// tool, or by an older client), which then restores nothing.
func ParseWatermark(meta string) (watermark time.Time, ok bool) {
	rest, found := strings.CutPrefix(meta, metaPrefix)
	if !found {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, rest)
	if err != nil || t.IsZero() {
		return time.Time{}, false
	}
	return t, true
}

// restorePoint is where a new owner of a partition starts reading and
// where its replay ends.
type restorePoint struct {
	start     int64     // first offset to read
	committed int64     // the committed offset; records below it are replay
	watermark time.Time // the committed watermark, zero if unknown
}

// restorePoints decides, for the newly assigned partitions of topic, where
// reading starts: at the first offset whose timestamp (the event time) is at
// or after the committed watermark minus horizon, so that every window open
// at the committed offset is rebuilt before new events arrive. A partition
// without a commit starts at its beginning; one whose commit carries no
// watermark starts at its commit.
func restorePoints(ctx context.Context, adm *kadm.Client, group, topic string, committed map[int32]int64, horizon time.Duration) (map[int32]restorePoint, error) {
	points := make(map[int32]restorePoint, len(committed))
	need := false
	for p, off := range committed {
		points[p] = restorePoint{start: max(off, 0), committed: max(off, 0)}
		need = need || off > 0
	}
	if !need {
		return points, nil
	}
	fetched, err := adm.FetchOffsets(ctx, group)
	if err == nil {
		err = fetched.Error()
	}
	if err != nil {
		return nil, fmt.Errorf("fetch committed offsets of group %s: %w", group, err)
	}
	// One ListOffsets per distinct start time; partitions of one instance
	// usually share few watermarks, but each is looked up exactly.
	byMilli := make(map[int64]kadm.ListedOffsets)
	for p, pt := range points {
		if pt.committed == 0 {
			continue
		}
		o, ok := fetched.Lookup(topic, p)
		if !ok {
			continue
		}
		wm, ok := ParseWatermark(o.Metadata)
		if !ok {
			continue
		}
		pt.watermark = wm
		milli := wm.Add(-horizon).UnixMilli()
		listed, ok := byMilli[milli]
		if !ok {
			if listed, err = adm.ListOffsetsAfterMilli(ctx, milli, topic); err == nil {
				err = listed.Error()
			}
			if err != nil {
				return nil, fmt.Errorf("list offsets of %s after %s: %w", topic, wm.Add(-horizon).UTC().Format(time.RFC3339), err)
			}
			byMilli[milli] = listed
		}
		if lo, ok := listed.Lookup(topic, p); ok && lo.Offset >= 0 {
			pt.start = min(lo.Offset, pt.committed)
		}
		points[p] = pt
	}
	return points, nil
}

// committedOffsets returns the committed offset of every partition of topic
// in offsets as given to an AdjustFetchOffsetsFn; -1 when there is none.
func committedOffsets(offsets map[string]map[int32]kgo.Offset, topic string) map[int32]int64 {
	out := make(map[int32]int64, len(offsets[topic]))
	for p, o := range offsets[topic] {
		eo := o.EpochOffset()
		out[p] = eo.Offset
		if eo.Offset < 0 {
			out[p] = -1
		}
	}
	return out
}

// commitError returns the first error of a commit: the request's own or
// that of a partition.
func commitError(resp *kmsg.OffsetCommitResponse, err error) error {
	if err != nil || resp == nil {
		return err
	}
	var errs []error
	for _, t := range resp.Topics {
		for _, p := range t.Partitions {
			if e := kerr.ErrorForCode(p.ErrorCode); e != nil {
				errs = append(errs, fmt.Errorf("%s/%d: %w", t.Topic, p.Partition, e))
			}
		}
	}
	return errors.Join(errs...)
}

// withMetadata returns ctx carrying a commit hook that sets the metadata
// of each partition of topic that meta names.
func withMetadata(ctx context.Context, topic string, meta map[int32]string) context.Context {
	return kgo.PreCommitFnContext(ctx, func(req *kmsg.OffsetCommitRequest) error {
		for i := range req.Topics {
			if req.Topics[i].Topic != topic {
				continue
			}
			for j := range req.Topics[i].Partitions {
				if m, ok := meta[req.Topics[i].Partitions[j].Partition]; ok {
					req.Topics[i].Partitions[j].Metadata = &m
				}
			}
		}
		return nil
	})
}
