package analytic

import (
	"math"
	"strings"

	"github.com/stagewatch/stagewatch"
)

// attackAN0198 is the ATT&CK mapping of the cloud staging analytics: remote
// data staging in IaaS (DET0071 AN0198; cloud-bucket-staging also implements
// DET0014 AN0043, named in its fields).
var attackAN0198 = stagewatch.Attack{Technique: "T1074.002", Tactic: "collection", Strategy: "DET0071", Analytic: "AN0198"}

// cloudLocation is the display form of a bucket: s3://bucket, gs://bucket,
// azure://account/container, or provider://bucket for anything else.
func cloudLocation(provider, bucket string) string {
	switch provider {
	case "aws":
		return "s3://" + bucket
	case "gcp":
		return "gs://" + bucket
	case "":
		return "cloud://" + bucket
	}
	return provider + "://" + bucket
}

// cloudSource is the "host" a cloud write came from, by precedence: the
// instance (EC2 instance profile session, GCE VM), else the host the event
// names, else the caller's IP address, else the principal.
func cloudSource(ev *stagewatch.Event) string {
	if ev.Cloud.Instance != "" {
		return ev.Cloud.Instance
	}
	if s := instanceSession(&ev.Cloud); s != "" {
		return s
	}
	return cmpOr(ev.Host.Name, ev.Cloud.SourceIP, ev.Cloud.Principal)
}

// instanceSession returns the EC2 instance id of an assumed-role session
// named after an instance (arn:aws:sts::1:assumed-role/Role/i-0abc), the
// form instance-profile credentials take; "" otherwise.
func instanceSession(c *stagewatch.Cloud) string {
	if !strings.Contains(c.Principal, ":assumed-role/") {
		return ""
	}
	i := strings.LastIndexByte(c.Principal, '/')
	s := c.Principal[i+1:]
	if strings.HasPrefix(s, "i-") && len(s) > 2 {
		return s
	}
	return ""
}

// isInstanceRole reports whether a call used compute instance credentials.
func isInstanceRole(c *stagewatch.Cloud) bool {
	return c.Instance != "" || instanceSession(c) != ""
}

// principalAccount returns the account a principal belongs to, when its
// form tells: the account id of an AWS ARN, the project of a GCP service
// account e-mail. "" when unknown.
func principalAccount(c *stagewatch.Cloud) string {
	p := c.Principal
	if strings.HasPrefix(p, "arn:") {
		// arn:partition:service:region:account:resource
		parts := strings.SplitN(p, ":", 6)
		if len(parts) == 6 {
			return parts[4]
		}
		return ""
	}
	if at := strings.IndexByte(p, '@'); at >= 0 {
		if proj, ok := strings.CutSuffix(p[at+1:], ".iam.gserviceaccount.com"); ok {
			return proj
		}
	}
	return ""
}

// isServicePrincipal reports whether the caller is the provider's own
// service (PrincipalType AWSService, or a principal matching one of globs,
// such as *.amazonaws.com).
func isServicePrincipal(c *stagewatch.Cloud, globs []string) bool {
	return strings.EqualFold(c.PrincipalType, "AWSService") || matchGlob(globs, c.Principal) != ""
}

// randomName reports whether a bucket name looks machine-generated: its
// longest component (split at - . _ /) is at least 12 characters and is
// either about half digits or of high character entropy (at least 3.6
// bits per character), such as a hex or base32 id. Names like
// "acme-prod-data-20240501" are not random: their long components are words
// or short dates.
func randomName(name string) bool {
	best := ""
	for part := range strings.FieldsFuncSeq(name, func(r rune) bool { return r == '-' || r == '.' || r == '_' || r == '/' }) {
		if len(part) > len(best) {
			best = part
		}
	}
	if len(best) < 12 {
		return false
	}
	var counts [256]int
	digits := 0
	for i := 0; i < len(best); i++ {
		c := best[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		counts[c]++
		if '0' <= c && c <= '9' {
			digits++
		}
	}
	ratio := float64(digits) / float64(len(best))
	if ratio >= 0.3 && ratio <= 0.8 {
		return true
	}
	entropy := 0.0
	for _, n := range counts {
		if n > 0 {
			p := float64(n) / float64(len(best))
			entropy -= p * math.Log2(p)
		}
	}
	return entropy >= 3.6
}

// matchGlob returns the first of the lower-case globs that v matches, or ""
// (also for an empty list or an empty v).
func matchGlob(globs []string, v string) string {
	if v == "" {
		return ""
	}
	for _, g := range globs {
		if Glob(g, v) {
			return g
		}
	}
	return ""
}

// keyPrefix is the first component of an object key with its slash
// ("exports/"), or "/" for a key at the top of the bucket.
func keyPrefix(key string) string {
	if i := strings.IndexByte(key, '/'); i >= 0 {
		return key[:i+1]
	}
	return "/"
}
