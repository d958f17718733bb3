package analytic

import (
	"fmt"
	"testing"
	"time"

	"github.com/stagewatch/stagewatch"
)

// cloudMix returns a deterministic mix of n cloud events: object writes and
// reads spread over 50 buckets by 200 instances and users, a share of log
// delivery and service writes (suppressed), failed calls, and control-plane
// calls with the odd snapshot and share.
func cloudMix(n int) []*stagewatch.Event {
	t0 := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	actions := []string{"PutObject", "GetObject", "UploadPart", "CompleteMultipartUpload", "GetObject", "PutObject", "DescribeInstances"}
	out := make([]*stagewatch.Event, 0, n)
	for i := range n {
		ev := &stagewatch.Event{Time: t0.Add(time.Duration(i) * 20 * time.Millisecond)}
		c := &ev.Cloud
		c.Provider, c.Account, c.Region, c.Service = "aws", "111122223333", "us-east-1", "s3"
		c.Action = actions[i%len(actions)]
		c.Bucket = fmt.Sprintf("acme-bucket-%02d", i%50)
		c.Key = fmt.Sprintf("data/%d/obj-%d.bin", i%13, i%5000)
		c.Principal = fmt.Sprintf("arn:aws:sts::111122223333:assumed-role/app/i-%08x", i%200)
		c.PrincipalType = "AssumedRole"
		c.SourceIP = fmt.Sprintf("10.0.%d.%d", i%200/250, i%200)
		c.Bytes = int64(i % 100000)
		switch {
		case i%97 == 0:
			c.Principal, c.PrincipalType = "delivery.logs.amazonaws.com", "AWSService"
		case i%89 == 0:
			c.Error = "AccessDenied"
		}
		switch c.Action {
		case "GetObject":
			ev.Kind = stagewatch.CloudRead
		case "DescribeInstances":
			ev.Kind, c.Service, c.Bucket, c.Key = stagewatch.CloudCall, "ec2", "", ""
			if i%1001 == 0 {
				ev.Kind, c.Action, c.Resource = stagewatch.Snapshot, "CreateSnapshot", fmt.Sprintf("snap-%d", i)
			} else if i%1003 == 0 {
				c.Action, c.Resource, c.Target = "ModifySnapshotAttribute", fmt.Sprintf("snap-%d", i-2), "999988887777"
			}
		default:
			ev.Kind = stagewatch.CloudWrite
		}
		out = append(out, ev)
	}
	return out
}

func benchCloud(b *testing.B, spec Spec) {
	events := cloudMix(100000)
	det, err := spec.New(spec.Defaults(), Options{EvidenceCap: 20})
	if err != nil {
		b.Fatal(err)
	}
	want := map[stagewatch.Kind]bool{}
	for _, k := range det.Kinds() {
		want[k] = true
	}
	b.ReportAllocs()
	n := 0
	for i := 0; b.Loop(); i++ {
		ev := events[i%len(events)]
		if i%len(events) == 0 && i > 0 {
			det.Flush()
		}
		if i%1000 == 0 {
			det.Advance(ev.Time)
		}
		if want[ev.Kind] {
			det.Observe(ev)
		}
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
}

func BenchmarkCloudBucketStaging(b *testing.B)   { benchCloud(b, CloudBucketStaging()) }
func BenchmarkCloudSnapshotStaging(b *testing.B) { benchCloud(b, CloudSnapshotStaging()) }
