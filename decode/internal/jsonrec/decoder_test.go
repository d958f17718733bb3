package jsonrec

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stagewatch/stagewatch"
)

func TestDecoder(t *testing.T) {
	// parse keeps records with "ok", skips "skip" and rejects the rest.
	parse := func(raw []byte) (*stagewatch.Event, string, error) {
		switch {
		case strings.Contains(string(raw), `"ok"`):
			return &stagewatch.Event{Action: string(raw), Origin: stagewatch.Origin{RecordID: "id"}}, "", nil
		case strings.Contains(string(raw), `"skip"`):
			return nil, "", nil
		}
		return nil, "bad record", errors.New("no ok")
	}
	in := `{"Records":[{"a":"ok"},{"a":"skip"},{"a":"no"}]}
{"a":"ok"}
{"a":
`
	d := NewDecoder(strings.NewReader(in), "test", "in.json", Options{Wrappers: []string{"Records"}}, parse)
	var got []string
	for range 100 {
		ev, err := d.Decode()
		if err == io.EOF {
			break
		}
		var de *stagewatch.DecodeError
		switch {
		case errors.As(err, &de):
			got = append(got, fmt.Sprintf("%+v !%s: %v", de.Origin, de.Reason, de.Err))
		case err != nil:
			t.Fatalf("Decode: %v", err)
		default:
			got = append(got, fmt.Sprintf("%+v %s", ev.Origin, ev.Action))
		}
	}
	want := []string{
		`{Format:test File:in.json Line:1 Record:1 RecordID:id} {"a":"ok"}`,
		`{Format:test File:in.json Line:1 Record:3 RecordID:} !bad record: record 3: no ok`,
		`{Format:test File:in.json Line:2 Record:4 RecordID:id} {"a":"ok"}`,
		`{Format:test File:in.json Line:3 Record:5 RecordID:} !truncated json: record 5: input ends inside the record`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("decode (-want +got):\n%s", diff)
	}
}
