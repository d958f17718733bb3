package mde

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"testing"
	"time"
)

// benchLines returns n JSON Lines shaped like real streaming exports: about
// two thirds DeviceFileEvents records (full properties, as in
// samples/mde/streaming_storage_DeviceFileEvents_FileCreated.json), the
// rest DeviceProcessEvents and DeviceNetworkEvents records.
func benchLines(n int) []byte {
	var b bytes.Buffer
	for i := range n {
		switch i % 6 {
		case 0, 1, 2, 3:
			fmt.Fprintf(&b, fileRecord, i%60, i%10_000_000, i, 1000+i%5000, i%7, 8000+i)
		case 4:
			fmt.Fprintf(&b, processRecord, i%60, i%10_000_000, 3000+i%4000, i, 9000+i)
		case 5:
			fmt.Fprintf(&b, networkRecord, i%60, i%10_000_000, 40000+i%20000, 7000+i)
		}
		b.WriteString("\r\n")
	}
	return b.Bytes()
}

const fileRecord = `{"time":"2026-07-18T13:01:51.2820995Z","tenantId":"4b8c18bd-2f9f-4227-af55-9f1061cf9c32","operationName":"Publish","category":"AdvancedHunting-DeviceFileEvents","_TimeReceivedBySvc":"2026-07-18T13:00:14.4590254Z","properties":{"SHA1":"6866429eb0f03fc50f980019774036a21063a3c1","FileSize":3466,"MD5":"2b98391555d04d85bd2fd7ff3c8536e7","FileName":"report-%[3]d.docx","FolderPath":"C:\\Users\\alice\\AppData\\Local\\Temp\\stage\\report-%[3]d.docx","InitiatingProcessCommandLine":"\"robocopy.exe\" \\\\fileserver\\finance C:\\Users\\alice\\AppData\\Local\\Temp\\stage /E","InitiatingProcessFileName":"Robocopy.exe","InitiatingProcessParentFileName":"cmd.exe","InitiatingProcessSHA1":"9141df287ae13c987b6177715a0b8669bcfbd430","InitiatingProcessMD5":"162ee68f2d637bb7722203ca4382a921","InitiatingProcessFolderPath":"c:\\windows\\system32\\robocopy.exe","InitiatingProcessParentCreationTime":"2026-07-18T10:59:30.693377Z","InitiatingProcessId":%[4]d,"DeviceName":"ws-%[5]d.corp.example.com","DeviceId":"56fb3abc73b440dd56cdc9873677877cd4ab085%[5]d","InitiatingProcessCreationTime":"2026-07-18T12:59:31.2576124Z","InitiatingProcessAccountName":"alice","InitiatingProcessAccountDomain":"corp","InitiatingProcessAccountSid":"S-1-5-21-1004336348-1177238915-682003330-1001","InitiatingProcessParentId":3196,"ReportId":%[6]d,"SHA256":"a22e3536dcbc1e2488deca17e6c6f91e4dac7c5e3ebba453ec279b223eda6c26","InitiatingProcessIntegrityLevel":"Medium","InitiatingProcessTokenElevation":"TokenElevationTypeLimited","FileOriginUrl":null,"FileOriginIP":null,"FileOriginReferrerUrl":null,"AppGuardContainerId":"","ActionType":"FileCreated","SensitivityLabel":null,"SensitivitySubLabel":null,"IsAzureInfoProtectionApplied":null,"RequestProtocol":"Local","ShareName":null,"RequestSourceIP":null,"RequestSourcePort":null,"RequestAccountName":"alice","RequestAccountDomain":"CORP","RequestAccountSid":"S-1-5-21-1004336348-1177238915-682003330-1001","InitiatingProcessSHA256":"b10190d2bd2de337095ef3cf52178ae438cbeee5e54602b5cedd2b4c3950ec51","InitiatingProcessAccountUpn":"alice@corp.example.com","InitiatingProcessAccountObjectId":null,"AdditionalFields":"{\"FileType\":\"Docx\"}","PreviousFolderPath":"","PreviousFileName":"","InitiatingProcessFileSize":299008,"InitiatingProcessVersionInfoCompanyName":"Microsoft Corporation","InitiatingProcessVersionInfoProductName":"Microsoft® Windows® Operating System","InitiatingProcessVersionInfoProductVersion":"10.0.26100.32860","InitiatingProcessVersionInfoInternalFileName":"robocopy.exe","InitiatingProcessVersionInfoOriginalFileName":"robocopy.exe","InitiatingProcessVersionInfoFileDescription":"Microsoft Robocopy","InitiatingProcessSessionId":1,"IsInitiatingProcessRemoteSession":false,"InitiatingProcessRemoteSessionDeviceName":null,"InitiatingProcessRemoteSessionIP":null,"InitiatingProcessUniqueId":"13510798882112217","Timestamp":"2026-07-18T12:%02[1]d:31.29%07[2]d","MachineGroup":"main"},"Tenant":"DefaultTenant"}`

