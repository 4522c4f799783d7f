package model

import (
	"encoding/json"
	"fmt"
	"math"
	"time"
)

// MarshalJSON writes the duration as fractional seconds (millisecond precision).
func (d Duration) MarshalJSON() ([]byte, error) {
	s := math.Round(time.Duration(d).Seconds()*1000) / 1000
	return json.Marshal(s)
}

// UnmarshalJSON reads fractional seconds.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s float64
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("duration: %w", err)
	}
	*d = Duration(s * float64(time.Second))
	return nil
}

// Seconds returns the duration in seconds.
func (d Duration) Seconds() float64 { return time.Duration(d).Seconds() }
