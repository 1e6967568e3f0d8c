package sandbox

// pageTemplates are the stand-in pages: plain, labelled "Sinch sandbox" so
// nobody mistakes them for Meta or a real phone.
const pageTemplates = `
{{define "head"}}<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.}} · Sinch sandbox</title>
<style>
body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1c1e21;background:#f0f2f5}
header{background:#5b2a86;color:#fff;padding:.6rem 1rem}header b{letter-spacing:.03em}
main{max-width:60rem;margin:1rem auto;padding:0 1rem}
.card{background:#fff;border-radius:8px;padding:1rem;margin:0 0 1rem;box-shadow:0 1px 2px #0002}
.sel{outline:3px solid #1877f2}.muted{color:#65676b}.code{font:700 1.6rem monospace;letter-spacing:.15em}
button{font:inherit;padding:.4rem 1rem;border-radius:6px;border:1px solid #ccd0d5;cursor:pointer}
.ok{background:#166fe5;color:#fff;border-color:#166fe5}table{border-collapse:collapse;width:100%}
td,th{text-align:left;padding:.25rem .5rem;border-bottom:1px solid #eee;vertical-align:top}
select,input{font:inherit;padding:.35rem .4rem;border-radius:6px;border:1px solid #ccd0d5}
.ctl form{display:inline-block;margin:.2rem 1.2rem .2rem 0}.ctl{font-size:.9em}.err{border-left:4px solid #d93025}
</style></head><body><header><b>Sinch sandbox</b> · {{.}} · simulated, not the real service</header><main>{{end}}
{{define "foot"}}</main></body></html>{{end}}

{{define "meta"}}{{template "head" "Meta Business Suite (stand-in)"}}
<h1>Settings › Requests › Received</h1>
<p class="muted">Stand-in for Meta Business Suite. Business portfolio: <b>{{or .BusinessID "all"}}</b></p>
{{if .Back}}<p><a href="{{.Back}}" data-testid="back">← Back to your set-up page</a></p>{{end}}
{{if eq .Done "approved"}}<p class="card" data-testid="flash">Request approved. The WhatsApp Business Account was created.</p>{{end}}
{{if eq .Done "declined"}}<p class="card" data-testid="flash">Request declined.</p>{{end}}
{{if eq .Done "none"}}<p class="card" data-testid="flash">That request is no longer pending.</p>{{end}}
{{range .Requests}}<div class="card{{if .Selected}} sel{{end}}" data-testid="request" id="r{{.RequestID}}">
<h2>WhatsApp Business Account creation request</h2>
<p>Sinch asks to create the WhatsApp Business Account <b>{{.WabaName}}</b>{{if .DisplayName}}, with the phone display name <b>{{.DisplayName}}</b>{{end}}, in your business portfolio.</p>
<p><b>{{statusWords .Status}}</b></p>
<p class="muted">Request {{.RequestID}} · business portfolio {{.BusinessID}} · sent {{date .Requested}} · expires {{date .Expires}}</p>
{{if .Pending}}<form method="post" action="{{$.Base}}/meta/latest/settings/requests/{{.RequestID}}/approve" style="display:inline">
<input type="hidden" name="business_id" value="{{$.BusinessID}}">{{with $.Access}}<input type="hidden" name="access" value="{{.}}">{{end}}{{with $.Back}}<input type="hidden" name="back" value="{{.}}">{{end}}<button class="ok" data-testid="approve">Approve</button></form>
<form method="post" action="{{$.Base}}/meta/latest/settings/requests/{{.RequestID}}/decline" style="display:inline">
<input type="hidden" name="business_id" value="{{$.BusinessID}}">{{with $.Access}}<input type="hidden" name="access" value="{{.}}">{{end}}{{with $.Back}}<input type="hidden" name="back" value="{{.}}">{{end}}<button data-testid="decline">Decline</button></form>{{end}}
</div>{{else}}<p class="card">No requests for this business portfolio.</p>{{end}}
{{template "foot"}}{{end}}

{{define "inbox"}}{{template "head" "Phone inbox"}}
<h1>Phone inbox</h1><p class="muted">Verification codes the sandbox "sent" by SMS or voice call.{{if .Phone}} Showing +{{.Phone}}.{{end}}</p>
{{range $p := .Phones}}<div class="card" data-testid="phone"><h2>+{{$p}}</h2>
{{range index $.ByPhone $p}}<p><span class="muted">{{date .Received}} · {{.Channel}}</span><br>{{.Text}}<br>
<span class="code" data-testid="otp">{{.Code}}</span></p>{{end}}</div>
{{else}}<p class="card">No messages yet. Register a sender (POST …/register) to receive a code.</p>{{end}}
{{template "foot"}}{{end}}

{{define "access"}}{{with .}}<input type="hidden" name="access" value="{{.}}">{{end}}{{end}}

{{define "index"}}{{template "head" "Overview"}}
<h1>Sinch sandbox</h1>
<p>A simulator of the Sinch Provisioning API at <code>{{.Base}}/v1/projects/…</code>, OAuth2 at <code>{{.Base}}/oauth2/token</code>.
Stand-ins: <a href="{{.Base}}/meta/latest/settings/requests">Meta requests</a> · <a href="{{.Base}}/inbox">phone inbox</a>.</p>
{{with .Flash}}<p class="card" data-testid="flash">{{.}}</p>{{end}}
{{with .Error}}<p class="card err" data-testid="error">{{.}}</p>{{end}}
{{range $p := .Projects}}<div class="card{{if .Selected}} sel{{end}}" data-testid="project" id="p-{{.ID}}"><h2>Project {{.ID}}</h2>
<p>Account: <b>{{or .AccountStatus "none"}}</b>{{if .MetaLink}} · <a href="{{.MetaLink}}">approve at Meta</a>{{end}} · {{.Webhooks}} webhook(s)</p>
{{if .Onboarded}}<p>Messaging limit: <b data-testid="daily-limit">{{or .DailyLimit "none"}}</b> · WABA ban state: <b data-testid="ban-state">{{or .BanState "none"}}</b>{{with .BanDate}} <span class="muted">since {{.}}</span>{{end}}</p>
<div class="ctl"><span class="muted">As Meta:</span>
<form method="post" action="{{$.Base}}/controls/projects/{{.ID}}/account/daily-limit">{{template "access" $.Access}}
<select name="limit" aria-label="Messaging limit">{{range $.Choices.Limits}}<option value="{{.Value}}"{{if eq .Value $p.DailyLimit}} selected{{end}}>{{.Label}}</option>{{end}}</select>
<button data-testid="set-limit">Change messaging limit</button></form>
<form method="post" action="{{$.Base}}/controls/projects/{{.ID}}/account/ban">{{template "access" $.Access}}WABA:
{{range .BanActions}}<button name="state" value="{{.Value}}" data-testid="ban-{{.Value}}">{{.Label}}</button> {{end}}</form>
</div>{{end}}
{{if .Senders}}<table><tr><th>Sender</th><th>Number</th><th>Status</th><th>Quality</th><th>Display name</th></tr>
{{range $s := .Senders}}<tr data-testid="sender"><td>{{.ID}}</td><td>{{.Number}}</td><td>{{.Status}}</td><td>{{or .Quality "-"}}</td>
<td>{{.Name}}{{with .NameStatus}} <span class="muted">({{.}})</span>{{end}}{{with .NameReason}}<br><span class="muted">{{.}}</span>{{end}}</td></tr>
{{if .Live}}<tr><td colspan="5" class="ctl"><span class="muted">As Meta:</span>
<form method="post" action="{{$.Base}}/controls/projects/{{$p.ID}}/senders/{{.ID}}/quality">{{template "access" $.Access}}
<select name="rating" aria-label="Quality rating">{{range $.Choices.Ratings}}<option value="{{.Value}}"{{if eq .Value $s.Quality}} selected{{end}}>{{.Label}}</option>{{end}}</select>
<button data-testid="set-quality">Set quality rating</button></form>
<form method="post" action="{{$.Base}}/controls/projects/{{$p.ID}}/senders/{{.ID}}/state">{{template "access" $.Access}}
{{range .StateActions}}<button name="state" value="{{.Value}}" data-testid="state-{{.Value}}">{{.Label}}</button> {{end}}</form>
<form method="post" action="{{$.Base}}/controls/projects/{{$p.ID}}/senders/{{.ID}}/display-name">{{template "access" $.Access}}
<input name="value" maxlength="128" placeholder="Display name (new one for a pending change)" aria-label="Display name">
<input name="reason" placeholder="Rejection reason (optional)" title="Default: {{$.DefaultReason}}" aria-label="Rejection reason">
{{range $.Choices.NameOutcomes}}<button name="status" value="{{.Value}}" data-testid="name-{{.Value}}">{{.Label}}</button> {{end}}</form>
</td></tr>{{end}}{{end}}</table>{{end}}
</div>{{else}}<p class="card">No projects yet.</p>{{end}}
<h2>Recent callbacks</h2>{{if .Callbacks}}<table><tr><th>When</th><th>Type</th><th>Target</th><th>Result</th></tr>
{{range .Callbacks}}<tr><td>{{date .At}}</td><td>{{.Type}}</td><td>{{.Target}}</td><td>{{if .Delivered}}delivered{{else}}failed: {{.Error}}{{end}} ({{.Attempts}} attempt(s))</td></tr>{{end}}</table>
{{else}}<p class="muted">None yet.</p>{{end}}
{{template "foot"}}{{end}}
`
