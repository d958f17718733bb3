// Package depcheck pins the modules that the Linux, cloud and serve work is
// being built on, so that go.mod stays tidy while that work lands on branches.
// It is removed once every module is imported by real code.
package depcheck

import (
	_ "github.com/elastic/go-libaudit/v2/aucoalesce"
	_ "github.com/elastic/go-libaudit/v2/auparse"
	_ "github.com/prometheus/client_golang/prometheus"
	_ "github.com/prometheus/client_golang/prometheus/promhttp"
	_ "github.com/prometheus/client_golang/prometheus/testutil"
	_ "github.com/twmb/franz-go/pkg/kadm"
	_ "github.com/twmb/franz-go/pkg/kfake"
	_ "github.com/twmb/franz-go/pkg/kgo"
	_ "go.etcd.io/bbolt"
)
