package gen

import (
	"math/rand/v2"
	"time"
)

// systemSID is LocalSystem's SID.
const systemSID = "S-1-5-18"

// at returns the instant hh:mm:ss of the morning the dataset covers,
// Tuesday 10 March 2026 (UTC).
func at(hh, mm, ss int) time.Time {
	return time.Date(2026, 3, 10, hh, mm, ss, 0, time.UTC)
}

// world is everything the story and the noise share: the two hosts, their
// accounts and the processes that were running when the morning began.
type world struct {
	ws, srv *host

	system, alice, build account

	// ws: Alice's workstation
	wsServices, wsSvchost, wsExplorer *proc
	// srv: an Azure VM that runs backups and a build agent
	srvServices, srvSvchost, srvGuestAgent, srvBuildAgent *proc

	r *rand.Rand
}

func newWorld() *world {
	w := &world{
		ws: &host{
			name:  "ws-alice01.corp.contoso.com",
			id:    "3f6c2a9e81d04b7c95e1a0d4c2b7e8f901a3c5d7",
			group: "Workstations",
			next:  41200,
		},
		srv: &host{
			name:  "app-srv02.corp.contoso.com",
			id:    "9b1e7d3c5a2f4e6081c9d2b7a4e3f5c6d8a1b0e2",
			group: "Servers",
			next:  18800,
		},
		system: account{domain: "nt authority", name: "system", sid: systemSID, logon: 999},
		alice: account{domain: "corp", name: "alice", sid: "S-1-5-21-1844237615-456270012-2093521346-1104",
			upn: strp("alice@contoso.com"), logon: 4866317},
		build: account{domain: "corp", name: "svc-build", sid: "S-1-5-21-1844237615-456270012-2093521346-2311",
			upn: strp("svc-build@contoso.com"), logon: 1733202},
		r: rand.New(rand.NewPCG(2026, 310)),
	}
	boot := at(0, 0, 0).Add(-3*24*time.Hour + 6*time.Hour + 12*time.Minute)
	wininit := running(w.ws, w.system, `C:\Windows\System32\wininit.exe`, "wininit.exe", 612, boot, nil)
	w.wsServices = running(w.ws, w.system, `C:\Windows\System32\services.exe`, `C:\WINDOWS\system32\services.exe`, 716, boot.Add(time.Second), wininit)
	w.wsSvchost = running(w.ws, w.system, `C:\Windows\System32\svchost.exe`, `C:\WINDOWS\system32\svchost.exe -k netsvcs -p`, 1344, boot.Add(4*time.Second), w.wsServices)
	userinit := running(w.ws, w.alice, `C:\Windows\System32\userinit.exe`, `C:\WINDOWS\system32\userinit.exe`, 4988, at(7, 58, 12), nil)
	w.wsExplorer = running(w.ws, w.alice, `C:\Windows\explorer.exe`, `C:\WINDOWS\Explorer.EXE`, 5120, at(7, 58, 14), userinit)

	sboot := at(0, 0, 0).Add(-11*24*time.Hour + 2*time.Hour)
	swininit := running(w.srv, w.system, `C:\Windows\System32\wininit.exe`, "wininit.exe", 588, sboot, nil)
	w.srvServices = running(w.srv, w.system, `C:\Windows\System32\services.exe`, `C:\Windows\system32\services.exe`, 684, sboot.Add(time.Second), swininit)
	w.srvSvchost = running(w.srv, w.system, `C:\Windows\System32\svchost.exe`, `C:\Windows\system32\svchost.exe -k netsvcs -p`, 1260, sboot.Add(5*time.Second), w.srvServices)
	w.srvGuestAgent = running(w.srv, w.system, `C:\WindowsAzure\GuestAgent_2.7.41491.1102_2024-03-12_010101\WindowsAzureGuestAgent.exe`,
		`C:\WindowsAzure\GuestAgent_2.7.41491.1102_2024-03-12_010101\WindowsAzureGuestAgent.exe`, 2816, sboot.Add(40*time.Second), w.srvServices)
	w.srvBuildAgent = running(w.srv, w.build, `C:\agent\bin\Agent.Listener.exe`, `"C:\agent\bin\Agent.Listener.exe" run --startuptype service`, 3340, sboot.Add(50*time.Second), w.srvServices)
	return w
}

// jitter returns a duration in [lo, hi).
func (w *world) jitter(lo, hi time.Duration) time.Duration {
	return lo + time.Duration(w.r.Int64N(int64(hi-lo)))
}

// size returns a plausible file size around typical bytes.
func (w *world) size(typical int64) func(int) int64 {
	return func(int) int64 { return typical/2 + w.r.Int64N(typical) }
}

// Dataset returns the demo records in event-time order. It is
// deterministic: every call returns the same records.
func Dataset() []Record {
	w := newWorld()
	b := &builder{}
	b.workstationNoise(w)
	b.serverNoise(w)
	b.lookalikes(w)
	b.attack(w)
	sortRecords(b.recs)
	return b.recs
}
