package analytic

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stagewatch/stagewatch"
)

func TestRandomName(t *testing.T) {
	tests := []struct {
		name string
		want bool
	}{
		{"k3j9x72mq0z8a4", true},
		{"acme-prod-data-20240501", false},
		{"acme-stage-tmp", false},
		{"d41d8cd98f00b204e9800998ecf8427e", true},
		{"company-backups", false},
		{"logs", false},
		{"exfil-7f3a9c2e1b8d4f60", true},
		{"internationalization-assets", false},
	}
	for _, tt := range tests {
		if got := randomName(tt.name); got != tt.want {
			t.Errorf("randomName(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestCloudIdentity(t *testing.T) {
	type out struct{ Source, Account, Session string }
	tests := []struct {
		name string
		ev   stagewatch.Event
		want out
	}{
		{"instance field", stagewatch.Event{Cloud: stagewatch.Cloud{Instance: "i-1", SourceIP: "10.0.0.1"}}, out{Source: "i-1"}},
		{"instance session", stagewatch.Event{Cloud: stagewatch.Cloud{Principal: "arn:aws:sts::111122223333:assumed-role/r/i-0abc", SourceIP: "10.0.0.1"}},
			out{Source: "i-0abc", Account: "111122223333", Session: "i-0abc"}},
		{"host", stagewatch.Event{Host: stagewatch.Host{Name: "vm1"}, Cloud: stagewatch.Cloud{SourceIP: "10.0.0.1"}}, out{Source: "vm1"}},
		{"ip", stagewatch.Event{Cloud: stagewatch.Cloud{Principal: "arn:aws:iam::222233334444:user/bob", SourceIP: "10.0.0.1"}},
			out{Source: "10.0.0.1", Account: "222233334444"}},
		{"principal", stagewatch.Event{Cloud: stagewatch.Cloud{Principal: "etl@proj-1.iam.gserviceaccount.com"}},
			out{Source: "etl@proj-1.iam.gserviceaccount.com", Account: "proj-1"}},
		{"user session is no instance", stagewatch.Event{Cloud: stagewatch.Cloud{Principal: "arn:aws:sts::1:assumed-role/r/alice"}},
			out{Source: "arn:aws:sts::1:assumed-role/r/alice", Account: "1"}},
	}
	for _, tt := range tests {
		got := out{cloudSource(&tt.ev), principalAccount(&tt.ev.Cloud), instanceSession(&tt.ev.Cloud)}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
}

func TestCloudLocation(t *testing.T) {
	got := []string{cloudLocation("aws", "b"), cloudLocation("gcp", "b"), cloudLocation("azure", "acct/c"), cloudLocation("", "b")}
	if diff := cmp.Diff([]string{"s3://b", "gs://b", "azure://acct/c", "cloud://b"}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestCloudParamsRejected(t *testing.T) {
	spec := CloudBucketStaging()
	for _, mod := range []func(*CloudBucketStagingParams){
		func(p *CloudBucketStagingParams) { p.MinSources, p.MinObjects, p.MinBytes = 0, 0, 0 },
		func(p *CloudBucketStagingParams) { p.MinSources = 1 },
		func(p *CloudBucketStagingParams) { p.TransferWindow = 0 },
		func(p *CloudBucketStagingParams) { p.Suppressions = List{"nope"} },
		func(p *CloudBucketStagingParams) { p.LearningPeriod = -1 },
	} {
		p := spec.Defaults().(*CloudBucketStagingParams)
		mod(p)
		if _, err := spec.New(p, Options{}); err == nil {
			t.Errorf("accepted %+v", p)
		}
	}
	snap := CloudSnapshotStaging()
	p := snap.Defaults().(*CloudSnapshotStagingParams)
	p.Window = 0
	if _, err := snap.New(p, Options{}); err == nil {
		t.Error("cloud-snapshot-staging accepted window 0")
	}
}
