// Command loadtest measures `stagewatch serve` under load, in process over
// loopback HTTP: sustained events/s through POST /v1/events, request latency
// percentiles, memory and store size with many open windows, and the
// restart (replay) time for the events in the state horizon. The numbers in
// docs/performance.md come from it:
//
//	go run ./internal/loadtest -keys 100000 -files 10 -clients 4 -batch 1000
//
// Every key is one host writing -files files into its own staging folder
// within the episode gap, so each key ends as one open episode (an open
// window) of bulk-file-staging.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"sync"
	"syscall"
	"time"

	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/analytic"
	"github.com/stagewatch/stagewatch/config"
	"github.com/stagewatch/stagewatch/decode/native"
	"github.com/stagewatch/stagewatch/serve"
	"github.com/stagewatch/stagewatch/store"
)

func main() {
	keys := flag.Int("keys", 10000, "distinct host/folder keys (open windows at the end)")
	files := flag.Int("files", 10, "files written per key (10 crosses bulk-file-staging's threshold)")
	clients := flag.Int("clients", 4, "concurrent HTTP clients")
	batch := flag.Int("batch", 1000, "events per request")
	updates := flag.Bool("updates", true, "report open episodes as they grow (serve's default)")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the ingest to `file`")
	memprofile := flag.String("memprofile", "", "write a heap profile, taken with every window open, to `file`")
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "loadtest:", err)
			os.Exit(1)
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	if err := run(*keys, *files, *clients, *batch, *updates, *memprofile); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}

func run(keys, files, clients, batch int, updates bool, memprofile string) error {
	dir, err := os.MkdirTemp("", "stagewatch-load")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	bodies, total, err := bodies(keys, files, batch)
	if err != nil {
		return err
	}
	svc, st, err := start(dir, updates)
	if err != nil {
		return err
	}
	srv := httptest.NewServer(serve.NewHandler(svc, serve.HTTPOptions{MaxBody: 256 << 20}))

	var (
		mu   sync.Mutex
		lats []time.Duration
		next int
		wg   sync.WaitGroup
		fail error
	)
	begin, cpu0 := time.Now(), cpuTime()
	for range clients {
		wg.Go(func() {
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= len(bodies) {
					return
				}
				for {
					t := time.Now()
					resp, err := http.Post(srv.URL+"/v1/events", "application/x-ndjson", bytes.NewReader(bodies[i]))
					if err != nil {
						mu.Lock()
						fail = err
						mu.Unlock()
						return
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode == http.StatusServiceUnavailable {
						time.Sleep(10 * time.Millisecond) // backpressure: retry
						continue
					}
					mu.Lock()
					lats = append(lats, time.Since(t))
					if resp.StatusCode != http.StatusAccepted {
						fail = fmt.Errorf("status %d", resp.StatusCode)
					}
					mu.Unlock()
					break
				}
			}
		})
	}
	wg.Wait()
	elapsed, ingestCPU := time.Since(begin), cpuTime()-cpu0
	requests, bodyBytes := len(bodies), bodySize(bodies)
	bodies = nil // the harness's own data must not count in the heap
	srv.Close()
	if fail != nil {
		return fail
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := svc.Close(ctx); err != nil {
		return err
	}
	// The service is stopped but its engine, with every window, is still
	// reachable through svc: measure the heap now.
	runtime.GC()
	if memprofile != "" {
		f, err := os.Create(memprofile)
		if err != nil {
			return err
		}
		pprof.WriteHeapProfile(f)
		f.Close()
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	slices.Sort(lats)
	size := st.Size()
	fmt.Printf("ingest: %d events in %d requests of %d, %d clients: %.0f events/s, %.1f MB/s of NDJSON\n",
		total, requests, batch, clients, float64(total)/elapsed.Seconds(), float64(bodyBytes)/elapsed.Seconds()/1e6)
	fmt.Printf("ingest CPU: %v user+sys, %.0f events per CPU-second (decode, store, detection, HTTP client and server)\n",
		ingestCPU.Round(time.Millisecond), float64(total)/ingestCPU.Seconds())
	fmt.Printf("latency: p50 %v p99 %v max %v\n", pct(lats, 50), pct(lats, 99), lats[len(lats)-1])
	fmt.Printf("memory: heap in use %.0f MB with %d open windows; store %.0f MB\n",
		float64(ms.HeapInuse)/1e6, svc.OpenWindows(), float64(size)/1e6)
	runtime.KeepAlive(svc)
	if err := st.Close(); err != nil {
		return err
	}

	t, cpu1 := time.Now(), cpuTime()
	svc2, st2, err := start(dir, updates)
	if err != nil {
		return err
	}
	rt, rcpu := time.Since(t), cpuTime()-cpu1
	fmt.Printf("restart: replayed %d events in %v (%.0f events/s); %v CPU (%.0f events per CPU-second)\n", total,
		rt.Round(time.Millisecond), float64(total)/rt.Seconds(), rcpu.Round(time.Millisecond), float64(total)/rcpu.Seconds())
	svc2.Close(ctx)
	return st2.Close()
}

// start opens the store in dir and starts a service with every analytic.
func start(dir string, updates bool) (*serve.Service, *store.Store, error) {
	st, err := store.Open(dir, store.Options{})
	if err != nil {
		return nil, nil, err
	}
	specs := analytic.All()
	cfg := config.Default(specs)
	cfg.Updates = updates
	dets, err := cfg.Detectors(specs)
	if err != nil {
		return nil, nil, err
	}
	w, _ := serve.Windows(cfg)
	svc, err := serve.New(st, serve.Options{Detectors: dets, Lateness: cfg.Lateness, Horizon: serve.Horizon(cfg), Window: w})
	if err != nil {
		return nil, nil, err
	}
	return svc, st, svc.Start(context.Background())
}

// bodies renders the events as NDJSON request bodies: key k writes file f
// at event j = f*keys + k, all within 50 minutes of event time so that no
// episode closes.
func bodies(keys, files, batch int) ([][]byte, int, error) {
	base := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	n := keys * files
	step := 50 * time.Minute / time.Duration(n)
	var out [][]byte
	var b bytes.Buffer
	for j := range n {
		k, f := j%keys, j/keys
		ev := &stagewatch.Event{Time: base.Add(time.Duration(j) * step), Kind: stagewatch.FileCreate}
		ev.Host.Name, ev.Host.OS = fmt.Sprintf("host%06d", k), stagewatch.Linux
		ev.User.Name = "svc"
		ev.Proc.Image, ev.Proc.Name, ev.Proc.PID = "/usr/bin/cp", "cp", int64(1000+k)
		ev.File.SetPath(stagewatch.Linux, fmt.Sprintf("/tmp/.s%d/f%03d.dat", k, f))
		ev.File.Size = 4096
		line, err := native.Marshal(ev)
		if err != nil {
			return nil, 0, err
		}
		b.Write(line)
		b.WriteByte('\n')
		if (j+1)%batch == 0 || j == n-1 {
			out = append(out, bytes.Clone(b.Bytes()))
			b.Reset()
		}
	}
	return out, n, nil
}

func bodySize(bs [][]byte) int {
	n := 0
	for _, b := range bs {
		n += len(b)
	}
	return n
}

func pct(s []time.Duration, p int) time.Duration {
	if len(s) == 0 {
		return 0
	}
	return s[min(len(s)-1, len(s)*p/100)].Round(time.Microsecond)
}

// cpuTime returns the user and system CPU time the process has used, so the
// numbers mean something on a machine other jobs are loading too.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
