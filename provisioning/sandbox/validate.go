package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/mail"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"
)

// checker collects validation errors phrased like Sinch's NestJS
// class-validator messages ("details.displayName must be a string").
type checker struct {
	errs []string
}

func (c *checker) add(format string, args ...any) {
	c.errs = append(c.errs, fmt.Sprintf(format, args...))
}

// result is nil when everything passed, else 400 invalid_input.
func (c *checker) result() *apiError {
	if len(c.errs) == 0 {
		return nil
	}
	return invalidInput(c.errs)
}

// rule describes one string field.
type rule struct {
	required bool
	nullable bool // JSON null allowed (deletes the value in PATCH bodies)
	min, max int  // length limits; 0 means none
	enum     []string
	format   string // "url", "email", "digits", "otp"
}

// str checks m[key] against r; path is the field's dotted name.
func (c *checker) str(m map[string]any, path string, r rule) {
	v, present := m[lastKey(path)]
	if !present {
		if r.required {
			c.add("%s must be a string", path)
		}
		return
	}
	if v == nil {
		if !r.nullable {
			c.add("%s should not be equal to null", path)
		}
		return
	}
	s, ok := v.(string)
	if !ok {
		c.add("%s must be a string", path)
		return
	}
	c.strValue(path, s, r)
}

func (c *checker) strValue(path, s string, r rule) {
	n := utf8.RuneCountInString(s)
	if r.min > 0 && n < r.min {
		c.add("%s must be longer than or equal to %d characters", path, r.min)
	}
	if r.max > 0 && n > r.max {
		c.add("%s must be shorter than or equal to %d characters", path, r.max)
	}
	if r.enum != nil && !slices.Contains(r.enum, s) {
		c.add("%s must be one of the following values: %s", path, strings.Join(r.enum, ", "))
	}
	switch r.format {
	case "url":
		if u, err := url.Parse(s); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			c.add("%s must be a URL address", path)
		}
	case "email":
		if _, err := mail.ParseAddress(s); err != nil || strings.ContainsAny(s, "<> ") {
			c.add("%s must be an email", path)
		}
	case "digits":
		if s == "" || strings.Trim(s, "0123456789") != "" {
			c.add("%s must be a number string", path)
		}
	case "otp":
		if n != 6 {
			c.add("%s must be exactly 6 characters", path)
		}
	}
}

// object returns m[key] as an object, reporting a missing required one.
func (c *checker) object(m map[string]any, path string, required bool) map[string]any {
	v, present := m[lastKey(path)]
	if !present || v == nil {
		if required {
			c.add("%s should not be null or undefined", path)
		}
		return nil
	}
	o, ok := v.(map[string]any)
	if !ok {
		c.add("%s must be an object", path)
		return nil
	}
	return o
}

// boolean checks an optional boolean field.
func (c *checker) boolean(m map[string]any, path string) {
	if v, ok := m[lastKey(path)]; ok {
		if _, isBool := v.(bool); !isBool {
			c.add("%s must be a boolean value", path)
		}
	}
}

func lastKey(path string) string {
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		return path[i+1:]
	}
	return path
}

// decodeObject parses a JSON object body; anything else is invalid_payload.
func decodeObject(body []byte) (map[string]any, *apiError) {
	var m map[string]any
	d := json.NewDecoder(bytes.NewReader(body))
	if err := d.Decode(&m); err != nil || m == nil {
		return nil, fail("invalid_payload")
	}
	return m, nil
}

// Enum values the sandbox validates against (from the OpenAPI description).
var (
	inputRegions     = []string{"BR", "EU", "US"}
	inputBMs         = []string{"SINCH_AMERICA", "SINCH_BR", "SINCH_MX", "SINCH_SEP", "SINCH_UK"}
	inputStorages    = []string{"AE", "AU", "BH", "BR", "CA", "CH", "DE", "GB", "ID", "IN", "JP", "KR", "SG", "US", "ZA"}
	accountVerticals = []string{"ALCOHOL", "AUTOMOTIVE", "BEAUTY_SPA_SALON", "CLOTHING_AND_APPAREL", "EDUCATION",
		"ENTERTAINMENT", "EVENT_PLANNING_AND_SERVICE", "FINANCE_AND_BANKING", "FOOD_AND_GROCERY", "HOTEL_AND_LODGING",
		"MEDICAL_AND_HEALTH", "NON_PROFIT", "OTC_DRUGS", "OTHER", "PHYSICAL_GAMBLING", "PROFESSIONAL_SERVICES",
		"PUBLIC_SERVICE", "RESTAURANT", "SHOPPING_AND_RETAIL", "TRAVEL_AND_TRANSPORTATION"}
	senderVerticals = []string{"ALCOHOL", "AUTOMOTIVE", "BEAUTY_SPA_SALON", "CLOTHING_AND_APPAREL", "EDUCATION",
		"ENTERTAINMENT", "EVENT_PLANNING_AND_SERVICE", "FINANCE_AND_BANKING", "FOOD_AND_GROCERY", "HOTEL_AND_LODGING",
		"MEDICAL_AND_HEALTH", "NON_PROFIT", "ONLINE_GAMBLING", "OTC_DRUGS", "OTHER", "PHYSICAL_GAMBLING",
		"PROFESSIONAL_SERVICES", "PUBLIC_SERVICE", "RESTAURANT", "SHOPPING_AND_RETAIL", "TRAVEL_AND_TRANSPORTATION"}
	senderStates   = []string{"ACTIVE", "IN_PROGRESS", "INACTIVE", "PENDING_VERIFICATION", "SUSPENDED", "ERROR"}
	senderStatuses = []string{"DRAFT", "ERROR", "IN_PROGRESS", "MULTIPLE_WABA_ERROR", "REJECTED"}
	actions        = []string{"DRAFT", "SUBMIT"}
	providers      = []string{"CUSTOMER", "SINCH"}
	methods        = []string{"SMS", "VOICE"}
)
