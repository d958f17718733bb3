package analytic

import (
	"fmt"
	"strings"
	"time"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/window"
)

// CloudBucketStagingParams are the parameters of cloud-bucket-staging.
type CloudBucketStagingParams struct {
	TransferWindow time.Duration `yaml:"transfer_window" doc:"longest span counted: an episode opens at the first write into a bucket and closes at most this long after (ATT&CK TransferWindow)"`
	EpisodeGap     time.Duration `yaml:"episode_gap" doc:"an episode closes after this long without a write into the bucket"`
	MinSources     int           `yaml:"min_sources" doc:"distinct sources (instance, else host, else source IP, else principal) writing into one bucket that make an alert; 0 turns the test off"`
	MinObjects     int           `yaml:"min_objects" doc:"or distinct objects (bucket + key) written (ATT&CK ObjectWriteThreshold); 0 turns the test off"`
	MinBytes       int64         `yaml:"min_bytes" doc:"or bytes written; 0 turns the test off"`
	ObjectActions  List          `yaml:"object_actions" doc:"write actions (globs) that make an object: each distinct key counts once"`
	ByteActions    List          `yaml:"byte_actions" doc:"write actions (globs) that only add bytes to a key (parts and blocks of one object)"`
	ReadMinObjects int           `yaml:"read_min_objects" doc:"distinct objects read from one bucket within transfer_window that make a low-severity read finding; 0 turns reads off"`
	BucketPatterns List          `yaml:"bucket_patterns" doc:"bucket or container name globs that raise severity (ATT&CK BucketNamePatterns, CloudBucketList)"`
	RandomNames    bool          `yaml:"random_names" doc:"random-looking bucket names (long digit-heavy or high-entropy components) raise severity too"`
	LearningPeriod time.Duration `yaml:"learning_period" doc:"a principal first seen in a bucket this long or more after the bucket's first event in the input is new to it, which raises confidence; 0 turns the test off"`
	Suppressions   List          `yaml:"suppressions" doc:"built-in suppressions in force: aws-service, log-delivery, backup-job, ci-artifacts; remove a name to disable it"`
	// The lists the suppressions match.
	ServicePrincipals List `yaml:"service_principals" doc:"aws-service: principals (globs) of the provider's own services; PrincipalType AWSService always matches"`
	LogBuckets        List `yaml:"log_buckets" doc:"log-delivery: bucket name globs of log delivery buckets"`
	LogKeyPrefixes    List `yaml:"log_key_prefixes" doc:"log-delivery: object key globs written by log delivery"`
	BackupPrincipals  List `yaml:"backup_principals" doc:"backup-job: principal globs (ARN, e-mail) of known backup jobs"`
	CIPrincipals      List `yaml:"ci_principals" doc:"ci-artifacts: principal globs of CI roles uploading build artifacts"`
	CIUserAgents      List `yaml:"ci_user_agents" doc:"ci-artifacts: user agent globs of CI uploaders (spoofable: keep them specific)"`
}

// cloudBucketSuppressions names the built-in suppressions, in report order.
var cloudBucketSuppressions = [...]string{"aws-service", "log-delivery", "backup-job", "ci-artifacts"}

// CloudBucketStaging is the spec of cloud-bucket-staging.
func CloudBucketStaging() Spec {
	return Spec{
		ID:    "cloud-bucket-staging",
		Title: "Objects gathered into one cloud bucket from many sources or in bulk",
		Description: "Successful object writes (S3 PutObject/CopyObject/multipart, GCS storage.objects.create, Azure PutBlob/" +
			"PutBlockList/CopyBlob) into one bucket within transfer_window from min_sources distinct instances, hosts or IPs, " +
			"or min_objects / min_bytes; bulk reads make a low-severity finding.",
		Attack: attackAN0198,
		Defaults: func() any {
			return &CloudBucketStagingParams{
				TransferWindow: time.Hour,
				EpisodeGap:     30 * time.Minute,
				MinSources:     3,
				MinObjects:     500,
				MinBytes:       1_000_000_000,
				ObjectActions: List{"PutObject", "CopyObject", "CompleteMultipartUpload", "PostObject",
					"storage.objects.create", "storage.objects.rewrite", "storage.objects.compose",
					"PutBlob", "PutBlockList", "CopyBlob", "PutBlockFromURL", "CopyBlobFromURL"},
				ByteActions:    List{"UploadPart", "UploadPartCopy", "PutBlock", "AppendBlock", "PutPage"},
				ReadMinObjects: 1000,
				BucketPatterns: List{"*temp*", "*tmp*", "*stag*", "*transfer*", "*backup*", "*dump*", "*export*", "*exfil*"},
				RandomNames:    true,
				LearningPeriod: 24 * time.Hour,
				Suppressions:   List(cloudBucketSuppressions[:]),
				ServicePrincipals: List{"*.amazonaws.com", "*.cloudservices.gserviceaccount.com",
					"service-*@gcp-sa-*.iam.gserviceaccount.com"},
				LogBuckets:     List{"*-logs", "*-log", "*cloudtrail*", "*elasticloadbalancing*", "*access-logs*", "*flowlogs*"},
				LogKeyPrefixes: List{"AWSLogs/*", "*/AWSLogs/*", "cloudtrail/*"},
				BackupPrincipals: List{"*:assumed-role/AWSBackupDefaultServiceRole/*",
					"*:assumed-role/AWSDataLifecycleManagerDefaultRole/*"},
				CIPrincipals: List{"*:assumed-role/github-actions*", "*:assumed-role/gitlab-runner*", "*:assumed-role/codebuild-*"},
				CIUserAgents: List{"*codebuild*", "*github-actions*"},
			}
		},
		New: func(params any, opts Options) (stagewatch.Detector, error) {
			p, ok := params.(*CloudBucketStagingParams)
			if !ok {
				return nil, fmt.Errorf("cloud-bucket-staging: parameters are %T, want *CloudBucketStagingParams", params)
			}
			return NewCloudBucketStaging(*p, opts)
		},
	}
}

