package winxml

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"testing"
)

// benchEvents returns n Sysmon events as wevtutil writes them, one per
// line with single quotes: two thirds EID 11 file creates, the rest EID 1
// process creates with full hashes and command lines (about 1.2 and 2 KB).
// pretty re-renders them indented, one element per line, as Event Viewer
// saves them.
func benchEvents(n int, pretty bool) []byte {
	var b bytes.Buffer
	if pretty {
		b.WriteString("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Events>\n")
	}
	for i := range n {
		var ev string
		if i%3 == 2 {
			ev = fmt.Sprintf(benchProcess, i%60, i%1000, 10000+i, 4000+i%3000)
		} else {
			ev = fmt.Sprintf(benchFile, i%60, i%1000, 10000+i, 4000+i%3000, i)
		}
		if pretty {
			ev = strings.ReplaceAll(ev, "><", ">\n    <")
		}
		b.WriteString(ev)
		b.WriteByte('\n')
	}
	if pretty {
		b.WriteString("</Events>\n")
	}
	return b.Bytes()
}

const benchFile = `<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-Sysmon' Guid='{5770385F-C22A-43E0-BF4C-06F5698FFBD9}'/><EventID>11</EventID><Version>2</Version><Level>4</Level><Task>11</Task><Opcode>0</Opcode><Keywords>0x8000000000000000</Keywords><TimeCreated SystemTime='2024-03-05T10:%02[1]d:39.491363500Z'/><EventRecordID>%[3]d</EventRecordID><Correlation/><Execution ProcessID='956' ThreadID='3828'/><Channel>Microsoft-Windows-Sysmon/Operational</Channel><Computer>WS-%[4]d.corp.example.com</Computer><Security UserID='S-1-5-18'/></System><EventData><Data Name='RuleName'>-</Data><Data Name='UtcTime'>2024-03-05 10:%02[1]d:39.%03[2]d</Data><Data Name='ProcessGuid'>{84453EAB-29CB-5FCA-F01B-C20300000000}</Data><Data Name='ProcessId'>%[4]d</Data><Data Name='Image'>C:\Windows\System32\Robocopy.exe</Data><Data Name='TargetFilename'>C:\Users\Public\stage\finance\report-%[5]d.xlsx</Data><Data Name='CreationUtcTime'>2024-03-05 10:%02[1]d:22.074</Data><Data Name='User'>CORP\alice</Data></EventData></Event>`

const benchProcess = `<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-Sysmon' Guid='{5770385F-C22A-43E0-BF4C-06F5698FFBD9}'/><EventID>1</EventID><Version>5</Version><Level>4</Level><Task>1</Task><Opcode>0</Opcode><Keywords>0x8000000000000000</Keywords><TimeCreated SystemTime='2024-03-05T10:%02[1]d:40.861500500Z'/><EventRecordID>%[3]d</EventRecordID><Correlation/><Execution ProcessID='956' ThreadID='3828'/><Channel>Microsoft-Windows-Sysmon/Operational</Channel><Computer>WS-%[4]d.corp.example.com</Computer><Security UserID='S-1-5-18'/></System><EventData><Data Name='RuleName'>-</Data><Data Name='UtcTime'>2024-03-05 10:%02[1]d:40.%03[2]d</Data><Data Name='ProcessGuid'>{84453EAB-2FEC-5FCA-2716-DF0300000000}</Data><Data Name='ProcessId'>%[4]d</Data><Data Name='Image'>C:\Windows\System32\Robocopy.exe</Data><Data Name='FileVersion'>10.0.19041.1 (WinBuild.160101.0800)</Data><Data Name='Description'>Microsoft Robocopy</Data><Data Name='Product'>Microsoft® Windows® Operating System</Data><Data Name='Company'>Microsoft Corporation</Data><Data Name='OriginalFileName'>robocopy.exe</Data><Data Name='CommandLine'>robocopy &quot;\\fileserver\finance&quot; C:\Users\Public\stage\finance /E /R:0 /W:0</Data><Data Name='CurrentDirectory'>C:\Users\alice\</Data><Data Name='User'>CORP\alice</Data><Data Name='LogonGuid'>{84453EAB-6BA3-5FC6-A0CB-040000000000}</Data><Data Name='LogonId'>0x4cba0</Data><Data Name='TerminalSessionId'>1</Data><Data Name='IntegrityLevel'>Medium</Data><Data Name='Hashes'>SHA1=6866429EB0F03FC50F980019774036A21063A3C1,MD5=2B98391555D04D85BD2FD7FF3C8536E7,SHA256=A22E3536DCBC1E2488DECA17E6C6F91E4DAC7C5E3EBBA453EC279B223EDA6C26,IMPHASH=00000000000000000000000000000000</Data><Data Name='ParentProcessGuid'>{84453EAB-2FEC-5FCA-2716-DF0300000001}</Data><Data Name='ParentProcessId'>5028</Data><Data Name='ParentImage'>C:\Windows\System32\cmd.exe</Data><Data Name='ParentCommandLine'>cmd.exe /c stage.bat</Data><Data Name='ParentUser'>CORP\alice</Data></EventData></Event>`

func benchDecode(b *testing.B, data []byte, n int) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	events := 0
	for b.Loop() {
		d := NewDecoder(bytes.NewReader(data), Options{File: "bench.xml"})
		for {
			_, err := d.Decode()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			events++
		}
	}
	if events%n != 0 {
		b.Fatalf("decoded %d events, not a multiple of %d", events, n)
	}
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(len(data))/float64(n), "bytes/event")
}

// BenchmarkDecode measures one-line events (wevtutil, Splunk).
func BenchmarkDecode(b *testing.B) {
	benchDecode(b, benchEvents(3000, false), 3000)
}

// BenchmarkDecodePretty measures indented events (Event Viewer).
func BenchmarkDecodePretty(b *testing.B) {
	benchDecode(b, benchEvents(3000, true), 3000)
}

// BenchmarkEncodingXML is the reference: the same events unmarshalled by
// encoding/xml into a minimal struct, without mapping.
func BenchmarkEncodingXML(b *testing.B) {
	data := benchEvents(3000, false)
	b.SetBytes(int64(len(data)))
	type event struct {
		EventID int `xml:"System>EventID"`
		Data    []struct {
			Name  string `xml:"Name,attr"`
			Value string `xml:",chardata"`
		} `xml:"EventData>Data"`
	}
	for b.Loop() {
		dec := xml.NewDecoder(bytes.NewReader(data))
		for {
			var ev event
			if err := dec.Decode(&ev); err == io.EOF {
				break
			} else if err != nil {
				b.Fatal(err)
			}
		}
	}
}
