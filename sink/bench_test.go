package sink

import (
	"io"
	"testing"
)

func BenchmarkSink(b *testing.B) {
	alerts := hostileAlerts()
	for _, format := range Formats() {
		b.Run(format, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				s, err := New(format, io.Discard, Options{})
				if err != nil {
					b.Fatal(err)
				}
				for _, a := range alerts {
					if err := s.Write(a); err != nil {
						b.Fatal(err)
					}
				}
				if err := s.Close(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*len(alerts))/b.Elapsed().Seconds(), "alerts/s")
		})
	}
}
