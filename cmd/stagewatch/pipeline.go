package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/analytic"
	"github.com/stagewatch/stagewatch/config"
	"github.com/stagewatch/stagewatch/decode"
	"github.com/stagewatch/stagewatch/detect"
	"github.com/stagewatch/stagewatch/sink"
)

// runOptions are the settings of one detection run, shared by hunt and demo.
type runOptions struct {
	configPath  string
	format      string // forced input format; "" sniffs
	timezone    string
	year        int // year of syslog timestamps without one, when the input gives none
	strict      bool
	lateness    time.Duration // overrides the config when > 0
	output      string        // sink format; "" picks table on a terminal, ndjson otherwise
	outFile     string
	color       string // auto, always, never
	progress    string // auto, always, never
	maxWarnings int
	quiet       bool
	only        []string // analytic ids to run; empty = every enabled one
	hosts       []string // --host values: NAME for every input, NAME=PATH per input
}

// source is one input to open: a path, or a reader with a display name.
type source struct {
	name string
	r    io.Reader // nil: open name as a file
}

// loadConfig returns the configuration at path, or the defaults.
func loadConfig(path string, specs []analytic.Spec) (*config.Config, error) {
	if path == "" {
		return config.Default(specs), nil
	}
	return config.Load(path, specs)
}

// detection runs the whole pipeline over srcs and writes alerts and the run
// summary.
func detection(ctx context.Context, env *cliEnv, srcs []source, problems []error, opts runOptions) error {
	start := time.Now()
	specs := analytic.All()
	cfg, err := loadConfig(opts.configPath, specs)
	if err != nil {
		return err
	}
	if opts.lateness > 0 {
		cfg.Lateness = opts.lateness
	}
	dets, err := cfg.Detectors(specs, opts.only...)
	if err != nil {
		return err
	}
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
	defer closeOut() // on early return; the success path checks its error below
	format := opts.output
	if format == "" {
		format = "ndjson"
		if opts.outFile == "" && isTerminal(env.stdout) {
			format = "table"
		}
	}
	snk, err := sink.New(format, out, sink.Options{
		Color: wantColor(opts.color, opts.outFile == "" && isTerminal(env.stdout)),
		Width: terminalWidth(env.stdout),
	})
	if err != nil {
		return err
	}

	sum := newSummary(env.stderr, opts.maxWarnings)
	for _, p := range problems {
		sum.pathProblem(p)
		if opts.strict {
			return strictStop(env, p)
		}
	}
	var inputs []detect.Input
	var opened []*decode.Input
	var filled []*hostSource
	defer func() {
		for _, in := range opened {
			in.Close()
		}
	}()
	var total int64
	for i, s := range srcs {
		var in *decode.Input
		if s.r != nil {
			in, err = decode.Open(s.name, s.r, decOpts)
		} else {
			in, err = decode.OpenFile(s.name, decOpts)
			if fi, statErr := os.Stat(s.name); statErr == nil {
				total += fi.Size()
			}
		}
		if err != nil {
			sum.inputSkipped(s.name, err)
			if opts.strict {
				return strictStop(env, err)
			}
			continue
		}
		opened = append(opened, in)
		// Hosts are filled right after decoding, before detection sees
		// the event; nothing changes events after that.
		hs := &hostSource{in: in, name: hostOf[i]}
		filled = append(filled, hs)
		inputs = append(inputs, detect.Input{Name: in.Name(), Source: hs})
	}

	eng, err := detect.New(dets, detect.Options{Lateness: cfg.Lateness})
	if err != nil {
		return err
	}
	bar := newProgress(env.stderr, total, opts.progress)
	hooks := detect.Hooks{
		OnDecodeError: func(err error) error {
			sum.badRecord(err)
			if opts.strict {
				return err
			}
			return nil
		},
		OnInputError: func(name string, err error) error {
			sum.inputFailed(name, err)
			if opts.strict {
				return err
			}
			return nil
		},
		OnAlert: func(a stagewatch.Alert) error {
			sum.alert(a)
			return snk.Write(a)
		},
		OnProgress: func(p detect.Progress) { bar.set(p.Bytes) },
	}
	res, runErr := detect.Run(ctx, inputs, eng, hooks)
	bar.finish()
	if runErr != nil {
		var de *stagewatch.DecodeError
		if opts.strict && (errors.As(runErr, &de) || isInputError(runErr)) {
			return strictStop(env, runErr)
		}
		return runErr
	}
	if err := snk.Close(); err != nil {
		return err
	}
	if err := closeOut(); err != nil {
		return err
	}
	for _, in := range opened {
		sum.input(in.Stats())
	}
	for _, hs := range filled {
		sum.hostless += hs.hostless.Load()
	}
	if !opts.quiet {
		sum.print(res, time.Since(start))
	}
	return nil
}

func isInputError(err error) bool {
	var fe *decode.FileError
	return errors.As(err, &fe)
}

func strictStop(env *cliEnv, err error) error {
	fmt.Fprintf(env.stderr, "stagewatch: %v\nstagewatch: stopped at the first bad input (--strict)\n", err)
	return exitError{code: 2}
}

func decodeOptions(opts runOptions) (decode.Options, error) {
	var o decode.Options
	if opts.format != "" && opts.format != "auto" {
		if _, err := decode.Lookup(opts.format); err != nil {
			return o, err
		}
		o.Format = opts.format
	}
	if opts.timezone != "" {
		loc, err := time.LoadLocation(opts.timezone)
		if err != nil {
			return o, fmt.Errorf("--timezone %q: %v (use an IANA name such as Europe/Berlin, or UTC or Local)", opts.timezone, err)
		}
		o.Location = loc
	}
	if opts.year < 0 || opts.year > 9999 {
		return o, fmt.Errorf("--year %d: want a year such as 2025", opts.year)
	}
	o.Year = opts.year
	return o, nil
}

// openOutput returns where alerts go and a function that closes it; the
// function may be called more than once and reports the first close error.
func openOutput(env *cliEnv, path string) (io.Writer, func() error, error) {
	if path == "" || path == "-" {
		return env.stdout, func() error { return nil }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, nil, err
	}
	var once sync.Once
	var closeErr error
	return f, func() error {
		once.Do(func() { closeErr = f.Close() })
		return closeErr
	}, nil
}
