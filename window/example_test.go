package window_test

import (
	"fmt"
	"time"

	"github.com/stagewatch/stagewatch/window"
)

// Three distinct files within an hour open an episode; it closes after half
// an hour without a write and reports its totals once.
func Example() {
	type bytes struct{ n int64 }
	w := window.New[string, int64, bytes](
		window.Config{Width: time.Hour, Threshold: 3, Gap: 30 * time.Minute},
		func(acc *bytes, size int64) { acc.n += size },
	)
	start := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	for i, size := range []int64{100, 200, 300, 400} {
		w.Add(`c:\users\public\loot\`, uint64(i), start.Add(time.Duration(i)*time.Minute), size)
	}
	for _, ep := range w.Advance(start.Add(2 * time.Hour)) {
		fmt.Printf("%s: %d files, %d bytes, %s-%s\n", ep.Key, ep.Distinct, ep.Acc.n,
			ep.Start.Format("15:04"), ep.Last.Format("15:04"))
	}
	// Output:
	// c:\users\public\loot\: 4 files, 1000 bytes, 10:00-10:03
}
