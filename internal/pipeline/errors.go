package pipeline

import "fmt"

// ConfigError is bad usage or configuration found while loading or
// planning (the CLI's exit 2).
type ConfigError struct{ Err error }

func (e *ConfigError) Error() string { return e.Err.Error() }
func (e *ConfigError) Unwrap() error { return e.Err }

func configErrorf(format string, a ...any) error {
	return &ConfigError{fmt.Errorf(format, a...)}
}

// ShortfallError is a category below its --fail-under target (exit 3).
type ShortfallError struct{ Err error }

func (e *ShortfallError) Error() string { return e.Err.Error() }
func (e *ShortfallError) Unwrap() error { return e.Err }

// IncompleteError is a scan that did not see everything: a scope failed
// (or, when asked, was partial), or the scan was interrupted (exit 4).
type IncompleteError struct{ Err error }

func (e *IncompleteError) Error() string { return e.Err.Error() }
func (e *IncompleteError) Unwrap() error { return e.Err }
