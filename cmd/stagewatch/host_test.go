package main

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stagewatch/stagewatch"
)

func TestHostNames(t *testing.T) {
	srcs := []source{{name: "macs/alice.jsonl"}, {name: "macs/bob.jsonl"}, {name: "esx/esx01/shell.log"}, {name: "-"}}
	tests := []struct {
		name    string
		vals    []string
		want    []string
		wantErr string
	}{
		{name: "none", want: []string{"", "", "", ""}},
		{name: "one for every input", vals: []string{"mbp-alice"}, want: []string{"mbp-alice", "mbp-alice", "mbp-alice", "mbp-alice"}},
		{
			name: "per file, folder and standard input",
			vals: []string{"mbp-alice=macs/alice.jsonl", "esx01=esx/esx01/", "stdin-host=-"},
			want: []string{"mbp-alice", "", "esx01", "stdin-host"},
		},
		{
			name: "per input wins over every input",
			vals: []string{"other", "mbp-bob=./macs/bob.jsonl"},
			want: []string{"other", "mbp-bob", "other", "other"},
		},
		{name: "glob", vals: []string{"mac=macs/*.jsonl"}, want: []string{"mac", "mac", "", ""}},
		{name: "the longest path wins", vals: []string{"b=macs/bob.jsonl", "a=macs"}, want: []string{"a", "b", "", ""}},
		{name: "a shadowed path is an error", vals: []string{"a=macs/bob.jsonl", "b=./macs/bob.jsonl"}, wantErr: "--host b=./macs/bob.jsonl: no input is under that path, or another --host PATH names it"},
		{name: "the same name twice", vals: []string{"x", "x"}, want: []string{"x", "x", "x", "x"}},
		{name: "two names for every input", vals: []string{"x", "y"}, wantErr: "--host x and --host y both name every input; give one, or NAME=PATH per input"},
		{name: "empty name", vals: []string{"=macs"}, wantErr: `--host "=macs": want NAME or NAME=PATH`},
		{name: "empty path", vals: []string{"x="}, wantErr: `--host "x=": the path after '=' is empty`},
		{name: "path of no input", vals: []string{"x=mac/alice.jsonl", "y=macs/alice.jsonl"}, wantErr: "--host x=mac/alice.jsonl: no input is under that path, or another --host PATH names it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := hostNames(tt.vals, srcs)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("hosts (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFillHost(t *testing.T) {
	tests := []struct {
		name     string
		ev       stagewatch.Event
		host     string
		want     stagewatch.Host
		hostless bool
	}{
		{name: "filled", ev: stagewatch.Event{Host: stagewatch.Host{OS: stagewatch.MacOS}}, host: "mbp", want: stagewatch.Host{Name: "mbp", OS: stagewatch.MacOS}},
		{name: "no --host", ev: stagewatch.Event{Host: stagewatch.Host{OS: stagewatch.ESXi}}, want: stagewatch.Host{OS: stagewatch.ESXi}, hostless: true},
		{name: "a named host is kept", ev: stagewatch.Event{Host: stagewatch.Host{Name: "esx01"}}, host: "x", want: stagewatch.Host{Name: "esx01"}},
		{name: "a host id is kept", ev: stagewatch.Event{Host: stagewatch.Host{ID: "42"}}, host: "x", want: stagewatch.Host{ID: "42"}},
		{name: "cloud calls have no host", ev: stagewatch.Event{Cloud: stagewatch.Cloud{Provider: "aws"}}, host: "x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := tt.ev
			ok := fillHost(&ev, tt.host)
			if diff := cmp.Diff(tt.want, ev.Host); diff != "" {
				t.Errorf("host (-want +got):\n%s", diff)
			}
			if ok == tt.hostless {
				t.Errorf("fillHost = %v, want %v", ok, !tt.hostless)
			}
		})
	}
}
