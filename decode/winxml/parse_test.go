package winxml

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stagewatch/stagewatch/decode/winevent"
)

// TestParser checks the single-event Parser, including Sysmon for Linux's
// <Security UserId=...> spelling.
func TestParser(t *testing.T) {
	tests := []struct {
		name, xml, sid string
	}{
		{"windows", `<Event><System><Provider Name='P'/><EventID>1</EventID><TimeCreated SystemTime='2024-01-01T00:00:00Z'/><Security UserID='S-1-5-18'/></System></Event>`, "S-1-5-18"},
		{"linux", `<Event><System><Provider Name="Linux-Sysmon"/><EventID>1</EventID><TimeCreated SystemTime="2024-01-01T00:00:00Z"/><Security UserId="0"/></System></Event>`, "0"},
	}
	var p Parser
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var rec winevent.Record
			timeErr, reason, err := p.Parse([]byte(tc.xml), &rec)
			if err != nil || timeErr != nil {
				t.Fatalf("%v %v %s", err, timeErr, reason)
			}
			if diff := cmp.Diff(tc.sid, rec.UserSID); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	var rec winevent.Record
	if _, reason, err := p.Parse([]byte(`<Event><System></System></Event>`), &rec); err == nil || reason != "missing event id" {
		t.Errorf("no EventID: reason %q, err %v", reason, err)
	}
}
