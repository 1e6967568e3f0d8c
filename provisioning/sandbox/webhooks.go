package sandbox

import (
	"net/http"
	"regexp"
	"slices"
	"strings"

	pv "wabadesk/provisioning"
)

const maxWebhooks = 15

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// knownTriggers is WebhookWebhookTriggersEnum (1.2.117).
var knownTriggers = strings.Fields(`ALL BUNDLE_DONE KAKAOTALK_SENDER_ACTIVE KAKAOTALK_SENDER_COMMENT_ADDED
KAKAOTALK_SENDER_INACTIVE KAKAOTALK_SENDER_REJECTED KAKAOTALK_TEMPLATE_APPROVED KAKAOTALK_TEMPLATE_COMMENT_ADDED
KAKAOTALK_TEMPLATE_REJECTED RCS_ACCOUNT_COMMENT_ADDED RCS_BRAND_REGISTRATION_PROCESS_STATUS_UPDATED
RCS_SENDER_COMMENT_ADDED RCS_SENDER_OPERATOR_STATUS_UPDATED RCS_SENDER_STATUS_UPDATED
WHATSAPP_ACCOUNT_COMMENT_ADDED WHATSAPP_ACCOUNT_DAILY_LIMIT_CHANGED WHATSAPP_ACCOUNT_ONBOARDED
WHATSAPP_ACCOUNT_PENDING_VERIFICATION WHATSAPP_ACCOUNT_REJECTED WHATSAPP_SENDER_ACTIVE
WHATSAPP_SENDER_COMMENT_ADDED WHATSAPP_SENDER_DAILY_LIMIT_CHANGED WHATSAPP_SENDER_DELETED
WHATSAPP_SENDER_DISPLAY_NAME_UPDATED WHATSAPP_SENDER_ERROR WHATSAPP_SENDER_INACTIVE
WHATSAPP_SENDER_PENDING_VERIFICATION WHATSAPP_SENDER_QUALITY_RATING_CHANGED WHATSAPP_SENDER_REJECTED
WHATSAPP_SENDER_USERNAME_UPDATED WHATSAPP_TEMPLATE_APPROVED WHATSAPP_TEMPLATE_CATEGORY_FUTURE_UPDATE
WHATSAPP_TEMPLATE_CATEGORY_UPDATED WHATSAPP_TEMPLATE_COMMENT_ADDED WHATSAPP_TEMPLATE_DELETED
WHATSAPP_TEMPLATE_QUALITY_SCORE_UPDATED WHATSAPP_TEMPLATE_REJECTED WHATSAPP_TEMPLATE_STATUS_UPDATED
WHATSAPP_WABA_ACCOUNT_CHANGED`)

func (s *Sandbox) listWebhooks(q *call) (int, any, *apiError) {
	hooks := make([]pv.Webhook, 0, len(q.p.Webhooks))
	for _, w := range q.p.Webhooks {
		hooks = append(hooks, w.DTO)
	}
	// "Returned in alphabetical order": by target, the only readable field.
	slices.SortFunc(hooks, func(a, b pv.Webhook) int { return strings.Compare(a.Target, b.Target) })
	pg, aerr := paginate(q.r.URL.Query(), len(hooks), maxWebhooks, maxWebhooks)
	if aerr != nil {
		return 0, nil, aerr
	}
	return http.StatusOK, pv.WebhookList{TotalSize: len(hooks), PageSize: pg.size, PreviousPageToken: pg.prev,
		NextPageToken: pg.next, Webhooks: clone(hooks[pg.start:pg.end])}, nil
}

func (s *Sandbox) createWebhook(q *call) (int, any, *apiError) {
	in, aerr := checkWebhook(q.body, true)
	if aerr != nil {
		return 0, nil, aerr
	}
	if q.p.targetTaken(in.Target, "") {
		return 0, nil, fail("webhook_exists")
	}
	if len(q.p.Webhooks) >= maxWebhooks {
		return 0, nil, fail("webhook_limit_reached")
	}
	w := &webhook{DTO: pv.Webhook{ID: newUUID(), ProjectID: q.p.ID, Target: in.Target, Triggers: in.Triggers}, Secret: in.Secret}
	q.p.Webhooks = append(q.p.Webhooks, w)
	s.changed()
	return http.StatusCreated, clone(w.DTO), nil
}

