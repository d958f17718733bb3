package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/stagewatch/stagewatch/internal/demo"
)

func newDemoCmd(env *cliEnv) *cobra.Command {
	var opts runOptions
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the whole pipeline on a built-in Defender for Endpoint dataset",
		Long: `Run the whole pipeline — decoding, every analytic, suppressions, alerts and
the run summary — over an embedded Microsoft Defender for Endpoint dataset:

` + demo.Story + `

It takes the same output flags as hunt, so it also shows what each output
format looks like.`,
		Example: "  stagewatch demo\n  stagewatch demo --output json | jq '.[0]'",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var srcs []source
			for _, f := range demo.Files() {
				srcs = append(srcs, source{name: f.Name, r: f.Open()})
			}
			if !opts.quiet {
				fmt.Fprintf(env.stderr, "stagewatch demo: %d embedded file(s); `stagewatch demo --help` tells the story.\n\n", len(srcs))
			}
			return detection(cmd.Context(), env, srcs, nil, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.output, "output", "", "alert `format`: table, json, ndjson or csv (default table on a terminal, ndjson otherwise)")
	f.StringVarP(&opts.outFile, "out", "o", "", "write alerts to `file` instead of standard output")
	f.StringVar(&opts.color, "color", "auto", "colour the table: auto, always or never")
	f.BoolVarP(&opts.quiet, "quiet", "q", false, "do not print the run summary")
	f.StringVarP(&opts.configPath, "config", "c", "", "YAML configuration `file`")
	opts.maxWarnings = 20
	return cmd
}
