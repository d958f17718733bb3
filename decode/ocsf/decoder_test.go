package ocsf

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/decode/internal/decodetest"
	"github.com/stagewatch/stagewatch/decode/native"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// render decodes all of data and prints one line per event (normalized
// JSON) or decode error, the form the golden files hold.
func render(t testing.TB, name string, data []byte) []byte {
	t.Helper()
	d := NewDecoder(bytes.NewReader(data), Options{File: name})
	var b bytes.Buffer
	for i := 0; ; i++ {
		if i > len(data)+10 {
			t.Fatal("decoder does not progress")
		}
		ev, err := d.Decode()
		if err == io.EOF {
			return b.Bytes()
		}
		var de *stagewatch.DecodeError
		if errors.As(err, &de) {
			fmt.Fprintf(&b, "error [%s] %v\n", de.Reason, de)
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		line, err := native.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(line)
		b.WriteByte('\n')
	}
}

// TestGolden decodes every input in testdata.
func TestGolden(t *testing.T) {
	decodetest.Golden(t, "testdata/*.json*", *update, func(t *testing.T, name string, data []byte) []byte {
		return render(t, name, data)
	})
}

// TestSamples decodes the shared OCSF samples (real records from the OCSF
// examples repository).
func TestSamples(t *testing.T) {
	const dir = "../../../shared/samples/ocsf"
	decodetest.Samples(t, filepath.Join(dir, "*.json"), filepath.Join("testdata", "samples"), *update, func(t *testing.T, name string, data []byte) []byte {
		if !Sniff(data) {
			t.Error("Sniff rejects the sample")
		}
		got := render(t, name, data)
		if bytes.Contains(got, []byte("error [")) {
			t.Errorf("sample has decode errors:\n%s", got)
		}
		return got
	})
}

func TestSniff(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want bool
	}{
		{"ndjson", `{"class_uid":1001,"activity_id":1,"time":1}` + "\n", true},
		{"array", ` [ {"class_uid": 6003, "type_uid": 600301}]`, true},
		{"cut record", `{"metadata":{"version":"1.1.0"},"class_uid":6003,"type_uid":600301,"x":"` + strings.Repeat("a", 100), true},
		{"no activity", `{"class_uid":1001,"time":1}`, false},
		{"string class", `{"class_uid":"1001","activity_id":1}`, false},
		{"small class", `{"class_uid":7,"activity_id":1}`, false},
		{"other json", `{"Timestamp":"2024","ActionType":"FileCreated"}`, false},
		{"text", "class_uid activity_id", false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		if got := Sniff([]byte(tt.in)); got != tt.want {
			t.Errorf("%s: Sniff = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestEpoch(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{`1714557600`, "2024-05-01T10:00:00Z"},
		{`1714557600000`, "2024-05-01T10:00:00Z"},
		{`1714557600000000`, "2024-05-01T10:00:00Z"},
		{`1714557600000000000`, "2024-05-01T10:00:00Z"},
		{`"2024-05-01T10:00:00+02:00"`, "2024-05-01T08:00:00Z"},
		{`"1714557600123"`, "2024-05-01T10:00:00.123Z"},
	}
	for _, tt := range tests {
		r := record{Time: []byte(tt.in)}
		got, err := r.eventTime()
		if err != nil {
			t.Errorf("%s: %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got.Format("2006-01-02T15:04:05.999Z07:00")); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.in, diff)
		}
	}
}
