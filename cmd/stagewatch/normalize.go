package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/decode"
)

const normalizeLong = `Decode inputs and print the normalized events as NDJSON, one event per
line, in input order: what every analytic sees. Use it to check how
stagewatch reads your data, or to feed the events to another tool.

Bad records are reported on standard error with their file and line and
skipped; --strict stops at the first one.`

func newNormalizeCmd(env *cliEnv) *cobra.Command {
	var opts runOptions
	cmd := &cobra.Command{
		Use:     "normalize PATH...",
		Short:   "Print decoded events as NDJSON (what the analytics see)",
		Long:    normalizeLong,
		Example: "  stagewatch normalize DeviceFileEvents.json | head\n  stagewatch normalize --format mde -o events.ndjson export.csv",
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return errors.New("normalize needs at least one PATH (a file, folder, glob, or - for standard input)")
			}
			srcs, problems := expandSources(env, args)
			if len(srcs) == 0 {
				return fmt.Errorf("no input to read: %w", errors.Join(problems...))
			}
			return normalize(env, srcs, problems, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.format, "format", "", "force the input `format` instead of recognising it ("+formatNames()+")")
	f.StringVar(&opts.timezone, "timezone", "", "time `zone` of timestamps written without one (IANA name, UTC or Local)")
	f.IntVar(&opts.year, "year", 0, "`year` of syslog timestamps written without one (RFC 3164), used when the input has no dated line")
	f.BoolVar(&opts.strict, "strict", false, "stop with exit status 2 at the first bad record or unreadable input")
	f.StringVarP(&opts.outFile, "out", "o", "", "write events to `file` instead of standard output")
	f.IntVar(&opts.maxWarnings, "max-warnings", 20, "print at most `n` bad-input warnings (-1 for all)")
	addHostFlag(cmd, &opts)
	return cmd
}

func normalize(env *cliEnv, srcs []source, problems []error, opts runOptions) error {
	decOpts, err := decodeOptions(opts)
	if err != nil {
		return err
	}
	hostOf, err := hostNames(opts.hosts, srcs)
	if err != nil {
		return err
	}
	out, closeOut, err := openOutput(env, opts.outFile)
	if err != nil {
		return err
	}
	defer closeOut()
	bw := bufio.NewWriterSize(out, 1<<16)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	sum := newSummary(env.stderr, opts.maxWarnings)
	for _, p := range problems {
		sum.pathProblem(p)
		if opts.strict {
			return strictStop(env, p)
		}
	}
	for i, s := range srcs {
		if err := env.ctx.Err(); err != nil {
			return err
		}
		var in *decode.Input
		if s.r != nil {
			in, err = decode.Open(s.name, s.r, decOpts)
		} else {
			in, err = decode.OpenFile(s.name, decOpts)
		}
		if err != nil {
			sum.inputSkipped(s.name, err)
			if opts.strict {
				return strictStop(env, err)
			}
			continue
		}
		err = normalizeOne(in, hostOf[i], enc, sum, opts.strict)
		in.Close()
		if err != nil {
			return strictStop(env, err)
		}
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return closeOut()
}

// normalizeOne writes every event of in, hostless ones given the host name
// host when it is set; it returns an error only when strict stops the run.
func normalizeOne(in *decode.Input, host string, enc *json.Encoder, sum *summary, strict bool) error {
	for {
		ev, err := in.Decode()
		if err == io.EOF {
			return nil
		}
		var de *stagewatch.DecodeError
		if errors.As(err, &de) {
			sum.badRecord(err)
			if strict {
				return err
			}
			continue
		}
		if err != nil {
			sum.inputFailed(in.Name(), err)
			if strict {
				return err
			}
			return nil
		}
		fillHost(ev, host)
		if err := enc.Encode(ev); err != nil {
			return err
		}
	}
}
