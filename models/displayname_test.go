package models_test

import (
	"slices"
	"testing"

	"wabadesk/models"
)

// Each rule with names that must warn and names that must not, so a rule
// that stops firing (or fires on good names) fails here.
func TestLintDisplayNameRules(t *testing.T) {
	ctx := models.NameContext{MaxLength: 128, Reseller: "Vozes Digitais", Brand: "Booking.com"}
	for _, tc := range []struct {
		rule     string
		warn     []string
		dontWarn []string
	}{
		{"DN-CAPS", []string{"BEST DEALS", "Padaria LISBOA", "PADARIA", "LUNA PIZZA CO"},
			[]string{"Luna Pizza", "NASA Tours", "IBM Brasil", "BBVA Seguros", "eBay Motors", "Café do Zé"}},
		{"DN-SPACE", []string{"Luna  Pizza", "Luna Pizza !", "Luna , Pizza"}, []string{"Luna Pizza", "Luna & Pizza", "Luna Pizza Ltd."}},
		{"DN-PUNCT", []string{"Luna Pizza!!!", "Luna -- Pizza", "*Luna Pizza*", "Luna Pizza?!", "...Luna", "Luna__Pizza"},
			[]string{"Luna Pizza", "Luna Pizza Co.", "Luna-Pizza", "Padaria S.A.", "Luna's Pizza"}},
		{"DN-EMOJI", []string{"Luna Pizza 🍕", "BEST DEALS!!! 🎉", "Luna ❤ Pizza", "Luna Pizza 🇧🇷"}, []string{"Luna Pizza", "Ação Café", "Luna Pizza 2"}},
		{"DN-SYMBOL", []string{"Luna Pizza™", "Luna® Pizza", "© Luna", "Luna ⌘ Pizza", "Luna ∞ Pizza"}, []string{"Luna Pizza", "Marks & Spencer", "C+ Tech", "Luna Pizza 24/7"}},
		{"DN-SHORT", []string{"Lu", "A"}, []string{"Luz", "Luna"}},
		{"DN-LONG", []string{string(make([]byte, 129))}, []string{"Luna Pizza"}},
		{"DN-URL", []string{"www.lunapizza.com", "Luna Pizza lunapizza.com.br", "https://luna.pizza", "lunapizza.io"},
			[]string{"Luna Pizza", "Booking.com", "Luna Pizza Co.", "Dr. Luna"}},
		{"DN-META", []string{"Luna Pizza WhatsApp", "Facebook Deals Luna", "Meta Luna", "Luna Whats App"}, []string{"Metalúrgica Luna", "Luna Pizza", "Metamorfose"}},
		{"DN-GENERIC", []string{"Pizza", "Fashion", "padaria", "Farmácia"}, []string{"Luna Pizza", "Pizza Luna Lisboa", "Lunapizza"}},
		{"DN-PLACE", []string{"New York", "Lisboa", "São Paulo", "Brasil"}, []string{"Luna Pizza Lisboa", "New York Pizza Co"}},
		{"DN-AGENCY", []string{"Vozes Digitais", "vozes digitais"}, []string{"Luna Pizza by Vozes Digitais", "Luna Pizza"}},
		{"DN-PERSON", []string{"Maria Silva", "John Smith"}, []string{"Luna Pizza", "Maria's Bakery Lisbon", "maria silva"}},
		{"DN-SLOGAN", []string{"Buy The Best Pizza", "The best pizza in the whole city of Lisbon"}, []string{"Luna Pizza", "Pizza Luna Lisboa Centro"}},
	} {
		for _, name := range tc.warn {
			if !slices.Contains(rules(models.LintDisplayName(name, ctx)), tc.rule) {
				t.Errorf("%q: want %s, got %v", name, tc.rule, models.LintDisplayName(name, ctx))
			}
		}
		for _, name := range tc.dontWarn {
			if slices.Contains(rules(models.LintDisplayName(name, ctx)), tc.rule) {
				t.Errorf("%q: want no %s, got %v", name, tc.rule, models.LintDisplayName(name, ctx))
			}
		}
	}
}

// The example gets each of its problems named, and the two
// low-confidence rules only hint.
func TestLintDisplayNameExample(t *testing.T) {
	got := models.LintDisplayName("BEST DEALS!!! 🎉", models.NameContext{MaxLength: 128})
	if want := []string{"DN-CAPS", "DN-PUNCT", "DN-EMOJI"}; !slices.Equal(rules(got), want) {
		t.Fatalf("rules %v, want %v (%+v)", rules(got), want, got)
	}
	for _, w := range got {
		if w.Message == "" || w.Hint {
			t.Errorf("%s: message %q, hint %v", w.Rule, w.Message, w.Hint)
		}
	}
	if got := models.LintDisplayName("Luna Pizza", models.NameContext{MaxLength: 128}); len(got) != 0 {
		t.Errorf("a good name warns: %+v", got)
	}
	for _, name := range []string{"Maria Silva", "Buy The Best Pizza"} {
		if ws := models.LintDisplayName(name, models.NameContext{}); len(ws) == 0 || len(models.Warnings(ws)) != 0 {
			t.Errorf("%q: want only hints, got %+v", name, ws)
		}
	}
}

func rules(ws []models.NameWarning) []string {
	var out []string
	for _, w := range ws {
		out = append(out, w.Rule)
	}
	return out
}
