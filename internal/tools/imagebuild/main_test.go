package main

import (
	"context"
	"io"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

func TestPlatformsAreOSSlashArchAndUnique(t *testing.T) {
	got, err := parsePlatforms(" linux/amd64, linux/arm64 ,linux/arm/v7")
	if err != nil {
		t.Fatal(err)
	}
	want := []v1.Platform{{OS: "linux", Architecture: "amd64"}, {OS: "linux", Architecture: "arm64"}, {OS: "linux", Architecture: "arm", Variant: "v7"}}
	if len(got) != len(want) {
		t.Fatalf("%v, want %v", got, want)
	}
	for i := range want {
		if got[i].String() != want[i].String() {
			t.Errorf("platform %d: %s, want %s", i, got[i].String(), want[i].String())
		}
	}
	for _, bad := range []string{"", "amd64", "linux/amd64,linux/amd64", ","} {
		if _, err := parsePlatforms(bad); err == nil {
			t.Errorf("-platforms %q was accepted", bad)
		}
	}
}

// Bad flags stop the command before it compiles anything.
func TestBadFlagsFailBeforeTheBuild(t *testing.T) {
	for _, tc := range []struct {
		o    options
		want string
	}{
		{options{}, "-name is required"},
		{options{name: "netguard:dev"}, "full reference"},
		{options{name: "ghcr.io/netguard/netguard@sha256:" + strings.Repeat("a", 64)}, "set -version"},
		{options{name: "ghcr.io/netguard/netguard:v1", platforms: "amd64"}, "os/arch"},
		{options{name: "ghcr.io/netguard/netguard:v1", platforms: "linux/amd64", caCerts: "/nonexistent/ca.crt"}, "apt-get install ca-certificates"},
	} {
		err := run(context.Background(), tc.o, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want an error mentioning %q", tc.o, err, tc.want)
		}
	}
}
