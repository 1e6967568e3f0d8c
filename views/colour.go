package views

import (
	"math"
	"strconv"
)

// TextOn picks black or white text for a background colour, by its
// relative luminance (WCAG), so any accent stays legible.
func TextOn(hex string) string {
	lin := func(i int) float64 {
		v, _ := strconv.ParseUint(hex[i:i+2], 16, 8)
		c := float64(v) / 255
		if c <= 0.03928 {
			return c / 12.92
		}
		return math.Pow((c+0.055)/1.055, 2.4)
	}
	l := 0.2126*lin(1) + 0.7152*lin(3) + 0.0722*lin(5)
	if (l+0.05)/0.05 > 1.05/(l+0.05) { // contrast with black beats contrast with white
		return "#111111"
	}
	return "#ffffff"
}
