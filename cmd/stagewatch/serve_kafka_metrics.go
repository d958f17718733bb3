package main

import (
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/stagewatch/stagewatch/kafka"
	"github.com/stagewatch/stagewatch/serve"
)

// kafkaStat is one counter or gauge read from the Kafka stats.
type kafkaStat struct {
	name, help string
	gauge      bool
	intake     func(kafka.IntakeStats) int64
	detect     func(kafka.DetectionStats) int64
}

func kafkaStats() []kafkaStat {
	in := func(name, help string, f func(kafka.IntakeStats) int64) kafkaStat {
		return kafkaStat{name: "stagewatch_kafka_intake_" + name, help: help, intake: f}
	}
	de := func(name, help string, f func(kafka.DetectionStats) int64) kafkaStat {
		return kafkaStat{name: "stagewatch_kafka_detect_" + name, help: help, detect: f}
	}
	return []kafkaStat{
		in("records_total", "Raw records consumed.", func(s kafka.IntakeStats) int64 { return s.Records }),
		in("bytes_total", "Raw record bytes consumed.", func(s kafka.IntakeStats) int64 { return s.Bytes }),
		in("events_total", "Events decoded and produced onto the events topic.", func(s kafka.IntakeStats) int64 { return s.Events }),
		in("bad_records_total", "Raw records that could not be decoded in full.", func(s kafka.IntakeStats) int64 { return s.BadRecords }),
		in("bad_events_total", "Bad events inside otherwise readable raw records.", func(s kafka.IntakeStats) int64 { return s.BadEvents }),
		in("dead_lettered_total", "Raw records copied onto the dead-letter topic.", func(s kafka.IntakeStats) int64 { return s.DeadLettered }),
		in("commits_total", "Successful offset commits of intake.", func(s kafka.IntakeStats) int64 { return s.Commits }),
		in("commit_errors_total", "Failed offset commits of intake.", func(s kafka.IntakeStats) int64 { return s.CommitErrors }),
		in("produce_retries_total", "Intake polls read again because their produce failed.", func(s kafka.IntakeStats) int64 { return s.ProduceRetries }),
		de("events_total", "Events fed to the partition engines, replayed ones included.", func(s kafka.DetectionStats) int64 { return s.Events }),
		de("restored_events_total", "Events replayed to rebuild windows after an assignment.", func(s kafka.DetectionStats) int64 { return s.Restored }),
		de("bad_events_total", "Events-topic records that were no normalized event.", func(s kafka.DetectionStats) int64 { return s.BadEvents }),
		de("alerts_total", "Alerts handed to the alert log, updates and replays included.", func(s kafka.DetectionStats) int64 { return s.Alerts }),
		de("sink_errors_total", "Failed hand-overs of alerts (retried; the partition waits).", func(s kafka.DetectionStats) int64 { return s.SinkErrors }),
		de("commits_total", "Successful offset commits of detection.", func(s kafka.DetectionStats) int64 { return s.Commits }),
		de("commit_errors_total", "Failed offset commits of detection.", func(s kafka.DetectionStats) int64 { return s.CommitErrors }),
		de("assigned_total", "Events partitions assigned to this instance.", func(s kafka.DetectionStats) int64 { return s.Assigned }),
		de("revoked_total", "Events partitions revoked or lost.", func(s kafka.DetectionStats) int64 { return s.Revoked }),
		de("late_events_total", "Events that came later than the lateness bound.", func(s kafka.DetectionStats) int64 { return s.Late }),
		{name: "stagewatch_kafka_detect_partitions", help: "Events partitions this instance owns now.", gauge: true,
			detect: func(s kafka.DetectionStats) int64 { return int64(s.Partitions) }},
	}
}

// kafkaCollector exports the stats of a kafkaMode.
type kafkaCollector struct {
	k     *kafkaMode
	stats []kafkaStat
	descs []*prometheus.Desc
	http  *prometheus.Desc
}

func (c *kafkaCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range c.descs {
		ch <- d
	}
	ch <- c.http
}

func (c *kafkaCollector) Collect(ch chan<- prometheus.Metric) {
	var is kafka.IntakeStats
	var ds kafka.DetectionStats
	if c.k.intake != nil {
		is = c.k.intake.Stats()
	}
	if c.k.detection != nil {
		ds = c.k.detection.Stats()
	}
	for i, s := range c.stats {
		var v int64
		switch {
		case s.intake != nil && c.k.intake != nil:
			v = s.intake(is)
		case s.detect != nil && c.k.detection != nil:
			v = s.detect(ds)
		default:
			continue
		}
		typ := prometheus.CounterValue
		if s.gauge {
			typ = prometheus.GaugeValue
		}
		ch <- prometheus.MustNewConstMetric(c.descs[i], typ, float64(v))
	}
	ch <- prometheus.MustNewConstMetric(c.http, prometheus.CounterValue, float64(c.k.events.Produced()))
}

// exportKafka registers the Kafka stats on m's registry and keeps m's
// consumer lag gauge up to date until stop is closed.
func exportKafka(m *serve.Metrics, k *kafkaMode, stop <-chan struct{}) *sync.WaitGroup {
	c := &kafkaCollector{k: k, stats: kafkaStats(),
		http: prometheus.NewDesc("stagewatch_kafka_http_events_produced_total", "Events of HTTP requests produced onto the events topic.", nil, nil)}
	for _, s := range c.stats {
		c.descs = append(c.descs, prometheus.NewDesc(s.name, s.help, nil, nil))
	}
	m.Registry().MustRegister(c)
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		seen := make(map[string]bool)
		for {
			lag := make(map[string]int64)
			if k.intake != nil {
				for key, n := range k.intake.Stats().Lag {
					lag[key] = n
				}
			}
			if k.detection != nil {
				for key, n := range k.detection.Stats().Lag {
					lag[key] = n
				}
			}
			for key := range seen {
				if _, ok := lag[key]; !ok {
					topic, part := splitPartKey(key)
					m.ConsumerLag.DeleteLabelValues(topic, part)
					delete(seen, key)
				}
			}
			for key, n := range lag {
				topic, part := splitPartKey(key)
				m.ConsumerLag.WithLabelValues(topic, part).Set(float64(n))
				seen[key] = true
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	})
	return &wg
}

// splitPartKey splits the "topic/partition" keys of the Kafka lag maps.
func splitPartKey(key string) (string, string) {
	i := strings.LastIndexByte(key, '/')
	if i < 0 {
		return key, ""
	}
	return key[:i], key[i+1:]
}
