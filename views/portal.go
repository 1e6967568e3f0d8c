package views

// PortalView is the business client's shared page: everything it shows is
// about this one client, in the client's language.
type PortalView struct {
	Lang        Lang
	LangLinks   []LangLink
	Brand       string
	LogoURL     string
	ThemeURL    string
	Support     string
	ClientName  string
	Steps       []Step
	Mode        string // wait, meta, otp, active, problem
	Next        string // translation key of "what happens next", "" for none
	Base        string // the page's own path, /c/<token>
	MetaSandbox bool
	MetaExpires string
	Phone       string
	DisplayName string
	OTPSent     bool
	Alerts      []PortalAlert // health problems the client must act on, worst first
	Notice      string
	Form        Form
	CSRF        string
	Live        string
	Sandbox     bool
}

// PortalAlert is a health problem in the client's own words.
type PortalAlert struct{ Heading, Body string }

// LangLink is one entry of the language switcher.
type LangLink struct {
	Name    string
	URL     string
	Code    Lang
	Current bool
}
