package ocsf

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/decode/internal/decodetest"
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
		decodetest.Drain(t, d, len(data)+10, decodetest.Checks{
			Error: func(de *stagewatch.DecodeError) bool { return de.Origin.Format == Format && de.Origin.Line >= 1 },
			Event: func(ev *stagewatch.Event) bool { return !ev.Time.IsZero() && ev.Kind != stagewatch.KindUnknown },
		})
	})
}
