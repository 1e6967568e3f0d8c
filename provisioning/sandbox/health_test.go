package sandbox_test

import (
	"errors"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	pv "wabadesk/provisioning"
	"wabadesk/provisioning/sandbox"
)

func TestSetQualityRating(t *testing.T) {
	w := newWorld(t, sandbox.Options{})
	for _, r := range []pv.QualityRating{pv.QualityYellow, pv.QualityRed, pv.QualityUnknown, pv.QualityGreen} {
		if err := w.sb.SetQualityRating("p", w.sender, r); err != nil {
			t.Fatal(err)
		}
		if got := w.getSender("p", w.sender); got.QualityRating != r || got.State != pv.SenderActive {
			t.Fatalf("GET after %s: quality %s, state %s", r, got.QualityRating, got.State)
		}
		cb := w.oneCallback(pv.TriggerSenderQualityRatingChanged)
		if cb.Sender == nil || cb.Sender.ID != w.sender || cb.Sender.QualityRating != r || cb.Sender.State != pv.SenderActive {
			t.Fatalf("payload for %s: %+v", r, cb.Sender)
		}
	}
}

func TestSetBusinessDailyLimit(t *testing.T) {
	w := newWorld(t, sandbox.Options{})
	if a := w.getAccount("p"); a.BusinessDailyLimit != pv.Tier250 {
		t.Fatalf("an onboarded account starts at TIER_250, got %q", a.BusinessDailyLimit)
	}
	all := []pv.DailyLimit{pv.Tier1K, pv.Tier2K, pv.Tier10K, pv.Tier100K, pv.TierUnlimited, pv.Tier50, pv.TierNotSet, pv.Tier250}
	for _, l := range all {
		if err := w.sb.SetBusinessDailyLimit("p", l); err != nil {
			t.Fatal(err)
		}
		if a := w.getAccount("p"); a.BusinessDailyLimit != l {
			t.Fatalf("GET after %s: %s", l, a.BusinessDailyLimit)
		}
		cb := w.oneCallback(pv.TriggerAccountDailyLimitChanged) // and no deprecated sender callback
		if a := cb.Account; a == nil || a.BusinessDailyLimit != l || a.State != pv.AccountOnboarded || a.WabaID == "" || a.Details == nil {
			t.Fatalf("payload for %s is not the full onboarded account: %+v", l, a)
		}
	}
	if sn := w.getSender("p", w.sender); sn.DailyLimit != "" {
		t.Fatalf("the deprecated sender dailyLimit is set without LegacySenderDailyLimit: %s", sn.DailyLimit)
	}
}

func TestLegacySenderDailyLimit(t *testing.T) {
	w := newWorld(t, sandbox.Options{LegacySenderDailyLimit: true})
	if sn := w.getSender("p", w.sender); sn.DailyLimit != pv.Tier250 {
		t.Fatalf("new sender: dailyLimit %q, want the account's TIER_250", sn.DailyLimit)
	}
	if err := w.sb.SetBusinessDailyLimit("p", pv.Tier2K); err != nil {
		t.Fatal(err)
	}
	got := w.takeCallbacks()
	if len(got) != 2 || got[0].Type != pv.TriggerAccountDailyLimitChanged || got[1].Type != pv.TriggerSenderDailyLimitChangedLegacy {
		t.Fatalf("callbacks: %+v", got)
	}
	if got[1].Sender.ID != w.sender || got[1].Sender.DailyLimit != pv.Tier2K {
		t.Fatalf("deprecated payload: %+v", got[1].Sender)
	}
	if sn := w.getSender("p", w.sender); sn.DailyLimit != pv.Tier2K {
		t.Fatalf("GET sender: dailyLimit %q", sn.DailyLimit)
	}
}

