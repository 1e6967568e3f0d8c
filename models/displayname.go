package models

import (
	"cmp"
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// NameWarning is one of Meta's display-name rules (../shared/meta-rules.md)
// that a proposed name seems to break. Meta's reviewers decide, so a
// warning never blocks: saving over one asks for a reason instead.
type NameWarning struct {
	Rule    string // DN-CAPS, DN-PUNCT, …
	Message string // what is wrong and what to do, in plain words
	Hint    bool   // a low-confidence rule: mentioned, never asked about
}

// NameContext is what some rules compare the name with.
type NameContext struct {
	MaxLength int    // what Sinch accepts for this name: 128 for a sender, 255 for an account
	Reseller  string // the organisation's own brand (DN-AGENCY)
	Brand     string // the client's name, whose domain may be the brand (DN-URL)
}

// Warnings are the ones that ask for a reason; hints only inform.
func Warnings(ws []NameWarning) (out []NameWarning) {
	for _, w := range ws {
		if !w.Hint {
			out = append(out, w)
		}
	}
	return out
}

// RuleIDs lists the warnings' rule ids, for the timeline.
func RuleIDs(ws []NameWarning) string {
	ids := make([]string, len(ws))
	for i, w := range ws {
		ids[i] = w.Rule
	}
	return strings.Join(ids, ", ")
}

var (
	punctRun   = regexp.MustCompile(`[!?.,\-_*~]{2,}`)
	spaceRun   = regexp.MustCompile(`\s{2,}`)
	spacePunct = regexp.MustCompile(`\s[!?.,;:]`)
	urlLike    = regexp.MustCompile(`(?i)\b(?:https?://|www\.)|\b[\p{L}\d-]+\.(?:com|net|org|io|co|app|shop|store|online|site|info|biz|me|br|pt|es|mx|ar|uk|de|fr|it|nl|eu|us|in)\b`)
	metaWord   = regexp.MustCompile(`(?i)\b(?:whats\s?app|facebook|meta|instagram)\b`)
	wordRe     = regexp.MustCompile(`[\p{L}\p{N}'’&]+`)
)

// LintDisplayName checks a proposed display name against the
// machine-checkable rules. The name is checked as saved (trimmed).
func LintDisplayName(name string, ctx NameContext) []NameWarning {
	name = strings.TrimSpace(name)
	var out []NameWarning
	add := func(rule, msg string, args ...any) {
		out = append(out, NameWarning{Rule: rule, Message: fmt.Sprintf(msg, args...)})
	}
	hint := func(rule, msg string) { out = append(out, NameWarning{Rule: rule, Message: msg, Hint: true}) }
	if name == "" {
		return nil
	}
	n := utf8.RuneCountInString(name)
	if n < 3 {
		add("DN-SHORT", "A display name needs at least 3 characters.")
	}
	if ctx.MaxLength > 0 && n > ctx.MaxLength {
		add("DN-LONG", "Sinch accepts at most %d characters here; this has %d.", ctx.MaxLength, n)
	}
	if capsProblem(name) {
		add("DN-CAPS", "Write it with normal capitals, like %q: Meta rejects names in capitals (short acronyms are fine).", titleCase(name))
	}
	if spaceRun.MatchString(name) || spacePunct.MatchString(name) {
		add("DN-SPACE", "Use single spaces, and no space before punctuation.")
	}
	if run := punctRun.FindString(name); run != "" {
		add("DN-PUNCT", "Remove the repeated punctuation %q.", run)
	} else if decorative(name) {
		add("DN-PUNCT", "Remove the punctuation around the name: it reads as decoration.")
	}
	emoji, symbols := pictographs(name)
	if emoji != "" {
		add("DN-EMOJI", "Remove the emoji %s: display names cannot contain any.", emoji)
	}
	if symbols != "" {
		add("DN-SYMBOL", "Remove the symbol %s: marks such as ™ ® © are not allowed.", symbols)
	}
	if m := urlLike.FindString(name); m != "" && !sameName(name, ctx.Brand) {
		add("DN-URL", "Remove %q: no web addresses, unless the brand itself is the domain (as for Booking.com).", m)
	}
	if m := metaWord.FindString(name); m != "" {
		add("DN-META", "Remove %q: names may not use WhatsApp, Facebook or Meta.", m)
	}
	words := wordRe.FindAllString(name, -1)
	key := foldName(name)
	switch {
	case len(words) == 1 && genericWords[key]:
		add("DN-GENERIC", "%q alone is a generic word: add the brand, like \"Padaria Lisboa\" or \"Luna Pizza\".", name)
	case places[key]:
		add("DN-PLACE", "%q alone is a place: add the brand, like \"Luna Pizza %s\".", name, name)
	}
	if sameName(name, ctx.Reseller) && !sameName(name, ctx.Brand) {
		add("DN-AGENCY", "This is your own brand: use the client's, or \"%s by %s\" if both should show.", cmp.Or(ctx.Brand, "Their brand"), ctx.Reseller)
	}
	if len(words) == 2 && firstNames[foldName(words[0])] && isCapitalised(words[0]) && isCapitalised(words[1]) {
		hint("DN-PERSON", "If this is a person's full name, Meta may reject it: use the business's name.")
	}
	if len(words) > 6 || len(words) > 1 && imperatives[foldName(words[0])] {
		hint("DN-SLOGAN", "This reads like a slogan or a description: use the business's name alone.")
	}
	return out
}

// capsProblem: a word of more than four letters in capitals, or a name
// mostly in capitals.
func capsProblem(name string) bool {
	var upper, letters int
	for _, w := range wordRe.FindAllString(name, -1) {
		var wu, wl int
		for _, r := range w {
			if unicode.IsLetter(r) {
				wl++
				if unicode.IsUpper(r) {
					wu++
				}
			}
		}
		if wl > 4 && wu == wl {
			return true
		}
		upper, letters = upper+wu, letters+wl
	}
	return letters >= 6 && upper*10 > letters*6
}

// titleCase is name's words with a capital first letter only.
func titleCase(name string) string {
	words := wordRe.FindAllString(name, -1)
	for i, w := range words {
		r, size := utf8.DecodeRuneInString(w)
		words[i] = string(unicode.ToUpper(r)) + strings.ToLower(w[size:])
	}
	return strings.Join(words, " ")
}

// decorative: the name starts or ends with punctuation other than a
// closing full stop (Co.) or a bracket pair.
func decorative(name string) bool {
	first, _ := utf8.DecodeRuneInString(name)
	last, _ := utf8.DecodeLastRuneInString(name)
	deco := func(r rune) bool { return strings.ContainsRune("!?.,-_*~#=+|/\\:;", r) }
	return deco(first) || deco(last) && last != '.'
}

// pictographs returns the emoji and the other symbols in name.
func pictographs(name string) (emoji, symbols string) {
	var e, s []string
	for _, r := range name {
		switch {
		case isEmoji(r):
			e = append(e, string(r))
		case unicode.Is(unicode.So, r) || unicode.Is(unicode.Sm, r) && r != '+' && r != '=' || r == '™' || r == '®' || r == '©':
			s = append(s, string(r))
		}
	}
	return strings.Join(e, " "), strings.Join(s, " ")
}

func isEmoji(r rune) bool {
	return r >= 0x1F000 && r <= 0x1FAFF || r >= 0x2600 && r <= 0x27BF || r >= 0x2B00 && r <= 0x2BFF && r != 0x2B1B ||
		r == 0xFE0F || r == 0x200D || r >= 0x1F1E6 && r <= 0x1F1FF
}

func isCapitalised(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return unicode.IsUpper(r)
}

// foldName is name lower-cased, without accents and extra spaces, for
// comparing with the word lists and brands.
func foldName(name string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(name)) {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(r)
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

func sameName(a, b string) bool { return b != "" && foldName(a) == foldName(b) }

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// genericWords are category words that are not a name by themselves, in
// English, Spanish and Portuguese (accents folded).
var genericWords = set(
	"fashion", "pizza", "pizzeria", "pizzaria", "bakery", "padaria", "panaderia", "restaurant", "restaurante",
	"cafe", "coffee", "bar", "shop", "store", "tienda", "loja", "market", "mercado", "supermarket", "supermercado",
	"pharmacy", "farmacia", "hotel", "hostel", "taxi", "travel", "viagens", "viajes", "insurance", "seguros", "bank",
	"banco", "clinic", "clinica", "dentist", "dentista", "doctor", "medico", "salon", "salao", "beauty", "beleza",
	"belleza", "gym", "fitness", "shoes", "sapatos", "zapatos", "clothes", "clothing", "roupas", "ropa", "moda",
	"jewelry", "jewellery", "joias", "joyeria", "flowers", "flores", "florist", "books", "livros", "libros",
	"electronics", "furniture", "moveis", "muebles", "cars", "auto", "autos", "delivery", "food", "comida", "news",
	"noticias", "music", "musica", "sports", "esportes", "deportes", "games", "tech", "support", "suporte", "soporte",
	"service", "services", "servicos", "servicios", "sales", "vendas", "ventas", "deals", "offers", "ofertas",
	"promo", "promocoes", "promociones", "school", "escola", "escuela", "academy", "academia", "realty",
	"imobiliaria", "inmobiliaria", "lawyer", "advogado", "abogado", "pets", "petshop", "burger", "sushi", "tacos",
)

// places are country and big-city names that are not a business's name
// by themselves (accents folded).
var places = set(
	"new york", "london", "paris", "berlin", "madrid", "barcelona", "lisbon", "lisboa", "porto", "rome", "roma",
	"milan", "milano", "amsterdam", "brussels", "dublin", "vienna", "zurich", "munich", "sao paulo", "rio de janeiro",
	"rio", "brasilia", "belo horizonte", "salvador", "curitiba", "recife", "fortaleza", "buenos aires", "santiago",
	"lima", "bogota", "medellin", "mexico", "mexico city", "ciudad de mexico", "cdmx", "guadalajara", "monterrey",
	"miami", "los angeles", "chicago", "toronto", "sydney", "dubai", "mumbai", "delhi", "singapore", "tokyo",
	"brazil", "brasil", "portugal", "spain", "espana", "argentina", "chile", "colombia", "peru", "uruguay",
	"paraguay", "germany", "deutschland", "france", "italy", "italia", "netherlands", "united kingdom", "uk",
	"england", "ireland", "usa", "united states", "canada", "india", "australia", "europe", "europa", "africa",
	"asia", "latin america", "latinoamerica", "america",
)

// firstNames are common first names, for the low-confidence person check.
var firstNames = set(
	"maria", "ana", "joao", "jose", "john", "james", "mary", "david", "michael", "sarah", "laura", "carlos",
	"juan", "luis", "pedro", "paulo", "paula", "lucas", "gabriel", "rafael", "marcos", "fernanda", "juliana",
	"carla", "sofia", "lucia", "pablo", "diego", "miguel", "antonio", "francisco", "manuel", "emma", "olivia",
	"peter", "paul", "mark", "anna", "elena", "marta", "rosa", "thomas", "daniel", "robert", "william",
)

// imperatives open a slogan ("Buy the best shoes").
var imperatives = set(
	"buy", "get", "shop", "call", "order", "visit", "save", "try", "discover", "find", "book", "join", "enjoy",
	"compre", "ligue", "peca", "descubra", "visite", "compra", "llama", "pide", "descubre", "visita", "ahorra",
)
