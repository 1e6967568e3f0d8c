package modelstest

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"

	"wabadesk/models"
)

// SeedHistory writes n clients of organisation orgID created over the year
// before now, with the stage history their journeys left: most go all the
// way to Active, some expire at Meta, some are rejected, some wait at Meta
// still, some drafts are deleted. Rows go in directly (a benchmark's
// 100,000 clients in seconds), as the Store would have written them.
func SeedHistory(tb interface{ Fatal(...any) }, db *gorm.DB, orgID int64, n int, now time.Time) {
	staff := []string{"Ana Lima", "Bruno Costa", "Carla Dias", "API key CRM sync", "Duarte Reis"}
	reasons := []string{"Display name does not follow Meta's guidelines", "Business Manager not verified", "Duplicate phone number"}
	type leg struct {
		stage models.Stage
		stay  time.Duration
	}
	path := []leg{{models.StageDraft, time.Hour}, {models.StageQueued, time.Minute}, {models.StagePreparing, 10 * time.Minute},
		{models.StageMetaApproval, 0}, {models.StageOnboarded, time.Hour}, {models.StageSenderReview, 20 * time.Hour},
		{models.StageVerification, 2 * time.Hour}, {models.StageActive, 0}}
	var clients []models.Client
	var changes []models.StageChange
	flush := func() {
		if err := db.CreateInBatches(clients, 500).Error; err != nil {
			tb.Fatal(err)
		}
		for i := range changes {
			changes[i].ClientID = clients[changes[i].ClientID].ID
		}
		if err := db.CreateInBatches(changes, 500).Error; err != nil {
			tb.Fatal(err)
		}
		clients, changes = clients[:0], changes[:0]
	}
	for i := range n {
		created := now.Add(-time.Duration(i%365)*24*time.Hour - time.Duration(i%24)*time.Hour - 48*time.Hour).UTC()
		legs := append([]leg(nil), path...)
		legs[3].stay = time.Duration(1+i%5) * 24 * time.Hour // days at Meta
		final, reason := models.StageActive, ""
		switch i % 10 {
		case 0: // expired at Meta
			legs, final, reason = append(legs[:4:4], leg{models.StageRejected, 0}), models.StageRejected, "The request expired at Meta after 90 days"
			legs[3].stay = 90 * 24 * time.Hour
		case 1: // rejected after Sinch's review
			legs, final, reason = append(legs[:3:3], leg{models.StageRejected, 0}), models.StageRejected, reasons[i%len(reasons)]
		case 2: // still at Meta
			legs, final = legs[:4], models.StageMetaApproval
		case 3: // a draft deleted
			legs, final = []leg{{models.StageDraft, 3 * time.Hour}, {models.StageDeleted, 0}}, models.StageDeleted
		}
		at := created
		idx := len(clients)
		for j, l := range legs {
			row := models.StageChange{OrganisationID: orgID, ClientID: int64(idx), CohortAt: created, CohortDay: created.Format(time.DateOnly),
				CreatedBy: staff[i%len(staff)], Stage: l.stage, At: at, FirstStay: true, Opening: j == 0}
			if l.stage == models.StageRejected {
				row.Reason = reason
			}
			if j < len(legs)-1 {
				left := at.Add(l.stay)
				b := models.DurationBucket(l.stay)
				row.LeftAt, row.Bucket = &left, &b
				at = left
			}
			changes = append(changes, row)
		}
		c := models.Client{OrganisationID: orgID, ClientInput: models.ClientInput{Name: fmt.Sprintf("Client %06d", i),
			BusinessManagerID: strconv.Itoa(500000000 + i)}, AccountStage: models.AccountOnboarded, Stage: final, StageSince: at,
			LastChangeAt: at, CreatedAt: created, RejectionReason: reason}
		if final == models.StageDeleted { // gone from clients; its history stays
			c.Stage = models.StageDraft
		}
		clients = append(clients, c)
		if len(clients) == 500 {
			flush()
		}
	}
	if len(clients) > 0 {
		flush()
	}
	db.Exec("DELETE FROM clients WHERE organisation_id = ? AND id IN (SELECT client_id FROM stage_changes WHERE stage = ?)", orgID, models.StageDeleted)
	if err := models.NewStore(db).RebuildStageStats(context.Background()); err != nil {
		tb.Fatal(err)
	}
}
