package flannel

import (
	"github.com/netguard/netguard/rules"
	"github.com/netguard/netguard/rules/rulestest"
	corev1 "k8s.io/api/core/v1"
)

// Realistic objects. Each must judge without any deny finding.

// upstreamCNI is cni-conf.json of upstream Documentation/kube-flannel.yml (v0.12+).
const upstreamCNI = `{
  "name": "cbr0",
  "cniVersion": "0.3.1",
  "plugins": [
    {
      "type": "flannel",
      "delegate": {
        "hairpinMode": true,
        "isDefaultGateway": true
      }
    },
    {
      "type": "portmap",
      "capabilities": {
        "portMappings": true
      }
    }
  ]
}
`

// upstreamNet is net-conf.json of upstream kube-flannel.yml at HEAD.
const upstreamNet = `{
  "Network": "10.244.0.0/16",
  "EnableNFTables": false,
  "Backend": {
    "Type": "vxlan"
  }
}
`

// ackCNI is the ACK FAQ hairpin example (single form, 10-flannel.conf).
const ackCNI = `{
  "name": "cb0",
  "cniVersion":"0.3.1",
  "type": "flannel",
  "delegate": {
    "isDefaultGateway": true,
    "hairpinMode": true
  }
}
`

// ackNet is the ACK addon template's net-conf.json (VPC routes by CCM).
const ackNet = `{
  "Network": "172.20.0.0/16",
  "Backend": {
    "Type": "alloc"
  }
}
`

// aliyunCNI / aliyunNet are upstream Documentation/kube-flannel-aliyun.yml (≤v0.19).
const aliyunCNI = `{
  "name": "cbr0",
  "cniVersion": "0.3.1",
  "type": "flannel",
  "delegate": {
    "hairpinMode": true,
    "isDefaultGateway": true
  }
}
`

const aliyunNet = `{
  "Network": "10.24.0.0/16",
  "Backend": {
    "Type": "ali-vpc"
  }
}
`

// faqVersionCNI is the FAQ's "add the cniVersion field" fragment placed
// into a full ACK config, indentation as printed.
const faqVersionCNI = `{
    "name": "cb0",      
    "cniVersion":"0.3.0",
    "type": "flannel",
    "delegate": {
      "isDefaultGateway": true
    }
}
`

// communityCNI is the community Alibaba Cloud manifest without cniVersion
// (breaks on kubelet 1.16+).
const communityCNI = `{"name":"cbr0","type":"flannel","delegate":{"isDefaultGateway":true}}`

func cfgMap(ns, cni, net string) *corev1.ConfigMap {
	return rulestest.ConfigMap(ns, "kube-flannel-cfg", map[string]string{CNIConfKey: cni, NetConfKey: net})
}

func upstreamCM() *corev1.ConfigMap { return cfgMap("kube-flannel", upstreamCNI, upstreamNet) }
func ackCM() *corev1.ConfigMap      { return cfgMap("kube-system", ackCNI, ackNet) }

func boolp(b bool) *bool { return &b }

// hairpinConfig enables the hairpin mutation.
func hairpinConfig() *rules.Config {
	c := rules.DefaultConfig()
	c.MutationsOf(Component).(*Mutations).HairpinMode = true
	return c
}

// noMutationConfig turns every mutation off.
func noMutationConfig() *rules.Config {
	c := rules.DefaultConfig()
	c.MutationsOf(Component).(*Mutations).InjectCNIVersion = boolp(false)
	return c
}
