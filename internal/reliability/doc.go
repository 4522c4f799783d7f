// Package reliability is the test suite that injects faults into real
// collectors, emulators and servers and checks what a user relies on: a
// fault stays inside the scope it hits (no asset outside it is lost), the
// faulted scope says what happened, a control that needed a failed scope is
// never a pass, and nothing hangs or grows without bound. Its results are
// the table of docs/reliability.md (go test ./internal/reliability -update
// rewrites it; without -update a stale table fails the test).
package reliability
