package sandbox

import (
	"encoding/base64"
	"net/url"
	"strconv"
	"strings"
)

// page is one slice of a list, with Sinch's envelope fields.
type page struct {
	start, end int
	size       int
	prev, next string
}

// paginate reads pageToken/pageSize for a list of total items. Tokens are
// opaque to clients: base64 of the offset.
func paginate(q url.Values, total, defSize, maxSize int) (page, *apiError) {
	size := defSize
	if v := q.Get("pageSize"); v != "" {
		n, err := strconv.ParseFloat(v, 64)
		if err != nil || n != float64(int(n)) || n < 1 || int(n) > maxSize {
			return page{}, fail("invalid_page_size")
		}
		size = int(n)
	}
	start := 0
	if t := q.Get("pageToken"); t != "" {
		off, ok := decodeToken(t)
		if !ok || off > total {
			return page{}, fail("invalid_page_token")
		}
		start = off
	}
	p := page{start: start, end: min(start+size, total), size: size}
	if p.end < total {
		p.next = encodeToken(p.end)
	}
	if start > 0 {
		p.prev = encodeToken(max(0, start-size))
	}
	return p, nil
}

func encodeToken(off int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("o:" + strconv.Itoa(off)))
}

func decodeToken(t string) (int, bool) {
	b, err := base64.RawURLEncoding.DecodeString(t)
	if err != nil {
		return 0, false
	}
	s, ok := strings.CutPrefix(string(b), "o:")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && n >= 0
}
