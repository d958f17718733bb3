package analytic

import (
	"fmt"
	"testing"
	"time"

	"github.com/stagewatch/stagewatch"
)

// eventMixPOSIX returns a deterministic mix of n Linux events as auditd or
// Sysmon for Linux give them: most file writes by services and builds, some
// in /tmp, reads, inbound SSH connections, and process starts of shells,
// copy tools, archivers and the receiving ends of transfers.
func eventMixPOSIX(n int) []*stagewatch.Event {
	t0 := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	host := stagewatch.Host{Name: "web1", OS: stagewatch.Linux}
	user := stagewatch.User{Name: "alice"}
	type fileCase struct{ image, path string }
	files := []fileCase{
		{"/usr/sbin/nginx", "/var/log/nginx/access%d.log"},
		{"/usr/lib/gcc/x86_64-linux-gnu/12/cc1", "/tmp/cc%06d.s"},
		{"/usr/bin/python3.11", "/home/alice/app/data/%d.json"},
		{"/usr/bin/cp", "/tmp/.x/d%d.pdf"},
		{"/usr/sbin/rsyslogd", "/var/log/syslog.%d"},
		{"/usr/bin/scp", "/var/tmp/in/f%d.xlsx"},
	}
	procs := []string{
		"/usr/sbin/sshd -D -R",
		"bash -c 'ls -la /var/www | grep x'",
		"cp -r /home/alice/docs /tmp/.x/",
		"tar czf /tmp/b.tgz /etc",
		"scp -r -t /var/tmp/in",
		"/usr/bin/python3 /opt/app/run.py --port 8080",
		"sudo systemctl restart nginx",
	}
	var out []*stagewatch.Event
	for i := range n {
		ev := &stagewatch.Event{Time: t0.Add(time.Duration(i) * 10 * time.Millisecond), Host: host, User: user}
		ev.Proc.PID = int64(1000 + i%97)
		switch {
		case i%7 == 0:
			ev.Kind = stagewatch.ProcessStart
			cmd := procs[i%len(procs)]
			ev.Proc.CommandLine = cmd
			argv := SplitPOSIX(cmd)[0]
			ev.Proc.Image = "/usr/bin/" + commandName(argv[0])
			ev.Proc.Name = commandName(argv[0])
		case i%11 == 0:
			ev.Kind = stagewatch.NetConnect
			ev.Net = stagewatch.Net{Direction: "inbound", LocalPort: 22, RemoteIP: fmt.Sprintf("203.0.113.%d", i%200)}
		case i%5 == 0:
			ev.Kind = stagewatch.FileRead
			ev.Proc.Image, ev.Proc.Name = "/usr/bin/cp", "cp"
			ev.File.SetPath(stagewatch.Linux, fmt.Sprintf("/home/alice/docs/d%d/r%d.pdf", i%13, i%500))
		default:
			ev.Kind = stagewatch.FileCreate
			if i%3 == 0 {
				ev.Kind = stagewatch.FileModify
			}
			c := files[i%len(files)]
			ev.Proc.Image = c.image
			_, ev.Proc.Name = stagewatch.SplitPath(stagewatch.Linux, c.image)
			ev.File.SetPath(stagewatch.Linux, fmt.Sprintf(c.path, i%500))
			ev.File.Size = int64(i % 100000)
		}
		out = append(out, ev)
	}
	return out
}

// BenchmarkPOSIX runs every analytic on the Linux mix.
func BenchmarkPOSIX(b *testing.B) {
	events := eventMixPOSIX(100000)
	for _, spec := range All() {
		b.Run(spec.ID, func(b *testing.B) {
			det, err := spec.New(spec.Defaults(), Options{EvidenceCap: 20})
			if err != nil {
				b.Fatal(err)
			}
			want := map[stagewatch.Kind]bool{}
			for _, k := range det.Kinds() {
				want[k] = true
			}
			b.ReportAllocs()
			n := 0
			for i := 0; b.Loop(); i++ {
				ev := events[i%len(events)]
				if i%len(events) == 0 && i > 0 {
					det.Flush()
				}
				if i%1000 == 0 {
					det.Advance(ev.Time)
				}
				if want[ev.Kind] {
					det.Observe(ev)
				}
				n++
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
		})
	}
}