type bucketKey struct {
	provider, bucket string
	read             bool
}

type bucketMatch struct {
	ev     *stagewatch.Event
	id     uint64
	source string
	object bool // the action makes the object (else it adds bytes only)
	failed bool
	newP   bool // the principal is new to this bucket
}

// bucketHistory is what the detector learned about one bucket in this run:
// when it first saw it and the principals that used it.
type bucketHistory struct {
	start      time.Time
	principals map[string]struct{}
}

// CloudBucketStagingDetector is the running state of cloud-bucket-staging.
type CloudBucketStagingDetector struct {
	p                              CloudBucketStagingParams
	objectActions, byteActions     []string
	patterns                       []string
	service, logBuckets, logKeys   []string
	backup, ciPrincipals, ciAgents []string
	enabled                        [len(cloudBucketSuppressions)]bool
	counts                         [len(cloudBucketSuppressions)]int
	history                        map[bucketKey]*bucketHistory
	byPrincipal                    map[principalKey]int
	byBucket                       map[string]bool
	win                            *window.Episodes[bucketKey, bucketMatch, bucketAcc]
}

// NewCloudBucketStaging validates p and returns a detector.
func NewCloudBucketStaging(p CloudBucketStagingParams, opts Options) (*CloudBucketStagingDetector, error) {
	fail := func(err error) (*CloudBucketStagingDetector, error) {
		return nil, fmt.Errorf("cloud-bucket-staging: %w", err)
	}
	if err := checkWindow(p.TransferWindow, p.EpisodeGap); err != nil {
		return fail(fmt.Errorf("transfer_window: %w", err))
	}
	if p.MinSources < 0 || p.MinObjects < 0 || p.MinBytes < 0 || p.ReadMinObjects < 0 {
		return fail(fmt.Errorf("min_sources, min_objects, min_bytes and read_min_objects must not be negative"))
	}
	if p.MinSources == 0 && p.MinObjects == 0 && p.MinBytes == 0 {
		return fail(fmt.Errorf("min_sources, min_objects and min_bytes are all 0: nothing could alert"))
	}
	if p.MinSources == 1 {
		return fail(fmt.Errorf("min_sources 1: want 0 (off) or at least 2"))
	}
	if p.LearningPeriod < 0 {
		return fail(fmt.Errorf("learning_period %v: want 0 or more", p.LearningPeriod))
	}
	d := &CloudBucketStagingDetector{
		p: p, objectActions: lowerAll(p.ObjectActions), byteActions: lowerAll(p.ByteActions),
		patterns: lowerAll(p.BucketPatterns), service: lowerAll(p.ServicePrincipals),
		logBuckets: lowerAll(p.LogBuckets), logKeys: lowerAll(p.LogKeyPrefixes), backup: lowerAll(p.BackupPrincipals),
		ciPrincipals: lowerAll(p.CIPrincipals), ciAgents: lowerAll(p.CIUserAgents),
		history: make(map[bucketKey]*bucketHistory), byPrincipal: make(map[principalKey]int), byBucket: make(map[string]bool),
	}
	for _, name := range p.Suppressions {
		i := indexOf(cloudBucketSuppressions[:], name)
		if i < 0 {
			return fail(fmt.Errorf("unknown suppression %q (known: %s)", name, strings.Join(cloudBucketSuppressions[:], ", ")))
		}
		d.enabled[i] = true
	}
	limit := max(opts.EvidenceCap, 0)
	d.win = window.New[bucketKey](opts.episodes(window.Config{Width: p.TransferWindow, Threshold: 1, Gap: p.EpisodeGap}),
		func(acc *bucketAcc, m bucketMatch) { acc.add(m, limit) })
	return d, nil
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}

// Kinds implements stagewatch.Detector.
func (d *CloudBucketStagingDetector) Kinds() []stagewatch.Kind {
	return []stagewatch.Kind{stagewatch.CloudWrite, stagewatch.CloudRead}
}

