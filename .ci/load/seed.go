package main

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"wabadesk/models"
)

// seeded is what the load needs from the data directory.
type seeded struct {
	email, password string
	token           string // the shared page's link token
}

// seedData creates the database (PostgreSQL at databaseURL, or SQLite in
// dataDir) the way the server would (same Open and Migrate), with one
// organisation and n clients spread over every stage, and one client link. Clients are inserted directly, without
// going through Sinch, like handlers/bench_test.go's seedClients; none is
// due for a sync, so the server's worker stays idle during the run.
func seedData(ctx context.Context, databaseURL, dataDir string, n int) (seeded, error) {
	s := seeded{email: "load@wabadesk.test", password: "load-test-password"}
	db, err := models.Open(databaseURL, dataDir, models.DefaultPool)
	if err != nil {
		return s, err
	}
	store := models.NewStore(db)
	defer store.Close()
	if err := store.Migrate(ctx); err != nil {
		return s, err
	}
	org, owner, err := store.CreateOrganisation(ctx, models.SignUp{OrganisationName: "Load Test Ltd",
		Name: "Load Tester", Email: s.email, Password: s.password})
	if err != nil {
		return s, err
	}
	now := time.Now().UTC()
	batch := make([]models.Client, 0, 500)
	flush := func() error {
		err := db.WithContext(ctx).CreateInBatches(batch, len(batch)).Error
		batch = batch[:0]
		return err
	}
	var linked int64 // a client waiting for Meta approval: its page has the most to show
	for i := range n {
		st := models.Stages[i%len(models.Stages)]
		since := now.Add(-time.Duration(i%500) * time.Hour)
		batch = append(batch, models.Client{OrganisationID: org.ID, ClientInput: models.ClientInput{
			Name: fmt.Sprintf("Client %05d", i), ProjectID: fmt.Sprintf("%08x-0000-4000-8000-%012x", i, i),
			BusinessManagerID: strconv.Itoa(100000000 + i), WabaName: fmt.Sprintf("Business %05d Ltd", i),
			SenderDisplayName: "Shop", BusinessCategory: "OTHER"},
			AccountStage: models.AccountOnboarded, Stage: st, StageSince: since, LastChangeAt: since,
			SenderPhone: fmt.Sprintf("+44 7700%06d", i)})
		if len(batch) == cap(batch) || i == n-1 {
			if err := flush(); err != nil {
				return s, fmt.Errorf("seed clients: %w", err)
			}
		}
	}
	err = db.WithContext(ctx).Model(&models.Client{}).Select("id").
		Where("organisation_id = ? AND stage = ?", org.ID, models.StageMetaApproval).Order("id").Limit(1).Scan(&linked).Error
	if err != nil || linked == 0 {
		return s, fmt.Errorf("seed: find a client to link: %v", err)
	}
	if _, s.token, err = store.CreateLink(ctx, org.ID, linked, owner, models.DefaultLinkLifetime); err != nil {
		return s, err
	}
	if databaseURL != "" {
		// What autovacuum does soon after a bulk load: statistics for the
		// planner and the visibility map that lets a page's ids come from
		// the index alone. Measured before it, every index read also
		// visits the table.
		if err := db.WithContext(ctx).Exec("VACUUM ANALYZE clients").Error; err != nil {
			return s, fmt.Errorf("seed: vacuum: %w", err)
		}
	}
	return s, nil
}
