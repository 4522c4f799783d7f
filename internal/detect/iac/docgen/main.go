// Command docgen prints docs/iac.md from the IaC catalog (make generate).
package main

import (
	"fmt"
	"os"

	"github.com/aisight/aisight/internal/detect/iac"
)

func main() {
	c, err := iac.Load()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Print(c.Markdown())
}