func TestReviewDisplayName(t *testing.T) {
	w := newWorld(t, sandbox.Options{})
	check := func(step string, status pv.MetadataStatus, value, reason, details string, changes pv.SenderChangeStatus) {
		t.Helper()
		cb := w.oneCallback(pv.TriggerSenderDisplayNameUpdated)
		for _, sn := range []*pv.Sender{w.getSender("p", w.sender), cb.Sender} {
			m := sn.Metadata
			if m == nil || m.DisplayName == nil || *m.DisplayName != (pv.MetadataField{Value: value, Status: status, RejectionReason: reason}) {
				t.Fatalf("%s: metadata %+v", step, m)
			}
			if sn.State != pv.SenderActive || sn.Details == nil || sn.Details.DisplayName != details {
				t.Fatalf("%s: state %s, details %+v", step, sn.State, sn.Details)
			}
			var cs pv.SenderChangeStatus
			if sn.Changes != nil {
				cs = sn.Changes.Status
				if sn.Changes.Details == nil || sn.Changes.Details.DisplayName != value {
					t.Fatalf("%s: changes carry %+v", step, sn.Changes.Details)
				}
			}
			if cs != changes {
				t.Fatalf("%s: changes status %q, want %q", step, cs, changes)
			}
		}
	}
	mustDo(t, w.sb.ReviewDisplayName("p", w.sender, pv.MetadataPending, "Acme Help", ""))
	check("pending", pv.MetadataPending, "Acme Help", "", "Acme Support", pv.SenderChangeInProgress)
	// One name change at a time, as at Sinch.
	_, err := w.c.UpdateSender(ctx, "p", w.sender, pv.UpdateSenderRequest{Status: pv.ActionSubmit, Details: &pv.UpdateSenderDetails{DisplayName: "Other"}})
	if !pv.HasCode(err, "sender_display_name_update_not_allowed") {
		t.Fatalf("PATCH during review: %v", err)
	}
	mustDo(t, w.sb.ReviewDisplayName("p", w.sender, pv.MetadataDeferred, "", ""))
	check("deferred", pv.MetadataDeferred, "Acme Help", "", "Acme Support", pv.SenderChangeInProgress)
	mustDo(t, w.sb.ReviewDisplayName("p", w.sender, pv.MetadataRejected, "", ""))
	check("rejected", pv.MetadataRejected, "Acme Help", sandbox.DefaultNameRejection, "Acme Support", pv.SenderChangeRejected)
	mustDo(t, w.sb.ReviewDisplayName("p", w.sender, pv.MetadataApproved, "", ""))
	check("approved", pv.MetadataApproved, "Acme Help", "", "Acme Help", "")

	// A re-verification of the current name, rejected with a reason of its own.
	mustDo(t, w.sb.ReviewDisplayName("p", w.sender, pv.MetadataRejected, "", "Name does not match the business's branding."))
	check("rejected again", pv.MetadataRejected, "Acme Help", "Name does not match the business's branding.", "Acme Help", "")

	// A rename through the API, decided at once: the scheduled review is off.
	if _, err := w.c.UpdateSender(ctx, "p", w.sender, pv.UpdateSenderRequest{Status: pv.ActionSubmit,
		Details: &pv.UpdateSenderDetails{DisplayName: "Acme Care"}}); err != nil {
		t.Fatal(err)
	}
	mustDo(t, w.sb.ReviewDisplayName("p", w.sender, pv.MetadataRejected, "", ""))
	check("API rename rejected", pv.MetadataRejected, "Acme Care", sandbox.DefaultNameRejection, "Acme Help", pv.SenderChangeRejected)
	w.sb.Advance()
	w.noCallbacks()
	check2 := w.getSender("p", w.sender)
	if check2.Details.DisplayName != "Acme Help" || check2.Metadata.DisplayName.Status != pv.MetadataRejected {
		t.Fatalf("the cancelled review ran anyway: %+v %+v", check2.Details, check2.Metadata.DisplayName)
	}
	// Fixed through the API and resubmitted, the sandbox reviews it again.
	if _, err := w.c.UpdateSender(ctx, "p", w.sender, pv.UpdateSenderRequest{Status: pv.ActionSubmit,
		Details: &pv.UpdateSenderDetails{DisplayName: "Acme Care Team"}}); err != nil {
		t.Fatal(err)
	}
	w.sb.Advance()
	check("resubmitted", pv.MetadataApproved, "Acme Care Team", "", "Acme Care Team", "")
}

