package views

import (
	"bytes"
	"context"
	"strings"

	"github.com/a-h/templ"
)

// MailView is one e-mail: a heading, a few paragraphs, at most one thing
// to do (the button), and small print. Every kind of mail fills it, so
// they all share one accessible layout, in HTML and in plain text.
type MailView struct {
	Lang        Lang
	Subject     string
	Brand       MailBrand
	Greeting    string
	Heading     string
	Paras       []string
	Action      MailLink   // the one thing to do; empty for none
	Sections    []MailList // the digest's lists
	Fine        []string   // small print under the button
	Unsubscribe MailLink   // reminders: the one-click unsubscribe page
}

// MailBrand is who the mail comes from: the reseller for client mails.
type MailBrand struct {
	Name    string
	LogoURL string // absolute; the name stands in when images are off
	Accent  string // #rrggbb
}

// MailLink is a labelled URL.
type MailLink struct {
	Label string
	URL   string
}

// MailList is a titled list of items, each with a link.
type MailList struct {
	Title string
	Items []MailItem
}

// MailItem is one line of a MailList.
type MailItem struct {
	Title  string
	Detail string
	URL    string
}

// RenderMail renders v as its plain-text and HTML parts: the same words,
// the text part with every link written out.
func RenderMail(ctx context.Context, v MailView) (text, html string, err error) {
	var h bytes.Buffer
	if err = MailHTML(v).Render(ctx, &h); err != nil {
		return "", "", err
	}
	return mailText(v), h.String(), nil
}

func mailText(v MailView) string {
	var b strings.Builder
	para := func(s string) { b.WriteString(s + "\n\n") }
	para(v.Brand.Name)
	para(v.Heading)
	if v.Greeting != "" {
		para(v.Greeting)
	}
	for _, p := range v.Paras {
		para(p)
	}
	if v.Action.URL != "" {
		para(v.Action.Label + ":\n" + v.Action.URL)
	}
	for _, s := range v.Sections {
		b.WriteString(s.Title + "\n")
		for _, it := range s.Items {
			line := "- " + it.Title
			if it.Detail != "" {
				line += ": " + it.Detail
			}
			b.WriteString(line + "\n  " + it.URL + "\n")
		}
		b.WriteString("\n")
	}
	for _, f := range v.Fine {
		para(f)
	}
	if v.Unsubscribe.URL != "" {
		b.WriteString(v.Unsubscribe.Label + ": " + v.Unsubscribe.URL + "\n")
	}
	return b.String()
}

// accent is the brand's colour, or wabadesk's green.
func (b MailBrand) accent() string {
	if b.Accent == "" {
		return "#0b6b53"
	}
	return b.Accent
}

func (b MailBrand) buttonStyle() templ.SafeCSS {
	bg := b.accent()
	return templ.SafeCSS("display:inline-block;padding:12px 20px;border-radius:6px;font-weight:bold;text-decoration:none;background:" + bg + ";color:" + TextOn(bg) + ";")
}

func (b MailBrand) barStyle() templ.SafeCSS {
	return templ.SafeCSS("height:6px;background:" + b.accent() + ";")
}
