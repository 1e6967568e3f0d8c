package handlers

import (
	"context"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"wabadesk/models"
	"wabadesk/provisioning/onboarding"
	"wabadesk/views"
)

// journeySteps are the stepper's labels; stepIndex places each stage on it.
var journeySteps = []string{"Draft", "Submitted", "Sinch preparing", "Client approves at Meta",
	"Onboarded", "Sender created", "Phone verification", "Active"}

var stepIndex = map[models.Stage]int{
	models.StageDraft: 0, models.StageQueued: 1, models.StagePreparing: 2, models.StageMetaApproval: 3,
	models.StageRejected: 3, models.StageOnboarded: 4, models.StageSenderReview: 5,
	models.StageSenderProblem: 5, models.StageVerification: 6, models.StageActive: 7,
}

var sourceLabels = map[string]string{models.SourceStaff: "Staff", models.SourceSinch: "Sinch",
	models.SourceClient: "Client", models.SourceSystem: "wabadesk"}

func (h *Handler) showClient(c echo.Context) error {
	cl, err := h.clientParam(c)
	if err != nil {
		return err
	}
	return h.renderClient(c, http.StatusOK, cl, clientForms{})
}

// clientForms are the client page's forms coming back refused, with what
// was typed and the messages: a comment, a code per sender, the contact.
type clientForms struct {
	comment views.Form
	otp     map[int64]views.Form
	contact *views.Form
}

// renderClient builds the client page, with any refused form.
func (h *Handler) renderClient(c echo.Context, status int, cl models.Client, forms clientForms) error {
	ctx, u := c.Request().Context(), currentUser(c)
	now, canAct := h.store.Now(), u.Role.AtLeast(models.RoleAgent)
	v := views.ClientView{ID: cl.ID, URL: clientURL(cl.ID), Name: cl.Name, StageLabel: cl.Stage.Label(), StageBadge: cl.Stage.Badge(),
		WaitingOn: cl.Stage.WaitingOn(), Since: cl.StageSince.Format("2 Jan 15:04") + " (" + ago(cl.StageSince, now) + ")",
		Attention: h.store.NeedsAttention(cl), Rejected: cl.AccountStage == models.AccountRejected, Reason: cl.RejectionReason,
		RejectedBy: rejectedBy(cl.RejectionReason),
		Queued:     cl.AccountStage == models.AccountQueued, Draft: cl.AccountStage == models.AccountDraft, Legacy: cl.Legacy,
		CanEdit: canAct && cl.Editable(), CanSubmit: canAct && cl.Editable(), CanDelete: canAct && cl.Deletable(),
		CanAddSender: canAct && cl.TakesSenders(), CanComment: canAct && cl.Commentable(),
		CanAct: canAct, CanLink: canAct, CommentForm: forms.comment, Details: clientDetails(cl), SinchErrors: slices.Sorted(maps.Values(cl.FieldErrors())),
		Steps: journey(cl), LinkDays: linkDays()}
	v.QueueNote, v.ParkedNote = queueNotes(cl)
	if v.Rejected {
		edit := ""
		if v.CanEdit {
			edit = clientURL(cl.ID) + "/edit"
		}
		v.Fix = fixGuideFor(cl.RejectionReason, "", edit, "")
	}
	v.MetaLink, v.MetaSandbox = h.metaLink(ctx, u.OrganisationID, cl)
	v.Contact = h.contactCard(cl, forms.contact, canAct)
	if err := h.clientActivity(ctx, &v, cl, canAct, forms.otp, now); err != nil {
		return err
	}
	p := h.livePage(c, cl.Name, "clients", "/events?client="+itoa(cl.ID), clientURL(cl.ID))
	if status >= 400 { // a refused form: a live refresh would wipe its messages
		p.Live = ""
	}
	if err := takeNewLink(&p, &v); err != nil {
		return err
	}
	return render(c, status, views.ClientPage(p, v))
}