// Observe implements stagewatch.Detector.
func (d *CloudBucketStagingDetector) Observe(ev *stagewatch.Event) []stagewatch.Alert {
	c := &ev.Cloud
	if c.Bucket == "" {
		return nil
	}
	read := ev.Kind == stagewatch.CloudRead
	if read && d.p.ReadMinObjects == 0 {
		return nil
	}
	m := bucketMatch{ev: ev, failed: c.Failed(), source: cloudSource(ev)}
	if !read {
		switch {
		case matchGlob(d.objectActions, c.Action) != "":
			m.object = true
		case matchGlob(d.byteActions, c.Action) != "":
		default:
			return nil // CreateMultipartUpload, tagging, ACLs: neither an object nor bytes
		}
	} else {
		m.object = true
	}
	if !m.failed {
		m.newP = d.learn(bucketKey{provider: c.Provider, bucket: c.Bucket}, ev)
		if d.suppressed(ev) {
			return nil
		}
	}
	m.id = hashPath(false, c.Bucket, c.Key)
	key := bucketKey{provider: c.Provider, bucket: c.Bucket, read: read}
	return d.alerts(d.win.Add(key, m.id, ev.Time, m))
}

// maxBucketPrincipals bounds the principals remembered per bucket; past it a
// bucket learns no more and nobody is new to it (a bucket written by that
// many principals is public-facing and "new" means nothing there).
const maxBucketPrincipals = 10000

// learn records the principal in the bucket's history and reports whether it
// is new to the bucket: first seen at least learning_period after the bucket
// itself was first seen.
func (d *CloudBucketStagingDetector) learn(key bucketKey, ev *stagewatch.Event) bool {
	p := ev.Cloud.Principal
	if p == "" {
		p = ev.Cloud.SourceIP
	}
	h := d.history[key]
	if h == nil {
		h = &bucketHistory{start: ev.Time, principals: make(map[string]struct{})}
		d.history[key] = h
	}
	if _, ok := h.principals[p]; ok || p == "" || len(h.principals) >= maxBucketPrincipals {
		return false
	}
	h.principals[p] = struct{}{}
	return d.p.LearningPeriod > 0 && ev.Time.Sub(h.start) >= d.p.LearningPeriod
}

// suppressed applies the built-in suppressions in order and counts the
// first that matches. Verdicts on principals and buckets are cached, since
// a few principals and buckets make most calls and the globs are not free.
func (d *CloudBucketStagingDetector) suppressed(ev *stagewatch.Event) bool {
	c := &ev.Cloud
	hit := d.principalVerdict(c)
	if hit != 0 && d.enabled[1] && (d.logBucket(c.Bucket) || matchGlob(d.logKeys, c.Key) != "") {
		hit = 1
	}
	if hit < 0 {
		return false
	}
	d.counts[hit]++
	return true
}

type principalKey struct{ principal, ptype, agent string }

const verdictCacheSize = 4096

// principalVerdict returns the first principal suppression in force that
// matches (0 aws-service, 2 backup-job, 3 ci-artifacts), or -1.
func (d *CloudBucketStagingDetector) principalVerdict(c *stagewatch.Cloud) int {
	k := principalKey{c.Principal, c.PrincipalType, c.UserAgent}
	if v, ok := d.byPrincipal[k]; ok {
		return v
	}
	v := -1
	switch {
	case d.enabled[0] && isServicePrincipal(c, d.service):
		v = 0
	case d.enabled[2] && matchGlob(d.backup, c.Principal) != "":
		v = 2
	case d.enabled[3] && (matchGlob(d.ciPrincipals, c.Principal) != "" || matchGlob(d.ciAgents, c.UserAgent) != ""):
		v = 3
	}
	if len(d.byPrincipal) >= verdictCacheSize {
		clear(d.byPrincipal)
	}
	d.byPrincipal[k] = v
	return v
}

func (d *CloudBucketStagingDetector) logBucket(bucket string) bool {
	if v, ok := d.byBucket[bucket]; ok {
		return v
	}
	v := matchGlob(d.logBuckets, bucket) != ""
	if len(d.byBucket) >= verdictCacheSize {
		clear(d.byBucket)
	}
	d.byBucket[bucket] = v
	return v
}

// Advance implements stagewatch.Detector.
func (d *CloudBucketStagingDetector) Advance(t time.Time) []stagewatch.Alert {
	return d.alerts(d.win.Advance(t))
}

// Flush implements stagewatch.Detector.
func (d *CloudBucketStagingDetector) Flush() []stagewatch.Alert { return d.alerts(d.win.Flush()) }

// Suppressions implements stagewatch.Suppressor.
func (d *CloudBucketStagingDetector) Suppressions() []stagewatch.Suppression {
	var out []stagewatch.Suppression
	for i, on := range d.enabled {
		if on {
			out = append(out, stagewatch.Suppression{Analytic: "cloud-bucket-staging", Name: cloudBucketSuppressions[i], Count: d.counts[i]})
		}
	}
	return out
}

func (d *CloudBucketStagingDetector) alerts(eps []window.Episode[bucketKey, bucketAcc]) []stagewatch.Alert {
	return keptAlerts(eps, d.alert)
}

// OpenWindows returns the groups the detector holds, for serve's metrics.
func (d *CloudBucketStagingDetector) OpenWindows() int { return d.win.Len() }
