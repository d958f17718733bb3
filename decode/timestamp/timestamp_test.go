package timestamp

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func utc(y int, mo time.Month, d, h, mi, s, ns int) time.Time {
	return time.Date(y, mo, d, h, mi, s, ns, time.UTC)
}

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want time.Time
	}{
		{"rfc3339 seconds", "2023-10-18T14:37:28Z", utc(2023, 10, 18, 14, 37, 28, 0)},
		{"seven digits", "2023-10-18T14:37:28.2012261Z", utc(2023, 10, 18, 14, 37, 28, 201226100)},
		{"six digits", "2022-07-07T12:44:56.208162Z", utc(2022, 7, 7, 12, 44, 56, 208162000)},
		{"nine digits", "2020-12-04T12:47:39.491363500Z", utc(2020, 12, 4, 12, 47, 39, 491363500)},
		{"one digit", "2020-12-04T12:47:39.5Z", utc(2020, 12, 4, 12, 47, 39, 500000000)},
		{"ten digits truncated", "2020-12-04T12:47:39.1234567891Z", utc(2020, 12, 4, 12, 47, 39, 123456789)},
		{"no zone is utc", "2024-12-04T13:38:20.360851", utc(2024, 12, 4, 13, 38, 20, 360851000)},
		{"lower z", "2024-12-04t13:38:20z", utc(2024, 12, 4, 13, 38, 20, 0)},
		{"positive offset", "2024-12-04T13:38:20+02:00", utc(2024, 12, 4, 11, 38, 20, 0)},
		{"negative offset", "2024-12-04T23:38:20.1-05:30", utc(2024, 12, 5, 5, 8, 20, 100000000)},
		{"compact offset", "2024-12-04T13:38:20+0200", utc(2024, 12, 4, 11, 38, 20, 0)},
		{"hour offset", "2024-12-04T13:38:20-03", utc(2024, 12, 4, 16, 38, 20, 0)},
		{"sysmon space", "2021-11-04 23:40:40.783", utc(2021, 11, 4, 23, 40, 40, 783000000)},
		{"python-evtx", "2017-12-26 13:17:52.739128", utc(2017, 12, 26, 13, 17, 52, 739128000)},
		{"leap day", "2024-02-29T00:00:00Z", utc(2024, 2, 29, 0, 0, 0, 0)},
		{"sentinel am", "10/25/2023, 9:43:21.994 AM", utc(2023, 10, 25, 9, 43, 21, 994000000)},
		{"sentinel pm", "10/25/2023, 9:43:21.994 PM", utc(2023, 10, 25, 21, 43, 21, 994000000)},
		{"sentinel noon", "1/2/2006, 12:04:05.000 PM", utc(2006, 1, 2, 12, 4, 5, 0)},
		{"sentinel midnight", "1/2/2006, 12:04:05 AM", utc(2006, 1, 2, 0, 4, 5, 0)},
		{"slashed 24h no comma", "1/2/2006 15:04:05", utc(2006, 1, 2, 15, 4, 5, 0)},
		{"slashed no seconds", "1/2/2006, 3:04 PM", utc(2006, 1, 2, 15, 4, 0, 0)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(tc.in)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.in, err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Parse(%q) mismatch (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}

func TestParseRejects(t *testing.T) {
	tests := []struct {
		name string
		in   string
	}{
		{"empty", ""},
		{"date only", "2023-10-18"},
		{"month 13", "2023-13-18T14:37:28Z"},
		{"feb 30", "2023-02-30T14:37:28Z"},
		{"feb 29 non leap", "2023-02-29T14:37:28Z"},
		{"hour 24", "2023-10-18T24:37:28Z"},
		{"leap second", "2023-10-18T23:59:60Z"},
		{"dot without digits", "2023-10-18T14:37:28.Z"},
		{"bad zone", "2023-10-18T14:37:28 UTC"},
		{"offset hour 24", "2023-10-18T14:37:28+24:00"},
		{"trailing junk", "2023-10-18T14:37:28Zjunk"},
		{"letters", "yyyy-mm-ddThh:mm:ssZ"},
		{"slashed pm 13", "1/2/2006, 13:04:05 PM"},
		{"slashed am 0", "1/2/2006, 0:04:05 AM"},
		{"slashed bad suffix", "1/2/2006, 3:04:05 XM"},
		{"slashed two digit year", "1/2/06, 3:04:05 PM"},
		{"epoch", "1519924845"},
		{"garbage", "\xff\xfe"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got, err := Parse(tc.in); err == nil {
				t.Errorf("Parse(%q) = %v, want an error", tc.in, got)
			}
		})
	}
}

func TestParseIn(t *testing.T) {
	berlin := time.FixedZone("CEST", 2*3600)
	tests := []struct {
		name string
		in   string
		loc  *time.Location
		want time.Time
	}{
		{"sentinel local", "10/25/2023, 9:43:21.994 AM", berlin, utc(2023, 10, 25, 7, 43, 21, 994000000)},
		{"iso without zone local", "2023-10-25T09:43:21", berlin, utc(2023, 10, 25, 7, 43, 21, 0)},
		{"explicit zone wins", "2023-10-25T09:43:21Z", berlin, utc(2023, 10, 25, 9, 43, 21, 0)},
		{"nil location is utc", "2023-10-25T09:43:21", nil, utc(2023, 10, 25, 9, 43, 21, 0)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseIn(tc.in, tc.loc)
			if err != nil {
				t.Fatalf("ParseIn(%q): %v", tc.in, err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ParseIn(%q) mismatch (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}

func TestParseUnix(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want time.Time
	}{
		{"seconds", "1519924845", utc(2018, 3, 1, 17, 20, 45, 0)},
		{"seconds fraction", "1519924845.499", utc(2018, 3, 1, 17, 20, 45, 499000000)},
		{"milliseconds", "1657198004612", utc(2022, 7, 7, 12, 46, 44, 612000000)},
		{"microseconds", "1657198004612345", utc(2022, 7, 7, 12, 46, 44, 612345000)},
		{"nanoseconds", "1657198004612345678", utc(2022, 7, 7, 12, 46, 44, 612345678)},
		{"zero", "0", utc(1970, 1, 1, 0, 0, 0, 0)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseUnix(tc.in)
			if err != nil {
				t.Fatalf("ParseUnix(%q): %v", tc.in, err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ParseUnix(%q) mismatch (-want +got):\n%s", tc.in, diff)
			}
		})
	}
	for _, bad := range []string{"", "-", "12a", "1.", "1519924845123.5", "99999999999999999999"} {
		if _, err := ParseUnix(bad); err == nil {
			t.Errorf("ParseUnix(%q) succeeded, want an error", bad)
		}
	}
}

// TestParseAgreesWithTime checks the hand-written parser against time.Parse
// on the shapes both accept.
func TestParseAgreesWithTime(t *testing.T) {
	for _, s := range []string{
		"2023-10-18T14:37:28.2012261Z",
		"1999-12-31T23:59:59.999999999+14:00",
		"2000-02-29T00:00:00-12:00",
		"2024-06-30T12:00:00.1Z",
	} {
		want, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Parse(s)
		if err != nil {
			t.Fatalf("Parse(%q): %v", s, err)
		}
		if !got.Equal(want) {
			t.Errorf("Parse(%q) = %v, time.Parse = %v", s, got, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"2023-10-18T14:37:28.2012261Z", "2024-12-04T13:38:20.360851", "2021-11-04 23:40:40.783",
		"10/25/2023, 9:43:21.994 AM", "2024-12-04T13:38:20+0200", "1/2/2006 15:04",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := Parse(s)
		if err != nil {
			return
		}
		if got.Location() != time.UTC {
			t.Errorf("Parse(%q) returned zone %v", s, got.Location())
		}
		// A value that time.Parse also accepts must mean the same instant.
		if want, err := time.Parse(time.RFC3339Nano, s); err == nil && !want.Equal(got) {
			t.Errorf("Parse(%q) = %v, time.Parse = %v", s, got, want)
		}
	})
}

func FuzzParseUnix(f *testing.F) {
	for _, s := range []string{"1519924845.499", "1657198004612", "-5", "0.000000001"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = ParseUnix(s)
	})
}

var sink time.Time

func BenchmarkParse(b *testing.B) {
	const s = "2026-07-18T12:59:31.2914446Z"
	b.Run("timestamp.Parse", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sink, _ = Parse(s)
		}
	})
	b.Run("time.Parse", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sink, _ = time.Parse(time.RFC3339Nano, s)
		}
	})
	b.Run("sentinel", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sink, _ = Parse("10/25/2023, 9:43:21.994 AM")
		}
	})
}