func (s *Sandbox) getWebhook(q *call) (int, any, *apiError) {
	w, aerr := findWebhook(q)
	if aerr != nil {
		return 0, nil, aerr
	}
	return http.StatusOK, clone(w.DTO), nil
}

func (s *Sandbox) replaceWebhook(q *call) (int, any, *apiError) {
	return s.changeWebhook(q, true)
}

func (s *Sandbox) updateWebhook(q *call) (int, any, *apiError) {
	return s.changeWebhook(q, false)
}

// changeWebhook is PUT (full) or PATCH (partial).
func (s *Sandbox) changeWebhook(q *call, full bool) (int, any, *apiError) {
	w, aerr := findWebhook(q)
	if aerr != nil {
		return 0, nil, aerr
	}
	in, aerr := checkWebhook(q.body, full)
	if aerr != nil {
		return 0, nil, aerr
	}
	if in.Target != "" && q.p.targetTaken(in.Target, w.DTO.ID) {
		return 0, nil, fail("webhook_exists")
	}
	w.DTO.Target = cmpOr(in.Target, w.DTO.Target)
	w.Secret = cmpOr(in.Secret, w.Secret)
	if len(in.Triggers) > 0 {
		w.DTO.Triggers = in.Triggers
	}
	s.changed()
	return http.StatusOK, clone(w.DTO), nil
}

func (s *Sandbox) deleteWebhook(q *call) (int, any, *apiError) {
	w, aerr := findWebhook(q)
	if aerr != nil {
		return 0, nil, aerr
	}
	q.p.Webhooks = slices.DeleteFunc(q.p.Webhooks, func(x *webhook) bool { return x == w })
	s.changed()
	return http.StatusNoContent, nil, nil
}

func findWebhook(q *call) (*webhook, *apiError) {
	id := q.r.PathValue("webhookId")
	if !uuidRE.MatchString(id) {
		return nil, fail("invalid_id_format")
	}
	w := q.p.webhook(id)
	if w == nil {
		return nil, fail("webhook_not_found")
	}
	return w, nil
}

func (p *project) targetTaken(target, exceptID string) bool {
	return slices.ContainsFunc(p.Webhooks, func(w *webhook) bool { return w.DTO.Target == target && w.DTO.ID != exceptID })
}

// checkWebhook validates WebhookWebhookInputDto (full) or its PATCH twin.
func checkWebhook(body []byte, full bool) (pv.WebhookRequest, *apiError) {
	m, aerr := decodeObject(body)
	if aerr != nil {
		return pv.WebhookRequest{}, aerr
	}
	var c checker
	c.str(m, "target", rule{required: full, min: 1, max: 742, format: "url"})
	c.str(m, "secret", rule{required: full, min: 1, max: 128})
	if v, ok := m["triggers"]; ok || full {
		checkTriggers(&c, v)
	}
	if err := c.result(); err != nil {
		return pv.WebhookRequest{}, err
	}
	var in pv.WebhookRequest
	remarshal(m, &in)
	return in, nil
}

func checkTriggers(c *checker, v any) {
	list, ok := v.([]any)
	if !ok {
		c.add("triggers must be an array")
		return
	}
	if len(list) == 0 {
		c.add("triggers must contain at least 1 elements")
	}
	seen := map[string]bool{}
	for _, t := range list {
		s, _ := t.(string)
		if !slices.Contains(knownTriggers, s) {
			c.add("each value in triggers must be one of the following values: %s", strings.Join(knownTriggers, ", "))
			return
		}
		if seen[s] {
			c.add("All triggers's elements must be unique")
			return
		}
		seen[s] = true
	}
}
