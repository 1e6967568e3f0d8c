package models

import (
	"testing"
	"time"
)

// ChangedSince compares a change's publishing time with the moment a page
// was read: the echo of a change made just before the page, heard after it,
// is not news; a change after it is; another instance's clock gets the skew.
func TestChangedSinceComparesPublishingTimes(t *testing.T) {
	h := &Changes{}
	h.allowSkew(time.Second)
	self := h.Origin()
	before := h.stamp(Change{TenantID: 1, ClientID: 7}) // published, not yet heard
	read := time.Now().Add(time.Millisecond)            // the redirect's page is read
	h.Deliver(before)                                   // the database's echo arrives
	if h.ChangedSince(1, read, self) {
		t.Fatal("the echo of a change made before the page was read counts as news")
	}
	if !h.ChangedSince(1, read, "other") {
		t.Fatal("a page read on another instance, within the clock skew of the change, is not told")
	}
	if h.ChangedSince(2, read, self) {
		t.Fatal("another tenant's page is told of tenant 1's change")
	}
	h.Deliver(Change{TenantID: 1, ClientID: 7, At: read.Add(-2 * time.Second), Origin: "old"})
	if h.ChangedSince(1, read, self) {
		t.Fatal("a change older than the skew allows counts as news")
	}
	time.Sleep(2 * time.Millisecond)
	h.Deliver(Change{TenantID: 1, ClientID: 8})
	if !h.ChangedSince(1, read, self) {
		t.Fatal("a change published after the page was read is not news")
	}
}

func TestChangePayloadRoundTrip(t *testing.T) {
	c := Change{TenantID: 12, ClientID: 345, At: time.UnixMicro(1764700000123456), Origin: "abcdefghij"}
	got, ok := parseChange(formatChange(c))
	if !ok || got.TenantID != c.TenantID || got.ClientID != c.ClientID || !got.At.Equal(c.At) || got.Origin != c.Origin {
		t.Fatalf("round trip of %+v gave %+v (ok %v)", c, got, ok)
	}
	if got, ok := parseChange("12:345"); !ok || got.TenantID != 12 || got.ClientID != 345 || !got.At.IsZero() {
		t.Fatalf("an older release's payload gave %+v (ok %v)", got, ok)
	}
	for _, bad := range []string{"", "12", "x:1", "1:2:3", "1:2:x:o", "1:2:3:", "1:2:3:o:5"} {
		if _, ok := parseChange(bad); ok {
			t.Errorf("payload %q accepted", bad)
		}
	}
}
