package analytic

import (
	"fmt"
	"strings"

	"github.com/stagewatch/stagewatch"
)

// SensitiveParams are the parameters every staging analytic shares for the
// sensitive-data weighting; analytics inline them into their own parameters.
type SensitiveParams struct {
	Sensitive    List `yaml:"sensitive" doc:"sensitive files and commands that raise an alert's severity and confidence: KIND PATTERN (what it is), KIND ext, name, cmd or doc (lists/sensitive.txt)"`
	MinDocuments int  `yaml:"min_documents" doc:"distinct documents (doc entries) that count as documents in bulk; 0 turns the bulk test off"`
}

// defaultSensitive returns the compiled-in SensitiveParams.
func defaultSensitive() SensitiveParams {
	return SensitiveParams{Sensitive: DefaultList(ListSensitive), MinDocuments: 10}
}

// Sensitive recognises sensitive staged data: mail stores, credential
// stores, registry hives, database dumps, and documents in bulk. An alert it
// finds something in is raised one step in severity and confidence and lists
// why in fields.sensitive.
type Sensitive struct {
	exts, docs   map[string]string // extension -> reason
	names, cmds  []sensitiveGlob
	minDocuments int
}

type sensitiveGlob struct{ glob, reason string }

// NewSensitive builds a Sensitive from SensitiveParams.
func NewSensitive(p SensitiveParams) (*Sensitive, error) {
	if p.MinDocuments < 0 {
		return nil, fmt.Errorf("min_documents %d: want 0 or more", p.MinDocuments)
	}
	s := &Sensitive{exts: map[string]string{}, docs: map[string]string{}, minDocuments: p.MinDocuments}
	for _, raw := range p.Sensitive {
		line := stripComment(raw)
		if line == "" {
			continue
		}
		reason := ""
		if strings.HasSuffix(line, ")") {
			if i := strings.LastIndex(line, " ("); i >= 0 {
				line, reason = strings.TrimSpace(line[:i]), line[i+2:len(line)-1]
			}
		}
		kind, pat, ok := strings.Cut(line, " ")
		pat = strings.ToLower(strings.TrimSpace(pat))
		if !ok || pat == "" {
			return nil, fmt.Errorf("sensitive entry %q: want KIND PATTERN", raw)
		}
		if reason == "" {
			reason = pat
		}
		switch kind {
		case "ext", "doc":
			if pat[0] != '.' || strings.ContainsAny(pat, ` \/*?`) {
				return nil, fmt.Errorf("sensitive entry %q: want an extension starting with '.'", raw)
			}
			if kind == "ext" {
				s.exts[pat] = reason
			} else {
				s.docs[pat] = reason
			}
		case "name":
			s.names = append(s.names, sensitiveGlob{pat, reason})
		case "cmd":
			s.cmds = append(s.cmds, sensitiveGlob{pat, reason})
		default:
			return nil, fmt.Errorf("sensitive entry %q: unknown kind %q (want ext, name, cmd or doc)", raw, kind)
		}
	}
	return s, nil
}

// File returns why a file name (or a wildcard source such as *.pst) is
// sensitive, as "PATTERN: reason" ("*.pst: Outlook mail store", "ntds.dit:
// Active Directory database"), so many files of one kind give one finding;
// "" when it is not.
func (s *Sensitive) File(name string) string {
	if s == nil || name == "" {
		return ""
	}
	ext := stagewatch.Ext(name)
	if r, ok := s.exts[ext]; ok {
		return "*" + ext + ": " + r
	}
	for _, g := range s.names {
		if Glob(g.glob, name) {
			return g.glob + ": " + g.reason
		}
	}
	return ""
}

// Path is File for the base name of a path in either separator style.
func (s *Sensitive) Path(p string) string { return s.File(baseName(p)) }