// clientActivity fills in what the client page lists from the database:
// calls in flight, links, the timeline and the senders.
func (h *Handler) clientActivity(ctx context.Context, v *views.ClientView, cl models.Client, canAct bool, otp map[int64]views.Form, now time.Time) error {
	calls, err := h.store.PendingCalls(ctx, cl.OrganisationID, cl.ID)
	if err != nil {
		return err
	}
	for _, pc := range calls {
		v.InProgress = append(v.InProgress, pc.Label()+" (since "+pc.StartedAt.Format("15:04:05")+") — this page updates by itself.")
	}
	links, err := h.store.Links(ctx, cl.OrganisationID, cl.ID)
	if err != nil {
		return err
	}
	v.Links = linkRows(links, now)
	events, err := h.store.Events(ctx, cl.OrganisationID, cl.ID, 200)
	if err != nil {
		return err
	}
	for _, e := range events {
		v.Events = append(v.Events, views.EventRow{At: e.At.Format("2 Jan 2006 15:04:05"), Ago: ago(e.At, now), Datetime: e.At.Format("2006-01-02T15:04:05Z07:00"),
			Source: e.Source, Label: sourceLabels[e.Source], Actor: e.Actor, Title: e.Title, Detail: e.Detail})
	}
	senders, err := h.store.Senders(ctx, cl.OrganisationID, cl.ID)
	if err != nil {
		return err
	}
	for _, s := range senders {
		v.Senders = append(v.Senders, senderRow(cl, s, canAct, otp[s.ID]))
	}
	v.Health = healthSignals(cl, senders, canAct, now)
	return nil
}

// takeNewLink moves a link just created (it travels as a flash and is shown
// once) from the flashes into the page, with its QR code.
func takeNewLink(p *views.Page, v *views.ClientView) error {
	for i, f := range p.Flashes {
		if f.Kind == "link" {
			v.NewLink = f.Message
			p.Flashes = append(p.Flashes[:i], p.Flashes[i+1:]...)
			var err error
			v.QRPath, v.QRSize, err = qrPath(v.NewLink)
			return err
		}
	}
	return nil
}

// journey is the stepper: each step done, current, a problem, or to do.
func journey(cl models.Client) []views.Step {
	idx := stepIndex[cl.Stage]
	var out []views.Step
	for i, label := range journeySteps {
		state := "todo"
		switch {
		case i < idx || cl.Stage == models.StageActive:
			state = "done"
		case i == idx && (cl.Stage == models.StageRejected || cl.Stage == models.StageSenderProblem):
			state = "problem"
		case i == idx:
			state = "current"
		}
		out = append(out, views.Step{Label: label, State: state})
	}
	return out
}

// linkDays are the lifetimes a new client link may have.
func linkDays() []views.Option {
	var out []views.Option
	for _, d := range models.LinkLifetimes {
		days := itoa(int64(d / (24 * time.Hour)))
		out = append(out, views.Option{Value: days, Label: days + " days"})
	}
	return out
}

func senderRow(cl models.Client, s models.Sender, canAct bool, otp views.Form) views.SenderRow {
	row := views.SenderRow{ID: s.ID, URL: clientURL(cl.ID) + "/senders/" + itoa(s.ID), Phone: s.Phone(), DisplayName: s.DisplayName,
		Provider:   map[string]string{models.ProviderCustomer: "Client's own number", models.ProviderSinch: "Number from Sinch"}[s.Provider],
		StageLabel: s.Stage.Label(), StageBadge: senderBadge(s.Stage), Reason: s.Reason, Queued: s.Stage == models.SenderQueued,
		Verification: s.Stage == models.SenderVerification && !s.Verified(), Verified: s.Stage == models.SenderVerification && s.Verified(), Deleted: s.Stage == models.SenderDeleted, OTPForm: otp,
		CanEdit:    canAct && s.Stage.Editable(),
		CanSubmit:  canAct && (s.Stage == models.SenderDraft || s.Stage == models.SenderQueued || s.Stage == models.SenderRejected || s.Stage == models.SenderError),
		CanDiscard: canAct && s.SinchID != "" && (s.Stage == models.SenderRejected || s.Stage == models.SenderError),
		CanDelete:  canAct && s.Stage != models.SenderDeleted,
		CanComment: canAct && s.SinchID != "" && s.Stage != models.SenderDeleted,
	}
	if row.Phone == "" {
		row.Phone = "+" + s.CountryCode + " (number from Sinch)"
	}
	for _, kv := range []views.KV{
		{Label: "Vertical", Value: models.LabelOf(models.SenderVerticals, s.Vertical)}, {Label: "About", Value: s.About},
		{Label: "Description", Value: s.Description}, {Label: "E-mail", Value: s.Email}, {Label: "Address", Value: s.Address},
		{Label: "Website", Value: s.WebsiteOne}, {Label: "Second website", Value: s.WebsiteTwo}, {Label: "Profile photo", Value: s.PhotoURL},
	} {
		if kv.Value != "" {
			row.Profile = append(row.Profile, kv)
		}
	}
	switch s.Stage {
	case models.SenderError:
		row.Problem = onboarding.ExplainSenderError(s.ErrorCode)
		if s.ErrorCode != "" {
			row.Problem += " (" + s.ErrorCode + ")"
		}
	case models.SenderRejected:
		row.Problem = "Meta or Sinch rejected this sender. Fix the details and resubmit, or discard the changes."
	case models.SenderQueued:
		row.Problem = "Sinch could not be reached; wabadesk retries automatically."
	}
	if s.OTPRequestedAt != nil {
		row.OTPNote = "Last code sent by " + strings.ToLower(map[string]string{"SMS": "SMS", "VOICE": "voice call"}[s.OTPMethod]) + " at " + s.OTPRequestedAt.Format("15:04") + "."
	}
	if s.Stage == models.SenderRejected || s.Stage == models.SenderError {
		edit := ""
		if row.CanEdit {
			edit = row.URL + "/edit"
		}
		row.Fix = fixGuideFor(s.Reason, s.ErrorCode, "", edit)
	}
	return row
}

