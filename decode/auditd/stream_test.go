package auditd

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stagewatch/stagewatch"
)

// execLines returns the records of one execve event with the given serial.
func execLines(serial int, argv0 string, eoe bool) []string {
	h := fmt.Sprintf("msg=audit(1700000000.%03d:%d):", serial%1000, serial)
	out := []string{
		"type=SYSCALL " + h + ` arch=c000003e syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 a3=4 items=1 ppid=1 pid=` + fmt.Sprint(serial) + ` auid=1000 uid=1000 comm="x" exe="/usr/bin/` + argv0 + `" key=(null)`,
		"type=EXECVE " + h + ` argc=1 a0="` + argv0 + `"`,
		"type=CWD " + h + ` cwd="/"`,
	}
	if eoe {
		out = append(out, "type=EOE "+h)
	}
	return out
}

// commands decodes text and returns the command line of every event.
func commands(t *testing.T, text string) []string {
	t.Helper()
	d := NewDecoder(strings.NewReader(text), Options{File: "t"})
	var got []string
	for {
		ev, err := d.Decode()
		if err == io.EOF {
			return got
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, ev.Proc.CommandLine)
	}
}

func TestGrouping(t *testing.T) {
	a, b, c := execLines(1, "a", true), execLines(2, "b", true), execLines(3, "c", false)
	tests := []struct {
		name  string
		lines []string
		want  []string
	}{
		{"in order", concat(a, b, c), []string{"a", "b", "c"}},
		{"interleaved", []string{a[0], b[0], a[1], b[1], a[2], b[2], b[3], a[3]}, []string{"b", "a"}},
		{"reversed, no EOE", reverse(c), []string{"c"}},
		{"EOE only", []string{a[3]}, nil},
		{"no EOE at all", concat(c, execLines(4, "d", false)), []string{"c", "d"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := commands(t, strings.Join(tc.lines, "\n"))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestBoundedPending checks that events without EOE complete after the
// look-ahead, so open events never pile up.
func TestBoundedPending(t *testing.T) {
	var a assembler
	var out []*group
	for i := range 5000 {
		for _, l := range execLines(i, "x", false) {
			r, err := parseRecord(l)
			if err != nil {
				t.Fatal(err)
			}
			out = a.add(r, "", out)
		}
		if len(a.pending) > maxPending {
			t.Fatalf("%d events open after %d", len(a.pending), i)
		}
	}
	out = a.flush(out)
	if len(out) != 5000 {
		t.Errorf("completed %d events, want 5000", len(out))
	}
	for i, g := range out {
		if len(g.recs) != 3 {
			t.Fatalf("event %d has %d records", i, len(g.recs))
		}
	}
}

// TestMaxRecords checks that one event cannot grow without limit.
func TestMaxRecords(t *testing.T) {
	var buf bytes.Buffer
	lines := execLines(7, "x", false)
	buf.WriteString(lines[0] + "\n")
	for range maxRecords + 10 {
		buf.WriteString("type=PATH msg=audit(1700000000.007:7): item=0 name=\"/x\" nametype=NORMAL\n")
	}
	d := NewDecoder(&buf, Options{})
	var n int
	for {
		ev, err := d.Decode()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		n++
		if ev.Kind != stagewatch.ProcessStart {
			t.Errorf("kind %v", ev.Kind)
		}
	}
	if n != 1 || d.s.asm.dropped != 11 {
		t.Errorf("events %d, dropped %d; want 1, 11", n, d.s.asm.dropped)
	}
}

func concat(parts ...[]string) []string {
	var out []string
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func reverse(s []string) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[len(s)-1-i] = v
	}
	return out
}
