// Command stagewatch finds data staging (MITRE ATT&CK T1074) in exported
// security telemetry. Run `stagewatch --help` for the subcommands.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		var ee exitError
		if errors.As(err, &ee) {
			os.Exit(ee.code)
		}
		fmt.Fprintln(os.Stderr, "stagewatch:", err)
		os.Exit(1)
	}
}

// exitError ends the program with code after its message was already
// printed (for example --strict stopping at a bad record).
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// run is the whole program, testable in-process.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	root := newRootCmd(ctx, stdin, stdout, stderr)
	root.SetArgs(args)
	return root.ExecuteContext(ctx)
}
