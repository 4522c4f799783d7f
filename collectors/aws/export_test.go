package aws

import "github.com/aws/smithy-go/middleware"

// GuardForTest exposes the read-only guard to the external tests.
func GuardForTest() []func(*middleware.Stack) error {
	return []func(*middleware.Stack) error{readOnlyGuard()}
}
