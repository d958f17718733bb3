package serve

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkAccept measures durable intake plus detection through the
// service API: one batch of 501 events per call, each committed with fsync.
func BenchmarkAccept(b *testing.B) {
	s, st := newService(b, b.TempDir())
	defer stop(b, s, st)
	evs := staging(50)
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		if err := s.Accept(ctx, "bench", evs); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*len(evs))/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkIngestHTTP measures the HTTP path: decoding a native NDJSON body
// of 501 events, durable intake and detection.
func BenchmarkIngestHTTP(b *testing.B) {
	s, st := newService(b, b.TempDir())
	defer stop(b, s, st)
	body := ndjson(b, staging(50))
	h := NewHandler(s, HTTPOptions{})
	b.SetBytes(int64(len(body)))
	b.ResetTimer()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/v1/events", bytes.NewReader(body)))
		if rec.Code != http.StatusAccepted {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
	b.ReportMetric(float64(b.N*501)/b.Elapsed().Seconds(), "events/s")
}
