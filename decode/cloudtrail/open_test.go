package cloudtrail_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/decode"
	"github.com/stagewatch/stagewatch/decode/cloudtrail"
)

// TestSniff checks that Open picks the cloudtrail format for every shape
// it reads, and that --format cloudtrail forces it.
func TestSniff(t *testing.T) {
	for _, name := range []string{"array.json", "bad.jsonl", "digest.json", "eventbridge.json", "lookup_events.json", "snapshot_share.jsonl", "truncated_records.json"} {
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile("testdata/" + name)
			if err != nil {
				t.Fatal(err)
			}
			in, err := decode.Open(name, bytes.NewReader(b), decode.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if in.Format() != cloudtrail.Format {
				t.Errorf("sniffed %q, want %q", in.Format(), cloudtrail.Format)
			}
		})
	}
	if cloudtrail.Sniff([]byte(`{"eventSource":"x"}`)) || cloudtrail.Sniff([]byte("eventSource eventName awsRegion")) {
		t.Error("sniffed a non-record")
	}
}

// TestTruncatedGzip reads a delivery file whose gzip stream is cut: the
// records before the cut are delivered, then one error ends the input.
func TestTruncatedGzip(t *testing.T) {
	f, err := os.ReadFile("testdata/exfil_staging.json.gz")
	if err != nil {
		t.Fatal(err)
	}
	in, err := decode.Open("cut.json.gz", bytes.NewReader(f[:len(f)/2]), decode.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var events int
	var last error
	for {
		ev, err := in.Decode()
		if err == io.EOF {
			break
		}
		var de *stagewatch.DecodeError
		if err != nil && !errors.As(err, &de) {
			last = err
			break
		}
		if ev != nil {
			events++
		}
	}
	if events < 100 {
		t.Errorf("%d events before the cut, want at least 100", events)
	}
	if !errors.Is(last, decode.ErrGzip) {
		t.Errorf("last error %v, want a corrupt gzip error", last)
	}
}

// TestParseMinimal pins the generic mapping of sparse records.
func TestParseMinimal(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want stagewatch.Cloud
	}{
		{"null parameters", `{"eventTime":"2026-01-01T00:00:00Z","eventSource":"s3.amazonaws.com","eventName":"PutObject","requestParameters":null,"additionalEventData":null}`,
			stagewatch.Cloud{Provider: "aws", Service: "s3", Action: "PutObject"}},
		{"unknown call", `{"eventTime":"2026-01-01T00:00:00Z","eventSource":"new.amazonaws.com","eventName":"DoThing","errorCode":"AccessDenied"}`,
			stagewatch.Cloud{Provider: "aws", Service: "new", Action: "DoThing", Error: "AccessDenied"}},
		{"instance profile by principal id", `{"eventTime":"2026-01-01T00:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","userIdentity":{"type":"AssumedRole","principalId":"AROAX:i-0abc1234def567890","arn":"arn:aws:sts::1:assumed-role/r/i-0abc1234def567890"},"requestParameters":{"bucketName":"b","key":"k"},"additionalEventData":{"bytesTransferredOut":12.0}}`,
			stagewatch.Cloud{Provider: "aws", Service: "s3", Action: "GetObject", Bucket: "b", Key: "k", Bytes: 12, Principal: "arn:aws:sts::1:assumed-role/r/i-0abc1234def567890", PrincipalType: "AssumedRole", Instance: "i-0abc1234def567890"}},
		{"outposts Key", `{"eventTime":"2026-01-01T00:00:00Z","eventSource":"s3-outposts.amazonaws.com","eventName":"PutObject","requestParameters":{"bucketName":"b","Key":"K"}}`,
			stagewatch.Cloud{Provider: "aws", Service: "s3", Action: "PutObject", Bucket: "b", Key: "K"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, _, err := cloudtrail.Parse([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, ev.Cloud); diff != "" {
				t.Errorf("-want +got:\n%s", diff)
			}
		})
	}
}
