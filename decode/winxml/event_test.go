package winxml

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stagewatch/stagewatch/decode/winevent"
)

func TestParse(t *testing.T) {
	at := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	sys := `<System><Provider Name="P"/><EventID>7</EventID><TimeCreated SystemTime="2024-01-02T03:04:05Z"/></System>`
	base := winevent.Record{Provider: "P", EventID: 7, TimeCreated: at}
	with := func(edit func(*winevent.Record)) winevent.Record {
		r := base
		edit(&r)
		return r
	}
	tests := []struct {
		name string
		in   string
		want winevent.Record
	}{
		{"system header", `<Event xmlns='x'><System><Provider Name='Microsoft-Windows-Sysmon' Guid='{1}'/><EventID Qualifiers=''> 1 </EventID>` +
			`<Version>5</Version><TimeCreated SystemTime='2017-12-26 13:17:52.739128'/><EventRecordID>42</EventRecordID>` +
			`<Execution ProcessID='0x10' ThreadID='2'/><Channel>Microsoft-Windows-Sysmon/Operational</Channel>` +
			`<Computer>WS1</Computer><Security UserID='S-1-5-18'/></System></Event>`,
			winevent.Record{Provider: "Microsoft-Windows-Sysmon", EventID: 1, Version: 5, Channel: "Microsoft-Windows-Sysmon/Operational",
				Computer: "WS1", TimeCreated: time.Date(2017, 12, 26, 13, 17, 52, 739128000, time.UTC), RecordID: 42, ExecPID: 16, UserSID: "S-1-5-18"}},
		{"entities and character references", `<Event>` + sys + `<EventData><Data Name="a">&lt;x&gt; &amp;&amp; &quot;q&quot; &apos;s&apos; &#65;&#x42;&#x1F600;</Data>` +
			`<Data Name="bad">&bogus; & &#xZZ; &#0;</Data></EventData></Event>`,
			with(func(r *winevent.Record) {
				r.Data = []winevent.Field{{Name: "a", Value: `<x> && "q" 's' AB😀`}, {Name: "bad", Value: "&bogus; & &#xZZ; &#0;"}}
			})},
		{"entity in an attribute, '>' inside quotes", `<Event>` + sys + `<EventData><Data Name = "a&amp;b>c">v</Data></EventData></Event>`,
			with(func(r *winevent.Record) { r.Data = []winevent.Field{{Name: "a&b>c", Value: "v"}} })},
		{"empty, unnamed and CDATA values", `<Event>` + sys + `<EventData><Data Name="e"/><Data Name="f"></Data><Data>u</Data>` +
			`<Data Name="c"><![CDATA[<b>&amp;</b>]]> tail</Data><Binary>00FF</Binary></EventData></Event>`,
			with(func(r *winevent.Record) {
				r.Data = []winevent.Field{{Name: "e"}, {Name: "f"}, {Name: "", Value: "u"}, {Name: "c", Value: "<b>&amp;</b> tail"}}
			})},
		{"comments and namespace prefixes", `<ev:Event xmlns:ev="x"><!-- a <Data> in a comment --><ev:System><ev:Provider Name="P"/><ev:EventID>7</ev:EventID>` +
			`<ev:TimeCreated SystemTime="2024-01-02T03:04:05Z"/></ev:System><ev:EventData><ev:Data Name="k">v</ev:Data></ev:EventData></ev:Event>`,
			with(func(r *winevent.Record) { r.Data = []winevent.Field{{Name: "k", Value: "v"}} })},
		{"UserData leaves", `<Event>` + sys + `<UserData><LogFileCleared xmlns="y"><SubjectUserName>bob</SubjectUserName>` +
			`<Nested><Inner>i</Inner></Nested><Empty/></LogFileCleared></UserData></Event>`,
			with(func(r *winevent.Record) {
				r.Data = []winevent.Field{{Name: "SubjectUserName", Value: "bob"}, {Name: "Inner", Value: "i"}, {Name: "Empty"}}
			})},
		{"rendered message", `<Event>` + sys + `<RenderingInfo Culture="en-US"><Message>Process Create:&#13;&#10;x</Message><Level>Information</Level></RenderingInfo></Event>`,
			with(func(r *winevent.Record) { r.Message = "Process Create:\r\nx" })},
		{"invalid UTF-8 replaced", "<Event>" + sys + "<EventData><Data Name=\"p\">C:\\caf\xe9</Data></EventData></Event>",
			with(func(r *winevent.Record) { r.Data = []winevent.Field{{Name: "p", Value: "C:\\caf\uFFFD"}} })},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p parser
			var got winevent.Record
			timeErr, reason, err := p.parse([]byte(tt.in), &got)
			if err != nil || timeErr != nil {
				t.Fatalf("parse: %v, %v (%s)", timeErr, err, reason)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	sys := `<System><EventID>7</EventID><TimeCreated SystemTime="2024-01-02T03:04:05Z"/></System>`
	tests := []struct{ name, in, reason string }{
		{"no EventID", `<Event><System><Provider Name="P"/></System></Event>`, "missing event id"},
		{"EventID not a number", `<Event><System><EventID>x</EventID></System></Event>`, "bad event id"},
		{"EventID out of range", `<Event><System><EventID>70000</EventID></System></Event>`, "bad event id"},
		{"unterminated comment", `<Event>` + sys + `<!-- </Event>`, "bad xml"},
		{"unterminated CDATA", `<Event>` + sys + `<EventData><Data><![CDATA[ </Event>`, "bad xml"},
		{"unterminated quote", `<Event>` + sys + `<EventData><Data Name='a>v</Data></Event>`, "bad xml"},
		{"nameless tag", `<Event>` + sys + `< Data></Event>`, "bad xml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p parser
			var rec winevent.Record
			_, reason, err := p.parse([]byte(tt.in), &rec)
			if err == nil || reason != tt.reason {
				t.Errorf("parse = %q, %v; want reason %q", reason, err, tt.reason)
			}
		})
	}
}

func TestSniff(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want bool
	}{
		{"bare event", `<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>`, true},
		{"wrapper", "<Events>\n<Event>", true},
		{"declaration, BOM and comment", "\xEF\xBB\xBF<?xml version=\"1.0\"?>\r\n<!-- saved -->\n  <Events><Event>", true},
		{"bare event on a new line", "\n\n<Event>", true},
		{"other xml", `<?xml version="1.0"?><Sysmon schemaversion="4.90">`, false},
		{"EventData first", `<EventData><Data>`, false},
		{"json", `{"EventID":1}`, false},
		{"text", `Event 4688`, false},
		{"cut declaration", `<?xml version="1.0"`, false},
		{"empty", ``, false},
	}
	for _, tt := range tests {
		if got := Sniff([]byte(tt.in)); got != tt.want {
			t.Errorf("%s: Sniff = %v, want %v", tt.name, got, tt.want)
		}
	}
}
