package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// The live check answers the notes for what is typed; unknown fields are
// not found, and visitors who may not edit get nothing.
func TestNameCheckAnswersWhileTyping(t *testing.T) {
	app := mustApp(t)
	b := app.browser()
	b.mustSignup("Vozes Digitais", "ana@vozes.test")
	r := b.get("/name-check?field=sender_display_name&name=Luna&sender_display_name=" + url.QueryEscape("BEST DEALS!!! 🎉"))
	expectStatus(t, r, http.StatusOK)
	var rules []string
	r.doc.Find("[data-testid=name-notes-sender_display_name] [data-rule]").Each(func(_ int, s *goquery.Selection) {
		rules = append(rules, s.AttrOr("data-rule", ""))
	})
	if strings.Join(rules, " ") != "DN-CAPS DN-PUNCT DN-EMOJI" {
		t.Fatalf("rules %v, want DN-CAPS DN-PUNCT DN-EMOJI", rules)
	}
	if r := b.get("/name-check?field=display_name&display_name=Luna+Pizza"); r.doc.Find("[data-rule]").Length() != 0 {
		t.Fatalf("a good name gets notes: %q", r.text("[data-testid=name-notes-display_name]"))
	}
	// The reseller's own brand, for a sender (128 characters) too.
	if r := b.get("/name-check?field=display_name&name=Luna&display_name=Vozes+Digitais"); r.doc.Find("[data-rule=DN-AGENCY]").Length() != 1 {
		t.Fatalf("own brand not noted: %q", r.text("[data-testid=name-notes-display_name]"))
	}
	expectStatus(t, b.get("/name-check?field=name&name=x"), http.StatusNotFound)
	anon := app.browser()
	if r := anon.get("/name-check?field=display_name&display_name=PIZZA"); r.doc.Find("[data-rule]").Length() != 0 {
		t.Fatal("the check answers without a session")
	}
}

// Submitting over a warning asks once for a reason, keeping what was typed;
// with one, the client is submitted and the reason is on its timeline. A
// draft is never stopped, and the edit form shows the notes.
func TestSubmittingOverNameWarningsAsksWhy(t *testing.T) {
	app := mustApp(t)
	b := app.browser()
	b.mustSignup("Acme", "ana@acme.test")
	v := clientValues(projectA, "111111111")
	v.Set("sender_display_name", "BEST DEALS!!! 🎉")
	v.Set("action", "submit")
	r := b.post("/clients", v)
	expectStatus(t, r, http.StatusUnprocessableEntity)
	if msg := r.text("[data-testid=error-name_reason]"); !strings.Contains(msg, "DN-CAPS, DN-PUNCT, DN-EMOJI") {
		t.Fatalf("reason not asked for the rules: %q", msg)
	}
	if got, _ := r.doc.Find("#f-sender_display_name").Attr("value"); got != "BEST DEALS!!! 🎉" {
		t.Fatalf("typed name lost: %q", got)
	}
	if r.doc.Find("[data-testid=name-notes-sender_display_name] [data-rule=DN-EMOJI]").Length() != 1 {
		t.Fatal("the form does not show the notes")
	}
	// The edit form carries the live check.
	if got, _ := r.doc.Find("#f-sender_display_name").Attr("data-hx-get"); got != "/name-check?field=sender_display_name" {
		t.Fatalf("live check %q", got)
	}

	v.Set("name_reason", "It is the brand exactly as on their shop front.")
	r = b.post("/clients", v)
	expectStatus(t, r, http.StatusSeeOther)
	page := b.get(r.location())
	timeline := page.text("[data-testid=timeline]")
	if !strings.Contains(timeline, "submitted despite Meta's rules (DN-CAPS, DN-PUNCT, DN-EMOJI)") || !strings.Contains(timeline, "shop front") {
		t.Fatalf("timeline lacks the reason: %q", timeline)
	}

	// A draft with the same name saves at once.
	d := clientValues(projectB, "222222222")
	d.Set("sender_display_name", "PIZZA!!")
	b.mustCreateClient(d, "draft")
}