func senderBadge(s models.SenderStage) string {
	switch s {
	case models.SenderActive:
		return "badge-ok"
	case models.SenderRejected, models.SenderError, models.SenderInactive:
		return "badge-danger"
	case models.SenderVerification, models.SenderQueued:
		return "badge-warn"
	case models.SenderDraft, models.SenderDeleted:
		return ""
	}
	return "badge-info"
}

// clientDetails lists what was (or will be) sent to Sinch.
func clientDetails(cl models.Client) []views.KV {
	orDefault := func(s string) string {
		if s == "" {
			return "Sinch default"
		}
		return s
	}
	kv := []views.KV{{Label: "Sinch project ID", Value: orDash(cl.ProjectID)}, {Label: "Business Manager ID", Value: orDash(cl.BusinessManagerID)}}
	if cl.Legacy {
		kv = append(kv, views.KV{Label: "Mode", Value: "Legacy On-Behalf-Of"}, views.KV{Label: "Company legal name", Value: orDash(cl.CompanyLegalName)})
	} else {
		kv = append(kv, views.KV{Label: "Mode", Value: "Partner-initiated"}, views.KV{Label: "WABA name", Value: orDash(cl.WabaName)},
			views.KV{Label: "Sender display name", Value: orDash(cl.SenderDisplayName)},
			views.KV{Label: "Business category", Value: orDash(models.LabelOf(models.BusinessCategories, cl.BusinessCategory))},
			views.KV{Label: "Region", Value: orDefault(models.LabelOf(models.Regions, cl.Region))},
			views.KV{Label: "Meta local storage", Value: orDefault(models.LabelOf(models.MetaLocalStorages, cl.MetaLocalStorage))})
	}
	kv = append(kv, views.KV{Label: "Sinch business manager", Value: orDefault(models.LabelOf(models.SinchBusinessManagers, cl.SinchBusinessManager))})
	if cl.WabaID != "" {
		kv = append(kv, views.KV{Label: "WABA ID", Value: cl.WabaID})
	}
	return kv
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// queueNotes say where a submission stands while it is queued, and why
// background work is paused when it is parked.
func queueNotes(cl models.Client) (queued, parked string) {
	if cl.ParkedReason != "" {
		parked = "Background work is paused: " + cl.ParkedReason + " wabadesk tries again every 30 minutes, and at once when the Sinch connection is saved in Settings."
	}
	switch {
	case cl.AccountStage != models.AccountQueued || parked != "":
	case cl.LastError == "":
		queued = "Submitting to Sinch — this page updates by itself when Sinch answers."
	default:
		queued = "Queued: " + cl.LastError + " wabadesk retries automatically"
		if cl.NextAttemptAt != nil {
			queued += "; next attempt at " + cl.NextAttemptAt.Format("15:04:05")
		}
		queued += ". Nothing needs to be typed again."
	}
	return queued, parked
}

// rejectedBy heads a rejection with who decided: the client at Meta, Meta
// (an expired request, an unknown portfolio) or Sinch.
func rejectedBy(reason string) string {
	r := strings.ToLower(reason)
	switch {
	case strings.Contains(r, "declined"):
		return "The client declined the request at Meta"
	case strings.Contains(r, "expired"):
		return "The request expired at Meta"
	case strings.Contains(r, "meta could not"):
		return "Meta could not create this account"
	}
	return "Sinch rejected this account"
}
