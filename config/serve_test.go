package config

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stagewatch/stagewatch/analytic"
)

func TestServeSection(t *testing.T) {
	c, err := Parse("sw.yml", []byte("serve:\n  listen: 0.0.0.0:9000\n  rate: 5\n  state_horizon: 2h\n  webhook: http://127.0.0.1:9/x\n"), analytic.All())
	if err != nil {
		t.Fatal(err)
	}
	want := DefaultServe()
	want.Listen, want.Rate, want.StateHorizon, want.Webhook = "0.0.0.0:9000", 5, 2*time.Hour, "http://127.0.0.1:9/x"
	if diff := cmp.Diff(want, c.Serve); diff != "" {
		t.Errorf("serve (-want +got):\n%s", diff)
	}
}

func TestServeSectionErrors(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"serve:\n  listn: x\n", "sw.yml:2: serve: unknown key"},
		{"serve:\n  rate: fast\n", "sw.yml:2: serve.rate: expected a number"},
		{"serve:\n  state_horizon: soon\n", "sw.yml:2: serve.state_horizon: bad duration"},
	} {
		_, err := Parse("sw.yml", []byte(c.in), analytic.All())
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%q: err = %v; want prefix %q", c.in, err, c.want)
		}
	}
}
