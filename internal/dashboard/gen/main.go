// Command gen writes aisight's Grafana dashboard JSON to stdout (make generate).
package main

import (
	"fmt"
	"os"

	"github.com/aisight/aisight/internal/dashboard"
)

func main() {
	b, err := dashboard.JSON()
	if err != nil {
		fmt.Fprintln(os.Stderr, "dashboard:", err)
		os.Exit(1)
	}
	os.Stdout.Write(b)
}
