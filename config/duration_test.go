package config

import (
	"github.com/stagewatch/stagewatch"
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Duration
		wantErr string
	}{
		{in: "0", want: 0},
		{in: "90s", want: 90 * time.Second},
		{in: "1h30m", want: 90 * time.Minute},
		{in: "1.5h", want: 90 * time.Minute},
		{in: "1d", want: 24 * time.Hour},
		{in: "7d", want: 7 * 24 * time.Hour},
		{in: "1d12h", want: 36 * time.Hour},
		{in: "0d", want: 0},
		{in: "-5m", want: -5 * time.Minute},
		{in: "-1d", want: -24 * time.Hour},
		{in: "", wantErr: "empty duration"},
		{in: "10", wantErr: "missing unit (use e.g. 90s, 30m, 24h or 7d)"},
		{in: "2w", wantErr: "unknown unit (use ns, us, ms, s, m, h or d)"},
		{in: "1.5d", wantErr: "days must be a whole number, as in 7d or 1d12h"},
		{in: "d", wantErr: "days must be a whole number, as in 7d or 1d12h"},
		{in: "1d-2h", wantErr: "a sign may only lead the duration"},
		{in: "1d1d", wantErr: "unknown unit (use ns, us, ms, s, m, h or d)"},
		{in: "soon", wantErr: "not a duration (use e.g. 90s, 30m, 24h or 7d)"},
		{in: "999999999d", wantErr: "duration out of range"},
		{in: "106751d23h", want: 106751*24*time.Hour + 23*time.Hour},
		{in: "106751d24h", wantErr: "duration out of range"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseDuration(tt.in)
			var gotErr string
			if err != nil {
				gotErr = err.Error()
			}
			if diff := cmp.Diff(tt.wantErr, gotErr); diff != "" {
				t.Fatalf("error (-want +got):\n%s", diff)
			}
			if err == nil && tt.want != 0 && got != tt.want {
				t.Errorf("ParseDuration(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestFormatDuration(t *testing.T) {
	tests := []struct {
		in   time.Duration
		want string
	}{
		{0, "0s"},
		{90 * time.Second, "1m30s"},
		{30 * time.Minute, "30m"},
		{24 * time.Hour, "24h"},
		{90 * time.Minute, "1h30m"},
		{time.Hour + time.Second, "1h0m1s"},
		{1500 * time.Millisecond, "1.5s"},
		{-5 * time.Minute, "-5m"},
		{math.MaxInt64, "2562047h47m16.854775807s"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			got := stagewatch.FormatDuration(tt.in)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			back, err := ParseDuration(got)
			if err != nil || back != tt.in {
				t.Errorf("ParseDuration(%q) = %v, %v; want %v", got, back, err, tt.in)
			}
		})
	}
}

func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{"0", "90s", "1d12h", "-7d", "1.5d", "d", "106751d23h"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDuration(s)
		if err != nil {
			return
		}
		back, err := ParseDuration(stagewatch.FormatDuration(d))
		if err != nil || back != d {
			t.Errorf("%q -> %v -> %q -> %v, %v", s, d, stagewatch.FormatDuration(d), back, err)
		}
	})
}