func TestSetSenderState(t *testing.T) {
	w := newWorld(t, sandbox.Options{})
	steps := []struct {
		state pv.SenderState
		typ   pv.Trigger
	}{
		{pv.SenderSuspended, pv.TriggerSenderInactive},
		{pv.SenderActive, pv.TriggerSenderActive},
		{pv.SenderInactive, pv.TriggerSenderInactive},
		{pv.SenderSuspended, pv.TriggerSenderInactive},
		{pv.SenderActive, pv.TriggerSenderActive},
	}
	for _, st := range steps {
		mustDo(t, w.sb.SetSenderState("p", w.sender, st.state))
		if got := w.getSender("p", w.sender); got.State != st.state {
			t.Fatalf("GET after %s: %s", st.state, got.State)
		}
		if cb := w.oneCallback(st.typ); cb.Sender.ID != w.sender || cb.Sender.State != st.state {
			t.Fatalf("%s payload: %+v", st.typ, cb.Sender)
		}
		if st.state == pv.SenderSuspended {
			// A suspended number takes no profile edits, as at Sinch.
			_, err := w.c.UpdateSender(ctx, "p", w.sender, pv.UpdateSenderRequest{Details: &pv.UpdateSenderDetails{DisplayName: "X"}})
			if !pv.HasCode(err, "sender_not_updatable") {
				t.Fatalf("PATCH while suspended: %v", err)
			}
		}
	}
	acts, err := w.c.ListSenderActivities(ctx, "p", w.sender, pv.PageParams{})
	if err != nil || acts.Notifications[0].Type != pv.ActivityActive || acts.Notifications[1].Type != pv.ActivityInactive {
		t.Fatalf("activities: %+v %v", acts, err)
	}
}

func TestSetWabaBanState(t *testing.T) {
	w := newWorld(t, sandbox.Options{})
	if err := w.sb.SetWabaBanState("p", pv.BanReinstate); !errors.Is(err, sandbox.ErrNotAllowed) {
		t.Fatalf("reinstating a WABA never banned: %v", err)
	}
	w.noCallbacks()
	const date = "2026-03-04T05:06:07.890Z" // healthNow, as Sinch writes created/modified
	for _, st := range []pv.WabaBanState{pv.BanScheduleForDisable, pv.BanDisable, pv.BanReinstate, pv.BanDisable} {
		mustDo(t, w.sb.SetWabaBanState("p", st))
		if a := w.getAccount("p"); a.WabaBanState != string(st) || a.WabaBanDate != date {
			t.Fatalf("GET after %s: %q %q", st, a.WabaBanState, a.WabaBanDate)
		}
		cb := w.oneCallback(pv.TriggerWabaAccountChanged)
		if a := cb.Account; a == nil || a.WabaBanState != string(st) || a.WabaBanDate != date || a.State != pv.AccountOnboarded || a.WabaID == "" {
			t.Fatalf("payload for %s: %+v", st, a)
		}
	}
}

