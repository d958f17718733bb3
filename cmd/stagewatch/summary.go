package main

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/decode"
	"github.com/stagewatch/stagewatch/detect"
)

// summary collects what a run read, skipped and found, prints warnings for
// bad input as they happen (up to a limit), and the run summary at the end.
type summary struct {
	w           io.Writer
	maxWarnings int
	warned      int

	badReasons    map[string]int64 // bad records by reason
	badRecords    int64
	skippedInputs []string // "name (reason)"
	failedInputs  []string
	formats       map[string]int64 // events per format
	ignored       int64
	bytes         int64
	severities    [stagewatch.SeverityCritical + 1]int
	alerts        int
	hostless      int64 // events with no host name that --host did not name
}

func newSummary(w io.Writer, maxWarnings int) *summary {
	return &summary{w: w, maxWarnings: maxWarnings, badReasons: map[string]int64{}, formats: map[string]int64{}}
}

func (s *summary) warn(format string, args ...any) {
	s.warned++
	if s.maxWarnings >= 0 && s.warned > s.maxWarnings {
		if s.warned == s.maxWarnings+1 {
			fmt.Fprintf(s.w, "stagewatch: further warnings are not shown (--max-warnings %d); the summary counts them\n", s.maxWarnings)
		}
		return
	}
	fmt.Fprintf(s.w, "stagewatch: warning: "+format+"\n", args...)
}

func (s *summary) badRecord(err error) {
	s.badRecords++
	reason := "bad record"
	var de *stagewatch.DecodeError
	if errors.As(err, &de) && de.Reason != "" {
		reason = de.Reason
	}
	s.badReasons[reason]++
	s.warn("%v (record skipped)", err)
}

func (s *summary) inputSkipped(name string, err error) {
	s.skippedInputs = append(s.skippedInputs, fmt.Sprintf("%s (%s)", name, reasonOf(name, err)))
	s.warn("%v (input skipped)", err)
}

// pathProblem records a named path that yielded no input (missing, empty
// folder, glob without matches).
func (s *summary) pathProblem(err error) {
	s.skippedInputs = append(s.skippedInputs, firstLine(err.Error()))
	s.warn("%v", err)
}

func (s *summary) inputFailed(name string, err error) {
	s.failedInputs = append(s.failedInputs, fmt.Sprintf("%s (%s)", name, reasonOf(name, err)))
	s.warn("%v (input ends here; the events read before it are kept)", err)
}

func (s *summary) input(st decode.Stats) {
	s.formats[st.Format] += st.Events
	s.ignored += st.Ignored
	s.bytes += st.Bytes
}

func (s *summary) alert(a stagewatch.Alert) {
	s.alerts++
	if int(a.Severity) < len(s.severities) {
		s.severities[a.Severity]++
	}
}

func (s *summary) print(res detect.Summary, elapsed time.Duration) {
	var events int64
	for _, in := range res.Inputs {
		events += in.Events
	}
	secs := elapsed.Seconds()
	if secs <= 0 {
		secs = 1e-9
	}
	fmt.Fprintf(s.w, "\nstagewatch: read %s events from %d input(s) in %s (%s events/s, %.1f MB/s)\n",
		group(events), len(res.Inputs), elapsed.Round(time.Millisecond),
		group(int64(float64(events)/secs)), float64(s.bytes)/secs/1e6)
	fmt.Fprintf(s.w, "  formats:     %s\n", countsLine(s.formats, "none"))
	if s.ignored > 0 {
		fmt.Fprintf(s.w, "  not used:    %s records of tables or event types no analytic reads\n", group(s.ignored))
	}
	if s.badRecords > 0 {
		fmt.Fprintf(s.w, "  skipped:     %s bad record(s): %s\n", group(s.badRecords), countsLine(s.badReasons, ""))
	} else {
		fmt.Fprintf(s.w, "  skipped:     0 bad records\n")
	}
	if len(s.skippedInputs) > 0 {
		fmt.Fprintf(s.w, "  inputs skipped: %d: %s\n", len(s.skippedInputs), strings.Join(s.skippedInputs, "; "))
	}
	if len(s.failedInputs) > 0 {
		fmt.Fprintf(s.w, "  inputs cut short: %d: %s\n", len(s.failedInputs), strings.Join(s.failedInputs, "; "))
	}
	if s.hostless > 0 {
		fmt.Fprintf(s.w, "  no host:     %s event(s) without a host name; use --host NAME, or one host per run\n", group(s.hostless))
	}
	if res.Engine.Late > 0 {
		fmt.Fprintf(s.w, "  late:        %s event(s) arrived more than the lateness bound out of order (raise --lateness)\n", group(res.Engine.Late))
	}
	supp := map[string]int64{}
	var suppTotal int64
	for _, x := range res.Engine.Suppressions {
		if x.Count > 0 {
			supp[x.Analytic+"/"+x.Name] += int64(x.Count)
			suppTotal += int64(x.Count)
		}
	}
	if suppTotal > 0 {
		fmt.Fprintf(s.w, "  suppressed:  %s match(es): %s\n", group(suppTotal), countsLine(supp, ""))
	} else {
		fmt.Fprintf(s.w, "  suppressed:  0 matches\n")
	}
	var sev []string
	for i := len(s.severities) - 1; i >= 0; i-- {
		if s.severities[i] > 0 {
			sev = append(sev, fmt.Sprintf("%s %d", stagewatch.Severity(i), s.severities[i]))
		}
	}
	if s.alerts == 0 {
		fmt.Fprintf(s.w, "  alerts:      none\n")
	} else {
		fmt.Fprintf(s.w, "  alerts:      %d (%s)\n", s.alerts, strings.Join(sev, ", "))
	}
}

// countsLine renders counts as "a 3, b 1", largest first, ties by name.
func countsLine(m map[string]int64, empty string) string {
	if len(m) == 0 {
		return empty
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if m[keys[i]] != m[keys[j]] {
			return m[keys[i]] > m[keys[j]]
		}
		return keys[i] < keys[j]
	})
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %s", k, group(m[k]))
	}
	return strings.Join(parts, ", ")
}

// group formats n with thousands separators.
func group(n int64) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		return "-" + s
	}
	return s
}

// reasonOf is err's message without the input's name, which the summary
// already prints beside it.
func reasonOf(name string, err error) string {
	msg := err.Error()
	var fe *decode.FileError
	if errors.As(err, &fe) && fe.Err != nil {
		msg = fe.Err.Error()
	}
	return firstLine(strings.TrimPrefix(msg, name+": "))
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
