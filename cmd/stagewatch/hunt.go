package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/stagewatch/stagewatch/decode"
	"github.com/stagewatch/stagewatch/sink"
)

const huntLong = `Hunt for data staging in exported telemetry.

PATH may be a file, a folder (read recursively, in sorted order), a glob
('exports/*.json', quote it) or - for standard input. Formats are recognised
by content, whatever the file name; gzip is opened transparently. Inputs of
different formats can be mixed in one run, and the alerts do not depend on
the order the inputs are named in.

Alerts go to standard output: a table on a terminal, NDJSON otherwise (or
--output json|ndjson|csv|table; -o FILE writes them to a file). Warnings for
bad input and the run summary go to standard error: events read per format,
records skipped and why, matches each suppression removed, alerts by
severity, elapsed time and events/s.

A bad record (truncated JSON, a line over the size limit, an unparseable
timestamp) is reported with its file and line and skipped; the rest of the
input is still read. --strict stops at the first bad record or input instead.

Some inputs name no host: eslogger output and raw ESXi log files. Their
events would all share one empty host, so files from two Macs would be
counted together. Hunt them with --host NAME (every input), --host NAME=PATH
(the inputs under PATH; repeat it for several hostless files), or one host
per run; the summary says how many events had no host name.

Exit status: 0 when the run completed (whether or not it found anything),
1 on a usage or fatal error, 2 when --strict stopped at bad input.`

const huntExample = `  stagewatch hunt ./exports/
  stagewatch hunt --output ndjson -o alerts.ndjson 'ah/*.json.gz'
  stagewatch hunt --timezone Europe/Berlin sentinel-export.csv
  stagewatch hunt --year 2025 /var/log/remote/esx01.log
  stagewatch hunt --host mbp-alice=alice.jsonl --host mbp-bob=bob.jsonl alice.jsonl bob.jsonl
  stagewatch hunt --config stagewatch.yml --only bulk-file-staging DeviceFileEvents.json
  zcat PT1H.json.gz | stagewatch hunt -`

func newHuntCmd(env *cliEnv) *cobra.Command {
	var opts runOptions
	cmd := &cobra.Command{
		Use:     "hunt PATH...",
		Short:   "Hunt for data staging in exported logs (files, folders, globs, -)",
		Long:    huntLong,
		Example: huntExample,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return errors.New("hunt needs at least one PATH (a file, folder, glob, or - for standard input)")
			}
			srcs, problems := expandSources(env, args)
			if len(srcs) == 0 {
				return fmt.Errorf("no input to read: %w", errors.Join(problems...))
			}
			return detection(cmd.Context(), env, srcs, problems, opts)
		},
	}
	addRunFlags(cmd, &opts)
	addHostFlag(cmd, &opts)
	return cmd
}

// addRunFlags declares the flags hunt and demo share.
func addRunFlags(cmd *cobra.Command, opts *runOptions) {
	f := cmd.Flags()
	f.StringVarP(&opts.configPath, "config", "c", "", "YAML configuration `file` (see `stagewatch analytics --defaults`)")
	f.StringVar(&opts.format, "format", "", "force the input `format` instead of recognising it ("+formatNames()+")")
	f.StringVar(&opts.timezone, "timezone", "", "time `zone` of timestamps written without one, e.g. Sentinel CSV \"[Local Time]\" columns (IANA name, UTC or Local)")
	f.IntVar(&opts.year, "year", 0, "`year` of syslog timestamps written without one (RFC 3164), used when the input has no dated line")
	f.BoolVar(&opts.strict, "strict", false, "stop with exit status 2 at the first bad record or unreadable input")
	f.DurationVar(&opts.lateness, "lateness", 0, "how far out of order events may arrive and still be put in order (overrides the config; default 5m)")
	f.StringVar(&opts.output, "output", "", "alert `format`: "+strings.Join(sink.Formats(), ", ")+" (default table on a terminal, ndjson otherwise)")
	f.StringVarP(&opts.outFile, "out", "o", "", "write alerts to `file` instead of standard output")
	f.StringVar(&opts.color, "color", "auto", "colour the table: auto, always or never (NO_COLOR is honoured)")
	f.StringVar(&opts.progress, "progress", "auto", "progress bar on standard error: auto (terminal and large input), always or never")
	f.IntVar(&opts.maxWarnings, "max-warnings", 20, "print at most `n` bad-input warnings (-1 for all); the summary counts every one")
	f.BoolVarP(&opts.quiet, "quiet", "q", false, "do not print the run summary")
	f.StringSliceVar(&opts.only, "only", nil, "run only these analytic `ids` (comma separated), even if disabled in the config")
}

// addHostFlag declares --host, which hunt and normalize have and demo,
// whose events all name their host, does not.
func addHostFlag(cmd *cobra.Command, opts *runOptions) {
	cmd.Flags().StringArrayVar(&opts.hosts, "host", nil, hostUsage)
}

func formatNames() string {
	var names []string
	for _, f := range decode.Formats() {
		names = append(names, f.Name)
	}
	return strings.Join(names, ", ")
}

// expandSources turns hunt's arguments into inputs; "-" is standard input.
// Paths that match nothing are returned as problems, which the run reports
// and counts as skipped inputs: a typo must not look like a clean run.
func expandSources(env *cliEnv, args []string) ([]source, []error) {
	paths, errs := decode.Expand(args)
	srcs := make([]source, 0, len(paths))
	for _, p := range paths {
		if p == "-" {
			srcs = append(srcs, source{name: "-", r: env.stdin})
			continue
		}
		srcs = append(srcs, source{name: p})
	}
	return srcs, errs
}
