package sandbox

import (
	"encoding/json"
	"net/http"
)

// papi is one entry of Sinch's error catalogue (sinch-api.md §5.2).
type papi struct {
	status              int
	message, resolution string
}

var catalogue = map[string]papi{
	"invalid_input":                            {400, "Invalid input.", "Correct the validation errors and submit again."},
	"invalid_payload":                          {400, "Invalid payload.", "Correct payload and submit again."},
	"invalid_page_size":                        {400, "Page size must be numeric.", "Use a integer value for pageSize parameter."},
	"invalid_page_token":                       {400, "Invalid page token.", "The page token to use is provided in the previous query response, for new queries simply leave this field undefined."},
	"invalid_id_format":                        {400, "Id is not in the expected format.", "webhookId param is in the wrong format. Confirm that you're sending the correct value."},
	"project_not_initialized":                  {400, "Project not initialized for WhatsApp.", "Verify that the project ID is correct and that it has been onboarded for WhatsApp."},
	"invalid_business_manager":                 {400, "Invalid business manager.", "Check that business manager is correct for project."},
	"invalid_business_manager_for_environment": {400, "Invalid business manager for environment.", "Verify that business manager is valid for environment. Allowed business managers for environment SINCH_AMERICA, SINCH_UK."},
	"no_fields_to_update":                      {400, "No fields to be updated.", "Supply at least one field to be updated."},
	"invalid_filter_states":                    {400, "Invalid filterStates.", "Verify that the filterStates used are supported by the Provisioning API."},
	"invalid_filter_statuses":                  {400, "Invalid filter statuses.", "Verify that the filterStatuses used are supported by the Provisioning API."},
	"unauthorized_error":                       {401, "Unauthorized error.", "Verify that projectId is correct."},
	"account_not_found":                        {404, "Account not found.", "Verify that the parameters are correct."},
	"sender_not_found":                         {404, "Sender not found.", "Verify that the parameters are correct."},
	"sender_changes_not_found":                 {404, "Sender changes not found.", "Verify that the parameters are correct."},
	"webhook_not_found":                        {404, "Webhook not found.", "Verify that the parameters are correct."},
	"account_exists":                           {409, "Account already exists.", "There can only be one WhatsApp account for each project. Choose another one project to create a new WhatsApp account."},
	"account_not_updatable":                    {409, "Account is not updatable.", `Only account that are in "REJECTED" state can be updated.`},
	"account_has_senders":                      {409, "Account has senders.", "Delete senders before deleting the account."},
	"webhook_exists":                           {409, "Webhook with the provided target already exists.", "Webhooks must have a unique target. Change the target and submit again."},
	"sender_already_deleted":                   {409, "A sender has been deleted within 30 days.", "Wait the required time."},
	"sender_not_updatable":                     {409, "Sender is not updatable.", "Updates are only supported by senders with state: ACTIVE."},
	"sender_changes_not_updatable":             {409, "Sender is not updatable.", "Updates are only supported by senders changes with status: DRAFT, REJECTED."},
	"sender_display_name_update_not_allowed":   {409, "Sender display name update is not allowed.", "Sender display name cannot be updated while it is being reviewed. Please try again later."},
	"sender_username_update_not_available":     {409, "Sender username update is not available.", `Only "ACTIVE" senders can have their username updated.`},
	"sender_changes_not_deletable":             {409, "Sender changes is not deletable.", "Only DRAFT, REJECTED, ERROR senders changes can be marked for deletion."},
	"not_allowed_register":                     {409, "Sender not allowed to be registered.", `Only "PENDING_VERIFICATION" sender can be registered.`},
	"not_allowed_verify":                       {409, "Sender not allowed to be verified.", `Only "PENDING_VERIFICATION" sender can be verified.`},
	"wrong_otp":                                {409, "Sender verification failed due to wrong OTP.", "Please make sure that the correct OTP code is entered."},
	"webhook_limit_reached":                    {424, "Number of webhooks has reached the limit.", "Delete some webhooks to be able to add more."},
	"sender-register-too-many-requests":        {429, "Sender register too many requests.", "Register sender request limits reached. Please try again later."},
	"too_many_invalid_verification_codes":      {429, "Too many invalid verification codes.", "You've tried too many invalid verification codes. Please try again later."},
	"internal_error":                           {500, "Internal server error.", "Please wait and try again, if the error persist please contact support."},
}

// errorBody is WhatsappPapiErrorDto / WebhookPapiErrorDto.
type errorBody struct {
	ErrorCode             string         `json:"errorCode"`
	Message               string         `json:"message"`
	Resolution            string         `json:"resolution"`
	AdditionalInformation map[string]any `json:"additionalInformation,omitempty"`
}

// apiError is a handler's failure: an errorCode from the catalogue plus
// optional additionalInformation.
type apiError struct {
	code string
	info map[string]any
	// resolution, when set, replaces the catalogue's (Sinch fills some in).
	resolution string
}

func (e *apiError) Error() string { return e.code }

func fail(code string) *apiError { return &apiError{code: code} }

func failWith(code string, info map[string]any) *apiError { return &apiError{code: code, info: info} }

func invalidInput(errs []string) *apiError {
	return failWith("invalid_input", map[string]any{"validationErrors": errs})
}

func writeError(w http.ResponseWriter, e *apiError) {
	p, ok := catalogue[e.code]
	if !ok {
		p = catalogue["internal_error"]
	}
	if e.resolution != "" {
		p.resolution = e.resolution
	}
	writeJSON(w, p.status, errorBody{ErrorCode: e.code, Message: p.message, Resolution: p.resolution, AdditionalInformation: e.info})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