// baseName returns the last component of a path argument in either
// separator style, without quotes or trailing separators.
func baseName(p string) string {
	p = strings.TrimRight(strings.Trim(p, `"'`), `\/`)
	if i := strings.LastIndexAny(p, `\/`); i >= 0 {
		p = p[i+1:]
	}
	return p
}

// Command returns why a normalized command line handles sensitive data, or "".
func (s *Sensitive) Command(norm string) string {
	if s == nil {
		return ""
	}
	for _, g := range s.cmds {
		if Glob(g.glob, norm) {
			return "command: " + g.reason
		}
	}
	return ""
}

// IsDocument reports whether a lower-case extension is a document type.
func (s *Sensitive) IsDocument(ext string) bool {
	_, ok := s.docs[ext]
	return s != nil && ok
}

// sensitiveAcc collects the sensitive findings of one alert.
type sensitiveAcc struct {
	reasons []string
	docs    map[uint64]struct{} // distinct document files
	docExts []string
	bulk    string // a bulk-documents finding from a copy or archive command
}

const maxSensitiveReasons = 8

func (a *sensitiveAcc) add(reason string) {
	if reason != "" {
		a.reasons = addSorted(a.reasons, reason, maxSensitiveReasons)
	}
}

// file records one staged file: its name, and whether it is a document.
func (a *sensitiveAcc) file(s *Sensitive, id uint64, name, ext string) {
	if s == nil {
		return
	}
	a.add(s.File(name))
	if s.minDocuments > 0 && s.IsDocument(ext) {
		if a.docs == nil {
			a.docs = make(map[uint64]struct{})
		}
		a.docs[id] = struct{}{}
		a.docExts = addSorted(a.docExts, ext, 8)
	}
}

// args records the path arguments of a command (sources, destination,
// inputs) and its command line; recursive wildcard document sources such as
// *.docx with /s count as documents in bulk.
func (a *sensitiveAcc) args(s *Sensitive, norm string, recursive bool, paths ...[]string) {
	if s == nil {
		return
	}
	a.add(s.Command(norm))
	for _, list := range paths {
		for _, p := range list {
			base := baseName(p)
			a.add(s.File(base))
			ext := stagewatch.Ext(base)
			if recursive && s.minDocuments > 0 && strings.ContainsAny(p, "*?") && s.IsDocument(ext) {
				a.docExts = addSorted(a.docExts, ext, 8)
				a.bulk = "documents in bulk: recursive wildcard (" + strings.Join(a.docExts, " ") + ")"
			}
		}
	}
}

// findings returns the reasons of an alert, with the documents-in-bulk
// finding, sorted; nil when nothing is sensitive.
func (a *sensitiveAcc) findings(s *Sensitive) []string {
	out := a.reasons
	if s != nil && s.minDocuments > 0 && len(a.docs) >= s.minDocuments {
		out = addSorted(out, fmt.Sprintf("documents in bulk: %d documents (%s)", len(a.docs), strings.Join(a.docExts, " ")), maxSensitiveReasons+1)
	} else if a.bulk != "" {
		out = addSorted(out, a.bulk, maxSensitiveReasons+1)
	}
	return out
}

// weigh raises severity and confidence one step when findings is not empty,
// records the findings in fields and appends them to the summary.
func weigh(findings []string, sev *stagewatch.Severity, conf *stagewatch.Confidence, fields map[string]any, summary *string) {
	if len(findings) == 0 {
		return
	}
	*sev = min(*sev+1, stagewatch.SeverityCritical)
	*conf = raise(*conf)
	fields["sensitive"] = findings
	*summary += "; sensitive: " + strings.Join(findings, "; ")
}

// weighAlert is weigh for a rendered alert: severity, confidence, risk,
// fields.sensitive and the summary.
func weighAlert(a *stagewatch.Alert, findings []string) {
	weigh(findings, &a.Severity, &a.Confidence, a.Fields, &a.Summary)
	a.Risk = stagewatch.RiskScore(a.Severity, a.Confidence)
}