func TestHealthControlsRefuseBadInput(t *testing.T) {
	w := newWorld(t, sandbox.Options{})
	// Project "q" waits at Meta; "r" has a CUSTOMER number waiting for its OTP.
	if _, err := w.c.CreateAccount(ctx, "q", account()); err != nil {
		t.Fatal(err)
	}
	w.onboard("r")
	pending, err := w.c.CreateSender(ctx, "r", pv.CreateSenderRequest{PhoneNumberProvider: pv.ProviderCustomer,
		Details: pv.CreateSenderDetails{DisplayName: "Acme", Vertical: "OTHER", CountryCode: "48", PhoneNumber: "600100200"}})
	if err != nil {
		t.Fatal(err)
	}
	w.sb.Advance()
	w.takeCallbacks()
	s := w.sender
	cases := []struct {
		name string
		err  error
		do   func() error
	}{
		{"unknown rating", sandbox.ErrBadValue, func() error { return w.sb.SetQualityRating("p", s, "PURPLE") }},
		{"UNRECOGNIZED rating", sandbox.ErrBadValue, func() error { return w.sb.SetQualityRating("p", s, "UNRECOGNIZED") }},
		{"same rating", sandbox.ErrUnchanged, func() error { return w.sb.SetQualityRating("p", s, pv.QualityGreen) }},
		{"rating, unknown sender", sandbox.ErrNotFound, func() error { return w.sb.SetQualityRating("p", "nope", pv.QualityRed) }},
		{"rating, unknown project", sandbox.ErrNotFound, func() error { return w.sb.SetQualityRating("zz", s, pv.QualityRed) }},
		{"rating, sender not live", sandbox.ErrNotAllowed, func() error { return w.sb.SetQualityRating("r", pending.ID, pv.QualityRed) }},
		{"unknown limit", sandbox.ErrBadValue, func() error { return w.sb.SetBusinessDailyLimit("p", "TIER_5K") }},
		{"same limit", sandbox.ErrUnchanged, func() error { return w.sb.SetBusinessDailyLimit("p", pv.Tier250) }},
		{"limit, unknown project", sandbox.ErrNotFound, func() error { return w.sb.SetBusinessDailyLimit("zz", pv.Tier1K) }},
		{"limit, account not onboarded", sandbox.ErrNotAllowed, func() error { return w.sb.SetBusinessDailyLimit("q", pv.Tier1K) }},
		{"unknown ban state", sandbox.ErrBadValue, func() error { return w.sb.SetWabaBanState("p", "BANNED") }},
		{"ban, account not onboarded", sandbox.ErrNotAllowed, func() error { return w.sb.SetWabaBanState("q", pv.BanDisable) }},
		{"ban, unknown project", sandbox.ErrNotFound, func() error { return w.sb.SetWabaBanState("zz", pv.BanDisable) }},
		{"state ERROR", sandbox.ErrBadValue, func() error { return w.sb.SetSenderState("p", s, pv.SenderError) }},
		{"state PENDING_VERIFICATION", sandbox.ErrBadValue, func() error { return w.sb.SetSenderState("p", s, pv.SenderPendingVerification) }},
		{"same state", sandbox.ErrUnchanged, func() error { return w.sb.SetSenderState("p", s, pv.SenderActive) }},
		{"state, unknown sender", sandbox.ErrNotFound, func() error { return w.sb.SetSenderState("p", "nope", pv.SenderSuspended) }},
		{"state, sender not live", sandbox.ErrNotAllowed, func() error { return w.sb.SetSenderState("r", pending.ID, pv.SenderActive) }},
		{"name status EXPIRED", sandbox.ErrBadValue, func() error { return w.sb.ReviewDisplayName("p", s, pv.MetadataExpired, "", "") }},
		{"pending without a name", sandbox.ErrBadValue, func() error { return w.sb.ReviewDisplayName("p", s, pv.MetadataPending, " ", "") }},
		{"name too long", sandbox.ErrBadValue, func() error {
			return w.sb.ReviewDisplayName("p", s, pv.MetadataPending, strings.Repeat("a", 129), "")
		}},
		{"name, unknown sender", sandbox.ErrNotFound, func() error { return w.sb.ReviewDisplayName("p", "nope", pv.MetadataApproved, "", "") }},
		{"name, sender not live", sandbox.ErrNotAllowed, func() error {
			return w.sb.ReviewDisplayName("r", pending.ID, pv.MetadataApproved, "", "")
		}},
	}
	before := w.snapshot("p") + w.snapshot("r")
	for _, c := range cases {
		if err := c.do(); !errors.Is(err, c.err) {
			t.Errorf("%s: got %v, want %v", c.name, err, c.err)
		}
	}
	if after := w.snapshot("p") + w.snapshot("r"); after != before {
		t.Fatalf("refused changes changed something:\nbefore %s\nafter  %s", before, after)
	}
	if a, _ := w.sb.Account("q"); a.BusinessDailyLimit != "" || a.WabaBanState != "" {
		t.Fatalf("pending account changed: %+v", a)
	}
	w.noCallbacks()
}

