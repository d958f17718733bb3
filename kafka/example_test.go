package kafka_test

import (
	"context"
	"log"
	"log/slog"
	"os"
	"os/signal"

	"github.com/stagewatch/stagewatch/analytic"
	"github.com/stagewatch/stagewatch/config"
	"github.com/stagewatch/stagewatch/detect"
	"github.com/stagewatch/stagewatch/kafka"
)

// Example wires the three parts the way `stagewatch serve` does: intake
// from an Event Hubs namespace, detection with the configured analytics, and
// alerts onto the alerts topic.
func Example() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	specs := analytic.All()
	cfg := config.Default(specs)
	kc := kafka.Config{
		Brokers:   []string{"contoso.servicebus.windows.net:9093"},
		Group:     "stagewatch",
		RawTopics: []string{"mde-streaming"},
		SASL:      kafka.SASL{Mechanism: kafka.SASLPlain, User: "$ConnectionString", Password: os.Getenv("EVENTHUB_CONNECTION_STRING")},
		Logger:    slog.Default(),
		// TLS: &tls.Config{}, as Event Hubs requires.
	}
	factory := func() (*detect.Engine, error) {
		dets, err := cfg.Detectors(specs)
		if err != nil {
			return nil, err
		}
		return detect.New(dets, detect.Options{Lateness: cfg.Lateness, Stream: true})
	}
	alerts, err := kafka.NewAlertProducer(kc)
	if err != nil {
		log.Fatal(err)
	}
	defer alerts.Close()
	intake, err := kafka.NewIntake(kc)
	if err != nil {
		log.Fatal(err)
	}
	detection, err := kafka.NewDetection(kc, factory, alerts)
	if err != nil {
		log.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- intake.Run(ctx) }()
	if err := detection.Run(ctx); err != nil {
		log.Print(err)
	}
	if err := <-done; err != nil {
		log.Print(err)
	}
	detection.Close()
	intake.Close()
}
