package mde

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stagewatch/stagewatch"
	"github.com/stagewatch/stagewatch/decode/internal/decodetest"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.jsonl")

// caseOptions are the options of golden cases that need more than a file
// name.
var caseOptions = map[string]Options{
	"sentinel_local.csv": {Location: time.FixedZone("UTC+2", 2*3600)},
	"long_line.json":     {MaxLine: 1024},
	"stream_api.json":    {MaxLine: 400},
}

// decodeAll decodes r to the end and renders every event, decode error,
// the ignored count and a fatal error as JSON lines.
func decodeAll(t testing.TB, r io.Reader, opts Options) []byte {
	t.Helper()
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	d := NewDecoder(r, opts)
	for {
		ev, err := d.Decode()
		if err == io.EOF {
			break
		}
		var de *stagewatch.DecodeError
		switch {
		case errors.As(err, &de):
			enc.Encode(map[string]string{"error": de.Error(), "reason": de.Reason, "table": d.Table()})
			continue
		case err != nil:
			enc.Encode(map[string]string{"fatal": err.Error()})
		default:
			enc.Encode(struct {
				Table string            `json:"table"`
				Event *stagewatch.Event `json:"event"`
			}{d.Table(), ev})
			continue
		}
		break
	}
	enc.Encode(map[string]int{"ignored": d.Ignored()})
	return out.Bytes()
}

func TestGolden(t *testing.T) {
	decodetest.Golden(t, "testdata/*", *update, func(t *testing.T, name string, b []byte) []byte {
		opts := caseOptions[name]
		opts.File = name
		return decodeAll(t, bytes.NewReader(b), opts)
	})
}

// TestSamples decodes the real records in ../shared/samples/mde.
func TestSamples(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "samples", "mde")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("samples not available: %v", err)
	}
	type summary struct {
		Events, Ignored int
		First           stagewatch.Event
		Table           string
	}
	tests := []struct {
		file string
		want summary
	}{
		{"advanced_hunting_api_response.json", summary{Ignored: 2}},
		{"streaming_storage_DeviceFileEvents_FileCreated.json", summary{Events: 1, Table: "DeviceFileEvents", First: stagewatch.Event{
			Time: time.Date(2026, 7, 18, 12, 59, 31, 291444600, time.UTC), Kind: stagewatch.FileCreate, Action: "FileCreated",
			Host: stagewatch.Host{ID: "56fb3abc73b440dd56cdc9873677877cd4ab0851", Name: "winsrv", OS: stagewatch.Windows},
			User: stagewatch.User{Name: "system", Domain: "nt authority", SID: "S-1-5-18"},
			Proc: stagewatch.Process{PID: 5464, Image: `c:\windows\system32\sdbinst.exe`, Name: "sdbinst.exe",
				CommandLine: "sdbinst.exe -m -bg", ParentPID: 3196, ParentName: "svchost.exe"},
			File: stagewatch.File{Path: `C:\Windows\apppatch\MergeSdbFiles\01DA54B25CE0D000.msimain.sdb`,
				Dir: `C:\Windows\apppatch\MergeSdbFiles`, Name: "01DA54B25CE0D000.msimain.sdb", Ext: ".sdb", Size: 3466,
				SHA256: "a22e3536dcbc1e2488deca17e6c6f91e4dac7c5e3ebba453ec279b223eda6c26", NormDir: `c:\windows\apppatch\mergesdbfiles\`},
			Origin: stagewatch.Origin{Format: "mde", File: "streaming_storage_DeviceFileEvents_FileCreated.json", Line: 1, Record: 1, RecordID: "8132"},
		}}},
		{"streaming_eventhub_DeviceNetworkEvents_splunk_body.json", summary{Events: 1, Table: "DeviceNetworkEvents", First: stagewatch.Event{
			Time: time.Date(2022, 7, 7, 12, 44, 56, 208162000, time.UTC), Kind: stagewatch.NetConnect, Action: "ConnectionSuccess",
			Host: stagewatch.Host{ID: "58faa2ef39046f86543ec7fb8849dfd54dd014fa", Name: "dcwin2016.lab.local", OS: stagewatch.Windows},
			User: stagewatch.User{Name: "system", Domain: "nt authority", SID: "S-1-5-18"},
			Proc: stagewatch.Process{PID: 2988, Image: `c:\program files\windows defender advanced threat protection\mssense.exe`,
				Name: "MsSense.exe", CommandLine: `"MsSense.exe"`, ParentPID: 672, ParentName: "services.exe"},
			Net:    stagewatch.Net{Direction: "outbound", LocalIP: "127.0.0.1", LocalPort: 63968, RemoteIP: "127.0.0.1", RemotePort: 63967, Protocol: "tcp"},
			Origin: stagewatch.Origin{Format: "mde", File: "streaming_eventhub_DeviceNetworkEvents_splunk_body.json", Line: 1, Record: 1, RecordID: "7251"},
		}}},
		{"defender_portal_AH_export_DeviceProcess_Network_union.csv", summary{Events: 2, Table: "DeviceProcessEvents"}},
		{"sentinel_loganalytics_csv_export_DeviceProcessEvents.csv", summary{Events: 1, Table: "DeviceProcessEvents", First: stagewatch.Event{
			Time: time.Date(2023, 10, 25, 9, 43, 21, 994000000, time.UTC), Kind: stagewatch.ProcessStart, Action: "ProcessCreated",
			Host: stagewatch.Host{ID: "0cf5805bb864bdf4b26e01f8c9672b5e709cbe51", Name: "ip-172-31-46-50.eu-central-1.compute.internal", OS: stagewatch.Linux},
			User: stagewatch.User{Name: "root", Domain: "ip-172-31-46-50.eu-central-1.compute.internal"},
			Proc: stagewatch.Process{PID: 10018, Image: "/app/grpc-health-probe", Name: "grpc-health-probe",
				CommandLine: "/app/grpc-health-probe -addr=:50051 -connect-timeout=5s -rpc-timeout=5s", CWD: "/", ParentPID: 10017},
			Origin: stagewatch.Origin{Format: "mde", File: "sentinel_loganalytics_csv_export_DeviceProcessEvents.csv", Line: 2, Record: 1, RecordID: "530932"},
		}}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			f, err := os.Open(filepath.Join(dir, tc.file))
			if err != nil {
				t.Skipf("sample missing: %v", err)
			}
			defer f.Close()
			head := make([]byte, 64<<10)
			n, _ := io.ReadFull(f, head)
			if !Sniff(head[:n]) {
				t.Errorf("Sniff rejects %s", tc.file)
			}
			f.Seek(0, io.SeekStart)
			d := NewDecoder(f, Options{File: tc.file})
			var got summary
			for {
				ev, err := d.Decode()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("Decode: %v", err)
				}
				if got.Events == 0 && tc.want.First.Origin.Format != "" {
					got.First = *ev
				}
				got.Events++
				got.Table = d.Table()
			}
			got.Ignored = d.Ignored()
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
