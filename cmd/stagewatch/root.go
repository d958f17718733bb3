package main

import (
	"context"
	"io"

	"github.com/spf13/cobra"
)

const rootLong = `stagewatch finds data staging (MITRE ATT&CK T1074: T1074.001 local,
T1074.002 remote): intruders gathering collected files in one place, often
archived, before exfiltration. It reads the telemetry defenders already have,
runs time-windowed analytics over it, and reports alerts an analyst can act on.

Start here:
  stagewatch demo                          run the whole pipeline on built-in data
  stagewatch hunt exports/                 hunt over exported logs (files, folders, globs, -)
  stagewatch analytics                     list the analytics and their ATT&CK ids
  stagewatch analytics --defaults > sw.yml write a complete, commented config to tune
  stagewatch serve --token-file tokens     run as a service: HTTP ingest, alerts to sinks

Inputs are recognised by content (Defender for Endpoint NDJSON, API/Graph
responses, Event Hub records, portal and Sentinel CSV; .gz opened transparently).`

func newRootCmd(ctx context.Context, stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:           "stagewatch",
		Short:         "Detect data staging (ATT&CK T1074) in security telemetry",
		Long:          rootLong,
		SilenceUsage:  true,
		SilenceErrors: false,
		Version:       version,
	}
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.CompletionOptions.DisableDefaultCmd = true
	env := &cliEnv{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr}
	root.AddCommand(
		newHuntCmd(env),
		newAnalyticsCmd(env),
		newNormalizeCmd(env),
		newDemoCmd(env),
		newServeCmd(env),
		newVersionCmd(),
	)
	return root
}

// cliEnv is what every subcommand needs from the process.
type cliEnv struct {
	ctx    context.Context
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}
