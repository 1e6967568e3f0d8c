package onboarding

// senderErrors explains Sinch's sender error codes to staff.
var senderErrors = map[string]string{
	"DUPLICATES_ON_SENDER_PHONE_NUMBER":               "This phone number is already used by another WhatsApp sender.",
	"NOT_VERIFIED_REQUESTED_PHONE_NUMBER":             "The phone number was not verified. Request a new code and enter it.",
	"NO_VERIFIED_PHONE_NUMBER":                        "No verified phone number was found for this sender.",
	"CANNOT_REGISTER_TO_CLOUD_API":                    "Meta could not register the number on the WhatsApp Cloud API. Check the number is not used in the WhatsApp app, then resubmit.",
	"CANNOT_REGISTER_NEW_WHATSAPP_SENDER":             "Meta could not register the new sender. Check the number and resubmit.",
	"CANNOT_CREATE_NEW_WHATSAPP_SENDER":               "Meta could not create the sender. Check the details and resubmit.",
	"CANNOT_SUBSCRIBE_TO_CLOUD_API":                   "Sinch could not subscribe the number to the Cloud API. Resubmit, or contact Sinch support if it repeats.",
	"CANNOT_SUBSCRIBE_TO_WEBHOOK":                     "Sinch could not subscribe to Meta's events for this number. Contact Sinch support.",
	"CANNOT_ASSIGN_CREDIT_LINE":                       "Sinch could not share its credit line with the WABA. Contact Sinch support.",
	"CANNOT_ASSIGN_SYSTEM_USER":                       "Sinch could not assign its system user to the WABA. Contact Sinch support.",
	"CANNOT_CREATE_WABA_FOR_BUSINESS":                 "Meta could not create a WABA for this business.",
	"CANNOT_GET_WABA_DETAILS":                         "Sinch could not read the WABA details from Meta.",
	"CANNOT_GET_DETAILS_FOR_CLOUD_API":                "Sinch could not read the number's Cloud API details.",
	"NOT_VERIFY_BUSINESS_VIA_WHATSAPP":                "The business is not verified with Meta yet.",
	"REQUESTED_PHONE_NUMBER_OR_COUNTRY_CODE_CONFLICT": "The phone number or country code does not match what Meta has. Check both and resubmit.",
	"WABA_CONNECTED_TO_ANOTHER_PROJECT":               "The WABA is connected to another Sinch project.",
	"MULTIPLE_WABA_FOR_PROJECT_ID":                    "The Sinch project has more than one WABA. Contact Sinch support.",
	"SENDER_HAS_BEEN_DELETED":                         "This sender was deleted.",
	"NO_PRICING_PLAN":                                 "The Sinch account has no pricing plan for WhatsApp. Contact Sinch.",
	"PROJECT_ID_CONFLICT":                             "The Sinch project conflicts with another one. Contact Sinch support.",
}

// ExplainSenderError is the plain-language meaning of a sender errorCode.
func ExplainSenderError(code string) string {
	if s, ok := senderErrors[code]; ok {
		return s
	}
	if code == "" {
		return "Sinch reported an error without a code."
	}
	return "Sinch reported " + code + ". Contact Sinch support if resubmitting does not help."
}
