// Package sim holds what `aisight demo` starts on this machine, the only
// test-shaped code the shipped binary links: loopback emulators of the
// services the collectors read (sim/aws, sim/gcp, sim/azure, sim/saas, with
// their shared throttling in sim/quota), the launcher of a real etcd and
// kube-apiserver (sim/apiserver), and the embedded sample estate that seeds
// them (sim/demo). Benchmarks and tests use the same emulators; the rigs that
// only tests use (harnesses, Prometheus and Pushgateway, golden files,
// benchmark helpers) live in internal/testenv and are never linked.
package sim
