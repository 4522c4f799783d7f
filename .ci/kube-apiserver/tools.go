//go:build tools

// Package kubeapiserverbuild pins the commands the build script builds.
package kubeapiserverbuild

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
