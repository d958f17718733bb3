package kafka

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/stagewatch/stagewatch"
)

// TestAuth connects over TLS with SASL PLAIN as Event Hubs wants it
// ($ConnectionString and the connection string) and with SCRAM, and checks
// that a wrong password fails the produce rather than hanging.
func TestAuth(t *testing.T) {
	const connStr = "Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=s"
	server, pool := selfSigned(t)
	c := newCluster(t, 1,
		kfake.EnableSASL(),
		kfake.Superuser(SASLPlain, "$ConnectionString", connStr),
		kfake.Superuser(SASLScramSHA512, "stagewatch", "secret"),
		kfake.TLS(server),
	)
	alert := []stagewatch.Alert{{ID: "a1", Analytic: "bulk-file-staging", LastSeen: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}}
	tests := []struct {
		name string
		sasl SASL
		ok   bool
	}{
		{"event hubs plain", SASL{Mechanism: "PLAIN", User: "$ConnectionString", Password: connStr}, true},
		{"scram", SASL{Mechanism: "SCRAM-SHA-512", User: "stagewatch", Password: "secret"}, true},
		{"wrong password", SASL{Mechanism: "PLAIN", User: "$ConnectionString", Password: "nope"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig(t, c.ListenAddrs())
			cfg.SASL = tt.sasl
			cfg.TLS = &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}
			p := must(NewAlertProducer(cfg))
			defer p.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			err := p.Emit(ctx, alert)
			if (err == nil) != tt.ok {
				t.Errorf("Emit: %v; want success %v", err, tt.ok)
			}
		})
	}
}

// selfSigned returns a server TLS config for 127.0.0.1 and a pool that
// trusts it.
func selfSigned(t *testing.T) (*tls.Config, *x509.CertPool) {
	t.Helper()
	key := must(ecdsa.GenerateKey(elliptic.P256(), rand.Reader))
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "kfake"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der := must(x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key))
	cert := must(x509.ParseCertificate(der))
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key, Leaf: cert}}}, pool
}
