//go:build tools

// Package kubeapiserverbuild pins the kube-apiserver command for the build script.
package kubeapiserverbuild

import _ "k8s.io/kubernetes/cmd/kube-apiserver"
