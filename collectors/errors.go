package collectors

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"syscall"

	"github.com/aisight/aisight/internal/redact"
	"github.com/aisight/aisight/model"
)

// ClassError is an error that carries its class. Collectors wrap errors they
// can classify at the point of failure with Classed.
type ClassError struct {
	Class model.ErrorClass
	Err   error
}

func (e *ClassError) Error() string { return e.Err.Error() }
func (e *ClassError) Unwrap() error { return e.Err }

// Classed wraps err with a class. A nil err stays nil.
func Classed(class model.ErrorClass, err error) error {
	if err == nil {
		return nil
	}
	return &ClassError{Class: class, Err: err}
}

// Classedf formats an error with a class.
func Classedf(class model.ErrorClass, format string, args ...any) error {
	return &ClassError{Class: class, Err: fmt.Errorf(format, args...)}
}

// Classify returns the class of err: an explicit ClassError first, then the
// collector's own classifier, then what the standard library can tell.
// Anything else is internal.
func Classify(err error, c ErrorClassifier) model.ErrorClass {
	if err == nil {
		return model.ErrNone
	}
	var ce *ClassError
	if errors.As(err, &ce) && ce.Class != model.ErrNone {
		return ce.Class
	}
	if c != nil {
		if class := c.ClassifyError(err); class != model.ErrNone {
			return class
		}
	}
	var re *redact.RedirectError
	switch {
	case errors.As(err, &re):
		return model.ErrUnavailable
	case errors.Is(err, context.DeadlineExceeded):
		return model.ErrUnavailable
	case errors.Is(err, fs.ErrPermission):
		return model.ErrDenied
	case errors.Is(err, fs.ErrNotExist):
		return model.ErrInvalidConfig
	case errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET):
		return model.ErrUnavailable
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return model.ErrUnavailable
	}
	return model.ErrInternal
}

// Retryable reports whether a scope that failed with this class is worth another try.
func Retryable(class model.ErrorClass) bool {
	return class == model.ErrThrottled || class == model.ErrUnavailable
}

// SkipScope marks a scope that has nothing to collect for a known reason
// (the cloud service is not enabled there, so none of its resources can
// exist): the run is recorded skipped with err's class and message, which
// is neither a failure nor a gap in the evidence. A collector returns it
// only when it knows the scope holds nothing; when unsure it returns the
// error itself.
func SkipScope(class model.ErrorClass, err error) error {
	return &skipError{ClassError{Class: class, Err: err}}
}

type skipError struct{ ClassError }

func (e *skipError) Unwrap() error { return &e.ClassError }
