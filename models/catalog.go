package models

// Choice is one allowed value of an API enum with the label people read.
type Choice struct {
	Value string
	Label string
}

// BusinessCategories are the 20 account categories Sinch accepts for a WABA
// (ONLINE_GAMBLING is sender-only).
var BusinessCategories = []Choice{
	{"ALCOHOL", "Alcohol"},
	{"AUTOMOTIVE", "Automotive"},
	{"BEAUTY_SPA_SALON", "Beauty, spa and salon"},
	{"CLOTHING_AND_APPAREL", "Clothing and apparel"},
	{"EDUCATION", "Education"},
	{"ENTERTAINMENT", "Entertainment"},
	{"EVENT_PLANNING_AND_SERVICE", "Event planning and service"},
	{"FINANCE_AND_BANKING", "Finance and banking"},
	{"FOOD_AND_GROCERY", "Food and grocery"},
	{"HOTEL_AND_LODGING", "Hotel and lodging"},
	{"MEDICAL_AND_HEALTH", "Medical and health"},
	{"NON_PROFIT", "Non-profit"},
	{"OTC_DRUGS", "Over-the-counter drugs"},
	{"OTHER", "Other"},
	{"PHYSICAL_GAMBLING", "Gambling (physical venues)"},
	{"PROFESSIONAL_SERVICES", "Professional services"},
	{"PUBLIC_SERVICE", "Public service"},
	{"RESTAURANT", "Restaurant"},
	{"SHOPPING_AND_RETAIL", "Shopping and retail"},
	{"TRAVEL_AND_TRANSPORTATION", "Travel and transportation"},
}

// SenderVerticals are the 21 verticals a sender may have: the account
// categories plus online gambling.
var SenderVerticals = append(append([]Choice{}, BusinessCategories[:12]...),
	append([]Choice{{"ONLINE_GAMBLING", "Gambling (online)"}}, BusinessCategories[12:]...)...)

// SinchBusinessManagers are the Meta Business Managers Sinch can create the
// WABA under.
var SinchBusinessManagers = []Choice{
	{"SINCH_UK", "Sinch UK"},
	{"SINCH_BR", "Sinch Brazil"},
	{"SINCH_MX", "Sinch Mexico"},
	{"SINCH_AMERICA", "Sinch America"},
	{"SINCH_SEP", "Sinch SEP"},
}

// Regions are where the sender's Conversation API app lives.
var Regions = []Choice{{"EU", "Europe"}, {"US", "United States"}, {"BR", "Brazil"}}

// MetaLocalStorages are the countries where Meta can keep the data at rest.
var MetaLocalStorages = []Choice{
	{"AE", "United Arab Emirates"}, {"AU", "Australia"}, {"BH", "Bahrain"}, {"BR", "Brazil"},
	{"CA", "Canada"}, {"CH", "Switzerland"}, {"DE", "Germany"}, {"GB", "United Kingdom"},
	{"ID", "Indonesia"}, {"IN", "India"}, {"JP", "Japan"}, {"KR", "South Korea"},
	{"SG", "Singapore"}, {"US", "United States"}, {"ZA", "South Africa"},
}

// LabelOf returns the label of value in choices, or value itself.
func LabelOf(choices []Choice, value string) string {
	for _, c := range choices {
		if c.Value == value {
			return c.Label
		}
	}
	return value
}

func isChoice(choices []Choice, value string) bool {
	for _, c := range choices {
		if c.Value == value {
			return true
		}
	}
	return false
}

// regionAllowsManager is Sinch's table of which Sinch business manager may
// serve which region (sinch-api.md §7): EU only under SINCH_UK, BR never
// under SINCH_UK, US under all three. SINCH_AMERICA and SINCH_SEP are not
// in the table, so we do not block them.
func regionAllowsManager(region, manager string) bool {
	switch {
	case region == "EU" && (manager == "SINCH_BR" || manager == "SINCH_MX"):
		return false
	case region == "BR" && manager == "SINCH_UK":
		return false
	}
	return true
}
