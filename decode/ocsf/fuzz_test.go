package ocsf

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stagewatch/stagewatch"
)

func FuzzDecode(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.json*")
	for _, file := range files {
		if data, err := os.ReadFile(file); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(`[{"class_uid":1001,"activity_id":5,"time":1,"file":{"path":"a"},"file_result":{"name":"b"}}]`))
	f.Add([]byte("{\"class_uid\":6003,\"type_uid\":600301,\n\"time\":\"x\"\n{\"a\":\"\\\"}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		d := NewDecoder(bytes.NewReader(data), Options{File: "fuzz", MaxRecord: 4096})
		for i := 0; ; i++ {
			if i > len(data)+10 {
				t.Fatal("more results than input bytes: decoder does not progress")
			}
			ev, err := d.Decode()
			if err == io.EOF {
				return
			}
			var de *stagewatch.DecodeError
			switch {
			case errors.As(err, &de):
				if de.Reason == "" || de.Origin.Format != Format || de.Origin.Line < 1 {
					t.Fatalf("decode error without reason or origin: %#v", de)
				}
			case err != nil:
				t.Fatalf("fatal error from an in-memory reader: %v", err)
			case ev == nil:
				t.Fatal("nil event without error")
			case ev.Time.IsZero() || ev.Kind == stagewatch.KindUnknown:
				t.Fatalf("event without time or kind: %+v", ev)
			}
		}
	})
}
