package stagewatch

import "testing"

func TestUserString(t *testing.T) {
	for _, tc := range []struct {
		u    User
		want string
	}{
		{User{Name: "alice", Domain: "CORP", SID: "S-1-5-21-1"}, `CORP\alice`},
		{User{Name: "root", SID: "0"}, "root"},
		{User{SID: "1001"}, "uid 1001"},
		{User{SID: "S-1-5-18"}, "S-1-5-18"},
		{User{Domain: "CORP"}, `CORP\`},
		{User{}, ""},
	} {
		if got := tc.u.String(); got != tc.want {
			t.Errorf("%+v.String() = %q, want %q", tc.u, got, tc.want)
		}
	}
}