const processRecord = `{"time":"2026-07-18T13:01:51.2820995Z","tenantId":"4b8c18bd-2f9f-4227-af55-9f1061cf9c32","operationName":"Publish","category":"AdvancedHunting-DeviceProcessEvents","properties":{"AccountDomain":"corp","AccountName":"alice","AccountSid":"S-1-5-21-1004336348-1177238915-682003330-1001","AccountUpn":"alice@corp.example.com","AccountObjectId":null,"ActionType":"ProcessCreated","AdditionalFields":null,"AppGuardContainerId":"","DeviceId":"56fb3abc73b440dd56cdc9873677877cd4ab0851","DeviceName":"ws-1.corp.example.com","FileName":"7z.exe","FolderPath":"C:\\Program Files\\7-Zip\\7z.exe","FileSize":571904,"InitiatingProcessAccountDomain":"corp","InitiatingProcessAccountName":"alice","InitiatingProcessAccountSid":"S-1-5-21-1004336348-1177238915-682003330-1001","InitiatingProcessCommandLine":"cmd.exe /c stage.bat","InitiatingProcessFileName":"cmd.exe","InitiatingProcessFolderPath":"c:\\windows\\system32\\cmd.exe","InitiatingProcessId":%[3]d,"InitiatingProcessIntegrityLevel":"Medium","InitiatingProcessMD5":"162ee68f2d637bb7722203ca4382a921","InitiatingProcessParentFileName":"explorer.exe","InitiatingProcessParentId":4400,"InitiatingProcessSHA1":"9141df287ae13c987b6177715a0b8669bcfbd430","InitiatingProcessSHA256":"b10190d2bd2de337095ef3cf52178ae438cbeee5e54602b5cedd2b4c3950ec51","InitiatingProcessTokenElevation":"TokenElevationTypeLimited","MD5":"2b98391555d04d85bd2fd7ff3c8536e7","ProcessCommandLine":"7z.exe a -p C:\\Users\\Public\\out-%[4]d.7z C:\\Users\\alice\\Documents\\*","ProcessCreationTime":"2026-07-18T12:59:31.2576124Z","ProcessId":%[4]d,"ProcessIntegrityLevel":"Medium","ProcessTokenElevation":"TokenElevationTypeLimited","ProcessVersionInfoCompanyName":"Igor Pavlov","ProcessVersionInfoProductName":"7-Zip","ProcessVersionInfoProductVersion":"23.01","ProcessVersionInfoInternalFileName":"7z","ProcessVersionInfoOriginalFileName":"7z.exe","ProcessVersionInfoFileDescription":"7-Zip Console","InitiatingProcessSignerType":"OsVendor","InitiatingProcessSignatureStatus":"Valid","ReportId":%[5]d,"SHA1":"6866429eb0f03fc50f980019774036a21063a3c1","SHA256":"a22e3536dcbc1e2488deca17e6c6f91e4dac7c5e3ebba453ec279b223eda6c26","Timestamp":"2026-07-18T12:%02[1]d:31.29%07[2]d","MachineGroup":"main"}}`