func TestHealthControlPages(t *testing.T) {
	w := newWorld(t, sandbox.Options{})
	s := "/controls/projects/p/senders/" + w.sender
	index := get(t, w.public+"/")
	for _, want := range []string{
		`action="` + w.public + `/controls/projects/p/account/daily-limit"`, `action="` + w.public + `/controls/projects/p/account/ban"`,
		`action="` + w.public + s + `/quality"`, `action="` + w.public + s + `/state"`, `action="` + w.public + s + `/display-name"`,
		`name="limit"`, `value="TIER_UNLIMITED"`, `name="rating"`, `value="RED"`, `value="SUSPENDED"`, `value="PENDING"`,
		`data-testid="daily-limit">TIER_250<`,
	} {
		if !strings.Contains(index, want) {
			t.Fatalf("overview lacks %s:\n%s", want, index)
		}
	}
	if strings.Contains(index, `value="REINSTATE"`) {
		t.Fatal("the overview offers to reinstate a WABA that is not banned")
	}
	steps := []struct {
		path  string
		form  url.Values
		done  string
		typ   pv.Trigger
		check func() bool
		shown string
	}{
		{s + "/quality", url.Values{"rating": {"RED"}}, "quality", pv.TriggerSenderQualityRatingChanged,
			func() bool { return w.getSender("p", w.sender).QualityRating == pv.QualityRed }, "<td>RED</td>"},
		{"/controls/projects/p/account/daily-limit", url.Values{"limit": {"TIER_10K"}}, "limit", pv.TriggerAccountDailyLimitChanged,
			func() bool { return w.getAccount("p").BusinessDailyLimit == pv.Tier10K }, `data-testid="daily-limit">TIER_10K<`},
		{s + "/display-name", url.Values{"status": {"PENDING"}, "value": {"Acme Help"}, "reason": {""}}, "display-name",
			pv.TriggerSenderDisplayNameUpdated, func() bool {
				m := w.getSender("p", w.sender).Metadata.DisplayName
				return m.Status == pv.MetadataPending && m.Value == "Acme Help"
			}, "Acme Support → Acme Help"},
		{s + "/display-name", url.Values{"status": {"REJECTED"}, "value": {""}, "reason": {"Generic words only."}}, "display-name",
			pv.TriggerSenderDisplayNameUpdated, func() bool {
				m := w.getSender("p", w.sender).Metadata.DisplayName
				return m.Status == pv.MetadataRejected && m.RejectionReason == "Generic words only."
			}, "Generic words only."},
		{s + "/display-name", url.Values{"status": {"DEFERRED"}}, "display-name", pv.TriggerSenderDisplayNameUpdated,
			func() bool { return w.getSender("p", w.sender).Metadata.DisplayName.Status == pv.MetadataDeferred }, "(DEFERRED)"},
		{s + "/display-name", url.Values{"status": {"APPROVED"}}, "display-name", pv.TriggerSenderDisplayNameUpdated,
			func() bool { return w.getSender("p", w.sender).Details.DisplayName == "Acme Help" }, "(APPROVED)"},
		{s + "/state", url.Values{"state": {"SUSPENDED"}}, "state", pv.TriggerSenderInactive,
			func() bool { return w.getSender("p", w.sender).State == pv.SenderSuspended }, "<td>SUSPENDED</td>"},
		{s + "/state", url.Values{"state": {"ACTIVE"}}, "state", pv.TriggerSenderActive,
			func() bool { return w.getSender("p", w.sender).State == pv.SenderActive }, "<td>ACTIVE</td>"},
		{s + "/state", url.Values{"state": {"INACTIVE"}}, "state", pv.TriggerSenderInactive,
			func() bool { return w.getSender("p", w.sender).State == pv.SenderInactive }, "<td>INACTIVE</td>"},
		{"/controls/projects/p/account/ban", url.Values{"state": {"SCHEDULE_FOR_DISABLE"}}, "ban", pv.TriggerWabaAccountChanged,
			func() bool { return w.getAccount("p").WabaBanState == "SCHEDULE_FOR_DISABLE" }, `data-testid="ban-state">SCHEDULE_FOR_DISABLE<`},
		{"/controls/projects/p/account/ban", url.Values{"state": {"DISABLE"}}, "ban", pv.TriggerWabaAccountChanged,
			func() bool { return w.getAccount("p").WabaBanState == "DISABLE" }, `value="REINSTATE"`},
		{"/controls/projects/p/account/ban", url.Values{"state": {"REINSTATE"}}, "ban", pv.TriggerWabaAccountChanged,
			func() bool { return w.getAccount("p").WabaBanState == "REINSTATE" }, `data-testid="ban-state">REINSTATE<`},
	}
	for _, st := range steps {
		code, loc, _ := w.post(st.path, st.form)
		want := w.public + "/?done=" + st.done + "&project=p#p-p"
		if code != 303 || loc != want {
			t.Fatalf("POST %s %v: %d to %q, want 303 to %q", st.path, st.form, code, loc, want)
		}
		if !st.check() {
			t.Fatalf("POST %s %v: the next GET does not show the change", st.path, st.form)
		}
		w.oneCallback(st.typ)
		page := get(t, loc)
		if !strings.Contains(page, `data-testid="flash">`) || !strings.Contains(page, string(st.typ)) ||
			!strings.Contains(page, `class="card sel" data-testid="project" id="p-p"`) || !strings.Contains(page, st.shown) {
			t.Fatalf("overview after POST %s %v lacks the flash, the outline or %q:\n%s", st.path, st.form, st.shown, page)
		}
	}
}

