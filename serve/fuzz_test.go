package serve

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"
)

// FuzzIngest posts arbitrary bodies to the ingest handler: whatever the
// bytes, the answer is one of the documented statuses and never a panic.
func FuzzIngest(f *testing.F) {
	good := ndjson(f, staging(1)[:2])
	f.Add(good, false)
	f.Add(gz(good), true)
	f.Add([]byte("{\"time\":\"2026-03-01T08:00:00Z\",\"kind\":\"FileCreate\"\n{"), true)
	f.Add([]byte(`{"Timestamp":"2026-05-01T10:00:00Z","DeviceName":"h","ActionType":"FileCreated","FolderPath":"C:\\x\\y"}`), false)
	f.Add([]byte{0x1f, 0x8b, 0, 0}, false)
	s, st := newService(f, f.TempDir())
	defer stop(f, s, st)
	h := NewHandler(s, HTTPOptions{MaxBody: 1 << 20})
	f.Fuzz(func(t *testing.T, body []byte, skipBad bool) {
		url := "/v1/events"
		if skipBad {
			url += "?skip_bad=true"
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, url, bytes.NewReader(body)))
		switch rec.Code {
		case http.StatusAccepted, http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusServiceUnavailable:
		default:
			t.Errorf("status %d for %q", rec.Code, body)
		}
	})
}
