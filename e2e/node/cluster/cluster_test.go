//go:build linux

package cluster

import (
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestMkdirRecordingReturnsOnlyTheDirectoriesItCreatedDeepestFirst(t *testing.T) {
	base := t.TempDir()
	if err := os.Mkdir(filepath.Join(base, "a"), 0o755); err != nil {
		t.Fatal(err)
	}
	got, err := mkdirRecording(filepath.Join(base, "a", "b", "c"))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Join(base, "a", "b", "c"), filepath.Join(base, "a", "b")}
	if !slices.Equal(got, want) {
		t.Fatalf("created %q, want %q", got, want)
	}
	if again, _ := mkdirRecording(filepath.Join(base, "a", "b", "c")); len(again) != 0 {
		t.Fatalf("an existing path reported as created: %q", again)
	}
}

func TestEveryNodeGetsItsOwnAddressAndPodRangeInsideTestNet(t *testing.T) {
	_, testNet, _ := net.ParseCIDR("192.0.2.0/24")
	_, pods, _ := net.ParseCIDR(clusterCIDR)
	seen := map[string]bool{}
	for i := range 3 {
		ip := net.ParseIP(nodeIP(i))
		if ip == nil || !testNet.Contains(ip) {
			t.Errorf("node %d: address %s outside TEST-NET-1", i, nodeIP(i))
		}
		_, r, err := net.ParseCIDR(podCIDR(i))
		if err != nil || !pods.Contains(r.IP) {
			t.Errorf("node %d: pod range %s outside %s", i, podCIDR(i), clusterCIDR)
		}
		for _, s := range []string{nodeIP(i), podCIDR(i), nodeName(i)} {
			if seen[s] {
				t.Errorf("node %d reuses %s", i, s)
			}
			seen[s] = true
		}
	}
}

func TestTheCNIConfListIsABridgeWithThePortmapChainOnTheNodesRange(t *testing.T) {
	n := &Node{Index: 1, Dir: "/w/node-b"}
	var conf struct {
		CNIVersion string `json:"cniVersion"`
		Plugins    []struct {
			Type string `json:"type"`
			IPAM struct {
				Ranges  [][]struct{ Subnet string } `json:"ranges"`
				DataDir string                      `json:"dataDir"`
			} `json:"ipam"`
		} `json:"plugins"`
	}
	if err := json.Unmarshal([]byte(n.CNIConfList()), &conf); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, n.CNIConfList())
	}
	if len(conf.Plugins) != 2 || conf.Plugins[0].Type != "bridge" || conf.Plugins[1].Type != "portmap" {
		t.Fatalf("plugins %+v, want bridge then portmap", conf.Plugins)
	}
	ipam := conf.Plugins[0].IPAM
	if ipam.Ranges[0][0].Subnet != podCIDR(1) || ipam.DataDir != "/w/node-b/ipam" {
		t.Errorf("ipam %+v, want node-b's range and its own data directory", ipam)
	}
}
