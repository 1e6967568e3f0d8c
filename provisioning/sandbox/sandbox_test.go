package sandbox_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"wabadesk/provisioning"
	"wabadesk/provisioning/sandbox"
)

var ctx = context.Background()

func start(t *testing.T, o sandbox.Options) (*sandbox.Sandbox, *provisioning.Client, string) {
	t.Helper()
	o.Keys = map[string]string{"k": "s"}
	sb := sandbox.New(o)
	srv := httptest.NewServer(http.StripPrefix("/sandbox", sb))
	t.Cleanup(func() { srv.Close(); sb.Close() })
	c := provisioning.New(provisioning.Config{BaseURL: srv.URL + "/sandbox", KeyID: "k", KeySecret: "s"})
	return sb, c, srv.URL
}

func account() provisioning.CreateAccountRequest {
	return provisioning.CreateAccountRequest{WabaName: "Acme", ClientBusinessManagerID: "42",
		SenderDetails: provisioning.AccountSenderDetails{DisplayName: "Acme", BusinessCategory: "OTHER"}}
}

func TestStatePersistsAcrossRestarts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sandbox.json")
	_, c, _ := start(t, sandbox.Options{StatePath: path, Delays: &sandbox.Delays{}})
	if _, err := c.CreateAccount(ctx, "p", account()); err != nil {
		t.Fatal(err)
	}
	sb2, c2, _ := start(t, sandbox.Options{StatePath: path, Delays: &sandbox.Delays{}})
	sb2.Advance() // the due transition survived the restart too
	a, err := c2.GetAccount(ctx, "p")
	if err != nil || a.Status() != "PENDING_FACEBOOK_VERIFICATION" {
		t.Fatalf("after restart: %+v %v", a, err)
	}
	if leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".sandbox-state-*")); len(leftovers) != 0 {
		t.Fatalf("temporary files left behind: %v", leftovers)
	}
}

func TestBrokenStateFileIsSetAside(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sandbox.json")
	if err := os.WriteFile(path, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	var logged string
	_, c, _ := start(t, sandbox.Options{StatePath: path, Logf: func(f string, a ...any) { logged = f }})
	if _, err := c.GetAccount(ctx, "p"); !provisioning.HasCode(err, "account_not_found") {
		t.Fatalf("want an empty sandbox, got %v", err)
	}
	if _, err := os.Stat(path + ".broken"); err != nil || logged == "" {
		t.Fatalf("broken file not kept or not logged: %v %q", err, logged)
	}
}

func TestRunPerformsTransitionsByItself(t *testing.T) {
	sb, c, _ := start(t, sandbox.Options{Delays: &sandbox.Delays{Prepare: 20 * time.Millisecond}})
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	go sb.Run(runCtx)
	if _, err := c.CreateAccount(ctx, "p", account()); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(3 * time.Second)
	for time.Now().Before(deadline) {
		if a, _ := sb.Account("p"); a.Status() == "PENDING_FACEBOOK_VERIFICATION" {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("Run did not move the account to PENDING_FACEBOOK_VERIFICATION")
}

func TestPagesUsePublicURL(t *testing.T) {
	const public = "http://app.example:8080/sandbox"
	sb, c, base := start(t, sandbox.Options{PublicURL: public, Delays: &sandbox.Delays{}, OmitRequestID: true})
	if _, err := c.CreateAccount(ctx, "p", account()); err != nil {
		t.Fatal(err)
	}
	sb.Advance()
	a, _ := c.GetAccount(ctx, "p")
	if a.PartnerInitiatedRequestID != "" || sb.RequestID("p") == "" {
		t.Fatalf("OmitRequestID: public %q, internal %q", a.PartnerInitiatedRequestID, sb.RequestID("p"))
	}
	if got := sb.MetaRequestsURL(); got != public+"/meta/latest/settings/requests" {
		t.Fatal(got)
	}
	meta := get(t, base+"/sandbox/meta/latest/settings/requests?business_id=42")
	for _, want := range []string{"Sinch sandbox", `action="` + public + "/meta/latest/settings/requests/" + sb.RequestID("p") + `/approve"`, "Acme"} {
		if !strings.Contains(meta, want) {
			t.Fatalf("meta page lacks %q:\n%s", want, meta)
		}
	}
	if other := get(t, base+"/sandbox/meta/latest/settings/requests?business_id=99"); strings.Contains(other, sb.RequestID("p")) {
		t.Fatal("another business portfolio sees the request")
	}
	index := get(t, base+"/sandbox/")
	if !strings.Contains(index, public+"/meta/latest/settings/requests?business_id=42") {
		t.Fatalf("index lacks the approval link:\n%s", index)
	}
	if inbox := get(t, base+"/sandbox/inbox"); !strings.Contains(inbox, "Phone inbox") {
		t.Fatal(inbox)
	}
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d", url, resp.StatusCode)
	}
	return string(b)
}