const networkRecord = `{"time":"2026-07-18T13:01:51.2820995Z","tenantId":"4b8c18bd-2f9f-4227-af55-9f1061cf9c32","operationName":"Publish","category":"AdvancedHunting-DeviceNetworkEvents","properties":{"RemotePort":443,"RemoteIP":"20.50.201.200","Protocol":"Tcp","LocalIP":"192.168.1.74","LocalPort":%[3]d,"RemoteUrl":"eu-v20.events.data.microsoft.com","LocalIPType":"Private","RemoteIPType":"Public","AdditionalFields":null,"ActionType":"ConnectionSuccess","InitiatingProcessVersionInfoCompanyName":"Microsoft Corporation","InitiatingProcessVersionInfoProductName":"Microsoft\u00ae Windows\u00ae Operating System","InitiatingProcessVersionInfoProductVersion":"10.8048.22439.1065","InitiatingProcessVersionInfoInternalFileName":"MsSense.exe","InitiatingProcessVersionInfoOriginalFileName":"MsSense.exe","InitiatingProcessVersionInfoFileDescription":"Windows Defender Advanced Threat Protection Service Executable","InitiatingProcessFolderPath":"c:\\program files\\windows defender advanced threat protection\\mssense.exe","InitiatingProcessFileSize":472368,"InitiatingProcessMD5":"f23bada6ff4f6f9bf4c5342093156855","InitiatingProcessSHA256":"cb993f887eff06aec7bcfe5fc7f14e890adb18871ced1e8edbb57e858e126978","InitiatingProcessSHA1":"73285ffb57122d7822a979b909cf41b999b1cc6e","InitiatingProcessAccountSid":"S-1-5-18","InitiatingProcessAccountDomain":"nt authority","InitiatingProcessAccountName":"system","InitiatingProcessAccountUpn":null,"InitiatingProcessAccountObjectId":null,"InitiatingProcessCreationTime":"2022-07-07T11:02:16.5447066Z","InitiatingProcessId":2988,"InitiatingProcessFileName":"MsSense.exe","InitiatingProcessCommandLine":"\"MsSense.exe\"","InitiatingProcessParentCreationTime":"2022-07-07T11:01:36.8066095Z","InitiatingProcessParentId":672,"InitiatingProcessParentFileName":"services.exe","InitiatingProcessIntegrityLevel":"System","InitiatingProcessTokenElevation":"TokenElevationTypeDefault","DeviceId":"58faa2ef39046f86543ec7fb8849dfd54dd014fa","AppGuardContainerId":null,"MachineGroup":null,"Timestamp":"2026-07-18T12:%02[1]d:56.20%07[2]d","DeviceName":"dcwin2016.lab.local","ReportId":%[4]d}}`

func BenchmarkDecodeNDJSON(b *testing.B) {
	data := benchLines(3000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	events := 0
	cpu0 := cpuTime()
	for b.Loop() {
		d := NewDecoder(bytes.NewReader(data), Options{File: "bench.json"})
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
	reportCPU(b, cpu0, int64(len(data)))
	b.ReportMetric(float64(len(data))/3000, "bytes/line")
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
}

// reportCPU reports MB per CPU second (all threads, GC included): wall-clock
// MB/s understates throughput when other processes share the cores.
func reportCPU(b *testing.B, cpu0 time.Duration, size int64) {
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(size)*float64(b.N)/1e6/cpu.Seconds(), "MB/cpu-s")
	}
}

// BenchmarkEncodingJSONMap is the baseline the lazy scanner replaces:
// encoding/json into maps, without even building events.
func BenchmarkEncodingJSONMap(b *testing.B) {
	data := benchLines(3000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	cpu0 := cpuTime()
	defer func() { reportCPU(b, cpu0, int64(len(data))) }()
	for b.Loop() {
		for line := range bytes.Lines(data) {
			var m map[string]any
			if err := json.Unmarshal(line, &m); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkDecodeCSV(b *testing.B) {
	data := []byte(portalCSVHeader)
	row := portalCSVRow
	for range 2000 {
		data = append(data, row...)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		d := NewDecoder(bytes.NewReader(data), Options{File: "bench.csv"})
		for {
			_, err := d.Decode()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
		}
	}
}

const portalCSVHeader = "Timestamp,DeviceId,DeviceName,ActionType,FileName,FolderPath,SHA256,FileSize,InitiatingProcessAccountDomain,InitiatingProcessAccountName,InitiatingProcessAccountSid,InitiatingProcessFileName,InitiatingProcessId,InitiatingProcessCommandLine,InitiatingProcessFolderPath,InitiatingProcessParentId,InitiatingProcessParentFileName,ReportId,AdditionalFields,RequestProtocol,ShareName,RequestSourceIP,RequestAccountName,RequestAccountDomain\n"

const portalCSVRow = `2023-10-18T15:43:47.1549452Z,jhdfaiouiuv4584fgasd64h5s4ghs54afd45gadf6,test-hostname,FileCreated,q3.xlsx,C:\Users\Public\stage\q3.xlsx,7c6cdb2cd6d6b1585aff0822a4633b2bf9856296deeb89a6a6a4bf678c363071,40960,corp,alice,S-1-5-21-1-2-3-1001,robocopy.exe,4180,"""robocopy.exe"" \\fs\fin C:\Users\Public\stage /E",c:\windows\system32\robocopy.exe,2228,cmd.exe,15554,"{""FileType"":""Xlsx""}",Local,,,alice,CORP` + "\n"
