package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/stagewatch/stagewatch/analytic"
	"github.com/stagewatch/stagewatch/config"
)

const analyticsLong = `List the analytics stagewatch runs, with their MITRE ATT&CK technique,
detection strategy (DET) and analytic (AN) ids.

--defaults prints a complete YAML configuration instead: every key, its
default value and a comment saying what it does. Save it, change what you
need (a file only has to say what differs), and pass it to hunt --config.
Lists take either a sequence (replaces the default) or {add: [...],
remove: [...]} (edits it). Unknown keys and bad values are errors naming the
file and line.`

func newAnalyticsCmd(env *cliEnv) *cobra.Command {
	var defaults bool
	var configPath string
	cmd := &cobra.Command{
		Use:   "analytics",
		Short: "List the analytics and their ATT&CK ids, or print the default configuration",
		Long:  analyticsLong,
		Example: `  stagewatch analytics
  stagewatch analytics --defaults > stagewatch.yml
  stagewatch analytics --config stagewatch.yml   # check a config and show what it enables`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			specs := analytic.All()
			if defaults {
				return config.WriteDefaults(env.stdout, specs)
			}
			cfg, err := loadConfig(configPath, specs)
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(env.stdout, 2, 8, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tTECHNIQUE\tSTRATEGY\tANALYTIC\tENABLED\tTITLE")
			for _, s := range specs {
				on := "yes"
				if !cfg.Enabled[s.ID] {
					on = "no"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", s.ID, s.Attack.Technique, s.Attack.Strategy, s.Attack.Analytic, on, s.Title)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&defaults, "defaults", false, "print the complete default configuration as commented YAML")
	cmd.Flags().StringVarP(&configPath, "config", "c", "", "check this configuration `file` and show what it enables")
	return cmd
}
