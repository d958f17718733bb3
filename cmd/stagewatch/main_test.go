package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"stagewatch": func() { main() },
		// gzip-file SRC DST compresses a file, so scripts can test .gz inputs.
		"gzip-file": func() {
			if err := gzipFile(os.Args[1], os.Args[2]); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
		},
		// binary-file FILE writes bytes that are no text format.
		"binary-file": func() {
			data := []byte{0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xfe, 0, 0x80}
			if err := os.WriteFile(os.Args[1], data, 0o644); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
		},
		// wait-file FILE waits up to 30s for FILE to exist (serve's
		// --ready-file).
		"wait-file": func() {
			for range 3000 {
				if _, err := os.Stat(os.Args[1]); err == nil {
					os.Exit(0)
				}
				time.Sleep(10 * time.Millisecond)
			}
			fmt.Fprintln(os.Stderr, "timed out waiting for", os.Args[1])
			os.Exit(1)
		},
		// http-post ADDR-FILE TOKEN PATH FILE posts FILE to the server whose
		// address is in ADDR-FILE and prints the status code and body.
		"http-post": func() {
			if err := httpPost(os.Args[1], os.Args[2], os.Args[3], os.Args[4]); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
		},
		// big-line FILE N writes a file whose first line is N bytes long,
		// then copies standard input after it.
		"big-line": func() {
			if err := bigLine(os.Args[1], os.Args[2]); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
		},
	})
}

// TestScripts runs the CLI scenarios in testdata/script: each is a txtar
// archive of commands, input files and expected output. Scenarios over the
// shared corpus of recorded EVTX logs run under the [corpus] condition, with
// its absolute path in $EVTX_CORPUS and its number of files in $EVTX_FILES
// (scripts run in a temporary folder, so a relative path would not do).
func TestScripts(t *testing.T) {
	corpus, files := evtxCorpus()
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			env.Setenv("EVTX_CORPUS", corpus)
			env.Setenv("EVTX_FILES", strconv.Itoa(files))
			return nil
		},
		Condition: func(cond string) (bool, error) {
			if cond == "corpus" {
				return files > 0, nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
	})
}

// evtxCorpus returns the absolute path of ../shared/corpus/windows/evtx
// (relative to the repository root) and how many files it holds; 0 when
// it is absent.
func evtxCorpus() (string, int) {
	dir, err := filepath.Abs(filepath.Join("..", "..", "..", "shared", "corpus", "windows", "evtx"))
	if err != nil {
		return "", 0
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return dir, 0
	}
	n := 0
	for _, e := range entries {
		if e.Type().IsRegular() {
			n++
		}
	}
	return dir, n
}

func gzipFile(src, dst string) error {
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	f, err := os.Create(dst)
	if err != nil {
		return err
	}
	zw := gzip.NewWriter(f)
	if _, err := zw.Write(data); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return f.Close()
}

func bigLine(path, size string) error {
	var n int
	if _, err := fmt.Sscan(size, &n); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	chunk := make([]byte, 1<<20)
	for i := range chunk {
		chunk[i] = 'x'
	}
	if _, err := f.WriteString(`{"Timestamp":"2026-05-01T10:00:00Z","DeviceName":"ws1","ActionType":"FileCreated","AdditionalFields":"`); err != nil {
		return err
	}
	for n > 0 {
		k := min(n, len(chunk))
		if _, err := f.Write(chunk[:k]); err != nil {
			return err
		}
		n -= k
	}
	if _, err := f.WriteString("\"}\n"); err != nil {
		return err
	}
	if _, err := io.Copy(f, os.Stdin); err != nil {
		return err
	}
	return f.Close()
}

// TestRunInProcess checks run without a subprocess: the version command
// writes to the given stdout.
func TestRunInProcess(t *testing.T) {
	var out, errw bytes.Buffer
	if err := run(context.Background(), []string{"version"}, nil, &out, &errw); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); len(got) < len("stagewatch ") || got[:len("stagewatch ")] != "stagewatch " {
		t.Errorf("version printed %q", got)
	}
}

func httpPost(addrFile, token, path, file string) error {
	addr, err := os.ReadFile(addrFile)
	if err != nil {
		return err
	}
	body, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	req, err := http.NewRequest(http.MethodPost, "http://"+strings.TrimSpace(string(addr))+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	if token != "-" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	fmt.Printf("%d %s", resp.StatusCode, b)
	return err
}