func TestHealthControlPagesRefuseBadInput(t *testing.T) {
	w := newWorld(t, sandbox.Options{})
	s := "/controls/projects/p/senders/" + w.sender
	before := w.snapshot("p")
	cases := []struct {
		path string
		form url.Values
		code int
		msg  string
	}{
		{s + "/quality", url.Values{"rating": {"PURPLE"}}, 400, `quality rating &#34;PURPLE&#34;`},
		{s + "/quality", url.Values{}, 400, "quality rating"},
		{s + "/quality", url.Values{"rating": {"GREEN"}}, 409, "already GREEN"},
		{"/controls/projects/p/senders/nope/quality", url.Values{"rating": {"RED"}}, 404, `no sender &#34;nope&#34;`},
		{"/controls/projects/zz/account/daily-limit", url.Values{"limit": {"TIER_1K"}}, 404, "has no WhatsApp account"},
		{"/controls/projects/p/account/daily-limit", url.Values{"limit": {"TIER_3K"}}, 400, "daily limit"},
		{"/controls/projects/p/account/ban", url.Values{"state": {"REINSTATE"}}, 409, "can be reinstated"},
		{s + "/state", url.Values{"state": {"ERROR"}}, 400, "sender state"},
		{s + "/display-name", url.Values{"status": {"PENDING"}}, 400, "needs the new display name"},
	}
	for _, c := range cases {
		code, loc, body := w.post(c.path, c.form)
		if code != c.code || loc != "" || !strings.Contains(body, `data-testid="error">Nothing changed: `) || !strings.Contains(body, c.msg) {
			t.Fatalf("POST %s %v: %d %q, want %d with %q:\n%s", c.path, c.form, code, loc, c.code, c.msg, body)
		}
		if !strings.Contains(body, "Project p") {
			t.Fatalf("the error page is not the overview:\n%s", body)
		}
	}
	if w.snapshot("p") != before {
		t.Fatal("a refused POST changed something")
	}
	w.noCallbacks()
}

func TestHealthControlJSONAndVisibility(t *testing.T) {
	w := newWorld(t, sandbox.Options{})
	code, _, body := w.post("/controls/projects/p/senders/"+w.sender+"/quality?format=json", url.Values{"rating": {"YELLOW"}})
	if code != 200 || !strings.Contains(body, `"qualityRating":"YELLOW"`) {
		t.Fatalf("JSON control: %d %s", code, body)
	}
	w.oneCallback(pv.TriggerSenderQualityRatingChanged)
	code, _, body = w.post("/controls/projects/p/account/ban", url.Values{"state": {"LOL"}}, "Accept", "application/json")
	if code != 400 || !strings.Contains(body, `"error":"unknown value: WABA ban state`) {
		t.Fatalf("JSON error: %d %s", code, body)
	}

	// Embedded, a visitor acts only on the projects the app lets them see.
	req := httptest.NewRequest("POST", "/controls/projects/p/senders/"+w.sender+"/quality", strings.NewReader("rating=RED"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req = req.WithContext(sandbox.WithVisible(req.Context(), func(string) bool { return false }))
	rec := httptest.NewRecorder()
	w.sb.ServeHTTP(rec, req)
	if rec.Code != 404 || strings.Contains(rec.Body.String(), w.sender) {
		t.Fatalf("invisible project: %d\n%s", rec.Code, rec.Body)
	}
	if sn := w.getSender("p", w.sender); sn.QualityRating != pv.QualityYellow {
		t.Fatalf("invisible project changed: %s", sn.QualityRating)
	}
	w.noCallbacks()
}

func TestHealthPersists(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sandbox.json")
	w := newWorld(t, sandbox.Options{StatePath: path})
	mustDo(t, w.sb.SetQualityRating("p", w.sender, pv.QualityRed))
	mustDo(t, w.sb.SetBusinessDailyLimit("p", pv.Tier100K))
	mustDo(t, w.sb.SetWabaBanState("p", pv.BanDisable))
	mustDo(t, w.sb.ReviewDisplayName("p", w.sender, pv.MetadataRejected, "", ""))
	mustDo(t, w.sb.SetSenderState("p", w.sender, pv.SenderSuspended))
	w.sb.WaitIdle()

	again := sandbox.New(sandbox.Options{StatePath: path})
	t.Cleanup(func() { again.Close() })
	a, _ := again.Account("p")
	sn, _ := again.Sender("p", w.sender)
	if a.BusinessDailyLimit != pv.Tier100K || a.WabaBanState != "DISABLE" || a.WabaBanDate == "" {
		t.Fatalf("account after restart: %+v", a)
	}
	if sn.QualityRating != pv.QualityRed || sn.State != pv.SenderSuspended || sn.Metadata.DisplayName.Status != pv.MetadataRejected ||
		sn.Metadata.DisplayName.RejectionReason != sandbox.DefaultNameRejection {
		t.Fatalf("sender after restart: %+v", sn)
	}
}

func mustDo(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
